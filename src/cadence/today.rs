//! Today's work: the touches due today or overdue, with their messages filled in.

use std::collections::HashMap;

use chrono::NaiveDate;
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use super::message::{en_time, fill, zh_time, Vars};
use super::plan::steps_of;
use super::schedule::schedule_missing;
use super::step::{parse_date, Channel, Step, TouchKind};
use crate::app::App;
use crate::caller::Caller;
use crate::contact::ContactRole;
use crate::error::Result;
use crate::invitation::InvitationStatus;
use crate::phone::PhoneKind;
use crate::{ticket, venue};

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct TodayQuery {
    /// One inviter's touches; all inviters' when absent (the organizer).
    #[serde(default)]
    pub inviter_id: Option<i64>,
    #[serde(default)]
    pub seminar_id: Option<i64>,
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

/// Today's work: due and overdue touches, overdue first, then hot (highest lead score) first.
/// Messages to guests who opted out are not listed.
/// Today's touches for the caller: an inviter's station sees its own, for its seminar, with
/// phones masked; the organizer sees what the query asks.
pub fn today_for(app: &App, caller: &Caller, mut q: TodayQuery) -> Result<Vec<TodayTouch>> {
    let Some(station) = &caller.station else {
        return today(app, q);
    };
    q.inviter_id = Some(station.staff_id);
    q.seminar_id = Some(station.seminar_id);
    let mut touches = today(app, q)?;
    for t in &mut touches {
        t.phone = t.phone.as_deref().map(crate::phone::mask);
    }
    Ok(touches)
}

pub fn today(app: &App, q: TodayQuery) -> Result<Vec<TodayTouch>> {
    let now = app.now_str();
    let mut conn = app.db.conn();
    {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        schedule_missing(&tx, q.inviter_id, &now)?;
        tx.commit()?;
    }
    today_in(app, &conn, &q)
}

struct SeminarInfo {
    title: String,
    date: String,
    today: NaiveDate,
    time: (String, String),
    address: String,
    steps: Vec<Step>,
}

fn today_in(app: &App, conn: &Connection, q: &TodayQuery) -> Result<Vec<TodayTouch>> {
    // A store invited without an inviter hears from the organisation ("我是{邀约人}" is never
    // empty: the message fills in "会务组" or "the events team" when the organisation has no name).
    let org = crate::settings::org_name(conn)?;
    let no_inviter = org.trim();
    // Upcoming seminars: their "today" at the venue, display strings and steps.
    let mut seminars: HashMap<i64, SeminarInfo> = HashMap::new();
    {
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
    }
    let Some(max_today) = seminars.values().map(|s| s.today).max() else {
        return Ok(Vec::new());
    };
    let mut stmt = conn.prepare_cached(
        "WITH due AS (
            SELECT t.id AS tid, t.invitation_id AS iid, t.step, t.kind, t.channel, t.due_date, t.call_back_at,
                   i.seminar_id, i.status, i.store_id, i.inviter_id, i.cadence
            FROM invitations i JOIN touches t ON t.invitation_id = i.id
            WHERE (?1 IS NULL OR i.inviter_id = ?1) AND (?2 IS NULL OR i.seminar_id = ?2)
              AND i.status IN ('invited', 'confirmed') AND t.done_at IS NULL AND t.due_date <= ?3
         ),
         inv AS (SELECT DISTINCT iid FROM due),
         pick AS (
            SELECT inv.iid, (SELECT c.id FROM invitation_guests g JOIN contacts c ON c.id = g.contact_id
                             WHERE g.invitation_id = inv.iid AND c.erased_at IS NULL
                             ORDER BY c.opted_out, CASE c.role WHEN 'owner_spouse' THEN 0 WHEN 'owner' THEN 1
                                      WHEN 'manager' THEN 2 ELSE 3 END, c.id LIMIT 1) AS cid
            FROM inv
         ),
         picked AS (
            SELECT pick.iid, pick.cid,
                   (SELECT k.code FROM tickets k WHERE k.invitation_id = pick.iid AND k.revoked_at IS NULL
                    ORDER BY k.contact_id IS NOT pick.cid, k.id LIMIT 1) AS code
            FROM pick
         )
         SELECT due.tid, due.iid, due.step, due.kind, due.channel, due.due_date, due.call_back_at,
                due.seminar_id, due.status, due.store_id, s.name, s.industry, due.inviter_id, f.name,
                c.id, c.name, c.role, c.phone, c.phone_kind, c.opted_out, picked.code, due.cadence
         FROM due JOIN picked ON picked.iid = due.iid JOIN stores s ON s.id = due.store_id
         LEFT JOIN staff f ON f.id = due.inviter_id
         LEFT JOIN contacts c ON c.id = picked.cid",
    )?;
    let mut out = Vec::new();
    // An invitation following its segment's own cadence: its steps, read once per distinct copy.
    let mut own: HashMap<String, Vec<Step>> = HashMap::new();
    let mut rows = stmt.query(params![q.inviter_id, q.seminar_id, max_today.to_string()])?;
    while let Some(r) = rows.next()? {
        let seminar_id: i64 = r.get(7)?;
        let Some(sem) = seminars.get(&seminar_id) else {
            continue;
        };
        let due: String = r.get(5)?;
        let Some(due_date) = parse_date(&due) else {
            continue;
        };
        if due_date > sem.today {
            continue;
        }
        let channel = Channel::parse(&r.get::<_, String>(4)?).unwrap_or(Channel::Call);
        let opted_out: Option<bool> = r.get(19)?;
        if channel == Channel::Message && opted_out != Some(false) {
            continue;
        }
        let step: i64 = r.get(2)?;
        let st = match r.get::<_, Option<String>>(21)? {
            Some(json) => own
                .entry(json)
                .or_insert_with_key(|j| serde_json::from_str(j).unwrap_or_default())
                .get(step as usize),
            None => sem.steps.get(step as usize),
        };
        let contact_id: Option<i64> = r.get(14)?;
        let contact_name: Option<String> = r.get(15)?;
        let store_name: String = r.get(10)?;
        let industry: String = r.get(11)?;
        let inviter_name: Option<String> = r.get(13)?;
        let ticket_code: Option<String> = r.get(20)?;
        let call_back_at: Option<String> = r.get(6)?;
        let template = st.map(|s| s.message.as_str()).unwrap_or_default();
        let table = if template.contains("{桌号}") || template.contains("{table}") {
            match contact_id {
                Some(c) => ticket::table_of(conn, seminar_id, c)?,
                None => None,
            }
        } else {
            None
        };
        let message = fill(
            template,
            &Vars {
                name: contact_name.as_deref().unwrap_or(""),
                store: &store_name,
                time: (&sem.time.0, &sem.time.1),
                address: &sem.address,
                table,
                code: ticket_code.as_deref(),
                industry: &industry,
                inviter: inviter_name.as_deref().unwrap_or(no_inviter),
            },
        );
        let role: Option<String> = r.get(16)?;
        let kind: Option<String> = r.get(18)?;
        out.push(TodayTouch {
            touch_id: r.get(0)?,
            invitation_id: r.get(1)?,
            invitation_status: InvitationStatus::parse(&r.get::<_, String>(8)?)
                .unwrap_or(InvitationStatus::Invited),
            seminar_id,
            seminar_title: sem.title.clone(),
            seminar_date: sem.date.clone(),
            overdue_days: (sem.today - due_date).num_days(),
            due_date: due,
            call_back: call_back_at.is_some(),
            call_back_at: call_back_at.filter(|t| !t.is_empty()),
            kind: TouchKind::parse(&r.get::<_, String>(3)?).unwrap_or(TouchKind::Custom),
            channel,
            store_id: r.get(9)?,
            store_name,
            inviter_id: r.get(12)?,
            inviter_name,
            contact_id,
            contact_name,
            role: role.as_deref().and_then(ContactRole::parse),
            phone: r.get(17)?,
            phone_kind: kind.as_deref().and_then(PhoneKind::parse),
            message,
            with_ticket: st.is_some_and(|s| s.with_ticket),
            ticket_code,
            score: 0.0,
        });
    }
    // Overdue first, then hot (the highest lead score) first; then by date, call-back time, seminar.
    let stores: Vec<i64> = out.iter().map(|t| t.store_id).collect();
    let day = crate::score::Day::of(conn, venue::today(app, conn, None)?)?;
    let scores = crate::score::scores(conn, Some(&stores), &day, false)?;
    for t in &mut out {
        t.score = crate::score::round1(scores.get(&t.store_id).copied().unwrap_or(0.0));
    }
    out.sort_by(|a, b| {
        (a.overdue_days == 0)
            .cmp(&(b.overdue_days == 0))
            .then(b.score.total_cmp(&a.score))
            .then(a.due_date.cmp(&b.due_date))
            .then_with(|| a.call_back_at.cmp(&b.call_back_at))
            .then_with(|| a.seminar_date.cmp(&b.seminar_date))
            .then_with(|| {
                a.kind
                    .as_str()
                    .cmp(b.kind.as_str())
                    .then(a.touch_id.cmp(&b.touch_id))
            })
    });
    Ok(out)
}
