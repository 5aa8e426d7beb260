//! Outputs many operations share. A leaf: every layer may use it.

use serde::Serialize;
use ts_rs::TS;
use utoipa::ToSchema;

/// A file for the UI to save: name, MIME type and base64 content.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct FileOut {
    pub file_name: String,
    pub mime: String,
    pub data_base64: String,
}

impl FileOut {
    pub fn new(file_name: impl Into<String>, mime: &str, bytes: &[u8]) -> FileOut {
        use base64::Engine;
        FileOut {
            file_name: file_name.into(),
            mime: mime.into(),
            data_base64: base64::engine::general_purpose::STANDARD.encode(bytes),
        }
    }
}
