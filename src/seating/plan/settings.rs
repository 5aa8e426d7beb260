//! The plan's settings: where the stage is, how many tables an assistant may cover, whether
//! automatic seating chooses the assistants, the search's seed and when the doors closed.

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use super::rules::{default_rules, save_rules};
use super::{load, Loaded, SeatingView};
use crate::app::App;
use crate::error::{invalid, Result};
use crate::seating::Table;

#[derive(Debug, Clone, Serialize, Deserialize, TS, ToSchema)]
pub struct SeatingSettings {
    /// Where the stage is, in the floor plan's coordinates (the tables' x, y).
    pub stage_x: f64,
    pub stage_y: f64,
    /// 1, or 2 to let one assistant cover two adjacent small tables.
    pub max_tables_per_assistant: i64,
    /// Automatic seating also chooses each table's assistant.
    pub assign_assistants: bool,
    /// The seed of the search: the same seed and data give the same seating.
    pub seed: i64,
    pub doors_closed_at: Option<String>,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct SeatingSettingsInput {
    pub seminar_id: i64,
    pub stage_x: f64,
    pub stage_y: f64,
    pub max_tables_per_assistant: i64,
    pub assign_assistants: bool,
    #[serde(default = "one")]
    pub seed: i64,
}

fn one() -> i64 {
    1
}

pub(super) fn settings_in(
    conn: &Connection,
    seminar_id: i64,
    tables: &[Table],
) -> Result<(SeatingSettings, bool)> {
    let row = conn.query_row(
        "SELECT stage_x, stage_y, max_tables_per_assistant, assign_assistants, seed, doors_closed_at
         FROM seating_plans WHERE seminar_id = ?1",
        [seminar_id],
        |r| {
            Ok(SeatingSettings {
                stage_x: r.get(0)?,
                stage_y: r.get(1)?,
                max_tables_per_assistant: r.get(2)?,
                assign_assistants: r.get(3)?,
                seed: r.get(4)?,
                doors_closed_at: r.get(5)?,
            })
        },
    );
    match row {
        Ok(s) => Ok((s, true)),
        Err(rusqlite::Error::QueryReturnedNoRows) => {
            // The stage above the middle of the tables.
            let (x, y) = if tables.is_empty() {
                (490.0, 40.0)
            } else {
                let xs: Vec<f64> = tables.iter().map(|t| t.x).collect();
                let min_x = xs.iter().copied().fold(f64::INFINITY, f64::min);
                let max_x = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let min_y = tables.iter().map(|t| t.y).fold(f64::INFINITY, f64::min);
                ((min_x + max_x) / 2.0, min_y - 140.0)
            };
            Ok((
                SeatingSettings {
                    stage_x: x,
                    stage_y: y,
                    max_tables_per_assistant: 1,
                    assign_assistants: true,
                    seed: 1,
                    doors_closed_at: None,
                },
                false,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

pub(super) fn ensure_plan(conn: &Connection, seminar_id: i64, s: &SeatingSettings) -> Result<()> {
    conn.execute(
        "INSERT INTO seating_plans (seminar_id, stage_x, stage_y, max_tables_per_assistant, assign_assistants, seed, doors_closed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (seminar_id) DO UPDATE SET stage_x = ?2, stage_y = ?3, max_tables_per_assistant = ?4,
            assign_assistants = ?5, seed = ?6, doors_closed_at = ?7",
        params![seminar_id, s.stage_x, s.stage_y, s.max_tables_per_assistant, s.assign_assistants, s.seed, s.doors_closed_at],
    )?;
    Ok(())
}

/// Saves a plan's settings; a plan saved for the first time gets the default rules too.
pub(super) fn save_settings(conn: &Connection, l: &Loaded, s: &SeatingSettings) -> Result<()> {
    if !l.settings_saved {
        save_rules(conn, l.seminar_id, &default_rules())?;
    }
    ensure_plan(conn, l.seminar_id, s)
}

pub fn update_settings(app: &App, input: SeatingSettingsInput) -> Result<SeatingView> {
    crate::validate::range(
        "max_tables_per_assistant",
        ("每位助教的桌数", "tables per assistant"),
        input.max_tables_per_assistant,
        1,
        2,
    )?;
    if !input.stage_x.is_finite() || !input.stage_y.is_finite() {
        return Err(invalid(
            "stage_x",
            "舞台位置无效。",
            "The stage position is not valid.",
        ));
    }
    app.db.write(|tx| {
        let l = load(tx, input.seminar_id)?;
        let s = SeatingSettings {
            stage_x: input.stage_x,
            stage_y: input.stage_y,
            max_tables_per_assistant: input.max_tables_per_assistant,
            assign_assistants: input.assign_assistants,
            seed: input.seed,
            doors_closed_at: l.settings.doors_closed_at.clone(),
        };
        save_settings(tx, &l, &s)?;
        load(tx, input.seminar_id)?.view(tx)
    })
}
