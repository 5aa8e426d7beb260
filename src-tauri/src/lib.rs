//! The desktop shell: a window, and one IPC command that hands every operation to the core.
//! Nothing here has a rule in it; the core decides everything.

use std::path::PathBuf;
use std::sync::Arc;

use huixiao::api::{ApiError, Host};
use huixiao::caller::Caller;
use huixiao::i18n::Lang;
use huixiao::{api, app, http, App};
use serde_json::Value;
use tauri::Manager;

/// The opened database, or why it could not be opened (shown in the window; the file is left as it is).
struct Shell {
    host: Result<Host, huixiao::Error>,
}

/// The one command: `invoke("api", { op, input, lang })`. The caller is the organizer, answered
/// in the page's language (else the organisation's setting), like every other transport.
#[tauri::command]
async fn api(
    shell: tauri::State<'_, Shell>,
    op: String,
    input: Value,
    lang: Option<String>,
) -> Result<Value, ApiError> {
    let asked = lang.as_deref().and_then(Lang::parse);
    let host = shell
        .host
        .as_ref()
        .map_err(|e| ApiError::of(e, asked.unwrap_or_default()))?
        .clone();
    let name = op.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let lang = api::answer_lang(&host.app, asked);
        api::dispatch(&host, &Caller::organizer(lang), &op, input).map_err(|e| e.to_api(lang))
    })
    .await
    // The core catches its handlers' panics; this would be one in the shell's own closure.
    .map_err(|e| {
        tracing::error!(op = %name, "panicked: {e}");
        ApiError::of(&huixiao::Error::Internal, asked.unwrap_or_default())
    })?
}

/// `--db PATH` on the command line, else `HUIXIAO_DB`, else the data directory's default.
fn db_path() -> PathBuf {
    let mut args = std::env::args_os().skip(1);
    while let Some(a) = args.next() {
        if a == "--db" {
            if let Some(p) = args.next() {
                return PathBuf::from(p);
            }
        } else if let Some(p) = a.to_str().and_then(|s| s.strip_prefix("--db=")) {
            return PathBuf::from(p);
        }
    }
    std::env::var_os("HUIXIAO_DB")
        .map(PathBuf::from)
        .unwrap_or_else(app::default_db_path)
}

/// Without a GPU (no `/dev/dri`: a VM, Xvfb, some office PCs), WebKitGTK's accelerated compositing
/// falls back to Mesa's software OpenGL, which halves the prompter's frame rate; plain software
/// painting is faster there. Runs before any thread starts; an explicit setting wins.
fn software_rendering_without_compositing() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("WEBKIT_DISABLE_COMPOSITING_MODE").is_none()
        && !std::path::Path::new("/dev/dri").exists()
    {
        std::env::set_var("WEBKIT_DISABLE_COMPOSITING_MODE", "1");
    }
}

pub fn run() {
    software_rendering_without_compositing();
    let _log = huixiao::logging::init(&app::data_dir());
    let path = db_path();
    let opened = App::open(&path).map(Host::new);
    if let Err(e) = &opened {
        tracing::error!(path = %path.display(), code = e.code(), "cannot open database");
        eprintln!("{}", e.message(Lang::Zh));
    }
    with_api(tauri::Builder::default(), Shell { host: opened })
        .setup(|tauri_app| {
            serve_ui_to_stations(tauri_app);
            if let Ok(host) = &tauri_app.state::<Shell>().host {
                huixiao::hq::background::start(host.app.clone(), huixiao::hq::background::EVERY);
            }
            if let Some(window) = tauri_app.get_webview_window("main") {
                enable_camera(&window);
            }
            Ok(())
        })
        .run(tauri::generate_context!())
        .expect("error while running the Huixiao window");
}

/// The window's one command and the core behind it (the mock runtime's tests use it too).
fn with_api<R: tauri::Runtime>(builder: tauri::Builder<R>, shell: Shell) -> tauri::Builder<R> {
    builder
        .manage(shell)
        .invoke_handler(tauri::generate_handler![api])
}

/// LAN stations (phones) get the same UI the window shows, from the bundled assets, when the
/// organizer turns them on. The admin token is new each run; only loopback may use it.
fn serve_ui_to_stations(tauri_app: &tauri::App) {
    let shell = tauri_app.state::<Shell>();
    let Ok(host) = &shell.host else { return };
    let resolver = tauri_app.asset_resolver();
    let assets = move |path: &str| {
        resolver
            .get(path.to_string())
            .map(|asset| (asset.bytes, asset.mime_type))
    };
    host.lan.configure(
        http::Ui::Assets(Arc::new(assets)),
        huixiao::token::new_token(),
    );
}

/// WebKitGTK shows no `navigator.mediaDevices` until media streams are enabled, and asks the app
/// before it opens the camera: the check-in screen scans tickets with it, so allow that.
#[cfg(target_os = "linux")]
fn enable_camera(window: &tauri::WebviewWindow) {
    use webkit2gtk::glib::prelude::ObjectExt;
    use webkit2gtk::{PermissionRequestExt, SettingsExt, UserMediaPermissionRequest, WebViewExt};
    let done = window.with_webview(|webview| {
        let view = webview.inner();
        if let Some(settings) = view.settings() {
            settings.set_enable_media_stream(true);
            settings.set_enable_webrtc(true);
        }
        // The camera (and microphone) only; other requests get WebKit's default answer.
        view.connect_permission_request(|_, request| {
            if request.is::<UserMediaPermissionRequest>() {
                request.allow();
                true
            } else {
                false
            }
        });
    });
    if let Err(e) = done {
        tracing::warn!(error = %e, "cannot enable the camera in the window");
    }
}

#[cfg(not(target_os = "linux"))]
fn enable_camera(_window: &tauri::WebviewWindow) {}

#[cfg(test)]
mod tests;
