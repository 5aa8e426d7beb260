//! Errors a user can meet in the domain, as typed values that render as a sentence in the user's
//! language. What only a transport can meet (an unknown operation, a malformed request, a refused
//! token) and the HTTP status of each are the API's: [`crate::api::Failure`].

use crate::i18n::Lang;

/// The domain's error type. Each variant knows its machine `code`, the field it concerns (if
/// any) and how to say itself in Chinese and English.
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
    /// A valid caller that may not do this (403): a station outside its role or seminar.
    #[error("{en}")]
    Forbidden { zh: String, en: String },
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
    Payout,
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
            Thing::Payout => "付款记录",
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
            Thing::Payout => "payout",
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

impl Error {
    pub fn code(&self) -> &'static str {
        match self {
            Error::Invalid { .. } => "validation",
            Error::NotFound { .. } => "not_found",
            Error::Conflict { .. } => "conflict",
            Error::Forbidden { .. } => "forbidden",
            Error::Database { .. } => "database",
            Error::Sqlite(_) | Error::Io(_) | Error::Internal => "internal",
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

    /// The same refusal named after the caller's own input: a form that says `store_name` where
    /// the store it creates says `name`.
    pub fn on_field(self, from: &str, to: &'static str) -> Error {
        match self {
            Error::Invalid { field, zh, en } if field == from => {
                Error::Invalid { field: to, zh, en }
            }
            other => other,
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
