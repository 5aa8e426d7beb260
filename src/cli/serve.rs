//! `huixiao serve`: the app in a browser on loopback, or the LAN hub for stations.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use super::Result;
use crate::api::Host;
use crate::app::{self, App};
use crate::i18n::Lang;
use crate::{http, lan};

pub(super) fn browser(
    host: Host,
    addr: SocketAddr,
    token: String,
    ui: http::Ui,
    lang: Lang,
) -> Result {
    if !addr.ip().is_loopback() {
        return Err(crate::error::invalid(
            "addr",
            format!("{addr} 不是本机回环地址：浏览器模式只监听 127.0.0.1；局域网工作站请用 --lan 开启。"),
            format!("{addr} is not a loopback address: browser mode listens on 127.0.0.1 only; turn LAN stations on with --lan."),
        )
        .into());
    }
    let server = Arc::new(http::Server {
        host,
        admin_token: token.clone(),
    });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(http::serve(
        server,
        addr,
        ui,
        |bound| {
            println!(
                "{}http://{bound}/?token={token}",
                lang.pick(
                    "Huixiao 已启动，请在浏览器中打开：",
                    "Huixiao is running; open in your browser: "
                )
            );
            use std::io::Write;
            let _ = std::io::stdout().flush();
        },
        async {
            let _ = tokio::signal::ctrl_c().await;
        },
    ))?;
    Ok(())
}

/// The headless hub: the LAN server (HTTPS) until Ctrl-C. The organizer's link works on this
/// computer only; stations pair with the codes from `stations.create`.
pub(super) fn lan(
    host: &Host,
    addr: SocketAddr,
    token: String,
    ui: http::Ui,
    lang: Lang,
) -> Result {
    let status = lan::start(
        host,
        lan::LanConfig {
            addr,
            admin_token: token.clone(),
            ui,
        },
    )?;
    let port = status.port.unwrap_or(addr.port());
    println!(
        "{}https://127.0.0.1:{port}/?token={token}",
        lang.pick(
            "Huixiao 已启动，请在本机浏览器中打开：",
            "Huixiao is running; open on this computer: "
        )
    );
    for url in &status.urls {
        println!("{}{url}", lang.pick("局域网地址：", "LAN address: "));
    }
    if let Some(fp) = &status.cert_sha256 {
        println!(
            "{}{fp}",
            lang.pick("证书指纹 SHA-256：", "Certificate SHA-256: ")
        );
    }
    use std::io::Write;
    let _ = std::io::stdout().flush();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let _ = tokio::signal::ctrl_c().await;
    });
    host.lan.stop();
    Ok(())
}

/// Readies what `huixiao serve` serves: the app's clock (`--clock`), and the UI and admin token the
/// LAN server gets when the organizer turns stations on from the browser (`lan.start`), so a
/// phone paired from browser mode gets the same UI as from the desktop window.
pub fn prepare_serve(
    app: App,
    ui: &http::Ui,
    token: &str,
    clock: Option<&str>,
) -> crate::error::Result<Host> {
    let app = match clock {
        Some(t) => {
            let start = chrono::DateTime::parse_from_rfc3339(t.trim()).map_err(|_| {
                crate::error::invalid(
                    "clock",
                    format!("时钟“{t}”无效，请使用 2026-12-10T09:00:00+08:00 这样的格式。"),
                    format!("Clock “{t}” is not valid; use the form 2026-12-10T09:00:00+08:00."),
                )
            })?;
            app.with_clock(app::Clock::starting_at(start.with_timezone(&chrono::Utc)))
        }
        None => app,
    };
    let host = Host::new(app);
    host.lan.configure(ui.clone(), token.to_owned());
    Ok(host)
}

/// `ui/dist` beside the executable, or in the source tree this binary was built from.
pub(super) fn default_ui_dir() -> Option<PathBuf> {
    let beside = std::env::current_exe().ok()?.parent()?.join("ui");
    if beside.join("index.html").is_file() {
        return Some(beside);
    }
    let source = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("ui/dist");
    source.join("index.html").is_file().then_some(source)
}
