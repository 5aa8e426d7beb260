//! Errors a user can meet, as typed values that render as a sentence in the user's language.

use serde::Serialize;
use ts_rs::TS;
use utoipa::ToSchema;

use crate::i18n::Lang;

/// The one error type of the core. Each variant knows its HTTP status, its machine `code`,
/// the field it concerns (if any) and how to say itself in Chinese and English.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A value the user typed or imported is not acceptable. `zh`/`en` explain why.
    #[error("{field}: {en}")]
    Invalid {
        field: &'static str,
        zh: String,
        en: String,
    },
    #[error("{what} {id} not found")]
    NotFound { what: Thing, id: i64 },
    /// The request is well-formed but conflicts with the current state.
    #[error("{en}")]
    Conflict { zh: String, en: String },
    /// No token, or one that is unknown, expired or revoked (401).
    #[error("token refused: {0:?}")]
    Unauthorized(crate::token::Refusal),
    /// A valid caller that may not do this (403): a station outside its role or seminar.
    #[error("{en}")]
    Forbidden { zh: String, en: String },
    #[error("unknown operation {0}")]
    UnknownOp(String),
    /// The request body did not match the operation's input type.
    #[error("bad request: {0}")]
    BadInput(String),
    /// The database file cannot be used (not SQLite, newer than the app, unreadable).
    #[error("{en}")]
    Database { zh: String, en: String },
    #[error("storage error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
    /// A bug: a handler panicked (see [`crate::panics`]). The log has the details.
    #[error("internal error")]
    Internal,
}

/// Things that can be looked up by id, for "not found" messages.
#[derive(Debug, Clone, Copy)]
pub enum Thing {
    Seminar,
    Store,
    Contact,
    Staff,
    Invitation,
    Table,
    Product,
    Ticket,
    Deal,
    FollowUp,
    Station,
    CheckIn,
    ChecklistItem,
}

impl Thing {
    fn zh(self) -> &'static str {
        match self {
            Thing::Seminar => "会销",
            Thing::Store => "门店",
            Thing::Contact => "联系人",
            Thing::Staff => "员工",
            Thing::Invitation => "邀约",
            Thing::Table => "桌子",
            Thing::Product => "产品",
            Thing::Ticket => "票",
            Thing::Deal => "成交",
            Thing::FollowUp => "跟进",
            Thing::Station => "工作站",
            Thing::CheckIn => "签到记录",
            Thing::ChecklistItem => "检查项",
        }
    }
    fn en(self) -> &'static str {
        match self {
            Thing::Seminar => "seminar",
            Thing::Store => "store",
            Thing::Contact => "contact",
            Thing::Staff => "staff member",
            Thing::Invitation => "invitation",
            Thing::Table => "table",
            Thing::Product => "product",
            Thing::Ticket => "ticket",
            Thing::Deal => "deal",
            Thing::FollowUp => "follow-up",
            Thing::Station => "station",
            Thing::CheckIn => "check-in",
            Thing::ChecklistItem => "checklist item",
        }
    }
}

impl std::fmt::Display for Thing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.en())
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A refusal of a valid caller (403), with the reason in both languages.
    pub fn forbidden(zh: impl Into<String>, en: impl Into<String>) -> Error {
        Error::Forbidden {
            zh: zh.into(),
            en: en.into(),
        }
    }
}

/// Shorthand for a validation error on one field.
pub fn invalid(field: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Error {
    Error::Invalid {
        field,
        zh: zh.into(),
        en: en.into(),
    }
}

/// What every transport sends back: a code the UI can switch on, a sentence in the user's
/// language, and the field it concerns.
#[derive(Debug, Clone, Serialize, TS, ToSchema, PartialEq)]
pub struct ApiError {
    pub code: String,
    pub message: String,
    pub field: Option<String>,
}

impl Error {
    pub fn code(&self) -> &'static str {
        match self {
            Error::Invalid { .. } => "validation",
            Error::NotFound { .. } => "not_found",
            Error::Conflict { .. } => "conflict",
            Error::Unauthorized(_) => "unauthorized",
            Error::Forbidden { .. } => "forbidden",
            Error::UnknownOp(_) => "unknown_operation",
            Error::BadInput(_) => "bad_request",
            Error::Database { .. } => "database",
            Error::Sqlite(_) | Error::Io(_) | Error::Internal => "internal",
        }
    }

    pub fn http_status(&self) -> u16 {
        match self {
            Error::Invalid { .. } | Error::BadInput(_) => 400,
            Error::Unauthorized(_) => 401,
            Error::Forbidden { .. } => 403,
            Error::NotFound { .. } | Error::UnknownOp(_) => 404,
            Error::Conflict { .. } => 409,
            Error::Database { .. } | Error::Sqlite(_) | Error::Io(_) | Error::Internal => 500,
        }
    }

    /// The sentence a user reads.
    pub fn message(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        match self {
            Error::Invalid { zh: z, en, .. }
            | Error::Conflict { zh: z, en }
            | Error::Forbidden { zh: z, en }
            | Error::Database { zh: z, en } => {
                if zh {
                    z.clone()
                } else {
                    en.clone()
                }
            }
            Error::NotFound { what, id } => {
                if zh {
                    format!("找不到{}（编号 {id}），它可能已被删除。", what.zh())
                } else {
                    format!("No {} with id {id}; it may have been deleted.", what.en())
                }
            }
            Error::Unauthorized(refusal) => {
                lang.pick(refusal.message().0, refusal.message().1).into()
            }
            Error::UnknownOp(op) => {
                if zh {
                    format!("未知的操作：{op}")
                } else {
                    format!("Unknown operation: {op}")
                }
            }
            Error::BadInput(detail) => {
                if zh {
                    format!("请求格式不正确：{detail}")
                } else {
                    format!("The request is malformed: {detail}")
                }
            }
            Error::Sqlite(e) => {
                if zh {
                    format!("数据库出错：{e}")
                } else {
                    format!("Database error: {e}")
                }
            }
            Error::Io(e) => {
                if zh {
                    format!("读写文件出错：{e}")
                } else {
                    format!("File error: {e}")
                }
            }
            Error::Internal => lang
                .pick(
                    "程序内部出错，这次操作没有完成。请重试；如果仍然出错，请联系技术支持，日志里有详细记录。",
                    "Something went wrong inside the app and this was not done. Try again; if it happens again, contact support: the app's log has the details.",
                )
                .into(),
        }
    }

    pub fn field(&self) -> Option<&'static str> {
        match self {
            Error::Invalid { field, .. } => Some(field),
            _ => None,
        }
    }

    pub fn to_api(&self, lang: Lang) -> ApiError {
        ApiError {
            code: self.code().into(),
            message: self.message(lang),
            field: self.field().map(str::to_owned),
        }
    }
}

/// Maps "no rows" from a lookup by id to a typed `NotFound`.
pub fn found<T>(r: rusqlite::Result<T>, what: Thing, id: i64) -> Result<T> {
    match r {
        Err(rusqlite::Error::QueryReturnedNoRows) => Err(Error::NotFound { what, id }),
        other => Ok(other?),
    }
}
