//! A client of the organisation's database, over TLS when the link's `sslmode` asks for it (rustls
//! with the ring provider, like the LAN server). Server certificates are checked against the link's
//! CA file (`sslrootcert`) or the system's CA bundle.

use std::sync::Arc;
use std::time::Duration;

use tokio_postgres::config::SslMode;
use tokio_postgres::error::SqlState;
use tokio_postgres::{Client, Config, NoTls};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::link::{redact, Link};
use crate::api::Failure;

/// Debian's bundle of the system's trusted CAs.
const SYSTEM_CA_BUNDLE: &str = "/etc/ssl/certs/ca-certificates.crt";

pub async fn connect(link: &Link) -> Result<Client, Failure> {
    connect_within(link, Duration::from_secs(10)).await
}

/// [`connect`], giving up after `timeout` (a question asked while the organizer waits).
pub async fn connect_within(link: &Link, timeout: Duration) -> Result<Client, Failure> {
    let mut config: Config = link.pg.parse().map_err(|e| {
        Failure::remote(
            format!("总部数据库的地址写得不对（{}）：{e}", redact(&link.pg)),
            format!(
                "The organisation database address is malformed ({}): {e}",
                redact(&link.pg)
            ),
        )
    })?;
    config.connect_timeout(timeout).application_name("huixiao");
    let where_ = place(&config);
    let client = if config.get_ssl_mode() == SslMode::Disable {
        let (client, connection) = config
            .connect(NoTls)
            .await
            .map_err(|e| failure(e, &where_))?;
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::warn!("organisation database connection ended: {e}");
            }
        });
        client
    } else {
        let tls = MakeRustlsConnect::new(tls_config(link)?);
        let (client, connection) = config.connect(tls).await.map_err(|e| failure(e, &where_))?;
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::warn!("organisation database connection ended: {e}");
            }
        });
        client
    };
    Ok(client)
}

fn tls_config(link: &Link) -> Result<rustls::ClientConfig, Failure> {
    use rustls::pki_types::pem::PemObject;
    use rustls::pki_types::CertificateDer;
    let file = link
        .ca_file
        .clone()
        .unwrap_or_else(|| SYSTEM_CA_BUNDLE.into());
    let mut roots = rustls::RootCertStore::empty();
    let certs = CertificateDer::pem_file_iter(&file).map_err(|e| {
        Failure::remote(
            format!("读不了证书文件 {}：{e}", file.display()),
            format!("Cannot read the certificate file {}: {e}", file.display()),
        )
    })?;
    for cert in certs.flatten() {
        let _ = roots.add(cert);
    }
    if roots.is_empty() {
        return Err(Failure::remote(
            format!("证书文件 {} 里没有可用的 CA 证书。", file.display()),
            format!(
                "The certificate file {} holds no usable CA certificate.",
                file.display()
            ),
        ));
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| {
            Failure::remote(
                format!("TLS 设置失败：{e}"),
                format!("TLS setup failed: {e}"),
            )
        })?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(config)
}

/// "host:port/db", for messages.
fn place(config: &Config) -> String {
    use tokio_postgres::config::Host;
    let host = match config.get_hosts().first() {
        Some(Host::Tcp(h)) => h.clone(),
        #[cfg(unix)]
        Some(Host::Unix(p)) => p.display().to_string(),
        None => "localhost".into(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    format!("{host}:{port}/{}", config.get_dbname().unwrap_or(""))
}

/// What a person is told when one of head office's functions refuses with a code of ours
/// (`HX…`): the code, then the sentence in Chinese and in English.
pub type Refusals = [(&'static str, &'static str, &'static str)];

/// Calls one of head office's functions that settles something for a person (merge two stores,
/// approve a staff member …); its refusals said as `said` has them, anything else as [`failure`].
pub async fn settle(
    client: &Client,
    place: &str,
    sql: &str,
    params: &[&(dyn tokio_postgres::types::ToSql + Sync)],
    said: &Refusals,
) -> Result<(), Failure> {
    match client.execute(sql, params).await {
        Ok(_) => Ok(()),
        Err(e) => {
            let code = e.as_db_error().map(|d| d.code().code().to_owned());
            match said.iter().find(|(c, _, _)| Some(*c) == code.as_deref()) {
                Some((_, zh, en)) => Err(Failure::remote(*zh, *en)),
                None => Err(failure(e, place)),
            }
        }
    }
}

/// What went wrong, said so a person knows what to do next.
pub fn failure(e: tokio_postgres::Error, place: &str) -> Failure {
    if let Some(db) = e.as_db_error() {
        let code = db.code();
        if *code == SqlState::INVALID_PASSWORD {
            return Failure::remote(
                format!("总部数据库 {place} 拒绝了登录：密码不对，或这台电脑已被总部撤销。请向总部要新的加入链接。"),
                format!("The organisation database {place} refused the sign-in: the secret is wrong, or head office revoked this laptop. Ask head office for a new join link."),
            );
        }
        if *code == SqlState::INVALID_AUTHORIZATION_SPECIFICATION {
            return Failure::remote(
                format!("总部数据库 {place} 不再接受这台电脑（已被总部撤销）。请向总部要新的加入链接。"),
                format!("The organisation database {place} no longer accepts this laptop (head office revoked it). Ask head office for a new join link."),
            );
        }
        if *code == SqlState::INVALID_CATALOG_NAME {
            return Failure::remote(
                format!("服务器上没有这个数据库：{place}。请检查地址。"),
                format!("There is no such database on the server: {place}. Check the address."),
            );
        }
        return Failure::remote(
            format!("总部数据库 {place} 报错：{}", db.message()),
            format!(
                "The organisation database {place} answered an error: {}",
                db.message()
            ),
        );
    }
    Failure::remote(
        format!("连不上总部数据库 {place}：{e}。请检查网络和地址；本机的会销照常进行，稍后再同步。"),
        format!("Cannot reach the organisation database {place}: {e}. Check the network and the address; seminars on this laptop go on as usual, sync again later."),
    )
}
