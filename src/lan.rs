//! The LAN server for stations: HTTPS on the venue network, off until the organizer turns it on.
//!
//! Phones need a secure context for the camera, so the server speaks TLS with a self-signed
//! certificate made on first use and remade when the laptop's LAN addresses change (it names
//! every current address). The certificate lives beside the database, in `lan/`.

use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use sha2::{Digest, Sha256};

use serde::Serialize;
use ts_rs::TS;
use utoipa::ToSchema;

use crate::api::Host;
use crate::app::App;
use crate::error::{invalid, Result};
use crate::http::{self, Ui};
use crate::input::Empty;
use crate::station::{self, NewStation, Pairing};

#[derive(Debug, Clone, Default, serde::Deserialize, ts_rs::TS, utoipa::ToSchema)]
pub struct LanStart {
    /// The port (default 7316). The server listens on every LAN address.
    #[serde(default)]
    pub port: Option<u16>,
}

/// The LAN server as the organizer sees it.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct LanStatus {
    pub running: bool,
    /// `https://ADDRESS:PORT/` for each LAN address.
    pub urls: Vec<String>,
    pub port: Option<u16>,
    /// SHA-256 of the certificate, for staff who check the browser's warning.
    pub cert_sha256: Option<String>,
}

/// Whether the LAN stations are on, and where (`lan.status`).
pub fn status_op(host: &Host, _: Empty) -> Result<LanStatus> {
    Ok(host.lan.status())
}

/// The organizer turns the LAN stations on (`lan.start`).
pub fn start_op(host: &Host, input: LanStart) -> Result<LanStatus> {
    let (ui, token) = host
        .lan
        .defaults
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .clone();
    start(
        host,
        LanConfig {
            addr: SocketAddr::from(([0, 0, 0, 0], input.port.unwrap_or(DEFAULT_PORT))),
            admin_token: token.unwrap_or_else(crate::token::new_token),
            ui,
        },
    )
}

/// The organizer turns the LAN stations off (`lan.stop`).
pub fn stop_op(host: &Host, _: Empty) -> Result<LanStatus> {
    host.lan.stop();
    Ok(host.lan.status())
}

/// A station for one staff member, its pairing QR pointing at the LAN server's first address
/// (`stations.create`).
pub fn create_station(host: &Host, input: NewStation) -> Result<Pairing> {
    station::create(&host.app, input, &host.lan.status().urls)
}

/// The running LAN server, if any. One per app.
#[derive(Default)]
pub struct Lan {
    running: Mutex<Option<Running>>,
    /// What the organizer's "turn stations on" uses: the UI to serve and the admin token,
    /// set by the transport that owns the app (the desktop shell or `huixiao serve`).
    defaults: Mutex<(Ui, Option<String>)>,
}

struct Running {
    bound: SocketAddr,
    hosts: Vec<IpAddr>,
    cert_sha256: String,
    handle: axum_server::Handle,
    thread: Option<std::thread::JoinHandle<()>>,
}

/// How to start the LAN server.
pub struct LanConfig {
    /// `0.0.0.0:PORT` for the venue network; a loopback address for tests.
    pub addr: SocketAddr,
    /// The organizer's token, accepted from loopback only.
    pub admin_token: String,
    pub ui: Ui,
}

/// The default port of the LAN server.
pub const DEFAULT_PORT: u16 = 7316;

impl Lan {
    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Running>> {
        self.running.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn status(&self) -> LanStatus {
        match &*self.lock() {
            Some(r) => LanStatus {
                running: true,
                urls: r
                    .hosts
                    .iter()
                    .map(|h| format!("https://{}/", SocketAddr::new(*h, r.bound.port())))
                    .collect(),
                port: Some(r.bound.port()),
                cert_sha256: Some(r.cert_sha256.clone()),
            },
            None => LanStatus {
                running: false,
                urls: vec![],
                port: None,
                cert_sha256: None,
            },
        }
    }

    /// Sets the UI and admin token that [`start_op`] serves with.
    pub fn configure(&self, ui: Ui, admin_token: String) {
        *self.defaults.lock().unwrap_or_else(|p| p.into_inner()) = (ui, Some(admin_token));
    }

    /// Stops the server (stations lose the hub until it is started again).
    pub fn stop(&self) {
        let running = self.lock().take();
        if let Some(mut r) = running {
            r.handle.shutdown();
            if let Some(t) = r.thread.take() {
                let _ = t.join();
            }
            tracing::info!("LAN stations turned off");
        }
    }
}

/// Starts the LAN server on its own thread and runtime; returns once it listens.
pub fn start(host: &Host, config: LanConfig) -> Result<LanStatus> {
    host.lan.stop();
    let hosts = hosts_for(config.addr.ip());
    let dir = cert_dir(&host.app);
    let (cert_pem, key_pem) = certificate(&dir, &hosts)?;
    let cert_sha256 = pem_sha256(&cert_pem);
    let listener = TcpListener::bind(config.addr).map_err(|e| {
        invalid(
            "addr",
            format!("无法在 {} 上开启局域网工作站：{e}", config.addr),
            format!("Cannot start the LAN stations on {}: {e}", config.addr),
        )
    })?;
    listener.set_nonblocking(true)?;
    let bound = listener.local_addr()?;
    let server = Arc::new(http::Server {
        host: host.clone(),
        admin_token: config.admin_token,
    });
    let router = http::router(server, config.ui);
    let handle = axum_server::Handle::new();
    let serve_handle = handle.clone();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("huixiao-lan")
        .enable_all()
        .build()?;
    let thread = std::thread::Builder::new()
        .name("huixiao-lan".into())
        .spawn(move || {
            runtime.block_on(async move {
                let tls = match axum_server::tls_rustls::RustlsConfig::from_pem(cert_pem, key_pem)
                    .await
                {
                    Ok(t) => t,
                    Err(e) => {
                        tracing::error!("LAN TLS configuration: {e}");
                        return;
                    }
                };
                let served = axum_server::from_tcp_rustls(listener, tls)
                    .handle(serve_handle)
                    .serve(router.into_make_service_with_connect_info::<SocketAddr>())
                    .await;
                if let Err(e) = served {
                    tracing::error!("LAN server stopped: {e}");
                }
            });
            // Requests still running (one may be the organizer's own "turn off") finish on their
            // own; waiting for them here would wait for ourselves.
            runtime.shutdown_background();
        })?;
    tracing::info!(%bound, hosts = hosts.len(), "LAN stations turned on");
    *host.lan.lock() = Some(Running {
        bound,
        hosts,
        cert_sha256,
        handle,
        thread: Some(thread),
    });
    Ok(host.lan.status())
}

/// The addresses a phone can reach: the bound one, or every LAN address when bound to all.
fn hosts_for(ip: IpAddr) -> Vec<IpAddr> {
    if !ip.is_unspecified() {
        return vec![ip];
    }
    let mut hosts: Vec<IpAddr> = if_addrs::get_if_addrs()
        .unwrap_or_default()
        .into_iter()
        .map(|i| i.ip())
        .filter(|ip| match ip {
            IpAddr::V4(v4) => !v4.is_loopback() && !v4.is_link_local(),
            IpAddr::V6(_) => false,
        })
        .collect();
    hosts.sort();
    hosts.dedup();
    if hosts.is_empty() {
        hosts.push(IpAddr::from([127, 0, 0, 1]));
    }
    hosts
}

fn cert_dir(app: &App) -> PathBuf {
    match app.db.path().and_then(Path::parent) {
        Some(p) if !p.as_os_str().is_empty() => p.join("lan"),
        _ => crate::app::data_dir().join("lan"),
    }
}

/// The certificate and key (PEM) naming `hosts`, `localhost` and 127.0.0.1: the stored ones when
/// they name the same addresses, else fresh ones (stored for next time).
fn certificate(dir: &Path, hosts: &[IpAddr]) -> Result<(Vec<u8>, Vec<u8>)> {
    let mut names: Vec<String> = hosts.iter().map(IpAddr::to_string).collect();
    for n in ["127.0.0.1", "localhost"] {
        if !names.iter().any(|x| x == n) {
            names.push(n.into());
        }
    }
    names.sort();
    let wanted = names.join("\n");
    let (cert_path, key_path, names_path) = (
        dir.join("cert.pem"),
        dir.join("key.pem"),
        dir.join("names.txt"),
    );
    if let (Ok(c), Ok(k), Ok(n)) = (
        std::fs::read(&cert_path),
        std::fs::read(&key_path),
        std::fs::read_to_string(&names_path),
    ) {
        if n == wanted {
            return Ok((c, k));
        }
        tracing::info!("LAN addresses changed: making a new certificate");
    }
    let certified = rcgen::generate_simple_self_signed(names).map_err(|e| {
        invalid(
            "certificate",
            format!("无法生成局域网证书：{e}"),
            format!("Cannot make the LAN certificate: {e}"),
        )
    })?;
    let cert = certified.cert.pem().into_bytes();
    let key = certified.signing_key.serialize_pem().into_bytes();
    std::fs::create_dir_all(dir)?;
    write_private(&key_path, &key)?;
    std::fs::write(&cert_path, &cert)?;
    std::fs::write(&names_path, &wanted)?;
    Ok((cert, key))
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(bytes)
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

/// SHA-256 of the certificate's DER bytes, as browsers show it (AB:CD:…).
fn pem_sha256(pem: &[u8]) -> String {
    let text = String::from_utf8_lossy(pem);
    let b64: String = text
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect::<Vec<_>>()
        .concat();
    use base64::Engine;
    let der = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .unwrap_or_default();
    Sha256::digest(&der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}
