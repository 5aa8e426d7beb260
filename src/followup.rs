//! Follow-ups (会后跟进): the calls, messages and visits after a seminar, each owned by a staff
//! member and due on a date.

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::app::App;
use crate::error::Result;
use crate::invitation::SeminarScope;
use crate::seminar;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Call,
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
    fn parse(s: &str) -> Channel {
        match s {
            "message" => Channel::Message,
            "visit" => Channel::Visit,
            _ => Channel::Call,
        }
    }
}

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

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct FollowUp {
    pub id: i64,
    pub seminar_id: Option<i64>,
    pub store_id: i64,
    pub store_name: String,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    pub channel: Channel,
    pub due_date: String,
    pub outcome: Option<FollowUpOutcome>,
    pub note: String,
    pub done_at: Option<String>,
}

pub fn list(app: &App, scope: SeminarScope) -> Result<Vec<FollowUp>> {
    let conn = app.db.conn();
    seminar::get_in(&conn, scope.seminar_id)?;
    let mut stmt = conn.prepare(
        "SELECT f.id, f.seminar_id, f.store_id, s.name, f.owner_id, o.name, f.channel, f.due_date, f.outcome, f.note, f.done_at
         FROM followups f JOIN stores s ON s.id = f.store_id LEFT JOIN staff o ON o.id = f.owner_id
         WHERE f.seminar_id = ?1 ORDER BY f.due_date, f.id",
    )?;
    let rows = stmt
        .query_map([scope.seminar_id], |r| {
            let outcome: Option<String> = r.get(8)?;
            Ok(FollowUp {
                id: r.get(0)?,
                seminar_id: r.get(1)?,
                store_id: r.get(2)?,
                store_name: r.get(3)?,
                owner_id: r.get(4)?,
                owner_name: r.get(5)?,
                channel: Channel::parse(&r.get::<_, String>(6)?),
                due_date: r.get(7)?,
                outcome: outcome.as_deref().and_then(FollowUpOutcome::parse),
                note: r.get(9)?,
                done_at: r.get(10)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
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
