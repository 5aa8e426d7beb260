//! Organisation settings: name, language, default time zone.

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::app::App;
use crate::error::{invalid, Result};
use crate::i18n::Lang;
use crate::validate;

/// The organisation's time zone until it is changed; [`DEFAULT_ZONE`] by name.
pub const DEFAULT_TIMEZONE: &str = "Asia/Shanghai";
pub const DEFAULT_ZONE: chrono_tz::Tz = chrono_tz::Asia::Shanghai;

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Settings {
    pub org_name: String,
    pub language: Lang,
    pub timezone: String,
    /// No stores and no seminars yet: the desktop app offers the demo data.
    pub database_empty: bool,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct SettingsInput {
    pub org_name: String,
    pub language: Lang,
    pub timezone: String,
}

fn get_value(conn: &Connection, key: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .optional()?)
}

/// The organisation's name as the organizer typed it in the settings (empty until then).
pub fn org_name(conn: &Connection) -> Result<String> {
    Ok(get_value(conn, "org_name")?.unwrap_or_default())
}

/// The language the user chose in the app (zh-CN until they change it).
pub fn language(conn: &Connection) -> Result<Lang> {
    Ok(get_value(conn, "language")?
        .and_then(|v| Lang::parse(&v))
        .unwrap_or_default())
}

/// The organisation's time zone (see [`crate::venue`] for a seminar's).
pub fn timezone(conn: &Connection) -> Result<chrono_tz::Tz> {
    Ok(get_value(conn, "timezone")?
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_ZONE))
}

pub fn get(app: &App) -> Result<Settings> {
    let conn = app.db.conn();
    let empty: bool = conn.query_row(
        "SELECT NOT EXISTS (SELECT 1 FROM stores) AND NOT EXISTS (SELECT 1 FROM seminars)",
        [],
        |r| r.get(0),
    )?;
    Ok(Settings {
        org_name: get_value(&conn, "org_name")?.unwrap_or_default(),
        language: language(&conn)?,
        timezone: get_value(&conn, "timezone")?.unwrap_or_else(|| DEFAULT_TIMEZONE.into()),
        database_empty: empty,
    })
}

pub fn update(app: &App, input: SettingsInput) -> Result<Settings> {
    let org_name = validate::optional_text(
        "org_name",
        ("机构名称", "organisation name"),
        &input.org_name,
        100,
    )?;
    let timezone = parse_timezone(&input.timezone)?.name().to_owned();
    app.db.write(|tx| {
        let mut put = tx.prepare("INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")?;
        put.execute(["org_name", &org_name])?;
        put.execute(["language", input.language.code()])?;
        put.execute(["timezone", &timezone])?;
        Ok(())
    })?;
    get(app)
}

/// An IANA time zone name such as `Asia/Shanghai`.
pub fn parse_timezone(name: &str) -> Result<chrono_tz::Tz> {
    name.trim().parse::<chrono_tz::Tz>().map_err(|_| {
        invalid(
            "timezone",
            format!("时区“{name}”无效，请使用如 Asia/Shanghai 的时区名。"),
            format!("Time zone “{name}” is not valid; use a name such as Asia/Shanghai."),
        )
    })
}
