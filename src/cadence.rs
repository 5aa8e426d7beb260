//! Cadences (邀约节奏) and touches: the calls, messages and visits due on day N before (or after)
//! a seminar, with a message template, an outcome, and the sequence advancing or ending with it.
//!
//! Shared piece: the invitation sequence before the event uses it now; the closing issue's
//! follow-ups after the event can use positive offsets.
//!
//! Dates are venue-local calendar dates (`YYYY-MM-DD` in the seminar's time zone): "D-3" of a
//! seminar on 2027-01-02 is 2026-12-30 whatever the organizer's laptop clock zone is.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::app::App;
use crate::caller::Caller;
use crate::contact::ContactRole;
use crate::error::{invalid, Error, Result};
use crate::input::SeminarScope;
use crate::invitation::{self, Change, InvitationStatus};
use crate::phone::PhoneKind;
use crate::template::{self, Store};
use crate::venue;
use crate::{seminar, ticket, validate};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TouchKind {
    /// 邀约: the first call.
    Invite,
    /// 目的渲染: why this meeting matters to their business.
    Purpose,
    /// 确认: the confirmation call.
    Confirm,
    /// 提醒: the reminder with the e-ticket.
    Reminder,
    /// 当天早上: time, address and table.
    Morning,
    Custom,
}

impl TouchKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TouchKind::Invite => "invite",
            TouchKind::Purpose => "purpose",
            TouchKind::Confirm => "confirm",
            TouchKind::Reminder => "reminder",
            TouchKind::Morning => "morning",
            TouchKind::Custom => "custom",
        }
    }
    pub fn parse(s: &str) -> Option<TouchKind> {
        Some(match s {
            "invite" => TouchKind::Invite,
            "purpose" => TouchKind::Purpose,
            "confirm" => TouchKind::Confirm,
            "reminder" => TouchKind::Reminder,
            "morning" => TouchKind::Morning,
            "custom" => TouchKind::Custom,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Call,
    /// WeChat or SMS.
    Message,
    Visit,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Call => "call",
            Channel::Message => "message",
            Channel::Visit => "visit",
        }
    }
    pub fn parse(s: &str) -> Option<Channel> {
        Some(match s {
            "call" => Channel::Call,
            "message" => Channel::Message,
            "visit" => Channel::Visit,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Reached,
    NoAnswer,
    Confirmed,
    Declined,
    CallBack,
    /// Closed without contact: the sequence moved on (confirmed) or ended (declined).
    Skipped,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Reached => "reached",
            Outcome::NoAnswer => "no_answer",
            Outcome::Confirmed => "confirmed",
            Outcome::Declined => "declined",
            Outcome::CallBack => "call_back",
            Outcome::Skipped => "skipped",
        }
    }
}

/// One step of a cadence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
pub struct Step {
    /// Days relative to the seminar's date: -10 is "D-10", 0 the day itself, 3 three days after.
    pub offset_days: i64,
    pub kind: TouchKind,
    pub channel: Channel,
    /// The message or call script, with variables {姓名} {店名} {时间} {地址} {桌号} {票码} {行业} {邀约人}.
    pub message: String,
    /// Only until the guest confirms (the first call, the confirmation call): skipped after.
    #[serde(default)]
    pub until_confirmed: bool,
    /// Send the e-ticket with it.
    #[serde(default)]
    pub with_ticket: bool,
}

/// The variables a message template may use.
pub const VARIABLES: [&str; 8] = [
    "{姓名}",
    "{店名}",
    "{时间}",
    "{地址}",
    "{桌号}",
    "{票码}",
    "{行业}",
    "{邀约人}",
];

/// The default invitation sequence: D-10 call, D-5 purpose message, D-3 confirmation call, D-1
/// reminder with the e-ticket, D-0 morning reminder.
pub fn default_steps() -> Vec<Step> {
    let step = |offset_days, kind, channel, message: &str, until_confirmed, with_ticket| Step {
        offset_days,
        kind,
        channel,
        message: message.into(),
        until_confirmed,
        with_ticket,
    };
    vec![
        step(-10, TouchKind::Invite, Channel::Call,
            "{姓名}您好！我是{邀约人}。我们{时间}在{地址}办一场专为{行业}老板准备的经营研讨会，名额有限，特别邀请您和老板一起来，我先帮您留两个座位好吗？",
            true, false),
        step(-5, TouchKind::Purpose, Channel::Message,
            "{姓名}您好！这次会议讲今年{行业}的新趋势和同行提升业绩的真实做法，现场还有只给到场门店的政策。店里的账一般是您在管，建议您亲自来听。时间：{时间}；地址：{地址}。",
            false, false),
        step(-3, TouchKind::Confirm, Channel::Call,
            "{姓名}您好，跟您确认一下{时间}的会议：您和几位一起来？我给您安排好座位。",
            true, false),
        step(-1, TouchKind::Reminder, Channel::Message,
            "{姓名}您好，明天{时间}的会议别忘了！地址：{地址}。这是您的入场券（票码 {票码}），到场出示二维码即可签到。",
            false, true),
        step(0, TouchKind::Morning, Channel::Message,
            "{姓名}早上好！今天{时间}见，地址：{地址}，您的座位：{桌号}。入场票码：{票码}。",
            false, true),
    ]
}

pub const DEFAULT_NAME: &str = "默认邀约节奏";

/// A seminar's cadence with the date each step falls on.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct CadenceView {
    pub seminar_id: i64,
    pub name: String,
    pub steps: Vec<Step>,
    /// The venue-local date of each step.
    pub dates: Vec<String>,
    pub variables: Vec<String>,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct CadenceInput {
    pub seminar_id: i64,
    pub name: String,
    pub steps: Vec<Step>,
    /// Also save these steps as a template under this name.
    #[serde(default)]
    pub save_as_template: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct CadenceTemplate {
    /// None for the built-in default.
    pub id: Option<i64>,
    pub name: String,
    pub steps: Vec<Step>,
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// The date `offset_days` from `date`: calendar arithmetic, right across month and year ends.
pub fn step_date(date: NaiveDate, offset_days: i64) -> NaiveDate {
    date + chrono::Duration::days(offset_days)
}

fn steps_of(conn: &Connection, seminar_id: i64) -> Result<(String, Vec<Step>)> {
    let row: Option<(String, String)> = conn
        .query_row(
            "SELECT name, steps FROM cadences WHERE seminar_id = ?1",
            [seminar_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(match row {
        Some((name, json)) => (
            name,
            serde_json::from_str(&json).unwrap_or_else(|_| default_steps()),
        ),
        None => (DEFAULT_NAME.into(), default_steps()),
    })
}

fn view(conn: &Connection, seminar_id: i64) -> Result<CadenceView> {
    let s = seminar::get_in(conn, seminar_id)?;
    let (name, steps) = steps_of(conn, seminar_id)?;
    let date = parse_date(&s.date);
    Ok(CadenceView {
        seminar_id,
        name,
        dates: steps
            .iter()
            .map(|st| {
                date.map(|d| step_date(d, st.offset_days).to_string())
                    .unwrap_or_default()
            })
            .collect(),
        steps,
        variables: VARIABLES.iter().map(|v| v.to_string()).collect(),
    })
}

pub fn get(app: &App, scope: SeminarScope) -> Result<CadenceView> {
    view(&app.db.conn(), scope.seminar_id)
}

fn check_steps(steps: &[Step]) -> Result<String> {
    if steps.is_empty() || steps.len() > 20 {
        return Err(invalid(
            "steps",
            "邀约节奏需要 1 到 20 步。",
            "A cadence needs 1 to 20 steps.",
        ));
    }
    for (i, st) in steps.iter().enumerate() {
        let n = i + 1;
        validate::range("steps", ("天数", "day offset"), st.offset_days, -90, 90)?;
        validate::optional_text("steps", ("话术", "message"), &st.message, 1000)?;
        let mut rest = st.message.as_str();
        while let Some(start) = rest.find('{') {
            let Some(len) = rest[start..].find('}') else {
                break;
            };
            let var = &rest[start..start + len + 1];
            if !VARIABLES.contains(&var) {
                return Err(invalid(
                    "steps",
                    format!(
                        "第 {n} 步的话术里有未知变量 {var}：可用 {}。",
                        VARIABLES.join(" ")
                    ),
                    format!(
                        "Step {n} uses the unknown variable {var}: use {}.",
                        VARIABLES.join(" ")
                    ),
                ));
            }
            rest = &rest[start + len + 1..];
        }
    }
    Ok(serde_json::to_string(steps).expect("steps serialise"))
}

/// Replaces a seminar's cadence (and optionally saves it as a template); open touches are
/// scheduled again from the new steps, done ones and call-back appointments stay.
pub fn set(app: &App, input: CadenceInput) -> Result<CadenceView> {
    let name = validate::text("name", ("节奏名称", "cadence name"), &input.name, 40)?;
    let json = check_steps(&input.steps)?;
    let template = template::name_to_save(input.save_as_template.as_deref())?;
    let now = app.now_str();
    app.db.write(|tx| {
        seminar::get_in(tx, input.seminar_id)?;
        tx.execute(
            "INSERT INTO cadences (seminar_id, name, steps, created_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (seminar_id) DO UPDATE SET name = excluded.name, steps = excluded.steps",
            params![input.seminar_id, name, json, now],
        )?;
        if let Some(t) = &template {
            TEMPLATES.save(tx, t, &json, &now)?;
        }
        tx.execute(
            "DELETE FROM touches WHERE done_at IS NULL AND call_back_at IS NULL
               AND invitation_id IN (SELECT id FROM invitations WHERE seminar_id = ?1)",
            [input.seminar_id],
        )?;
        let ids: Vec<i64> = tx
            .prepare("SELECT id FROM invitations WHERE seminar_id = ?1")?
            .query_map([input.seminar_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        for id in ids {
            schedule(tx, id, &now)?;
        }
        view(tx, input.seminar_id)
    })
}

/// Where the saved cadences are kept: beside the seminars' own, without a seminar.
const TEMPLATES: Store = Store {
    table: "cadences",
    content: "steps",
    only: Some("seminar_id IS NULL"),
    stamp: "created_at",
    restamp: false,
    what: ("邀约节奏模板", "cadence template"),
};

/// The built-in default, then the saved templates by name.
pub fn templates(app: &App) -> Result<Vec<CadenceTemplate>> {
    let default = CadenceTemplate {
        id: None,
        name: DEFAULT_NAME.into(),
        steps: default_steps(),
    };
    TEMPLATES.list(&app.db.conn(), default, |t| {
        Ok(CadenceTemplate {
            id: Some(t.id),
            name: t.name,
            steps: serde_json::from_str(&t.json).unwrap_or_default(),
        })
    })
}

/// Creates the touches an invitation is missing (one per step not yet scheduled), inside the
/// caller's transaction. Walk-ins, declined and cancelled invitations get none; a confirmed one
/// gets no "until confirmed" steps; message steps are left out when every guest opted out. A
/// step whose date passed before the invitation existed is due on the day it was made.
pub fn schedule(conn: &Connection, invitation_id: i64, now: &str) -> Result<()> {
    let row: Option<(i64, String, bool, String, String, String)> = conn
        .prepare_cached(
            "SELECT i.seminar_id, i.status, i.walk_in, i.created_at, m.date, m.timezone
             FROM invitations i JOIN seminars m ON m.id = i.seminar_id WHERE i.id = ?1",
        )?
        .query_row([invitation_id], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .optional()?;
    let Some((seminar_id, status, walk_in, created_at, date, tz)) = row else {
        return Ok(());
    };
    let status = InvitationStatus::parse(&status).unwrap_or(InvitationStatus::Invited);
    if walk_in
        || !matches!(
            status,
            InvitationStatus::Invited | InvitationStatus::Confirmed
        )
    {
        return Ok(());
    }
    let Some(date) = parse_date(&date) else {
        return Ok(());
    };
    let tz = venue::zone_named(conn, &tz)?;
    let created = chrono::DateTime::parse_from_rfc3339(&created_at)
        .map(|t| t.with_timezone(&tz).date_naive())
        .unwrap_or(date);
    let all_opted_out: bool = conn
        .prepare_cached(
            "SELECT count(*) > 0 AND sum(c.opted_out = 0 AND c.erased_at IS NULL) = 0
             FROM invitation_guests g JOIN contacts c ON c.id = g.contact_id WHERE g.invitation_id = ?1",
        )?
        .query_row([invitation_id], |r| r.get(0))?;
    let (_, steps) = steps_of(conn, seminar_id)?;
    let mut have =
        conn.prepare_cached("SELECT 1 FROM touches WHERE invitation_id = ?1 AND step = ?2")?;
    let mut add = conn.prepare_cached(
        "INSERT INTO touches (invitation_id, step, kind, channel, due_date, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for (i, st) in steps.iter().enumerate() {
        if st.until_confirmed && status == InvitationStatus::Confirmed {
            continue;
        }
        if st.channel == Channel::Message && all_opted_out {
            continue;
        }
        if have.exists(params![invitation_id, i as i64])? {
            continue;
        }
        let due = step_date(date, st.offset_days).max(created.min(date));
        add.execute(params![
            invitation_id,
            i as i64,
            st.kind.as_str(),
            st.channel.as_str(),
            due.to_string(),
            now
        ])?;
    }
    Ok(())
}

/// Schedules the invitations of upcoming seminars that have no touches yet (made by the demo, at
/// the door, or before this module existed).
fn schedule_missing(conn: &Connection, inviter_id: Option<i64>, now: &str) -> Result<()> {
    let ids: Vec<i64> = conn
        .prepare_cached(
            "SELECT i.id FROM invitations i JOIN seminars m ON m.id = i.seminar_id
             WHERE m.status IN ('planning', 'inviting') AND i.walk_in = 0
               AND i.status IN ('invited', 'confirmed') AND (?1 IS NULL OR i.inviter_id = ?1)
               AND NOT EXISTS (SELECT 1 FROM touches t WHERE t.invitation_id = i.id)",
        )?
        .query_map([inviter_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    for id in ids {
        schedule(conn, id, now)?;
    }
    Ok(())
}

/// Skips the open "until confirmed" touches of an invitation that was just confirmed (the
/// invitation and confirmation calls; a call-back the guest asked for stays).
pub fn skip_until_confirmed(conn: &Connection, invitation_id: i64, now: &str) -> Result<()> {
    conn.execute(
        "UPDATE touches SET outcome = 'skipped', done_at = ?2
         WHERE invitation_id = ?1 AND done_at IS NULL AND kind IN ('invite', 'confirm')
           AND call_back_at IS NULL",
        params![invitation_id, now],
    )?;
    Ok(())
}

/// Closes every open touch of an invitation (declined, cancelled, or the store arrived).
pub fn close_open(conn: &Connection, invitation_id: i64, now: &str) -> Result<()> {
    conn.execute(
        "UPDATE touches SET outcome = 'skipped', done_at = ?2
         WHERE invitation_id = ?1 AND done_at IS NULL",
        params![invitation_id, now],
    )?;
    Ok(())
}

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
}

/// Today's work: due and overdue touches, oldest first, then by seminar, step and store.
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

/// Records a touch's outcome for the caller: an inviter's station only on its own invitations.
pub fn record_for(app: &App, caller: &Caller, input: TouchOutcome) -> Result<TouchRecorded> {
    if let Some(station) = &caller.station {
        let owner: Option<(Option<i64>, i64)> = app
            .db
            .conn()
            .query_row(
                "SELECT i.inviter_id, i.seminar_id FROM touches t
                 JOIN invitations i ON i.id = t.invitation_id WHERE t.id = ?1",
                [input.id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        if let Some((inviter, seminar)) = owner {
            caller.check_seminar(seminar)?;
            if inviter != Some(station.staff_id) {
                return Err(Error::forbidden(
                    "这条邀约不归你负责：只能记录自己邀约的结果。",
                    "This invitation is not yours: record outcomes of your own invitations only.",
                ));
            }
        }
    }
    record(app, input)
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
    time: String,
    address: String,
    steps: Vec<Step>,
}

/// `2026-11-29` + `14:00` → `11月29日（周日）14:00`.
pub fn zh_time(date: &str, time: &str) -> String {
    const WEEK: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];
    match parse_date(date) {
        Some(d) => format!(
            "{}月{}日（周{}）{time}",
            d.month(),
            d.day(),
            WEEK[d.weekday().num_days_from_monday() as usize]
        ),
        None => format!("{date} {time}"),
    }
}

fn today_in(app: &App, conn: &Connection, q: &TodayQuery) -> Result<Vec<TodayTouch>> {
    // A store invited without an inviter hears from the organisation ("我是{邀约人}" is never empty).
    let org = crate::settings::org_name(conn)?;
    let no_inviter = if org.trim().is_empty() {
        "会务组"
    } else {
        org.trim()
    };
    // Upcoming seminars: their "today" at the venue, display strings and steps.
    let mut seminars: HashMap<i64, SeminarInfo> = HashMap::new();
    {
        let mut stmt = conn.prepare_cached(
            "SELECT id, title, date, start_time, timezone, trim(city || ' ' || venue) FROM seminars
             WHERE status IN ('planning', 'inviting', 'live') AND (?1 IS NULL OR id = ?1)",
        )?;
        let rows = stmt.query_map([q.seminar_id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
            ))
        })?;
        for row in rows {
            let (id, title, date, start, tz, address) = row?;
            let (_, steps) = steps_of(conn, id)?;
            seminars.insert(
                id,
                SeminarInfo {
                    title,
                    time: zh_time(&date, &start),
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
                   i.seminar_id, i.status, i.store_id, i.inviter_id
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
                c.id, c.name, c.role, c.phone, c.phone_kind, c.opted_out, picked.code
         FROM due JOIN picked ON picked.iid = due.iid JOIN stores s ON s.id = due.store_id
         LEFT JOIN staff f ON f.id = due.inviter_id
         LEFT JOIN contacts c ON c.id = picked.cid",
    )?;
    let mut out = Vec::new();
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
        let st = sem.steps.get(step as usize);
        let contact_id: Option<i64> = r.get(14)?;
        let contact_name: Option<String> = r.get(15)?;
        let store_name: String = r.get(10)?;
        let industry: String = r.get(11)?;
        let inviter_name: Option<String> = r.get(13)?;
        let ticket_code: Option<String> = r.get(20)?;
        let call_back_at: Option<String> = r.get(6)?;
        let template = st.map(|s| s.message.as_str()).unwrap_or_default();
        let table = if template.contains("{桌号}") {
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
                time: &sem.time,
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
        });
    }
    out.sort_by(|a, b| {
        a.due_date
            .cmp(&b.due_date)
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

/// The values of a message's variables.
pub struct Vars<'a> {
    pub name: &'a str,
    pub store: &'a str,
    pub time: &'a str,
    pub address: &'a str,
    pub table: Option<i64>,
    pub code: Option<&'a str>,
    pub industry: &'a str,
    pub inviter: &'a str,
}

/// Fills a template's variables. A table not yet assigned reads "签到时安排"; a ticket not yet
/// issued "确认后发送".
pub fn fill(template: &str, v: &Vars) -> String {
    let table = match v.table {
        Some(n) => format!("{n}号桌"),
        None => "签到时安排".to_owned(),
    };
    let industry = if v.industry.is_empty() {
        "门店"
    } else {
        v.industry
    };
    // One pass over the template (today's list fills thousands of messages).
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let end = tail.find('}').map(|e| e + 1).unwrap_or(tail.len());
        let value = match &tail[..end] {
            "{姓名}" => v.name,
            "{店名}" => v.store,
            "{时间}" => v.time,
            "{地址}" => v.address,
            "{桌号}" => table.as_str(),
            "{票码}" => v.code.unwrap_or("确认后发送"),
            "{行业}" => industry,
            "{邀约人}" => v.inviter,
            other => other,
        };
        out.push_str(value);
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct TouchOutcome {
    pub id: i64,
    pub outcome: Outcome,
    #[serde(default)]
    pub note: String,
    /// Required when declined.
    #[serde(default)]
    pub decline_reason: String,
    /// For "call back": the venue-local date, and optionally the time (HH:MM).
    #[serde(default)]
    pub call_back_date: Option<String>,
    #[serde(default)]
    pub call_back_time: Option<String>,
    /// Who did it.
    #[serde(default)]
    pub staff_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct TouchRecorded {
    pub touch_id: i64,
    pub invitation: invitation::Invitation,
    /// Tickets issued by this outcome (on confirming).
    pub tickets: Vec<String>,
    /// The call-back touch created, if any.
    pub call_back_touch_id: Option<i64>,
}

/// Records a touch's outcome. Confirmed and declined change the invitation (and so advance or
/// end the sequence); "call back" schedules a new touch of the same step on the given day.
pub fn record(app: &App, input: TouchOutcome) -> Result<TouchRecorded> {
    let note = validate::optional_text("note", ("备注", "note"), &input.note, 1000)?;
    let reason = validate::optional_text(
        "decline_reason",
        ("拒绝原因", "reason"),
        &input.decline_reason,
        500,
    )?;
    let now = app.now_str();
    app.db.write(|tx| {
        let row: Option<(i64, i64, String, String, Option<String>)> = tx
            .query_row(
                "SELECT t.invitation_id, t.step, t.kind, t.channel, t.done_at FROM touches t WHERE t.id = ?1",
                [input.id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
            )
            .optional()?;
        let Some((inv_id, step, kind, channel, done)) = row else {
            return Err(invalid(
                "id",
                format!("找不到这条邀约任务（编号 {}）。", input.id),
                format!("There is no touch with id {}.", input.id),
            ));
        };
        if done.is_some() {
            return Err(Error::Conflict {
                zh: "这条任务已经记录过结果了。".into(),
                en: "This touch already has an outcome.".into(),
            });
        }
        let mut call_back_touch_id = None;
        let mut tickets = Vec::new();
        match input.outcome {
            Outcome::Skipped => {
                return Err(invalid(
                    "outcome",
                    "“跳过”由系统设置，不能手动选择。",
                    "“Skipped” is set by the app, not chosen by hand.",
                ))
            }
            Outcome::CallBack => {
                let inv = invitation::get_in(tx, inv_id)?;
                let today = venue::today(app, tx, Some(inv.seminar_id))?;
                let date = input
                    .call_back_date
                    .as_deref()
                    .and_then(|d| parse_date(d.trim()))
                    .filter(|d| *d >= today)
                    .ok_or_else(|| {
                        invalid(
                            "call_back_date",
                            format!("请填写回电日期（今天 {today} 或之后）。"),
                            format!("Please give the call-back date (today, {today}, or later)."),
                        )
                    })?;
                let time = match input.call_back_time.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                    Some(t) => Some(
                        chrono::NaiveTime::parse_from_str(t, "%H:%M")
                            .map_err(|_| {
                                invalid(
                                    "call_back_time",
                                    "回电时间应为 14:30 这样的格式。",
                                    "The call-back time should look like 14:30.",
                                )
                            })?
                            .format("%H:%M")
                            .to_string(),
                    ),
                    None => None,
                };
                tx.execute(
                    "INSERT INTO touches (invitation_id, step, kind, channel, due_date, call_back_at, created_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    params![inv_id, step, kind, channel, date.to_string(), time.unwrap_or_default(), now],
                )?;
                call_back_touch_id = Some(tx.last_insert_rowid());
            }
            _ => {}
        }
        tx.execute(
            "UPDATE touches SET outcome = ?2, note = ?3, done_at = ?4, done_by = ?5 WHERE id = ?1",
            params![input.id, input.outcome.as_str(), note, now, input.staff_id],
        )?;
        let status = match input.outcome {
            Outcome::Confirmed => Some(InvitationStatus::Confirmed),
            Outcome::Declined => Some(InvitationStatus::Declined),
            _ => None,
        };
        if let Some(to) = status {
            let change = Change::Status { to, reason: &reason };
            tickets = invitation::transition(tx, inv_id, change, &now)?;
        }
        Ok(TouchRecorded {
            touch_id: input.id,
            invitation: invitation::get_in(tx, inv_id)?,
            tickets,
            call_back_touch_id,
        })
    })
}

/// One inviter's figures for a seminar.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct InviterProgress {
    pub inviter_id: Option<i64>,
    pub inviter_name: Option<String>,
    pub invited: i64,
    /// Spoken to at least once (reached, confirmed, declined, or asked to be called back).
    pub reached: i64,
    pub confirmed: i64,
    pub declined: i64,
    /// People coming with the confirmed stores.
    pub confirmed_guests: i64,
    pub due_today: i64,
    pub overdue: i64,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Progress {
    pub seminar_id: i64,
    pub capacity: i64,
    pub invited: i64,
    pub reached: i64,
    pub confirmed: i64,
    pub declined: i64,
    pub confirmed_guests: i64,
    pub inviters: Vec<InviterProgress>,
}

/// The organizer's view: progress per inviter against the seminar's capacity.
pub fn progress(app: &App, scope: SeminarScope) -> Result<Progress> {
    let now = app.now_str();
    let mut conn = app.db.conn();
    let sem = seminar::get_in(&conn, scope.seminar_id)?;
    {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        schedule_missing(&tx, None, &now)?;
        tx.commit()?;
    }
    let today = venue::today(app, &conn, Some(sem.id))?.to_string();
    let mut stmt = conn.prepare_cached(
        "SELECT i.inviter_id, f.name, count(*),
            sum(i.status IN ('confirmed', 'declined') OR EXISTS (SELECT 1 FROM touches t WHERE t.invitation_id = i.id
                AND t.outcome IN ('reached', 'confirmed', 'declined', 'call_back'))),
            sum(i.status = 'confirmed' OR i.walk_in),
            sum(i.status = 'declined'),
            sum(CASE WHEN i.status = 'confirmed' OR i.walk_in THEN
                (SELECT count(*) FROM invitation_guests g WHERE g.invitation_id = i.id) ELSE 0 END),
            sum((SELECT count(*) FROM touches t WHERE t.invitation_id = i.id AND t.done_at IS NULL AND t.due_date = ?2)),
            sum((SELECT count(*) FROM touches t WHERE t.invitation_id = i.id AND t.done_at IS NULL AND t.due_date < ?2))
         FROM invitations i LEFT JOIN staff f ON f.id = i.inviter_id
         WHERE i.seminar_id = ?1 AND i.status <> 'cancelled'
         GROUP BY i.inviter_id ORDER BY f.name IS NULL, f.name",
    )?;
    let inviters: Vec<InviterProgress> = stmt
        .query_map(params![scope.seminar_id, today], |r| {
            Ok(InviterProgress {
                inviter_id: r.get(0)?,
                inviter_name: r.get(1)?,
                invited: r.get(2)?,
                reached: r.get(3)?,
                confirmed: r.get(4)?,
                declined: r.get(5)?,
                confirmed_guests: r.get(6)?,
                due_today: r.get(7)?,
                overdue: r.get(8)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let sum = |f: fn(&InviterProgress) -> i64| inviters.iter().map(f).sum::<i64>();
    Ok(Progress {
        seminar_id: scope.seminar_id,
        capacity: sem.capacity,
        invited: sum(|p| p.invited),
        reached: sum(|p| p.reached),
        confirmed: sum(|p| p.confirmed),
        declined: sum(|p| p.declined),
        confirmed_guests: sum(|p| p.confirmed_guests),
        inviters,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn steps_fall_right_across_month_and_year_ends() {
        let seminar = d("2027-01-03");
        let dates: Vec<String> = default_steps()
            .iter()
            .map(|s| step_date(seminar, s.offset_days).to_string())
            .collect();
        assert_eq!(
            dates,
            [
                "2026-12-24",
                "2026-12-29",
                "2026-12-31",
                "2027-01-02",
                "2027-01-03"
            ]
        );
        assert_eq!(step_date(d("2028-03-01"), -1), d("2028-02-29"));
        assert_eq!(step_date(d("2027-03-01"), -1), d("2027-02-28"));
        assert_eq!(step_date(d("2026-12-30"), 3), d("2027-01-02"));
    }

    #[test]
    fn templates_fill_every_variable() {
        let v = Vars {
            name: "刘丽",
            store: "小太阳幼儿园",
            time: "11月29日（周日）14:00",
            address: "长沙 华天大酒店",
            table: Some(3),
            code: Some("ABC"),
            industry: "幼儿园",
            inviter: "王芳",
        };
        let all = VARIABLES.join("|");
        assert_eq!(
            fill(&all, &v),
            "刘丽|小太阳幼儿园|11月29日（周日）14:00|长沙 华天大酒店|3号桌|ABC|幼儿园|王芳"
        );
        assert_eq!(zh_time("2027-01-01", "09:30"), "1月1日（周五）09:30");
    }

    #[test]
    fn unknown_variables_are_refused() {
        let mut steps = default_steps();
        steps[1].message = "您好 {名字}".into();
        let e = check_steps(&steps).unwrap_err();
        assert!(e.message(crate::i18n::Lang::Zh).contains("第 2 步"));
        assert!(check_steps(&default_steps()).is_ok());
    }
}
