//! The desktop shell: a window, and one IPC command that hands every operation to the core.
//! Nothing here has a rule in it; the core decides everything.

use std::path::PathBuf;
use std::sync::Arc;

use huixiao::error::ApiError;
use huixiao::i18n::Lang;
use huixiao::{api, app, App};
use serde_json::Value;

/// The opened database, or why it could not be opened (shown in the window; the file is left as it is).
struct Shell {
    app: Result<Arc<App>, huixiao::Error>,
}

/// The one command: `invoke("api", { op, input, lang })`.
#[tauri::command]
async fn api(
    shell: tauri::State<'_, Shell>,
    op: String,
    input: Value,
    lang: Option<String>,
) -> Result<Value, ApiError> {
    let lang = lang.as_deref().and_then(Lang::parse).unwrap_or_default();
    let app = shell.app.as_ref().map_err(|e| e.to_api(lang))?.clone();
    tauri::async_runtime::spawn_blocking(move || {
        api::dispatch(&app, &op, input).map_err(|e| e.to_api(lang))
    })
    .await
    .map_err(|e| ApiError {
        code: "internal".into(),
        message: e.to_string(),
        field: None,
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

pub fn run() {
    let _log = huixiao::logging::init(&app::data_dir());
    let path = db_path();
    let opened = App::open(&path).map(Arc::new);
    if let Err(e) = &opened {
        tracing::error!(path = %path.display(), code = e.code(), "cannot open database");
        eprintln!("{}", e.message(Lang::Zh));
    }
    tauri::Builder::default()
        .manage(Shell { app: opened })
        .invoke_handler(tauri::generate_handler![api])
        .run(tauri::generate_context!())
        .expect("error while running the Huixiao window");
}
