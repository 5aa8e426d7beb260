//! Today's work: the touches due today or overdue, with their messages filled in, the whole list
//! or a page of it.
//!
//! The list is ordered from cheap keys only (the touch, its due date, the store's kept score and
//! the tie-breakers); stores, guests, tickets and messages are read for the touches shown
//! (`today_fill`).

use std::collections::HashMap;
use std::ops::Range;

use chrono::NaiveDate;
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use super::message::{en_time, zh_time};
use super::plan::steps_of;
use super::schedule::schedule_missing;
use super::step::{parse_date, Channel, Step, TouchKind};
use crate::app::App;
use crate::caller::Caller;
use crate::contact::ContactRole;
use crate::error::{invalid, Result};
use crate::invitation::InvitationStatus;
use crate::phone::PhoneKind;
use crate::venue;

/// A page of `touches.today_page` when the query names no `limit`.
pub const PAGE: i64 = 50;
/// The most touches one page may ask for.
pub const MAX_PAGE: i64 = 500;

#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema)]
pub struct TodayQuery {
    /// One inviter's touches; all inviters' when absent (the organizer).
    #[serde(default)]
    pub inviter_id: Option<i64>,
    #[serde(default)]
    pub seminar_id: Option<i64>,
    /// At most this many touches (1–500), from `offset` in the list's order. `touches.today`
    /// answers the whole list when neither `limit` nor `offset` is given; `touches.today_page`
    /// answers 50 when `limit` is absent.
    #[serde(default)]
    #[ts(optional)]
    pub limit: Option<i64>,
    /// How many touches of the ordered list to skip (0 when absent).
    #[serde(default)]
    #[ts(optional)]
    pub offset: Option<i64>,
}

/// A touch due today or overdue, ready to act on.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct TodayTouch {
    pub touch_id: i64,
    pub invitation_id: i64,
    pub invitation_status: InvitationStatus,
    pub seminar_id: i64,
    pub seminar_title: String,
    pub seminar_date: String,
    pub due_date: String,
    /// 0 when due today.
    pub overdue_days: i64,
    /// A call-back the guest asked for; `call_back_at` is its time (HH:MM) when they gave one.
    pub call_back: bool,
    pub call_back_at: Option<String>,
    pub kind: TouchKind,
    pub channel: Channel,
    pub store_id: i64,
    pub store_name: String,
    pub inviter_id: Option<i64>,
    pub inviter_name: Option<String>,
    /// The guest to contact: the one who holds the money first (老板娘), opted-out ones last.
    pub contact_id: Option<i64>,
    pub contact_name: Option<String>,
    pub role: Option<ContactRole>,
    pub phone: Option<String>,
    pub phone_kind: Option<PhoneKind>,
    /// The message with its variables filled in.
    pub message: String,
    pub with_ticket: bool,
    pub ticket_code: Option<String>,
    /// The store's lead score today (hot first).
    pub score: f64,
}

/// A page of today's touches with the size of the whole list, so a screen can say "共 N 条" and
/// whether more follow.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct TodayPage {
    /// The touches of this page, in the list's order.
    pub items: Vec<TodayTouch>,
    /// Every touch due today or overdue (the whole list).
    pub total: i64,
    /// Of them, the overdue ones.
    pub overdue: i64,
    pub offset: i64,
    pub limit: i64,
    /// More touches follow this page.
    pub more: bool,
}

/// Today's touches for the caller: an inviter's station sees its own, for its seminar, with
/// phones masked; the organizer sees what the query asks.
pub fn today_for(app: &App, caller: &Caller, q: TodayQuery) -> Result<Vec<TodayTouch>> {
    let mut touches = today(app, for_caller(caller, q))?;
    mask_for(caller, &mut touches);
    Ok(touches)
}

/// A page of today's touches for the caller, as [`today_for`] scopes and masks them.
pub fn today_page_for(app: &App, caller: &Caller, q: TodayQuery) -> Result<TodayPage> {
    let mut page = today_page(app, for_caller(caller, q))?;
    mask_for(caller, &mut page.items);
    Ok(page)
}

fn for_caller(caller: &Caller, mut q: TodayQuery) -> TodayQuery {
    if let Some(station) = &caller.station {
        q.inviter_id = Some(station.staff_id);
        q.seminar_id = Some(station.seminar_id);
    }
    q
}

fn mask_for(caller: &Caller, touches: &mut [TodayTouch]) {
    if caller.station.is_some() {
        for t in touches {
            t.phone = t.phone.as_deref().map(crate::phone::mask);
        }
    }
}

/// Today's work: due and overdue touches, overdue first, then hot (highest lead score) first.
/// Messages to guests who opted out are not listed. The whole list, or the part `limit` and
/// `offset` ask for.
pub fn today(app: &App, q: TodayQuery) -> Result<Vec<TodayTouch>> {
    let (offset, limit) = paging(&q)?;
    let mut conn = app.db.conn();
    let list = ordered(app, &mut conn, &q)?;
    let range = list.range(offset, limit);
    list.fill(&conn, range)
}

/// A page of today's work (50 touches unless `limit` says otherwise), with the counts of the
/// whole list.
pub fn today_page(app: &App, q: TodayQuery) -> Result<TodayPage> {
    let (offset, limit) = paging(&q)?;
    let limit = limit.unwrap_or(PAGE as usize);
    let mut conn = app.db.conn();
    let list = ordered(app, &mut conn, &q)?;
    let range = list.range(offset, Some(limit));
    let more = range.end < list.due.len();
    Ok(TodayPage {
        total: list.due.len() as i64,
        overdue: list.due.iter().filter(|d| d.overdue_days > 0).count() as i64,
        offset: offset as i64,
        limit: limit as i64,
        more,
        items: list.fill(&conn, range)?,
    })
}

/// The query's offset and limit, checked before anything is read or written.
fn paging(q: &TodayQuery) -> Result<(usize, Option<usize>)> {
    let limit = match q.limit {
        Some(n) if !(1..=MAX_PAGE).contains(&n) => {
            return Err(invalid(
                "limit",
                format!("每页条数（limit）须在 1 到 {MAX_PAGE} 之间，收到的是 {n}"),
                format!("The page size (limit) must be between 1 and {MAX_PAGE}; it was {n}"),
            ))
        }
        n => n.map(|n| n as usize),
    };
    let offset = match q.offset {
        Some(n) if n < 0 => {
            return Err(invalid(
                "offset",
                format!("跳过的条数（offset）不能是负数，收到的是 {n}"),
                format!("The number of touches to skip (offset) cannot be negative; it was {n}"),
            ))
        }
        n => n.unwrap_or(0) as usize,
    };
    Ok((offset, limit))
}

pub(super) struct SeminarInfo {
    pub(super) title: String,
    pub(super) date: String,
    pub(super) today: NaiveDate,
    pub(super) time: (String, String),
    pub(super) address: String,
    pub(super) steps: Vec<Step>,
}

/// A touch on today's list by its cheap keys: what orders the list, nothing read from the store
/// or its people beyond the touch, its invitation and the kept score.
pub(super) struct Due {
    pub(super) touch_id: i64,
    pub(super) seminar_id: i64,
    pub(super) store_id: i64,
    pub(super) kind: TouchKind,
    pub(super) channel: Channel,
    pub(super) due_date: String,
    pub(super) seminar_date: String,
    pub(super) overdue_days: i64,
    /// As stored: `Some("")` is a call-back without a time.
    pub(super) call_back_at: Option<String>,
    pub(super) score: f64,
}

impl Due {
    pub(super) fn call_back_time(&self) -> Option<&str> {
        self.call_back_at.as_deref().filter(|t| !t.is_empty())
    }
}

/// Today's list, ordered, ready to fill in any part of it.
pub(super) struct Ordered {
    pub(super) seminars: HashMap<i64, SeminarInfo>,
    pub(super) due: Vec<Due>,
    /// Who speaks for a store invited without an inviter.
    pub(super) no_inviter: String,
}

/// Schedules what is missing, then lists and orders the due touches by their keys.
fn ordered(app: &App, conn: &mut Connection, q: &TodayQuery) -> Result<Ordered> {
    let now = app.now_str();
    {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        schedule_missing(&tx, q.inviter_id, &now)?;
        tx.commit()?;
    }
    let seminars = seminars(app, conn, q)?;
    let mut due = due_in(conn, &seminars, q)?;
    if !due.is_empty() {
        hot_first(app, conn, &mut due)?;
    }
    // A store invited without an inviter hears from the organisation ("我是{邀约人}" is never
    // empty: the message fills in "会务组" or "the events team" when the organisation has no name).
    let no_inviter = crate::settings::org_name(conn)?.trim().to_owned();
    Ok(Ordered {
        seminars,
        due,
        no_inviter,
    })
}

/// Upcoming seminars: their "today" at the venue, display strings and steps.
fn seminars(app: &App, conn: &Connection, q: &TodayQuery) -> Result<HashMap<i64, SeminarInfo>> {
    let mut seminars = HashMap::new();
    let mut stmt = conn.prepare_cached(
        "SELECT id, title, date, start_time, timezone, city, venue FROM seminars
         WHERE status IN ('planning', 'inviting', 'live') AND (?1 IS NULL OR id = ?1)",
    )?;
    let rows = stmt.query_map([q.seminar_id], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            crate::seminar::address(&r.get::<_, String>(5)?, &r.get::<_, String>(6)?),
        ))
    })?;
    for row in rows {
        let (id, title, date, start, tz, address) = row?;
        let (_, steps) = steps_of(conn, id)?;
        seminars.insert(
            id,
            SeminarInfo {
                title,
                time: (zh_time(&date, &start), en_time(&date, &start)),
                date,
                today: venue::today_in(app, venue::zone_named(conn, &tz)?),
                address,
                steps,
            },
        );
    }
    Ok(seminars)
}

/// The due touches' keys: from the seminars still open to their live invitations and their open
/// touches (never a walk through every touch of every year). A message is listed only when one of
/// its guests has not opted out, so only messages look at the guests.
fn due_in(
    conn: &Connection,
    seminars: &HashMap<i64, SeminarInfo>,
    q: &TodayQuery,
) -> Result<Vec<Due>> {
    let Some(max_today) = seminars.values().map(|s| s.today).max() else {
        return Ok(Vec::new());
    };
    let mut stmt = conn.prepare_cached(
        "SELECT t.id, t.kind, t.channel, t.due_date, t.call_back_at, i.seminar_id, i.store_id,
                CASE WHEN t.channel = 'message' THEN EXISTS (
                    SELECT 1 FROM invitation_guests g JOIN contacts c ON c.id = g.contact_id
                    WHERE g.invitation_id = i.id AND c.erased_at IS NULL AND c.opted_out = 0) END
         FROM seminars m CROSS JOIN invitations i ON i.seminar_id = m.id
              CROSS JOIN touches t ON t.invitation_id = i.id AND t.done_at IS NULL
         WHERE m.status IN ('planning', 'inviting', 'live') AND (?2 IS NULL OR m.id = ?2)
           AND i.status IN ('invited', 'confirmed') AND (?1 IS NULL OR i.inviter_id = ?1)
           AND t.due_date <= ?3",
    )?;
    let mut out = Vec::new();
    let mut rows = stmt.query(params![q.inviter_id, q.seminar_id, max_today.to_string()])?;
    while let Some(r) = rows.next()? {
        let seminar_id: i64 = r.get(5)?;
        let Some(sem) = seminars.get(&seminar_id) else {
            continue;
        };
        let due_date: String = r.get(3)?;
        let Some(due) = parse_date(&due_date) else {
            continue;
        };
        if due > sem.today {
            continue;
        }
        let channel = Channel::parse(&r.get::<_, String>(2)?).unwrap_or(Channel::Call);
        let reachable: Option<bool> = r.get(7)?;
        if channel == Channel::Message && reachable != Some(true) {
            continue;
        }
        out.push(Due {
            touch_id: r.get(0)?,
            seminar_id,
            store_id: r.get(6)?,
            kind: TouchKind::parse(&r.get::<_, String>(1)?).unwrap_or(TouchKind::Custom),
            channel,
            due_date,
            seminar_date: sem.date.clone(),
            overdue_days: (sem.today - due).num_days(),
            call_back_at: r.get(4)?,
            score: 0.0,
        });
    }
    Ok(out)
}

/// Overdue first, then hot (the highest lead score) first; then by date, call-back time, seminar,
/// kind and touch. The scores come from the kept score cache (those missing are computed and kept).
fn hot_first(app: &App, conn: &mut Connection, due: &mut [Due]) -> Result<()> {
    let stores: Vec<i64> = due.iter().map(|t| t.store_id).collect();
    let day = crate::score::Day::of(conn, venue::today(app, conn, None)?)?;
    let scores = crate::score::scores_kept(conn, &stores, &day)?;
    for t in due.iter_mut() {
        t.score = crate::score::round1(scores.get(&t.store_id).copied().unwrap_or(0.0));
    }
    due.sort_by(|a, b| {
        (a.overdue_days == 0)
            .cmp(&(b.overdue_days == 0))
            .then(b.score.total_cmp(&a.score))
            .then_with(|| a.due_date.cmp(&b.due_date))
            .then_with(|| a.call_back_time().cmp(&b.call_back_time()))
            .then_with(|| a.seminar_date.cmp(&b.seminar_date))
            .then_with(|| a.kind.as_str().cmp(b.kind.as_str()))
            .then(a.touch_id.cmp(&b.touch_id))
    });
    Ok(())
}

impl Ordered {
    /// The touches from `offset`, at most `limit` of them (all when `None`).
    fn range(&self, offset: usize, limit: Option<usize>) -> Range<usize> {
        let start = offset.min(self.due.len());
        let end = limit.map_or(self.due.len(), |l| (start + l).min(self.due.len()));
        start..end
    }
}
