//! A scan at the door becomes one of five typed outcomes; a replayed nonce gets its first answer
//! again, and an offline station's queue is synced in one go.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use super::answer::{blank, describe, describe_person, not_a_ticket, unreachable_invalid};
use super::lookup::{find_ticket, live_checkin, person, TicketRef};
use crate::app::App;
use crate::caller::Caller;
use crate::contact::ContactRole;
use crate::error::{invalid, Result};
use crate::events::Event;
use crate::i18n::Lang;
use crate::invitation::{self, Change};
use crate::{seminar, ticket};

/// What happened to a scan. The JSON names are a contract of `huixiao checkin --json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ScanOutcome {
    CheckedIn,
    AlreadyCheckedIn,
    WrongSeminar,
    Cancelled,
    Invalid,
}

impl ScanOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            ScanOutcome::CheckedIn => "checked_in",
            ScanOutcome::AlreadyCheckedIn => "already_checked_in",
            ScanOutcome::WrongSeminar => "wrong_seminar",
            ScanOutcome::Cancelled => "cancelled",
            ScanOutcome::Invalid => "invalid",
        }
    }
    fn parse(s: &str) -> ScanOutcome {
        [
            ScanOutcome::CheckedIn,
            ScanOutcome::AlreadyCheckedIn,
            ScanOutcome::WrongSeminar,
            ScanOutcome::Cancelled,
        ]
        .into_iter()
        .find(|o| o.as_str() == s)
        .unwrap_or(ScanOutcome::Invalid)
    }
}

/// How a guest was found at the door.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    /// A barcode scanner (or the code typed by hand).
    #[default]
    Scan,
    Camera,
    Search,
    WalkIn,
    /// Scanned while the station had no hub, synced later.
    Offline,
}

impl Via {
    fn as_str(self) -> &'static str {
        match self {
            Via::Scan => "scan",
            Via::Camera => "camera",
            Via::Search => "search",
            Via::WalkIn => "walk_in",
            Via::Offline => "offline",
        }
    }
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct ScanInput {
    pub seminar_id: i64,
    /// What the scanner typed or the camera read (anything: it is checked).
    #[serde(default)]
    pub code: Option<String>,
    /// A ticket picked from a search instead of a code.
    #[serde(default)]
    pub ticket_id: Option<i64>,
    /// A random id per scan, so a retried or replayed request counts once.
    #[serde(default)]
    pub nonce: Option<String>,
    #[serde(default)]
    pub via: Via,
    /// People with the guest (+1, +2), 0–20.
    #[serde(default)]
    pub companions: i64,
    /// The station's clock when it scanned offline (RFC 3339).
    #[serde(default)]
    pub station_at: Option<String>,
}

/// The answer the door screen shows, big.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ScanResult {
    pub outcome: ScanOutcome,
    /// One sentence for the screen, in the caller's language.
    pub message: String,
    pub guest: Option<String>,
    pub role: Option<ContactRole>,
    pub store: Option<String>,
    /// Table number once seated.
    pub table: Option<i64>,
    pub assistant: Option<String>,
    pub companions: i64,
    pub checkin_id: Option<i64>,
    pub ticket_id: Option<i64>,
    /// When the guest was checked in (now, or earlier for `already_checked_in`), RFC 3339.
    pub at: Option<String>,
    /// Venue-local time of `at`, `HH:MM`.
    pub at_local: Option<String>,
    /// The station that checked the guest in.
    pub station: Option<String>,
    /// For `wrong_seminar`: the seminar the ticket is for.
    pub other_seminar: Option<String>,
    /// The same nonce was seen before: this is the first answer again.
    pub replayed: bool,
}

/// Checks one scan in, inside the caller's transaction. Returns the result and, when someone
/// was checked in, the event to publish after the commit.
pub(super) fn scan_in(
    conn: &Connection,
    now: &str,
    caller: &Caller,
    input: &ScanInput,
) -> Result<(ScanResult, Option<Event>)> {
    let lang = caller.lang;
    if !(0..=20).contains(&input.companions) {
        return Err(invalid(
            "companions",
            "同行人数应在 0 到 20 之间。",
            "Companions must be between 0 and 20.",
        ));
    }
    let nonce = match input.nonce.as_deref().map(str::trim) {
        Some(n) if !n.is_empty() && n.len() <= 64 => Some(n.to_owned()),
        Some(n) if !n.is_empty() => {
            return Err(invalid(
                "nonce",
                "扫描编号过长（最多 64 个字符）。",
                "The scan's nonce is too long (64 characters at most).",
            ))
        }
        _ => None,
    };
    if let Some(n) = &nonce {
        if let Some(r) = replay(conn, lang, n)? {
            return Ok((r, None));
        }
    }
    let station_at = match input.station_at.as_deref() {
        Some(t) => Some(
            DateTime::parse_from_rfc3339(t)
                .map_err(|_| {
                    invalid(
                        "station_at",
                        format!("工作站时间“{t}”格式无效。"),
                        format!("The station's time “{t}” is not RFC 3339."),
                    )
                })?
                .with_timezone(&Utc)
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
        ),
        None => None,
    };
    let found = match (input.ticket_id, input.code.as_deref()) {
        (Some(id), _) => find_ticket(conn, TicketRef::Id(id))?,
        (None, Some(raw)) => match ticket::well_formed(raw) {
            Some(code) => find_ticket(conn, TicketRef::Code(&code))?,
            None => None,
        },
        (None, None) => None,
    };
    let (result, event) = match found {
        None => {
            let (zh, en) = not_a_ticket(input.code.as_deref().unwrap_or(""));
            (blank(ScanOutcome::Invalid, lang.pick(zh, en).into()), None)
        }
        Some(f) if f.seminar_id != input.seminar_id => (
            describe(conn, lang, ScanOutcome::WrongSeminar, &f, None)?,
            None,
        ),
        Some(f) if f.revoked || f.status == "declined" || f.status == "cancelled" => (
            describe(conn, lang, ScanOutcome::Cancelled, &f, None)?,
            None,
        ),
        Some(f) => match live_checkin(conn, f.ticket_id)? {
            Some(live) => {
                if input.via == Via::Offline || station_at.is_some() {
                    conn.execute(
                        "INSERT INTO checkin_duplicates (seminar_id, ticket_id, checkin_id, station, station_at, received_at)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                        params![f.seminar_id, f.ticket_id, live.0, caller.station_name(), station_at, now],
                    )?;
                }
                (
                    describe(conn, lang, ScanOutcome::AlreadyCheckedIn, &f, Some(live))?,
                    None,
                )
            }
            None => {
                conn.prepare_cached(
                    "INSERT INTO checkins (invitation_id, ticket_id, contact_id, at, station, companions,
                        station_id, station_at, via) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                )?
                .execute(params![
                    f.invitation_id,
                    f.ticket_id,
                    f.contact_id,
                    now,
                    caller.station_name(),
                    input.companions,
                    caller.station.as_ref().map(|s| s.station_id),
                    station_at,
                    input.via.as_str()
                ])?;
                let id = conn.last_insert_rowid();
                invitation::transition(conn, f.invitation_id, Change::Arrival, now)?;
                let live = (id, now.to_owned(), caller.station_name(), input.companions);
                let p = person(conn, f.ticket_id)?;
                let ev = Event::Arrival {
                    seminar_id: f.seminar_id,
                    table_id: p.table_id,
                    assistant_id: p.assistant_id,
                    checkin_id: id,
                    undone: false,
                };
                let r = describe_person(conn, lang, ScanOutcome::CheckedIn, &f, Some(live), p)?;
                (r, Some(ev))
            }
        },
    };
    if let Some(n) = nonce {
        conn.prepare_cached(
            "INSERT INTO checkin_scans (nonce, seminar_id, station_id, outcome, checkin_id, ticket_id, received_at, station_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            n,
            input.seminar_id,
            caller.station.as_ref().map(|s| s.station_id),
            result.outcome.as_str(),
            if result.outcome == ScanOutcome::CheckedIn { result.checkin_id } else { None },
            result.ticket_id,
            now,
            station_at
        ])?;
    }
    Ok((result, event))
}

/// The first answer to a nonce seen before, if any.
fn replay(conn: &Connection, lang: Lang, nonce: &str) -> Result<Option<ScanResult>> {
    let row: Option<(String, Option<i64>, Option<i64>)> = conn
        .prepare_cached(
            "SELECT outcome, ticket_id, checkin_id FROM checkin_scans WHERE nonce = ?1",
        )?
        .query_row([nonce], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some((outcome, ticket_id, checkin_id)) = row else {
        return Ok(None);
    };
    let outcome = ScanOutcome::parse(&outcome);
    let mut r = match ticket_id.map(|id| find_ticket(conn, TicketRef::Id(id))) {
        Some(Ok(Some(f))) => {
            let live = match checkin_id {
                Some(cid) => conn
                    .query_row(
                        "SELECT id, at, station, companions FROM checkins WHERE id = ?1",
                        [cid],
                        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                    )
                    .optional()?,
                None => live_checkin(conn, f.ticket_id)?,
            };
            describe(conn, lang, outcome, &f, live)?
        }
        _ => blank(outcome, unreachable_invalid(lang)),
    };
    r.replayed = true;
    Ok(Some(r))
}

/// One scan (scanner, camera, search pick) at a station or the organizer's laptop.
pub fn scan(app: &App, caller: &Caller, input: ScanInput) -> Result<ScanResult> {
    caller.check_seminar(input.seminar_id)?;
    let now = app.now_str();
    let (result, event) = app.db.write(|tx| {
        seminar::require(tx, input.seminar_id)?;
        scan_in(tx, &now, caller, &input)
    })?;
    if let Some(ev) = event {
        app.events.publish(ev);
    }
    Ok(result)
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct SyncInput {
    pub seminar_id: i64,
    /// The station's offline queue, oldest first; each scan with its nonce and station time.
    pub scans: Vec<ScanInput>,
}

/// An offline station's queue, in one transaction: each scan counted once (by its nonce); a
/// guest another station checked in first is kept as a duplicate for the organizer.
pub fn sync(app: &App, caller: &Caller, input: SyncInput) -> Result<Vec<ScanResult>> {
    caller.check_seminar(input.seminar_id)?;
    if input.scans.len() > 5000 {
        return Err(invalid(
            "scans",
            "一次最多同步 5000 条扫描记录。",
            "At most 5,000 scans per sync.",
        ));
    }
    if let Some(i) = input.scans.iter().position(|s| {
        s.seminar_id != input.seminar_id || s.nonce.as_deref().is_none_or(|n| n.trim().is_empty())
    }) {
        return Err(invalid(
            "scans",
            format!(
                "第 {} 条扫描缺少编号（nonce）或不属于本场会销，未同步任何记录。",
                i + 1
            ),
            format!(
                "Scan {} has no nonce or is for another seminar; nothing was synced.",
                i + 1
            ),
        ));
    }
    let now = app.now_str();
    let (results, events) = app.db.write(|tx| {
        let mut results = Vec::with_capacity(input.scans.len());
        let mut events = Vec::new();
        for s in &input.scans {
            let mut s = s.clone();
            s.via = Via::Offline;
            let (r, ev) = scan_in(tx, &now, caller, &s)?;
            results.push(r);
            events.extend(ev);
        }
        Ok((results, events))
    })?;
    for ev in events {
        app.events.publish(ev);
    }
    Ok(results)
}
