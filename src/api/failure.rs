//! Why a call was not done, as every transport reports it: the domain refused it (an
//! [`Error`]), or the transport could not make it (an unknown operation, a malformed request,
//! a refused token). The wire form, [`ApiError`], is the same on IPC, HTTP and the CLI's JSON.

use serde::Serialize;
use ts_rs::TS;
use utoipa::ToSchema;

use crate::error::Error;
use crate::i18n::Lang;
use crate::token::Refusal;

#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// The operation ran and refused, or failed inside.
    #[error(transparent)]
    Refused(#[from] Error),
    #[error("unknown operation {0}")]
    UnknownOp(String),
    /// The request did not match the operation's input type.
    #[error("bad request: {0}")]
    BadInput(String),
    /// No token, or one that is unknown, expired or revoked (401).
    #[error("token refused: {0:?}")]
    Unauthorized(Refusal),
    /// The organisation's database (head office) could not be reached, or refused (502).
    #[error("{en}")]
    Remote { zh: String, en: String },
}

/// What every transport sends back: a code the UI can switch on, a sentence in the user's
/// language, and the field it concerns.
#[derive(Debug, Clone, Serialize, TS, ToSchema, PartialEq)]
pub struct ApiError {
    pub code: String,
    pub message: String,
    pub field: Option<String>,
}

impl Failure {
    pub fn code(&self) -> &'static str {
        match self {
            Failure::Refused(e) => e.code(),
            Failure::UnknownOp(_) => "unknown_operation",
            Failure::BadInput(_) => "bad_request",
            Failure::Unauthorized(_) => "unauthorized",
            Failure::Remote { .. } => "remote",
        }
    }

    /// The sentence a user reads.
    pub fn message(&self, lang: Lang) -> String {
        match self {
            Failure::Refused(e) => e.message(lang),
            Failure::UnknownOp(op) => match lang {
                Lang::Zh => format!("未知的操作：{op}"),
                Lang::En => format!("Unknown operation: {op}"),
            },
            Failure::BadInput(detail) => match lang {
                Lang::Zh => format!("请求格式不正确：{detail}"),
                Lang::En => format!("The request is malformed: {detail}"),
            },
            Failure::Unauthorized(refusal) => {
                let (zh, en) = refusal.message();
                lang.pick(zh, en).into()
            }
            Failure::Remote { zh, en } => lang.pick(zh, en).into(),
        }
    }

    pub fn field(&self) -> Option<&'static str> {
        match self {
            Failure::Refused(e) => e.field(),
            _ => None,
        }
    }

    /// A bug, not the caller's fault (exit code 70 on the CLI, 500 over HTTP).
    pub fn is_internal(&self) -> bool {
        self.code() == "internal"
    }

    pub fn to_api(&self, lang: Lang) -> ApiError {
        match self {
            Failure::Refused(e) => ApiError::of(e, lang),
            _ => ApiError {
                code: self.code().into(),
                message: self.message(lang),
                field: None,
            },
        }
    }
}

impl Failure {
    /// A refusal or fault of the organisation's database, in both languages.
    pub fn remote(zh: impl Into<String>, en: impl Into<String>) -> Failure {
        Failure::Remote {
            zh: zh.into(),
            en: en.into(),
        }
    }
}

impl ApiError {
    /// The domain's refusal as the wire carries it.
    pub fn of(e: &Error, lang: Lang) -> ApiError {
        ApiError {
            code: e.code().into(),
            message: e.message(lang),
            field: e.field().map(str::to_owned),
        }
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Failure {
        Failure::Refused(e.into())
    }
}
