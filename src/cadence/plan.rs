//! A seminar's cadence: its steps with their dates, replacing them, and the saved templates.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use super::schedule::schedule;
use super::step::{
    check_steps, default_name, default_steps, parse_date, step_date, variables, Step, VARIABLES,
    VARIABLES_EN,
};
use crate::app::App;
use crate::error::Result;
use crate::input::SeminarScope;
use crate::template::{self, Store};
use crate::{seminar, validate};

/// A seminar's cadence with the date each step falls on.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct CadenceView {
    pub seminar_id: i64,
    pub name: String,
    pub steps: Vec<Step>,
    /// The venue-local date of each step.
    pub dates: Vec<String>,
    /// The variables to offer, in the organisation's language (a message's words go to guests).
    pub variables: Vec<String>,
    /// Every variable a message may use: the Chinese and the English names alike.
    pub accepted_variables: Vec<String>,
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

pub(super) fn steps_of(conn: &Connection, seminar_id: i64) -> Result<(String, Vec<Step>)> {
    let row: Option<(String, String)> = conn
        .query_row(
            "SELECT name, steps FROM cadences WHERE seminar_id = ?1",
            [seminar_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    // A seminar without its own cadence follows the default in the organisation's language.
    let lang = crate::settings::language(conn)?;
    Ok(match row {
        Some((name, json)) => (
            name,
            serde_json::from_str(&json).unwrap_or_else(|_| default_steps(lang)),
        ),
        None => (default_name(lang).into(), default_steps(lang)),
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
        variables: variables(crate::settings::language(conn)?)
            .iter()
            .map(|v| v.to_string())
            .collect(),
        accepted_variables: VARIABLES
            .iter()
            .chain(VARIABLES_EN.iter())
            .map(|v| v.to_string())
            .collect(),
    })
}

pub fn get(app: &App, scope: SeminarScope) -> Result<CadenceView> {
    view(&app.db.conn(), scope.seminar_id)
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

/// The built-in default (in the organisation's language), then the saved templates by name.
pub fn templates(app: &App) -> Result<Vec<CadenceTemplate>> {
    let conn = app.db.conn();
    let lang = crate::settings::language(&conn)?;
    let default = CadenceTemplate {
        id: None,
        name: default_name(lang).into(),
        steps: default_steps(lang),
    };
    TEMPLATES.list(&conn, default, |t| {
        Ok(CadenceTemplate {
            id: Some(t.id),
            name: t.name,
            steps: serde_json::from_str(&t.json).unwrap_or_default(),
        })
    })
}
