//! Check-in at the door (签到迎宾): a scanned, typed or searched ticket becomes one of five typed
//! outcomes, and the greeter learns at once where to take the guest. Walk-ins register and take
//! the best free seat; a check-in can be undone; offline stations sync their queue later.
//!
//! Every scan may carry a nonce: the hub answers a replayed nonce with its first answer, so an
//! upload retried after a Wi-Fi drop or a crash never checks anyone in twice. A partial unique
//! index keeps one live check-in per ticket whatever the order of requests.

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::app::App;
use crate::caller::Caller;
use crate::contact::{self, ContactInput, ContactRole};
use crate::error::{found, invalid, Error, Result, Thing};
use crate::i18n::Lang;
use crate::input::{IdInput, SeminarScope};
use crate::invitation::{self, Change, InvitationInput, InvitationStatus};
use crate::station::{self, Event};
use crate::store::{self, StoreInput};
use crate::venue;
use crate::{phone, seating, seminar, ticket, validate};

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

/// A ticket as the door sees it.
struct Found {
    ticket_id: i64,
    revoked: bool,
    invitation_id: i64,
    status: String,
    seminar_id: i64,
    contact_id: Option<i64>,
}

fn find_ticket(conn: &Connection, by: TicketRef<'_>) -> Result<Option<Found>> {
    let sql = "SELECT t.id, t.revoked_at IS NOT NULL, t.invitation_id, i.status, i.seminar_id, t.contact_id
         FROM tickets t JOIN invitations i ON i.id = t.invitation_id WHERE ";
    let map = |r: &rusqlite::Row| {
        Ok(Found {
            ticket_id: r.get(0)?,
            revoked: r.get(1)?,
            invitation_id: r.get(2)?,
            status: r.get(3)?,
            seminar_id: r.get(4)?,
            contact_id: r.get(5)?,
        })
    };
    Ok(match by {
        TicketRef::Code(c) => conn
            .prepare_cached(&format!("{sql} t.code = ?1"))?
            .query_row([c], map)
            .optional()?,
        TicketRef::Id(id) => conn
            .prepare_cached(&format!("{sql} t.id = ?1"))?
            .query_row([id], map)
            .optional()?,
    })
}

enum TicketRef<'a> {
    Code(&'a str),
    Id(i64),
}

/// Who the ticket is for, and where they sit.
struct Person {
    guest: Option<String>,
    role: Option<ContactRole>,
    store: String,
    table_id: Option<i64>,
    table: Option<i64>,
    assistant_id: Option<i64>,
    assistant: Option<String>,
}

fn person(conn: &Connection, ticket_id: i64) -> Result<Person> {
    let row = conn
        .prepare_cached(
            "SELECT c.name, c.role, s.name, v.id, v.number, v.assistant_id, f.name
             FROM tickets t JOIN invitations i ON i.id = t.invitation_id
             JOIN stores s ON s.id = i.store_id
             LEFT JOIN contacts c ON c.id = t.contact_id
             LEFT JOIN seat_assignments a ON a.seminar_id = i.seminar_id AND a.contact_id = t.contact_id
             LEFT JOIN venue_tables v ON v.id = a.table_id
             LEFT JOIN staff f ON f.id = v.assistant_id
             WHERE t.id = ?1",
        )?
        .query_row([ticket_id], |r| {
            let role: Option<String> = r.get(1)?;
            Ok(Person {
                guest: r.get(0)?,
                role: role.as_deref().and_then(ContactRole::parse),
                store: r.get(2)?,
                table_id: r.get(3)?,
                table: r.get(4)?,
                assistant_id: r.get(5)?,
                assistant: r.get(6)?,
            })
        });
    found(row, Thing::Ticket, ticket_id)
}

/// The live check-in of a ticket: (id, at, station, companions).
fn live_checkin(conn: &Connection, ticket_id: i64) -> Result<Option<(i64, String, String, i64)>> {
    Ok(conn
        .prepare_cached(
            "SELECT id, at, station, companions FROM checkins
             WHERE ticket_id = ?1 AND undone_at IS NULL",
        )?
        .query_row([ticket_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .optional()?)
}

/// Venue-local `HH:MM` of an RFC 3339 instant.
fn local_hm(tz: chrono_tz::Tz, at: &str) -> Option<String> {
    DateTime::parse_from_rfc3339(at)
        .ok()
        .map(|t| t.with_timezone(&tz).format("%H:%M").to_string())
}

/// A hint for codes that are clearly something else than a ticket.
fn not_a_ticket(raw: &str) -> (&'static str, &'static str) {
    let t = raw.trim();
    let digits = t.chars().all(|c| c.is_ascii_digit());
    if t.is_empty() {
        (
            "没有读到票码，请重新扫描。",
            "Nothing was read: scan again.",
        )
    } else if t.contains("://") || t.starts_with("www.") {
        (
            "这是一个网址二维码，不是会销门票。请出示短信或微信里的电子票。",
            "That QR code is a web link, not a ticket: show the e-ticket from the message.",
        )
    } else if digits && (16..=24).contains(&t.len()) {
        (
            "这像是付款码，不是会销门票。请出示电子票。",
            "That looks like a payment code, not a ticket: show the e-ticket.",
        )
    } else if ticket::well_formed(t).is_none() && t.len() < 26 {
        (
            "票码不完整，请重新扫描，或按姓名、电话后四位查找。",
            "The code is incomplete: scan again, or search by name or the phone's last 4 digits.",
        )
    } else {
        (
            "无效票码：不是本系统发出的票。请按姓名、电话后四位查找，或登记为临时到场。",
            "Unknown code: not a ticket issued here. Search by name or the phone's last 4 digits, or register a walk-in.",
        )
    }
}

fn blank(outcome: ScanOutcome, message: String) -> ScanResult {
    ScanResult {
        outcome,
        message,
        guest: None,
        role: None,
        store: None,
        table: None,
        assistant: None,
        companions: 0,
        checkin_id: None,
        ticket_id: None,
        at: None,
        at_local: None,
        station: None,
        other_seminar: None,
        replayed: false,
    }
}

/// Where to take the guest, as a phrase: "3号桌（助教 王芳）" / "table 3 (assistant Wang Fang)".
fn where_to(lang: Lang, p: &Person) -> String {
    match (p.table, &p.assistant, lang) {
        (Some(t), Some(a), Lang::Zh) => format!("{t}号桌（助教 {a}）"),
        (Some(t), None, Lang::Zh) => format!("{t}号桌"),
        (None, _, Lang::Zh) => "尚未安排座位，请引导至服务台".into(),
        (Some(t), Some(a), Lang::En) => format!("table {t} (assistant {a})"),
        (Some(t), None, Lang::En) => format!("table {t}"),
        (None, _, Lang::En) => "not seated yet: take them to the service desk".into(),
    }
}

fn describe(
    conn: &Connection,
    lang: Lang,
    outcome: ScanOutcome,
    f: &Found,
    live: Option<(i64, String, String, i64)>,
) -> Result<ScanResult> {
    describe_person(conn, lang, outcome, f, live, person(conn, f.ticket_id)?)
}

/// [`describe`] for a guest already looked up (the check-in path needs them for its event too).
fn describe_person(
    conn: &Connection,
    lang: Lang,
    outcome: ScanOutcome,
    f: &Found,
    live: Option<(i64, String, String, i64)>,
    p: Person,
) -> Result<ScanResult> {
    let who = p.guest.clone().unwrap_or_else(|| p.store.clone());
    let tz = venue::zone(conn, Some(f.seminar_id))?;
    let (checkin_id, at, station, companions) = match live {
        Some((id, at, st, c)) => (Some(id), Some(at), Some(st), c),
        None => (None, None, None, 0),
    };
    let at_local = at.as_deref().and_then(|a| local_hm(tz, a));
    let mut other_seminar = None;
    let message = match outcome {
        ScanOutcome::CheckedIn => match (lang, p.table) {
            (Lang::Zh, Some(_)) => {
                format!("欢迎 {who}（{}）！请带到 {}", p.store, where_to(lang, &p))
            }
            (Lang::En, Some(_)) => {
                format!("Welcome {who} ({})! Take them to {}", p.store, where_to(lang, &p))
            }
            (Lang::Zh, None) => format!("欢迎 {who}（{}）！{}", p.store, where_to(lang, &p)),
            (Lang::En, None) => format!("Welcome {who} ({})! Guest {}", p.store, where_to(lang, &p)),
        },
        ScanOutcome::AlreadyCheckedIn => {
            let when = at_local.clone().unwrap_or_default();
            let st = station.clone().unwrap_or_default();
            match lang {
                Lang::Zh => format!(
                    "{who} 已于 {when} 在“{st}”签到过，请勿重复签到。座位：{}",
                    where_to(lang, &p)
                ),
                Lang::En => format!(
                    "{who} was already checked in at {when} by “{st}”. Seat: {}",
                    where_to(lang, &p)
                ),
            }
        }
        ScanOutcome::WrongSeminar => {
            let (title, date): (String, String) = conn.query_row(
                "SELECT title, date FROM seminars WHERE id = ?1",
                [f.seminar_id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )?;
            other_seminar = Some(format!("{title}（{date}）"));
            match lang {
                Lang::Zh => format!("这张票属于另一场会销：{title}（{date}），不是本场。"),
                Lang::En => format!("This ticket is for another seminar: {title} ({date})."),
            }
        }
        ScanOutcome::Cancelled => match lang {
            Lang::Zh => format!("{who}（{}）的邀约已取消或票已作废，请联系组织者。", p.store),
            Lang::En => format!(
                "{who} ({}): the invitation was cancelled or the ticket revoked. Ask the organizer.",
                p.store
            ),
        },
        ScanOutcome::Invalid => unreachable_invalid(lang),
    };
    Ok(ScanResult {
        outcome,
        message,
        guest: p.guest,
        role: p.role,
        store: Some(p.store),
        table: p.table,
        assistant: p.assistant,
        companions,
        checkin_id,
        ticket_id: Some(f.ticket_id),
        at,
        at_local,
        station,
        other_seminar,
        replayed: false,
    })
}

fn unreachable_invalid(lang: Lang) -> String {
    let (zh, en) = not_a_ticket("");
    lang.pick(zh, en).to_owned()
}

/// Checks one scan in, inside the caller's transaction. Returns the result and, when someone
/// was checked in, the event to publish after the commit.
fn scan_in(
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
        station::publish(app, ev);
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
        station::publish(app, ev);
    }
    Ok(results)
}

/// Undoes a check-in (scanned the wrong guest): the guest counts as not arrived again.
pub fn undo(app: &App, caller: &Caller, input: IdInput) -> Result<CheckIn> {
    let now = app.now_str();
    let ev = app.db.write(|tx| {
        let (seminar_id, ticket_id, undone): (i64, Option<i64>, Option<String>) = found(
            tx.query_row(
                "SELECT i.seminar_id, k.ticket_id, k.undone_at FROM checkins k
                 JOIN invitations i ON i.id = k.invitation_id WHERE k.id = ?1",
                [input.id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            ),
            Thing::CheckIn,
            input.id,
        )?;
        caller.check_seminar(seminar_id)?;
        if undone.is_some() {
            return Err(Error::Conflict {
                zh: "这次签到已经撤销过了。".into(),
                en: "This check-in was already undone.".into(),
            });
        }
        tx.execute(
            "UPDATE checkins SET undone_at = ?2 WHERE id = ?1",
            params![input.id, now],
        )?;
        let p = match ticket_id {
            Some(t) => Some(person(tx, t)?),
            None => None,
        };
        Ok(Event::Arrival {
            seminar_id,
            table_id: p.as_ref().and_then(|p| p.table_id),
            assistant_id: p.as_ref().and_then(|p| p.assistant_id),
            checkin_id: input.id,
            undone: true,
        })
    })?;
    station::publish(app, ev);
    let conn = app.db.conn();
    found(
        conn.query_row(&format!("{LIST} WHERE k.id = ?1"), [input.id], list_row),
        Thing::CheckIn,
        input.id,
    )
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct CompanionsInput {
    pub id: i64,
    pub companions: i64,
}

/// Changes how many came with a checked-in guest.
pub fn set_companions(app: &App, caller: &Caller, input: CompanionsInput) -> Result<CheckIn> {
    validate::range(
        "companions",
        ("同行人数", "companions"),
        input.companions,
        0,
        20,
    )?;
    app.db.write(|tx| {
        let seminar_id: i64 = found(
            tx.query_row(
                "SELECT i.seminar_id FROM checkins k JOIN invitations i ON i.id = k.invitation_id
                 WHERE k.id = ?1 AND k.undone_at IS NULL",
                [input.id],
                |r| r.get(0),
            ),
            Thing::CheckIn,
            input.id,
        )?;
        caller.check_seminar(seminar_id)?;
        tx.execute(
            "UPDATE checkins SET companions = ?2 WHERE id = ?1",
            params![input.id, input.companions],
        )?;
        Ok(())
    })?;
    let conn = app.db.conn();
    found(
        conn.query_row(&format!("{LIST} WHERE k.id = ?1"), [input.id], list_row),
        Thing::CheckIn,
        input.id,
    )
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct WalkInInput {
    pub seminar_id: i64,
    pub store_name: String,
    pub guest_name: String,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default = "owner")]
    pub role: ContactRole,
    /// The staff member who brought them, if any (an inviter).
    #[serde(default)]
    pub inviter_id: Option<i64>,
    #[serde(default)]
    pub companions: i64,
    #[serde(default)]
    pub nonce: Option<String>,
}

fn owner() -> ContactRole {
    ContactRole::Owner
}

/// A guest without a ticket: registered in one step (the store found by phone, or created), a
/// ticket issued, the best free seat taken, and checked in.
pub fn walk_in(app: &App, caller: &Caller, input: WalkInInput) -> Result<ScanResult> {
    caller.check_seminar(input.seminar_id)?;
    let now = app.now_str();
    let (result, event) = app.db.write(|tx| {
        let s = seminar::get_in(tx, input.seminar_id)?;
        let phone = phone::parse_optional(input.phone.as_deref(), "phone")?;
        let known: Option<(i64, i64)> = match &phone {
            Some(p) => tx
                .query_row(
                    "SELECT store_id, id FROM contacts WHERE phone = ?1 ORDER BY id LIMIT 1",
                    [&p.number],
                    |r| Ok((r.get(0)?, r.get(1)?)),
                )
                .optional()?,
            None => None,
        };
        let (store_id, contact_id) = match known {
            Some(k) => k,
            None => {
                let store_id = store::insert(
                    tx,
                    StoreInput {
                        name: input.store_name.clone(),
                        city: s.city.clone(),
                        district: String::new(),
                        address: String::new(),
                        industry: String::new(),
                        level: Default::default(),
                        key_customer: false,
                        referrer_id: None,
                        referral_commission_bp: 0,
                        source: "临时到场".into(),
                        note: String::new(),
                    },
                    &now,
                )?;
                let contact_id = contact::insert(
                    tx,
                    store_id,
                    ContactInput {
                        name: input.guest_name.clone(),
                        role: input.role,
                        phone: phone.as_ref().map(|p| p.number.clone()),
                        opted_out: false,
                    },
                    &now,
                )?;
                (store_id, contact_id)
            }
        };
        let invitation: Option<i64> = tx
            .query_row(
                "SELECT id FROM invitations WHERE seminar_id = ?1 AND store_id = ?2",
                [input.seminar_id, store_id],
                |r| r.get(0),
            )
            .optional()?;
        // At the door the guest is confirmed, whatever the invitation said before (through the
        // one transition: tickets for its guests, touches closed or skipped).
        let invitation_id = match invitation {
            Some(id) => {
                tx.execute(
                    "INSERT OR IGNORE INTO invitation_guests (invitation_id, contact_id) VALUES (?1, ?2)",
                    [id, contact_id],
                )?;
                let to_confirmed = Change::Status {
                    to: InvitationStatus::Confirmed,
                    reason: "",
                };
                invitation::transition(tx, id, to_confirmed, &now)?;
                id
            }
            None => {
                let new = InvitationInput {
                    seminar_id: input.seminar_id,
                    store_id,
                    inviter_id: input.inviter_id,
                    contact_ids: vec![contact_id],
                    walk_in: true,
                    note: String::new(),
                };
                invitation::create_in(tx, &new, &now)?
            }
        };
        let ticket_id: i64 = tx.query_row(
            "SELECT id FROM tickets WHERE invitation_id = ?1 AND contact_id = ?2 AND revoked_at IS NULL
             ORDER BY id LIMIT 1",
            [invitation_id, contact_id],
            |r| r.get(0),
        )?;
        seating::seat_walk_in(tx, input.seminar_id, invitation_id, contact_id)?;
        let scan = ScanInput {
            seminar_id: input.seminar_id,
            code: None,
            ticket_id: Some(ticket_id),
            nonce: input.nonce.clone(),
            via: Via::WalkIn,
            companions: input.companions,
            station_at: None,
        };
        scan_in(tx, &now, caller, &scan)
    })?;
    if let Some(ev) = event {
        station::publish(app, ev);
    }
    Ok(result)
}

/// A guest as the door and the boards see them. Phones only as their last four digits.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct DoorGuest {
    pub ticket_id: i64,
    /// SHA-256 (hex) of the ticket code: an offline station checks a scanned code against it
    /// without holding the codes themselves.
    pub code_sha256: String,
    pub guest: Option<String>,
    pub role: Option<ContactRole>,
    pub store: String,
    pub phone_last4: Option<String>,
    pub table: Option<i64>,
    pub assistant: Option<String>,
    pub inviter: Option<String>,
    pub walk_in: bool,
    pub checkin_id: Option<i64>,
    pub checked_in_at: Option<String>,
    pub station: Option<String>,
}

const GUESTS: &str =
    "SELECT t.id, t.code, c.name, c.role, s.name, c.phone, v.number, f.name, g.name,
        i.walk_in, k.id, k.at, k.station
    FROM tickets t JOIN invitations i ON i.id = t.invitation_id
    JOIN stores s ON s.id = i.store_id
    LEFT JOIN contacts c ON c.id = t.contact_id
    LEFT JOIN seat_assignments a ON a.seminar_id = i.seminar_id AND a.contact_id = t.contact_id
    LEFT JOIN venue_tables v ON v.id = a.table_id
    LEFT JOIN staff f ON f.id = v.assistant_id
    LEFT JOIN staff g ON g.id = i.inviter_id
    LEFT JOIN checkins k ON k.ticket_id = t.id AND k.undone_at IS NULL
    WHERE i.seminar_id = ?1 AND t.revoked_at IS NULL AND i.status = 'confirmed'";

fn guest_row(r: &rusqlite::Row) -> rusqlite::Result<DoorGuest> {
    let code: String = r.get(1)?;
    let role: Option<String> = r.get(3)?;
    let phone: Option<String> = r.get(5)?;
    Ok(DoorGuest {
        ticket_id: r.get(0)?,
        code_sha256: code_sha256(&code),
        guest: r.get(2)?,
        role: role.as_deref().and_then(ContactRole::parse),
        store: r.get(4)?,
        phone_last4: phone.map(|p| {
            let d: Vec<char> = p.chars().filter(char::is_ascii_digit).collect();
            d[d.len().saturating_sub(4)..].iter().collect()
        }),
        table: r.get(6)?,
        assistant: r.get(7)?,
        inviter: r.get(8)?,
        walk_in: r.get(9)?,
        checkin_id: r.get(10)?,
        checked_in_at: r.get(11)?,
        station: r.get(12)?,
    })
}

/// SHA-256 of a ticket code, hex.
pub fn code_sha256(code: &str) -> String {
    Sha256::digest(code.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Every expected guest (a valid ticket of a confirmed invitation), for an offline station.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Roster {
    pub seminar_id: i64,
    pub seminar_title: String,
    pub timezone: String,
    pub generated_at: String,
    pub guests: Vec<DoorGuest>,
}

pub fn roster(app: &App, caller: &Caller, scope: SeminarScope) -> Result<Roster> {
    caller.check_seminar(scope.seminar_id)?;
    let conn = app.db.conn();
    let s = seminar::get_in(&conn, scope.seminar_id)?;
    let guests = conn
        .prepare_cached(&format!("{GUESTS} ORDER BY s.name, t.id"))?
        .query_map([scope.seminar_id], guest_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Roster {
        seminar_id: s.id,
        seminar_title: s.title,
        timezone: s.timezone,
        generated_at: app.now_str(),
        guests,
    })
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct SearchInput {
    pub seminar_id: i64,
    /// A name, a store, or the last 4 digits of the phone.
    pub q: String,
}

/// Finds guests at the door by name, store or the phone's last four digits (20 at most).
pub fn search(app: &App, caller: &Caller, input: SearchInput) -> Result<Vec<DoorGuest>> {
    caller.check_seminar(input.seminar_id)?;
    let q = input.q.trim();
    if q.is_empty() {
        return Ok(vec![]);
    }
    let conn = app.db.conn();
    seminar::get_in(&conn, input.seminar_id)?;
    let like = format!("%{}%", q.replace(['%', '_'], ""));
    let digits = q.len() == 4 && q.chars().all(|c| c.is_ascii_digit());
    let sql = if digits {
        format!("{GUESTS} AND c.phone LIKE '%' || ?2 ORDER BY s.name LIMIT 20")
    } else {
        format!("{GUESTS} AND (c.name LIKE ?2 OR s.name LIKE ?2) ORDER BY k.id IS NOT NULL, s.name LIMIT 20")
    };
    let arg = if digits { q.to_owned() } else { like };
    let rows = conn
        .prepare_cached(&sql)?
        .query_map(params![input.seminar_id, arg], guest_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct CheckIn {
    pub id: i64,
    pub seminar_id: i64,
    pub invitation_id: i64,
    pub store_name: String,
    pub contact_id: Option<i64>,
    pub guest_name: Option<String>,
    pub at: String,
    pub station: String,
    pub companions: i64,
}

const LIST: &str =
    "SELECT k.id, i.seminar_id, k.invitation_id, s.name, k.contact_id, c.name, k.at, k.station, k.companions
     FROM checkins k JOIN invitations i ON i.id = k.invitation_id JOIN stores s ON s.id = i.store_id
     LEFT JOIN contacts c ON c.id = k.contact_id";

fn list_row(r: &rusqlite::Row) -> rusqlite::Result<CheckIn> {
    Ok(CheckIn {
        id: r.get(0)?,
        seminar_id: r.get(1)?,
        invitation_id: r.get(2)?,
        store_name: r.get(3)?,
        contact_id: r.get(4)?,
        guest_name: r.get(5)?,
        at: r.get(6)?,
        station: r.get(7)?,
        companions: r.get(8)?,
    })
}

pub fn list(app: &App, scope: SeminarScope) -> Result<Vec<CheckIn>> {
    let conn = app.db.conn();
    seminar::get_in(&conn, scope.seminar_id)?;
    let mut stmt = conn.prepare(&format!(
        "{LIST} WHERE i.seminar_id = ?1 AND k.undone_at IS NULL ORDER BY k.at, k.id"
    ))?;
    let rows = stmt
        .query_map([scope.seminar_id], list_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Records an arrival inside the caller's transaction (demo data, imports): the same
/// arrival as a scan's, through [`invitation::transition`].
pub fn record(
    conn: &Connection,
    invitation_id: i64,
    ticket_id: Option<i64>,
    contact_id: Option<i64>,
    at: &str,
    station: &str,
    companions: i64,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO checkins (invitation_id, ticket_id, contact_id, at, station, companions) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![invitation_id, ticket_id, contact_id, at, station, companions],
    )?;
    let id = conn.last_insert_rowid();
    invitation::transition(conn, invitation_id, Change::Arrival, at)?;
    Ok(id)
}
