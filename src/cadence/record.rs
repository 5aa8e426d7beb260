//! A touch's outcome: recorded, and the invitation confirmed, declined or called back.

use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use super::step::{parse_date, Channel};
use crate::app::App;
use crate::caller::Caller;
use crate::error::{invalid, Error, Result};
use crate::invitation::{self, Change, InvitationStatus};
use crate::{validate, venue};

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
    /// The touch created to call again, if any: the call-back asked for, or tomorrow's retry of a
    /// call nobody answered.
    pub call_back_touch_id: Option<i64>,
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

/// Records a touch's outcome. Confirmed and declined change the invitation (and so advance or
/// end the sequence); "call back" schedules a new touch of the same step on the given day, and a
/// call nobody answered comes back tomorrow ([`retry_tomorrow`]).
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
            Outcome::NoAnswer if channel == Channel::Call.as_str() => {
                call_back_touch_id = retry_tomorrow(app, tx, input.id, inv_id, step, &kind, &now)?;
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

/// A call nobody answered is tried again tomorrow (venue time): a new touch of the same step —
/// unless another open touch of the invitation is due by then, or tomorrow is past the seminar's
/// day. The guest felt nothing of the missed call, so nothing here counts as a touch they received.
fn retry_tomorrow(
    app: &App,
    tx: &rusqlite::Transaction,
    touch: i64,
    inv_id: i64,
    step: i64,
    kind: &str,
    now: &str,
) -> Result<Option<i64>> {
    let inv = invitation::get_in(tx, inv_id)?;
    let tomorrow =
        (venue::today(app, tx, Some(inv.seminar_id))? + chrono::Duration::days(1)).to_string();
    let (sooner, seminar_day): (bool, String) = tx.query_row(
        "SELECT EXISTS (SELECT 1 FROM touches WHERE invitation_id = ?1 AND id <> ?2
                AND done_at IS NULL AND due_date <= ?3),
            (SELECT date FROM seminars WHERE id = ?4)",
        params![inv_id, touch, tomorrow, inv.seminar_id],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    if sooner || tomorrow > seminar_day {
        return Ok(None);
    }
    tx.execute(
        "INSERT INTO touches (invitation_id, step, kind, channel, due_date, call_back_at, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, '', ?6)",
        params![inv_id, step, kind, Channel::Call.as_str(), tomorrow, now],
    )?;
    Ok(Some(tx.last_insert_rowid()))
}
