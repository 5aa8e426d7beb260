//! The stage log: when each stage of the talk actually started and ended, as the prompter moves
//! through the script. Reports compare it with the plan, per stage kind ([`timing`]).

use chrono::DateTime;
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::app::App;
use crate::error::{invalid, Result};
use crate::events::Event;
use crate::input::SeminarScope;
use crate::script::{self, CueAction, StageKind};
use crate::seminar::{self, SeminarStatus};

/// One run of a stage (a stage gone back to runs again).
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct StageRun {
    pub id: i64,
    pub stage_key: String,
    pub kind: StageKind,
    pub title: String,
    pub target_minutes: i64,
    pub started_at: String,
    pub ended_at: Option<String>,
    /// Seconds between start and end; None while it runs.
    pub actual_seconds: Option<i64>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct TalkState {
    pub seminar_id: i64,
    /// Stages are logged only while the seminar is live; before, the prompter is a rehearsal.
    pub recording: bool,
    /// The stage running now.
    pub current: Option<String>,
    pub log: Vec<StageRun>,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct GotoInput {
    pub seminar_id: i64,
    pub stage_key: String,
    /// The marker reached (0: the stage's start). Its "start closing" cues are pushed to the
    /// assistants' stations.
    #[serde(default)]
    pub step: i64,
    /// A rehearsal (checking the screen, trying the clicker): nothing is recorded or pushed, even
    /// while the seminar is live.
    #[serde(default)]
    #[ts(optional)]
    pub rehearsal: Option<bool>,
}

/// Seconds from one RFC 3339 timestamp to another.
fn seconds(from: &str, to: &str) -> Option<i64> {
    let a = DateTime::parse_from_rfc3339(from).ok()?;
    let b = DateTime::parse_from_rfc3339(to).ok()?;
    Some((b - a).num_seconds())
}

fn runs(conn: &Connection, seminar_id: i64) -> Result<Vec<StageRun>> {
    let mut stmt = conn.prepare(
        "SELECT id, stage_key, kind, title, target_minutes, started_at, ended_at
         FROM stage_log WHERE seminar_id = ?1 ORDER BY id",
    )?;
    let rows = stmt
        .query_map([seminar_id], |r| {
            let started_at: String = r.get(5)?;
            let ended_at: Option<String> = r.get(6)?;
            Ok(StageRun {
                id: r.get(0)?,
                stage_key: r.get(1)?,
                kind: StageKind::parse(&r.get::<_, String>(2)?),
                title: r.get(3)?,
                target_minutes: r.get(4)?,
                actual_seconds: ended_at.as_deref().and_then(|e| seconds(&started_at, e)),
                started_at,
                ended_at,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

fn state_in(conn: &Connection, seminar_id: i64) -> Result<TalkState> {
    let log = runs(conn, seminar_id)?;
    Ok(TalkState {
        seminar_id,
        recording: seminar::get_in(conn, seminar_id)?.status == SeminarStatus::Live,
        current: log
            .iter()
            .rev()
            .find(|r| r.ended_at.is_none())
            .map(|r| r.stage_key.clone()),
        log,
    })
}

pub fn state(app: &App, scope: SeminarScope) -> Result<TalkState> {
    let conn = app.db.conn();
    seminar::get_in(&conn, scope.seminar_id)?;
    state_in(&conn, scope.seminar_id)
}

/// Records that the stage `stage_key` runs from `at` (ending the one that ran), unless it already runs.
/// Returns whether the stage changed.
pub fn start_in(
    conn: &Connection,
    seminar_id: i64,
    stage: &script::Stage,
    at: &str,
) -> Result<bool> {
    let open: Option<(i64, String)> = conn
        .query_row(
            "SELECT id, stage_key FROM stage_log WHERE seminar_id = ?1 AND ended_at IS NULL ORDER BY id DESC LIMIT 1",
            [seminar_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some((id, key)) = &open {
        if *key == stage.key {
            return Ok(false);
        }
        conn.execute(
            "UPDATE stage_log SET ended_at = ?2 WHERE id = ?1",
            params![id, at],
        )?;
    }
    conn.execute(
        "INSERT INTO stage_log (seminar_id, stage_key, kind, title, target_minutes, started_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            seminar_id,
            stage.key,
            stage.kind.as_str(),
            stage.title,
            stage.target_minutes,
            at
        ],
    )?;
    Ok(true)
}

/// Ends the stage that runs (if any) at `at`.
pub fn end_in(conn: &Connection, seminar_id: i64, at: &str) -> Result<()> {
    conn.execute(
        "UPDATE stage_log SET ended_at = ?2 WHERE seminar_id = ?1 AND ended_at IS NULL",
        params![seminar_id, at],
    )?;
    Ok(())
}

/// The prompter reached a stage (and a marker of it). While the seminar is live, the log records
/// a stage change, stations hear of it, and the point's "start closing" cues reach the assistants;
/// before (a rehearsal) nothing is recorded or pushed.
pub fn goto(app: &App, input: GotoInput) -> Result<TalkState> {
    let now = app.now_str();
    let (state, changed, closing) = app.db.write(|tx| {
        let live = seminar::get_in(tx, input.seminar_id)?.status == SeminarStatus::Live;
        let (_, _, body, _) = script::body_of(tx, input.seminar_id)?;
        let Some(stage) = body.stages.iter().find(|s| s.key == input.stage_key) else {
            return Err(invalid(
                "stage_key",
                format!(
                    "话术里没有这个环节（{}），它可能已被删除。",
                    input.stage_key
                ),
                format!(
                    "The script has no stage {}; it may have been deleted.",
                    input.stage_key
                ),
            ));
        };
        if !live || input.rehearsal == Some(true) {
            let mut state = state_in(tx, input.seminar_id)?;
            state.recording &= input.rehearsal != Some(true);
            return Ok((state, false, false));
        }
        let changed = start_in(tx, input.seminar_id, stage, &now)?;
        let closing = body.cues.iter().any(|c| {
            c.stage == input.stage_key
                && c.step == input.step
                && c.action == CueAction::StartClosing
        });
        Ok((state_in(tx, input.seminar_id)?, changed, closing))
    })?;
    if changed {
        app.events.publish(Event::StageChanged {
            seminar_id: input.seminar_id,
            stage_key: input.stage_key.clone(),
        });
    }
    if closing {
        app.events.publish(Event::StartClosing {
            seminar_id: input.seminar_id,
        });
    }
    Ok(state)
}

/// The talk is over: the running stage ends.
pub fn end(app: &App, scope: SeminarScope) -> Result<TalkState> {
    let now = app.now_str();
    app.db.write(|tx| {
        seminar::get_in(tx, scope.seminar_id)?;
        end_in(tx, scope.seminar_id, &now)?;
        state_in(tx, scope.seminar_id)
    })
}

/// Undoes the last stage step recorded (by mistake: a few PageDowns to check the screen): the
/// last stage started is removed and the one before runs on, or — when the talk was ended — the
/// end is taken back. The report, the timing and the Excel file read the log, so they no longer
/// show it.
pub fn undo(app: &App, scope: SeminarScope) -> Result<TalkState> {
    let sid = scope.seminar_id;
    let state = app.db.write(|tx| {
        seminar::get_in(tx, sid)?;
        let last: Option<(i64, String, Option<String>)> = tx
            .query_row(
                "SELECT id, started_at, ended_at FROM stage_log WHERE seminar_id = ?1
                 ORDER BY id DESC LIMIT 1",
                [sid],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((id, started_at, ended_at)) = last else {
            return Err(invalid(
                "seminar_id",
                "没有可撤销的环节记录。",
                "There is no stage step to undo.",
            ));
        };
        if ended_at.is_some() {
            tx.execute("UPDATE stage_log SET ended_at = NULL WHERE id = ?1", [id])?;
        } else {
            tx.execute("DELETE FROM stage_log WHERE id = ?1", [id])?;
            tx.execute(
                "UPDATE stage_log SET ended_at = NULL WHERE id = (
                     SELECT max(id) FROM stage_log WHERE seminar_id = ?1 AND id < ?2)
                 AND ended_at = ?3",
                params![sid, id, started_at],
            )?;
        }
        tracing::info!(seminar = sid, run = id, "stage step undone");
        state_in(tx, sid)
    })?;
    if let Some(key) = &state.current {
        app.events.publish(Event::StageChanged {
            seminar_id: sid,
            stage_key: key.clone(),
        });
    }
    Ok(state)
}

/// Planned and actual time of one stage kind in a seminar.
#[derive(Debug, Clone, PartialEq, Serialize, TS, ToSchema)]
pub struct KindTiming {
    pub kind: StageKind,
    /// The script's target for the stages of this kind.
    pub planned_minutes: i64,
    /// The finished runs of this kind, in seconds; None when none ran.
    pub actual_seconds: Option<i64>,
    pub runs: i64,
}

/// Planned vs actual time per stage kind (the script's kinds first, in the script's order; then
/// kinds that only the log has). Conversion reports put this beside the session's results.
pub fn timing_in(conn: &Connection, seminar_id: i64) -> Result<Vec<KindTiming>> {
    let (_, _, body, _) = script::body_of(conn, seminar_id)?;
    let log = runs(conn, seminar_id)?;
    let mut out: Vec<KindTiming> = Vec::new();
    let mut entry = |kind: StageKind| -> usize {
        match out.iter().position(|t| t.kind == kind) {
            Some(i) => i,
            None => {
                out.push(KindTiming {
                    kind,
                    planned_minutes: 0,
                    actual_seconds: None,
                    runs: 0,
                });
                out.len() - 1
            }
        }
    };
    let mut planned = Vec::new();
    for s in &body.stages {
        planned.push((entry(s.kind), s.target_minutes));
    }
    let mut actual = Vec::new();
    for r in &log {
        if let Some(secs) = r.actual_seconds {
            actual.push((entry(r.kind), secs));
        }
    }
    for (i, m) in planned {
        out[i].planned_minutes += m;
    }
    for (i, secs) in actual {
        out[i].actual_seconds = Some(out[i].actual_seconds.unwrap_or(0) + secs);
        out[i].runs += 1;
    }
    Ok(out)
}

pub fn timing(app: &App, scope: SeminarScope) -> Result<Vec<KindTiming>> {
    let conn = app.db.conn();
    seminar::get_in(&conn, scope.seminar_id)?;
    timing_in(&conn, scope.seminar_id)
}

/// A stage as `huixiao script show` prints it: the plan, its cues and when it actually ran.
#[derive(Debug, Clone, Serialize)]
pub struct StageShow {
    pub key: String,
    pub kind: StageKind,
    pub title: String,
    pub target_minutes: i64,
    /// Planned clock time (venue) from the seminar's start time.
    pub planned_start: String,
    pub planned_end: String,
    /// The first start and the last end in the stage log.
    pub actual_start: Option<String>,
    pub actual_end: Option<String>,
    pub actual_seconds: Option<i64>,
    pub cues: Vec<script::Cue>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScriptShow {
    pub seminar_id: i64,
    pub seminar_title: String,
    pub name: String,
    pub saved: bool,
    pub product_id: Option<i64>,
    pub total_minutes: i64,
    pub stages: Vec<StageShow>,
}

/// Clock time `minutes` after `start` ("14:00").
pub fn clock(start: &str, minutes: i64) -> String {
    let (h, m) = start.split_once(':').unwrap_or(("0", "0"));
    let total = h.parse::<i64>().unwrap_or(0) * 60 + m.parse::<i64>().unwrap_or(0) + minutes;
    format!("{:02}:{:02}", total / 60 % 24, total % 60)
}

/// The script with planned and actual times of each stage.
pub fn show(app: &App, scope: SeminarScope) -> Result<ScriptShow> {
    let conn = app.db.conn();
    let s = seminar::get_in(&conn, scope.seminar_id)?;
    let (saved, name, body, product_id) = script::body_of(&conn, scope.seminar_id)?;
    let log = runs(&conn, scope.seminar_id)?;
    let mut elapsed = 0;
    let mut stages = Vec::new();
    for st in &body.stages {
        let mine: Vec<&StageRun> = log.iter().filter(|r| r.stage_key == st.key).collect();
        let finished: Vec<i64> = mine.iter().filter_map(|r| r.actual_seconds).collect();
        stages.push(StageShow {
            key: st.key.clone(),
            kind: st.kind,
            title: st.title.clone(),
            target_minutes: st.target_minutes,
            planned_start: clock(&s.start_time, elapsed),
            planned_end: clock(&s.start_time, elapsed + st.target_minutes),
            actual_start: mine.first().map(|r| r.started_at.clone()),
            actual_end: mine.last().and_then(|r| r.ended_at.clone()),
            actual_seconds: (!finished.is_empty()).then(|| finished.iter().sum()),
            cues: body
                .cues
                .iter()
                .filter(|c| c.stage == st.key)
                .cloned()
                .collect(),
        });
        elapsed += st.target_minutes;
    }
    Ok(ScriptShow {
        seminar_id: s.id,
        seminar_title: s.title,
        name,
        saved,
        product_id,
        total_minutes: elapsed,
        stages,
    })
}
