//! Stations (the `station` piece): devices at the venue or in the office that act for one staff
//! member in one role, for one seminar — check-in at the door, an assistant at their tables, an
//! inviter, the lecturer's remote.
//!
//! The organizer creates a station; the app shows its one-time pairing code as a QR. The device
//! that opens it gets a bearer token (only its SHA-256 is stored). Tokens are listed, revocable,
//! and expire at the end of the seminar day (venue time) unless renewed. Every change a station
//! should hear about is published as an [`crate::events::Event`] on the app's bus.

use chrono::{DateTime, Duration, NaiveTime, TimeZone, Utc};
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::app::App;
use crate::caller::Caller;
use crate::error::{found, invalid, Error, Result, Thing};
use crate::i18n::Lang;
use crate::input::IdInput;
use crate::input::SeminarScope;
use crate::token::Refusal;
use crate::venue;
use crate::{seminar, staff};

/// What a station does. A station reaches only the operations its role needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StationRole {
    /// At the door: scans tickets, searches guests, registers walk-ins.
    Checkin,
    /// At their tables: who has arrived, deals, follow-ups.
    Assistant,
    /// Their invitations and touches.
    Inviter,
    /// The lecturer's remote for the prompter.
    Lecturer,
}

impl StationRole {
    pub const ALL: [StationRole; 4] = [
        StationRole::Checkin,
        StationRole::Assistant,
        StationRole::Inviter,
        StationRole::Lecturer,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            StationRole::Checkin => "checkin",
            StationRole::Assistant => "assistant",
            StationRole::Inviter => "inviter",
            StationRole::Lecturer => "lecturer",
        }
    }
    pub fn parse(s: &str) -> Option<StationRole> {
        StationRole::ALL.into_iter().find(|r| r.as_str() == s)
    }
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            StationRole::Checkin => ("签到", "check-in"),
            StationRole::Assistant => ("助教", "assistant"),
            StationRole::Inviter => ("邀约", "inviter"),
            StationRole::Lecturer => ("讲师遥控", "lecturer remote"),
        }
    }
}

/// The station a request comes from, once its token checked out.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Identity {
    pub station_id: i64,
    pub seminar_id: i64,
    pub staff_id: i64,
    pub staff_name: String,
    pub role: StationRole,
    pub name: String,
    pub expires_at: String,
}

/// A station as the organizer sees it in the list.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Station {
    pub id: i64,
    pub seminar_id: i64,
    pub staff_id: i64,
    pub staff_name: String,
    pub role: StationRole,
    pub name: String,
    pub device: String,
    pub status: StationStatus,
    pub created_at: String,
    pub paired_at: Option<String>,
    pub expires_at: String,
    pub last_seen_at: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StationStatus {
    /// Created, waiting for a device to scan the pairing QR.
    Pending,
    /// The pairing code ran out before a device used it.
    PairingExpired,
    Active,
    Expired,
    Revoked,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct NewStation {
    pub seminar_id: i64,
    pub staff_id: i64,
    pub role: StationRole,
    /// A name for the list (default: the staff member's name and the role).
    #[serde(default)]
    pub name: Option<String>,
}

/// What the organizer shows to pair a device: the code, and the addresses a phone can open.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Pairing {
    pub station: Station,
    pub pairing_code: String,
    /// `https://ADDRESS:PORT/#/station/pair?code=…`, one per LAN address (empty until the
    /// organizer turns the LAN stations on).
    pub urls: Vec<String>,
    /// The first URL as a QR code PNG, base64 (none while the LAN is off).
    pub qr_png_base64: Option<String>,
    pub pairing_expires_at: String,
    /// How long the code stays valid from this answer on, in seconds: a countdown counts from
    /// it on the device's own clock (which need not agree with the hub's).
    pub pairing_seconds_left: i64,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct PairInput {
    pub code: String,
    /// What the device is (its browser's user agent, shortened), for the organizer's list.
    #[serde(default)]
    pub device: String,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Paired {
    /// The bearer token: sent as `Authorization: Bearer …` on every request. Shown once.
    pub token: String,
    pub identity: Identity,
}

/// How long a pairing QR stays valid.
const PAIRING_MINUTES: i64 = 15;

fn sha256_hex(s: &str) -> String {
    Sha256::digest(s.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The end of a seminar's day, venue time, as an instant.
fn end_of_day(conn: &Connection, seminar_id: i64) -> Result<DateTime<Utc>> {
    let s = seminar::get_in(conn, seminar_id)?;
    let tz = venue::zone_named(conn, &s.timezone)?;
    let date = chrono::NaiveDate::parse_from_str(&s.date, "%Y-%m-%d")
        .map_err(|_| invalid("date", "会销日期无效。", "The seminar's date is not valid."))?;
    let local = date.and_time(NaiveTime::MIN) + Duration::days(1);
    Ok(tz
        .from_local_datetime(&local)
        .earliest()
        .unwrap_or_else(|| tz.from_utc_datetime(&local))
        .with_timezone(&Utc))
}

fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

const SELECT: &str = "SELECT t.id, t.seminar_id, t.staff_id, f.name, t.role, t.name, t.device,
    t.pairing_code IS NOT NULL, t.pairing_expires_at, t.token_sha256 IS NOT NULL, t.created_at,
    t.paired_at, t.expires_at, t.revoked_at, t.last_seen_at
    FROM stations t JOIN staff f ON f.id = t.staff_id";

fn from_row(r: &Row, now: &str) -> rusqlite::Result<Station> {
    let role: String = r.get(4)?;
    let pending: bool = r.get(7)?;
    let pairing_expires: Option<String> = r.get(8)?;
    let paired: bool = r.get(9)?;
    let expires_at: String = r.get(12)?;
    let revoked: Option<String> = r.get(13)?;
    let status = if revoked.is_some() {
        StationStatus::Revoked
    } else if expires_at.as_str() <= now {
        StationStatus::Expired
    } else if paired {
        StationStatus::Active
    } else if pending && pairing_expires.as_deref().is_some_and(|t| t > now) {
        StationStatus::Pending
    } else {
        StationStatus::PairingExpired
    };
    Ok(Station {
        id: r.get(0)?,
        seminar_id: r.get(1)?,
        staff_id: r.get(2)?,
        staff_name: r.get(3)?,
        role: StationRole::parse(&role).unwrap_or(StationRole::Checkin),
        name: r.get(5)?,
        device: r.get(6)?,
        status,
        created_at: r.get(10)?,
        paired_at: r.get(11)?,
        expires_at,
        last_seen_at: r.get(14)?,
    })
}

pub fn get_in(conn: &Connection, id: i64, now: &str) -> Result<Station> {
    found(
        conn.query_row(&format!("{SELECT} WHERE t.id = ?1"), [id], |r| {
            from_row(r, now)
        }),
        Thing::Station,
        id,
    )
}

/// A seminar's stations, newest first.
pub fn list(app: &App, scope: SeminarScope) -> Result<Vec<Station>> {
    let conn = app.db.conn();
    seminar::get_in(&conn, scope.seminar_id)?;
    let now = app.now_str();
    let mut stmt = conn.prepare(&format!(
        "{SELECT} WHERE t.seminar_id = ?1 ORDER BY t.id DESC"
    ))?;
    let rows = stmt
        .query_map([scope.seminar_id], |r| from_row(r, &now))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Creates a station for one staff member in one role, with a one-time pairing code.
/// A station for one staff member in one role, and its one-time pairing code. The pairing
/// links point at `lan_urls`, the addresses the LAN server answers on (none while it is off).
pub fn create(app: &App, input: NewStation, lan_urls: &[String]) -> Result<Pairing> {
    let now = app.now();
    let (id, code, pairing_expires) = app.db.write(|tx| {
        seminar::get_in(tx, input.seminar_id)?;
        let person = staff::get_in(tx, input.staff_id)?;
        if !person.active {
            return Err(invalid(
                "staff_id",
                format!("{} 已停用，不能为其配对工作站。", person.name),
                format!("{} is inactive and cannot have a station.", person.name),
            ));
        }
        let name = match input.name.as_deref().map(str::trim) {
            Some(n) if !n.is_empty() => crate::validate::text("name", ("名称", "name"), n, 40)?,
            _ => {
                let (zh, en) = input.role.label();
                match crate::settings::language(tx)? {
                    Lang::Zh => format!("{}·{zh}", person.name),
                    Lang::En => format!("{} · {en}", person.name),
                }
            }
        };
        let code = crate::ticket::new_code();
        let pairing_expires = rfc3339(now + Duration::minutes(PAIRING_MINUTES));
        let expires = end_of_day(tx, input.seminar_id)?.max(now + Duration::hours(1));
        tx.execute(
            "INSERT INTO stations (seminar_id, staff_id, role, name, pairing_code, pairing_expires_at,
                created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                input.seminar_id,
                input.staff_id,
                input.role.as_str(),
                name,
                code,
                pairing_expires,
                rfc3339(now),
                rfc3339(expires)
            ],
        )?;
        Ok((tx.last_insert_rowid(), code, pairing_expires))
    })?;
    let station = get_in(&app.db.conn(), id, &app.now_str())?;
    let urls: Vec<String> = lan_urls
        .iter()
        .map(|u| format!("{u}#/station/pair?code={code}"))
        .collect();
    let qr_png_base64 = match urls.first() {
        Some(u) => {
            use base64::Engine;
            Some(base64::engine::general_purpose::STANDARD.encode(crate::ticket::qr_png(u, 6)?))
        }
        None => None,
    };
    Ok(Pairing {
        station,
        pairing_code: code,
        urls,
        qr_png_base64,
        pairing_expires_at: pairing_expires,
        pairing_seconds_left: PAIRING_MINUTES * 60,
    })
}

/// A device redeems a pairing code for its token. The code works once, within its time.
pub fn pair(app: &App, input: PairInput) -> Result<Paired> {
    let refused = || {
        invalid(
            "code",
            "配对码无效或已过期：请组织者重新生成配对二维码。",
            "The pairing code is unknown or has expired: ask the organizer for a new pairing QR.",
        )
    };
    let code = crate::ticket::well_formed(&input.code).ok_or_else(refused)?;
    let now = app.now_str();
    let token = crate::token::new_token();
    let device: String = input.device.trim().chars().take(120).collect();
    let id = app.db.write(|tx| {
        let id: Option<i64> = tx
            .query_row(
                "SELECT id FROM stations WHERE pairing_code = ?1 AND pairing_expires_at > ?2
                 AND revoked_at IS NULL AND expires_at > ?2",
                params![code, now],
                |r| r.get(0),
            )
            .optional()?;
        let id = id.ok_or_else(refused)?;
        tx.execute(
            "UPDATE stations SET pairing_code = NULL, pairing_expires_at = NULL, token_sha256 = ?2,
                paired_at = ?3, device = ?4, last_seen_at = ?3 WHERE id = ?1",
            params![id, sha256_hex(&token), now, device],
        )?;
        Ok(id)
    })?;
    let identity = identity_of(&app.db.conn(), id)?;
    tracing::info!(
        station = id,
        role = identity.role.as_str(),
        "station paired"
    );
    Ok(Paired { token, identity })
}

fn identity_of(conn: &Connection, id: i64) -> Result<Identity> {
    found(
        conn.query_row(
            "SELECT t.id, t.seminar_id, t.staff_id, f.name, t.role, t.name, t.expires_at
             FROM stations t JOIN staff f ON f.id = t.staff_id WHERE t.id = ?1",
            [id],
            |r| {
                let role: String = r.get(4)?;
                Ok(Identity {
                    station_id: r.get(0)?,
                    seminar_id: r.get(1)?,
                    staff_id: r.get(2)?,
                    staff_name: r.get(3)?,
                    role: StationRole::parse(&role).unwrap_or(StationRole::Checkin),
                    name: r.get(5)?,
                    expires_at: r.get(6)?,
                })
            },
        ),
        Thing::Station,
        id,
    )
}

/// Checks a station's bearer token: who it is, or why it is refused.
pub fn authenticate(app: &App, token: &str) -> std::result::Result<Identity, Refusal> {
    let token = token.trim();
    if token.is_empty() {
        return Err(Refusal::Missing);
    }
    let conn = app.db.conn();
    let row: Option<(i64, String, Option<String>, Option<String>)> = conn
        .prepare_cached(
            "SELECT id, expires_at, revoked_at, last_seen_at FROM stations WHERE token_sha256 = ?1",
        )
        .and_then(|mut s| {
            s.query_row([sha256_hex(token)], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .optional()
        })
        .map_err(|_| Refusal::Unknown)?;
    let (id, expires_at, revoked_at, last_seen) = row.ok_or(Refusal::Unknown)?;
    let now = app.now();
    let now_s = rfc3339(now);
    if revoked_at.is_some() {
        return Err(Refusal::Revoked);
    }
    if expires_at <= now_s {
        return Err(Refusal::Expired);
    }
    // "Last seen" to the minute: one small write a minute per station, not one per request.
    let stale = last_seen
        .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
        .is_none_or(|t| now.signed_duration_since(t) > Duration::seconds(60));
    if stale {
        let _ = conn.execute(
            "UPDATE stations SET last_seen_at = ?2 WHERE id = ?1",
            params![id, now_s],
        );
    }
    identity_of(&conn, id).map_err(|_| Refusal::Unknown)
}

/// Stops a station at once: its next request is refused.
pub fn revoke(app: &App, input: IdInput) -> Result<Station> {
    let now = app.now_str();
    app.db.write(|tx| {
        get_in(tx, input.id, &now)?;
        tx.execute(
            "UPDATE stations SET revoked_at = coalesce(revoked_at, ?2), pairing_code = NULL WHERE id = ?1",
            params![input.id, now],
        )?;
        Ok(())
    })?;
    get_in(&app.db.conn(), input.id, &now)
}

/// Keeps a station working one more day: its expiry moves to 24 hours after the later of now
/// and its current expiry. A revoked station stays revoked.
pub fn renew(app: &App, input: IdInput) -> Result<Station> {
    let now = app.now();
    let now_s = rfc3339(now);
    app.db.write(|tx| {
        let s = get_in(tx, input.id, &now_s)?;
        if s.status == StationStatus::Revoked {
            return Err(Error::Conflict {
                zh: "已停用的工作站不能续期，请重新配对。".into(),
                en: "A revoked station cannot be renewed: pair a device again.".into(),
            });
        }
        let current = DateTime::parse_from_rfc3339(&s.expires_at)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or(now);
        tx.execute(
            "UPDATE stations SET expires_at = ?2 WHERE id = ?1",
            params![input.id, rfc3339(current.max(now) + Duration::days(1))],
        )?;
        Ok(())
    })?;
    get_in(&app.db.conn(), input.id, &now_s)
}

/// The calling station: who it is and for which seminar (what its page shows at the top).
/// The organizer has no station identity: all fields are empty.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Me {
    pub identity: Option<Identity>,
    pub seminar_title: Option<String>,
    pub seminar_date: Option<String>,
    /// The venue's time zone: a station shows times as the venue's clocks do, wherever the phone is set.
    pub seminar_timezone: Option<String>,
}

pub fn me(app: &App, caller: &Caller, _: crate::input::Empty) -> Result<Me> {
    let Some(identity) = caller.station.clone() else {
        return Ok(Me {
            identity: None,
            seminar_title: None,
            seminar_date: None,
            seminar_timezone: None,
        });
    };
    let s = seminar::get_in(&app.db.conn(), identity.seminar_id)?;
    Ok(Me {
        identity: Some(identity),
        seminar_title: Some(s.title),
        seminar_date: Some(s.date),
        seminar_timezone: Some(s.timezone),
    })
}
