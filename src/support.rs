//! Support: what the organizer reads out to support (the version, where the app keeps its files)
//! and the logs to send them, as one zip with every phone number hidden.

use std::io::Write;
use std::path::Path;

use serde::Serialize;
use ts_rs::TS;
use utoipa::ToSchema;

use crate::app::App;
use crate::error::Result;
use crate::input::Empty;
use crate::output::FileOut;

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct About {
    pub version: String,
    /// The folder of the database, its backups and the LAN certificate.
    pub data_dir: String,
    pub log_dir: String,
    /// The open database file (none for an in-memory one).
    pub database: Option<String>,
}

pub fn about(app: &App, _: Empty) -> Result<About> {
    let data = crate::app::data_dir();
    Ok(About {
        version: env!("CARGO_PKG_VERSION").into(),
        log_dir: crate::logging::log_dir(&data).display().to_string(),
        data_dir: data.display().to_string(),
        database: app.db.path().map(|p| p.display().to_string()),
    })
}

/// The app's logs (`support.logs`): the last 14 days, zipped.
pub fn logs(app: &App, _: Empty) -> Result<FileOut> {
    let day = app.now().format("%Y%m%d");
    let bytes = logs_zip(&crate::logging::log_dir(&crate::app::data_dir()))?;
    Ok(FileOut::new(
        format!("huixiao-logs-{day}.zip"),
        "application/zip",
        &bytes,
    ))
}

/// Every log file of `dir` in one zip, each line with its phone numbers hidden
/// ([`crate::phone::redact`]): the logs hold none by design, and the zip makes sure.
pub fn logs_zip(dir: &Path) -> Result<Vec<u8>> {
    let mut names: Vec<_> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(|e| e.ok())
            .filter(|e| e.path().is_file())
            .map(|e| e.file_name())
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => vec![],
        Err(e) => return Err(e.into()),
    };
    names.sort();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for name in names {
        let text = std::fs::read(dir.join(&name))?;
        let text = crate::phone::redact(&String::from_utf8_lossy(&text));
        zip.start_file(name.to_string_lossy(), options)
            .map_err(std::io::Error::other)?;
        zip.write_all(text.as_bytes())?;
    }
    let out = zip.finish().map_err(std::io::Error::other)?;
    Ok(out.into_inner())
}
