//! The answer the door screen shows, in the caller's language: who it is, where to take them,
//! or why the ticket does not let them in.

use chrono::DateTime;
use rusqlite::Connection;

use super::lookup::{person, Found, Person};
use super::{ScanOutcome, ScanResult};
use crate::error::Result;
use crate::i18n::Lang;
use crate::{ticket, venue};

/// Venue-local `HH:MM` of an RFC 3339 instant.
fn local_hm(tz: chrono_tz::Tz, at: &str) -> Option<String> {
    DateTime::parse_from_rfc3339(at)
        .ok()
        .map(|t| t.with_timezone(&tz).format("%H:%M").to_string())
}

/// A hint for codes that are clearly something else than a ticket.
pub(super) fn not_a_ticket(raw: &str) -> (&'static str, &'static str) {
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

pub(super) fn blank(outcome: ScanOutcome, message: String) -> ScanResult {
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

pub(super) fn describe(
    conn: &Connection,
    lang: Lang,
    outcome: ScanOutcome,
    f: &Found,
    live: Option<(i64, String, String, i64)>,
) -> Result<ScanResult> {
    describe_person(conn, lang, outcome, f, live, person(conn, f.ticket_id)?)
}

/// [`describe`] for a guest already looked up (the check-in path needs them for its event too).
pub(super) fn describe_person(
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

pub(super) fn unreachable_invalid(lang: Lang) -> String {
    let (zh, en) = not_a_ticket("");
    lang.pick(zh, en).to_owned()
}
