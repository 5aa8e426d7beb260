//! A seminar's funnel broken down by inviter, role, city, table and assistant, with the talk's
//! stage timing.

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use super::counts::{groups, Group};
use super::funnel::{count, seminar_facts, Facts, Funnel};
use crate::app::App;
use crate::contact::ContactRole;
use crate::error::Result;
use crate::input::IdInput;

/// A seminar's funnel with its breakdowns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
pub struct SeminarReport {
    #[serde(flatten)]
    #[ts(flatten)]
    pub funnel: Funnel,
    /// By the inviter who owns the invitation.
    pub by_inviter: Vec<Group>,
    /// By the lead guest's role: the money-holder first (owner's spouse, owner, manager, staff)
    /// among those who checked in, else among those invited.
    pub by_role: Vec<Group>,
    /// By the store's city.
    pub by_city: Vec<Group>,
    /// By the table its guests sat at (`key` is the table number; "none" when not seated).
    pub by_table: Vec<Group>,
    /// By the assistant of that table.
    pub by_assistant: Vec<Group>,
    /// The talk's stage timing, planned vs actual, per stage kind (the stage log's
    /// [`crate::stagelog::timing_in`], in minutes).
    pub stage_timing: Vec<StageTiming>,
}

/// Planned and actual minutes of one stage kind of the talk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
pub struct StageTiming {
    pub kind: crate::script::StageKind,
    pub planned_minutes: i64,
    /// The finished runs of this kind, in minutes (one decimal); `null` when none ran.
    pub actual_minutes: Option<f64>,
    /// Actual − planned minutes (positive: over time); `null` when none ran.
    pub difference_minutes: Option<f64>,
    /// How many times a stage of this kind ran (a stage gone back to runs again).
    pub runs: i64,
}

impl From<crate::stagelog::KindTiming> for StageTiming {
    fn from(k: crate::stagelog::KindTiming) -> Self {
        let tenth = |secs: i64| (secs as f64 / 6.0).round() / 10.0;
        StageTiming {
            kind: k.kind,
            planned_minutes: k.planned_minutes,
            actual_minutes: k.actual_seconds.map(tenth),
            difference_minutes: k.actual_seconds.map(|a| tenth(a - k.planned_minutes * 60)),
            runs: k.runs,
        }
    }
}

/// Groups facts by `key` (returning the group's key and label), biggest group first.
fn breakdown(facts: &[Facts], key: impl Fn(&Facts) -> (String, String)) -> Vec<Group> {
    groups(facts.iter().map(|f| (key(f), f.tally())))
}

pub fn report_in(conn: &Connection, seminar_id: i64) -> Result<SeminarReport> {
    let (facts, credited_elsewhere) = seminar_facts(conn, seminar_id)?;
    Ok(SeminarReport {
        funnel: Funnel {
            seminar_id,
            counts: count(&facts),
            credited_elsewhere,
        },
        by_inviter: breakdown(&facts, |f| match &f.inviter {
            Some((id, name)) => (id.to_string(), name.clone()),
            None => ("none".into(), String::new()),
        }),
        by_role: breakdown(&facts, |f| {
            let k = f.role.map(ContactRole::as_str).unwrap_or("none").to_owned();
            (k.clone(), k)
        }),
        by_city: breakdown(&facts, |f| (f.city.clone(), f.city.clone())),
        by_table: breakdown(&facts, |f| match f.table {
            Some(n) => (n.to_string(), n.to_string()),
            None => ("none".into(), String::new()),
        }),
        by_assistant: breakdown(&facts, |f| match &f.assistant {
            Some((id, name)) => (id.to_string(), name.clone()),
            None => ("none".into(), String::new()),
        }),
        stage_timing: crate::stagelog::timing_in(conn, seminar_id)?
            .into_iter()
            .map(StageTiming::from)
            .collect(),
    })
}

/// The funnel of one seminar with its breakdowns.
pub fn report(app: &App, input: IdInput) -> Result<SeminarReport> {
    report_in(&app.db.conn(), input.id)
}
