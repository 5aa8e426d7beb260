//! Follow-ups (会后跟进): the calls, messages and visits after a seminar, each owned by a staff
//! member and due on a date.

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::app::App;
pub use crate::cadence::Channel;
use crate::caller::Caller;
use crate::deal::{DealInput, Payment};
use crate::error::Result;
use crate::i18n::Lang;
use crate::input::SeminarScope;
use crate::seminar;
use crate::venue;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpOutcome {
    Closed,
    Deposit,
    Thinking,
    Lost,
}

impl FollowUpOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            FollowUpOutcome::Closed => "closed",
            FollowUpOutcome::Deposit => "deposit",
            FollowUpOutcome::Thinking => "thinking",
            FollowUpOutcome::Lost => "lost",
        }
    }
    fn parse(s: &str) -> Option<FollowUpOutcome> {
        match s {
            "closed" => Some(FollowUpOutcome::Closed),
            "deposit" => Some(FollowUpOutcome::Deposit),
            "thinking" => Some(FollowUpOutcome::Thinking),
            "lost" => Some(FollowUpOutcome::Lost),
            _ => None,
        }
    }
}

/// What a follow-up is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpKind {
    /// A store that came and did not buy at the event: owned by the assistant who sat with them.
    AfterEvent,
    /// A confirmed store that did not come: owned by its inviter, to invite it to the next seminar.
    NoShow,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct FollowUp {
    pub id: i64,
    pub seminar_id: Option<i64>,
    pub store_id: i64,
    pub store_name: String,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    pub kind: FollowUpKind,
    pub channel: Channel,
    pub due_date: String,
    pub outcome: Option<FollowUpOutcome>,
    pub note: String,
    pub lost_reason: String,
    pub done_at: Option<String>,
    /// The store's lead score today, to one decimal (lists put the hottest first within a day).
    pub score: f64,
}

const SELECT: &str = "SELECT f.id, f.seminar_id, f.store_id, s.name, f.owner_id, o.name, f.channel, f.due_date, f.outcome,
        f.note, f.done_at, f.kind, f.lost_reason
    FROM followups f JOIN stores s ON s.id = f.store_id LEFT JOIN staff o ON o.id = f.owner_id";

fn from_row(r: &rusqlite::Row) -> rusqlite::Result<FollowUp> {
    let outcome: Option<String> = r.get(8)?;
    let kind: String = r.get(11)?;
    Ok(FollowUp {
        id: r.get(0)?,
        seminar_id: r.get(1)?,
        store_id: r.get(2)?,
        store_name: r.get(3)?,
        owner_id: r.get(4)?,
        owner_name: r.get(5)?,
        channel: Channel::parse(&r.get::<_, String>(6)?).unwrap_or(Channel::Call),
        due_date: r.get(7)?,
        outcome: outcome.as_deref().and_then(FollowUpOutcome::parse),
        note: r.get(9)?,
        done_at: r.get(10)?,
        kind: if kind == "no_show" {
            FollowUpKind::NoShow
        } else {
            FollowUpKind::AfterEvent
        },
        lost_reason: r.get(12)?,
        score: 0.0,
    })
}

/// Fills in each follow-up's store score and orders them by due day, the hottest store first
/// within a day, then as created.
fn hot_first(app: &App, conn: &Connection, mut rows: Vec<FollowUp>) -> Result<Vec<FollowUp>> {
    let stores: Vec<i64> = rows.iter().map(|f| f.store_id).collect();
    let day = crate::score::Day::of(conn, venue::today(app, conn, None)?)?;
    let scores = crate::score::scores(conn, Some(&stores), &day, false)?;
    for f in &mut rows {
        f.score = crate::score::round1(scores.get(&f.store_id).copied().unwrap_or(0.0));
    }
    rows.sort_by(|a, b| {
        a.due_date
            .cmp(&b.due_date)
            .then(b.score.total_cmp(&a.score))
            .then(a.id.cmp(&b.id))
    });
    Ok(rows)
}

fn get_in(conn: &Connection, id: i64) -> Result<FollowUp> {
    crate::error::found(
        conn.query_row(&format!("{SELECT} WHERE f.id = ?1"), [id], from_row),
        crate::error::Thing::FollowUp,
        id,
    )
}

pub fn list(app: &App, scope: SeminarScope) -> Result<Vec<FollowUp>> {
    let conn = app.db.conn();
    seminar::get_in(&conn, scope.seminar_id)?;
    let mut stmt = conn.prepare(&format!(
        "{SELECT} WHERE f.seminar_id = ?1 ORDER BY f.due_date, f.id"
    ))?;
    let rows = stmt
        .query_map([scope.seminar_id], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    hot_first(app, &conn, rows)
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct FollowUpTodayQuery {
    /// Whose follow-ups (all staff when null).
    #[serde(default)]
    pub owner_id: Option<i64>,
    /// `YYYY-MM-DD`; today in the organisation's time zone when null.
    #[serde(default)]
    pub date: Option<String>,
}

/// Today's follow-ups for the caller: a station sees its own staff member's.
pub fn today_for(app: &App, caller: &Caller, mut q: FollowUpTodayQuery) -> Result<Vec<FollowUp>> {
    if let Some(station) = &caller.station {
        q.owner_id = Some(station.staff_id);
    }
    today(app, q)
}

/// Records a follow-up's outcome for the caller: a station only on its own follow-ups.
pub fn record_for(app: &App, caller: &Caller, input: FollowUpRecord) -> Result<FollowUp> {
    if let Some(station) = &caller.station {
        let f = get_in(&app.db.conn(), input.id)?;
        if f.owner_id != Some(station.staff_id) {
            return Err(crate::error::Error::forbidden(
                "这条跟进不归你负责。",
                "This follow-up is someone else's.",
            ));
        }
    }
    record(app, &caller.actor, input)
}

/// Open follow-ups due on or before the day, oldest first and the hottest store first within a
/// day: a staff member's work for today.
pub fn today(app: &App, q: FollowUpTodayQuery) -> Result<Vec<FollowUp>> {
    let conn = app.db.conn();
    let day = match q.date.as_deref() {
        Some(d) => parse_day(d, "date")?,
        None => venue::today(app, &conn, None)?,
    };
    let mut stmt = conn.prepare(&format!(
        "{SELECT} WHERE f.done_at IS NULL AND f.due_date <= ?1 AND (?2 IS NULL OR f.owner_id = ?2)
         ORDER BY f.due_date, f.id"
    ))?;
    let rows = stmt
        .query_map(
            params![day.format("%Y-%m-%d").to_string(), q.owner_id],
            from_row,
        )?
        .collect::<rusqlite::Result<_>>()?;
    hot_first(app, &conn, rows)
}

fn parse_day(s: &str, field: &'static str) -> Result<chrono::NaiveDate> {
    chrono::NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
        crate::error::invalid(
            field,
            format!("日期“{s}”无效，请使用 2026-11-22 这样的格式。"),
            format!("Date “{s}” is not valid; use the form 2026-11-22."),
        )
    })
}

/// One step of a sequence: days after the seminar, channel, what to do (Chinese, English).
type Step = (i64, Channel, (&'static str, &'static str));

/// The default sequences; their notes are written in the organisation's language.
const AFTER_EVENT: [Step; 3] = [
    (
        1,
        Channel::Call,
        (
            "会后第一天电话回访：解答疑问，约时间。",
            "Call the day after: answer their questions, agree a time.",
        ),
    ),
    (
        3,
        Channel::Visit,
        (
            "上门拜访或发资料：用同行案例推动决定。",
            "Visit or send material: help them decide with cases from their trade.",
        ),
    ),
    (
        7,
        Channel::Call,
        (
            "最后一次电话：给出明确答复的期限。",
            "Last call: agree a date for a clear answer.",
        ),
    ),
];
const NO_SHOW: [Step; 1] = [(
    1,
    Channel::Call,
    (
        "未到场：了解原因，邀请参加下一场。",
        "Did not come: ask why, invite them to the next seminar.",
    ),
)];
/// The note of the next follow-up of a store still thinking.
const THINKING: (&str, &str) = (
    "客户考虑中，再次跟进。",
    "Still thinking it over: follow up again.",
);

/// Writes the follow-up sequences of a seminar that has just closed, inside its transaction:
/// attending stores without a closed deal at the event (owner: their table's assistant, else the
/// inviter) and confirmed stores that did not come (owner: the inviter). Returns how many.
pub fn plan_after_close(conn: &Connection, seminar_id: i64, created_at: &str) -> Result<usize> {
    use crate::conversion::{ATTENDED_SQL, CLOSED_DEAL_SQL};
    let date: String = conn.query_row(
        "SELECT date FROM seminars WHERE id = ?1",
        [seminar_id],
        |r| r.get(0),
    )?;
    let date = parse_day(&date, "date")?;
    let lang = crate::settings::language(conn)?;
    let mut stmt = conn.prepare(&format!(
        "SELECT i.store_id,
            coalesce((SELECT t.assistant_id FROM seat_assignments a JOIN venue_tables t ON t.id = a.table_id
                      WHERE a.invitation_id = i.id ORDER BY a.contact_id LIMIT 1), i.inviter_id),
            {ATTENDED_SQL},
            EXISTS (SELECT 1 FROM deals d WHERE d.seminar_id = i.seminar_id AND d.store_id = i.store_id AND {CLOSED_DEAL_SQL}),
            i.inviter_id, i.status = 'confirmed' OR i.walk_in
         FROM invitations i WHERE i.seminar_id = ?1 ORDER BY i.id"
    ))?;
    struct Row {
        store: i64,
        assistant: Option<i64>,
        attended: bool,
        bought: bool,
        inviter: Option<i64>,
        confirmed: bool,
    }
    let rows: Vec<Row> = stmt
        .query_map([seminar_id], |r| {
            Ok(Row {
                store: r.get(0)?,
                assistant: r.get(1)?,
                attended: r.get(2)?,
                bought: r.get(3)?,
                inviter: r.get(4)?,
                confirmed: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut n = 0;
    for row in rows {
        let (plan, owner, kind): (&[Step], _, _) = match (row.attended, row.bought, row.confirmed) {
            (true, false, _) => (&AFTER_EVENT, row.assistant, "after_event"),
            (false, _, true) => (&NO_SHOW, row.inviter, "no_show"),
            _ => continue,
        };
        let store = row.store;
        for (days, channel, (zh, en)) in plan {
            let note = lang.pick(zh, en);
            let due = (date + chrono::Duration::days(*days))
                .format("%Y-%m-%d")
                .to_string();
            conn.execute(
                "INSERT INTO followups (seminar_id, store_id, owner_id, channel, due_date, note, kind, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                params![seminar_id, store, owner, channel.as_str(), due, note, kind, created_at],
            )?;
            n += 1;
        }
    }
    Ok(n)
}

/// Why a store was lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LostReason {
    Price,
    Timing,
    NoNeed,
    Competitor,
    Other,
}

/// The outcome of a follow-up as the staff member records it.
#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct FollowUpRecord {
    pub id: i64,
    pub outcome: FollowUpOutcome,
    #[serde(default)]
    pub note: String,
    /// For `thinking`: when to follow up again (`YYYY-MM-DD`).
    #[serde(default)]
    pub next_date: Option<String>,
    /// For `lost`: why.
    #[serde(default)]
    pub lost_reason: Option<LostReason>,
    /// For `closed` (paid in full) and `deposit`: what the store bought, recorded as its deal.
    #[serde(default)]
    pub deal: Option<FollowUpDeal>,
}

/// The deal a follow-up closes: written through the `deal` module (quota rules included) for
/// the follow-up's store and seminar, with the follow-up's owner as the staff member.
#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct FollowUpDeal {
    pub product_id: i64,
    #[serde(default)]
    pub tier_id: Option<i64>,
    #[serde(default = "one")]
    pub quantity: i64,
    pub amount_fen: i64,
    #[serde(default)]
    pub method: String,
    #[serde(default)]
    pub note: String,
}

fn one() -> i64 {
    1
}

/// Which follow-ups to find.
#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct FollowUpQuery {
    #[serde(default)]
    pub seminar_id: Option<i64>,
    #[serde(default)]
    pub owner_id: Option<i64>,
    /// Due on or after this day (`YYYY-MM-DD`).
    #[serde(default)]
    pub from: Option<String>,
    /// Due on or before this day (`YYYY-MM-DD`).
    #[serde(default)]
    pub to: Option<String>,
    /// Only those without an outcome yet.
    #[serde(default)]
    pub open_only: bool,
}

/// Follow-ups by seminar, owner and due dates, ordered by due date (the hottest store first
/// within a day).
pub fn search(app: &App, q: FollowUpQuery) -> Result<Vec<FollowUp>> {
    let day = |d: &Option<String>, field| {
        d.as_deref()
            .filter(|d| !d.trim().is_empty())
            .map(|d| parse_day(d, field).map(|d| d.format("%Y-%m-%d").to_string()))
            .transpose()
    };
    let (from, to) = (day(&q.from, "from")?, day(&q.to, "to")?);
    let conn = app.db.conn();
    if let Some(id) = q.seminar_id {
        seminar::get_in(&conn, id)?;
    }
    let mut stmt = conn.prepare(&format!(
        "{SELECT} WHERE (?1 IS NULL OR f.seminar_id = ?1) AND (?2 IS NULL OR f.owner_id = ?2)
           AND (?3 IS NULL OR f.due_date >= ?3) AND (?4 IS NULL OR f.due_date <= ?4)
           AND (?5 = 0 OR f.done_at IS NULL)
         ORDER BY f.due_date, f.id"
    ))?;
    let rows = stmt
        .query_map(
            params![q.seminar_id, q.owner_id, from, to, q.open_only],
            from_row,
        )?
        .collect::<rusqlite::Result<_>>()?;
    hot_first(app, &conn, rows)
}

/// Records a follow-up's outcome. `closed` and `deposit` end the store's sequence and record
/// its deal in the same transaction; `thinking` schedules the next follow-up; `lost` ends it
/// with a reason. `actor` is who records it (the deal's audit trail).
pub fn record(app: &App, actor: &str, input: FollowUpRecord) -> Result<FollowUp> {
    let note = crate::validate::optional_text("note", ("备注", "note"), &input.note, 2000)?;
    let payment = match input.outcome {
        FollowUpOutcome::Closed => Some(Payment::Full),
        FollowUpOutcome::Deposit => Some(Payment::Deposit),
        _ => None,
    };
    match (payment, &input.deal) {
        (Some(_), None) => {
            return Err(crate::error::invalid(
                "deal",
                "成交或交定金时，请填写成交内容：产品、价格档、金额。",
                "For a closed sale or a deposit, give the deal: product, price tier, amount.",
            ))
        }
        (None, Some(_)) => {
            return Err(crate::error::invalid(
                "deal",
                "只有“成交”或“交定金”的跟进才记录成交内容。",
                "A deal is recorded only with a closed sale or a deposit.",
            ))
        }
        _ => {}
    }
    let now = app.now_str();
    let (followup, deal) = app.db.write(|tx| {
        let f = get_in(tx, input.id)?;
        let today = venue::today(app, tx, f.seminar_id)?;
        if f.done_at.is_some() {
            return Err(crate::error::Error::Conflict {
                zh: "这条跟进已经记录过结果了。".into(),
                en: "This follow-up already has an outcome.".into(),
            });
        }
        let closed: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM followups WHERE seminar_id IS ?1 AND store_id = ?2 AND outcome IN ('closed', 'deposit'))",
            params![f.seminar_id, f.store_id],
            |r| r.get(0),
        )?;
        if closed {
            return Err(crate::error::Error::Conflict {
                zh: format!("{}已经成交，不需要再跟进。", f.store_name),
                en: format!("{} has already closed; no more follow-up is needed.", f.store_name),
            });
        }
        let lost_reason = match (input.outcome, input.lost_reason) {
            (FollowUpOutcome::Lost, None) => {
                return Err(crate::error::invalid("lost_reason", "请选择流失原因。", "Choose why the store was lost."))
            }
            (FollowUpOutcome::Lost, Some(r)) => serde_json::to_value(r).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default(),
            _ => String::new(),
        };
        if input.outcome == FollowUpOutcome::Thinking {
            let Some(next) = input.next_date.as_deref() else {
                return Err(crate::error::invalid("next_date", "请填写下次跟进的日期。", "Give the date of the next follow-up."));
            };
            let next = parse_day(next, "next_date")?;
            if next < today {
                return Err(crate::error::invalid("next_date", "下次跟进的日期不能早于今天。", "The next follow-up cannot be before today."));
            }
            tx.execute(
                "INSERT INTO followups (seminar_id, store_id, owner_id, channel, due_date, note, kind, created_at)
                 SELECT seminar_id, store_id, owner_id, 'call', ?2, ?4, kind, ?3 FROM followups WHERE id = ?1",
                params![f.id, next.format("%Y-%m-%d").to_string(), now, crate::settings::language(tx)?.pick(THINKING.0, THINKING.1)],
            )?;
        }
        tx.execute(
            "UPDATE followups SET outcome = ?2, note = CASE WHEN ?3 = '' THEN note ELSE ?3 END, lost_reason = ?4, done_at = ?5 WHERE id = ?1",
            params![f.id, input.outcome.as_str(), note, lost_reason, now],
        )?;
        if matches!(input.outcome, FollowUpOutcome::Closed | FollowUpOutcome::Deposit | FollowUpOutcome::Lost) {
            // The rest of the store's sequence is no longer needed.
            tx.execute(
                "UPDATE followups SET done_at = ?3 WHERE seminar_id IS ?1 AND store_id = ?2 AND done_at IS NULL",
                params![f.seminar_id, f.store_id, now],
            )?;
        }
        let deal = match (payment, &input.deal) {
            (Some(payment), Some(d)) => Some(record_deal(tx, &f, d, payment, &now, actor)?),
            _ => None,
        };
        Ok((get_in(tx, f.id)?, deal))
    })?;
    if let (Some(seminar_id), Some(deal_id)) = (followup.seminar_id, deal) {
        app.events.publish(crate::events::Event::Deal {
            seminar_id,
            deal_id,
        });
    }
    let conn = app.db.conn();
    Ok(hot_first(app, &conn, vec![followup])?.remove(0))
}

/// Writes the deal a follow-up closed, through the deal module's own insert.
fn record_deal(
    conn: &Connection,
    f: &FollowUp,
    d: &FollowUpDeal,
    payment: Payment,
    now: &str,
    actor: &str,
) -> Result<i64> {
    let input = DealInput {
        seminar_id: f.seminar_id,
        store_id: f.store_id,
        contact_id: None,
        product_id: d.product_id,
        tier_id: d.tier_id,
        quantity: d.quantity,
        amount_fen: d.amount_fen,
        payment,
        method: d.method.clone(),
        assistant_id: f.owner_id,
        note: d.note.clone(),
        // A store that did not come closes later: the follow-up is the reason.
        reason: match f.kind {
            FollowUpKind::NoShow => match crate::settings::language(conn)? {
                Lang::Zh => format!("会后跟进成交（跟进 #{}）", f.id),
                Lang::En => format!("Closed in the follow-up (follow-up #{})", f.id),
            },
            FollowUpKind::AfterEvent => String::new(),
        },
    };
    let (id, _warnings) = crate::deal::insert(conn, &input, now, actor)?;
    Ok(id)
}

/// A follow-up to write, inside the caller's transaction.
pub struct NewFollowUp<'a> {
    pub seminar_id: i64,
    pub store_id: i64,
    pub owner_id: Option<i64>,
    pub channel: Channel,
    pub due_date: &'a str,
    pub outcome: Option<FollowUpOutcome>,
    pub note: &'a str,
    pub done_at: Option<&'a str>,
}

pub fn insert(conn: &Connection, f: &NewFollowUp, created_at: &str) -> Result<i64> {
    conn.execute(
        "INSERT INTO followups (seminar_id, store_id, owner_id, channel, due_date, outcome, note, done_at, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            f.seminar_id,
            f.store_id,
            f.owner_id,
            f.channel.as_str(),
            f.due_date,
            f.outcome.map(FollowUpOutcome::as_str),
            f.note,
            f.done_at,
            created_at
        ],
    )?;
    Ok(conn.last_insert_rowid())
}
