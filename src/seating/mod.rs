//! Tables (圆桌) of a seminar's room: number, shape, seats, position and the assistant who sits
//! among its guests.

use rusqlite::{params, Connection, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::app::App;
use crate::error::{found, invalid, Error, Result, Thing};
use crate::input::SeminarScope;
use crate::staff::{self, StaffRole};
use crate::{seminar, validate};

pub mod plan;
pub mod print;
pub mod solve;

pub use plan::{
    auto, close_doors, decide_reseat, get as get_plan, lock, move_guest, propose_reseat,
    update_rules, update_settings,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TableShape {
    #[default]
    Round,
    Rect,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Table {
    pub id: i64,
    pub seminar_id: i64,
    pub number: i64,
    pub shape: TableShape,
    pub seats: i64,
    pub x: f64,
    pub y: f64,
    pub assistant_id: Option<i64>,
    pub assistant_name: Option<String>,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct TableInput {
    pub number: i64,
    #[serde(default)]
    pub shape: TableShape,
    #[serde(default = "ten")]
    pub seats: i64,
    #[serde(default)]
    pub x: f64,
    #[serde(default)]
    pub y: f64,
    #[serde(default)]
    pub assistant_id: Option<i64>,
}

fn ten() -> i64 {
    10
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct NewTable {
    pub seminar_id: i64,
    #[serde(flatten)]
    #[ts(flatten)]
    pub input: TableInput,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct TableUpdate {
    pub id: i64,
    #[serde(flatten)]
    #[ts(flatten)]
    pub input: TableInput,
}

const SELECT: &str =
    "SELECT t.id, t.seminar_id, t.number, t.shape, t.seats, t.x, t.y, t.assistant_id, a.name
    FROM venue_tables t LEFT JOIN staff a ON a.id = t.assistant_id";

fn from_row(r: &Row) -> rusqlite::Result<Table> {
    let shape: String = r.get(3)?;
    Ok(Table {
        id: r.get(0)?,
        seminar_id: r.get(1)?,
        number: r.get(2)?,
        shape: if shape == "rect" {
            TableShape::Rect
        } else {
            TableShape::Round
        },
        seats: r.get(4)?,
        x: r.get(5)?,
        y: r.get(6)?,
        assistant_id: r.get(7)?,
        assistant_name: r.get(8)?,
    })
}

pub fn get_in(conn: &Connection, id: i64) -> Result<Table> {
    found(
        conn.query_row(&format!("{SELECT} WHERE t.id = ?1"), [id], from_row),
        Thing::Table,
        id,
    )
}

pub fn list(app: &App, scope: SeminarScope) -> Result<Vec<Table>> {
    let conn = app.db.conn();
    seminar::get_in(&conn, scope.seminar_id)?;
    list_in(&conn, scope.seminar_id)
}

/// A seminar's tables by number.
pub fn list_in(conn: &Connection, seminar_id: i64) -> Result<Vec<Table>> {
    let mut stmt = conn.prepare_cached(&format!(
        "{SELECT} WHERE t.seminar_id = ?1 ORDER BY t.number"
    ))?;
    let rows = stmt
        .query_map([seminar_id], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

fn check(conn: &Connection, input: &TableInput) -> Result<()> {
    validate::range("number", ("桌号", "table number"), input.number, 1, 999)?;
    if input.seats < 1 {
        return Err(invalid(
            "seats",
            format!(
                "{} 号桌的座位数必须至少为 1（现在是 {}）。",
                input.number, input.seats
            ),
            format!(
                "Table {} needs at least 1 seat (it has {}).",
                input.number, input.seats
            ),
        ));
    }
    validate::range("seats", ("座位数", "number of seats"), input.seats, 1, 30)?;
    if !input.x.is_finite() || !input.y.is_finite() {
        return Err(invalid(
            "x",
            "桌子位置无效。",
            "The table's position is not valid.",
        ));
    }
    if let Some(id) = input.assistant_id {
        staff::require_role(conn, id, StaffRole::Assistant, "assistant_id")?;
    }
    Ok(())
}

fn duplicate_number(e: rusqlite::Error, number: i64) -> Error {
    match e {
        rusqlite::Error::SqliteFailure(f, _)
            if f.code == rusqlite::ErrorCode::ConstraintViolation =>
        {
            invalid(
                "number",
                format!("这场会销已经有 {number} 号桌了。"),
                format!("This seminar already has a table {number}."),
            )
        }
        e => e.into(),
    }
}

/// Writes one table inside the caller's transaction.
pub fn insert(conn: &Connection, seminar_id: i64, t: &TableInput) -> Result<i64> {
    seminar::get_in(conn, seminar_id)?;
    check(conn, t)?;
    conn.execute(
        "INSERT INTO venue_tables (seminar_id, number, shape, seats, x, y, assistant_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            seminar_id,
            t.number,
            if t.shape == TableShape::Rect { "rect" } else { "round" },
            t.seats,
            t.x,
            t.y,
            t.assistant_id
        ],
    )
    .map_err(|e| duplicate_number(e, t.number))?;
    Ok(conn.last_insert_rowid())
}

pub fn create(app: &App, input: NewTable) -> Result<Table> {
    app.db.write(|tx| {
        let id = insert(tx, input.seminar_id, &input.input)?;
        check_assistant_load(tx, input.seminar_id)?;
        get_in(tx, id)
    })
}

/// Refuses (inside the caller's transaction) an assistant on more tables than the plan allows.
fn check_assistant_load(conn: &Connection, seminar_id: i64) -> Result<()> {
    let tables = list_in(conn, seminar_id)?;
    let max: i64 = conn
        .query_row(
            "SELECT max_tables_per_assistant FROM seating_plans WHERE seminar_id = ?1",
            [seminar_id],
            |r| r.get(0),
        )
        .unwrap_or(1);
    let ins: Vec<solve::TableIn> = tables
        .iter()
        .map(|t| solve::TableIn {
            id: t.id,
            number: t.number,
            seats: t.seats,
            x: t.x,
            y: t.y,
        })
        .collect();
    let assistants: Vec<Option<i64>> = tables.iter().map(|t| t.assistant_id).collect();
    solve::check_assistants(&ins, &assistants, max.max(1) as usize, |a| {
        tables
            .iter()
            .find(|t| t.assistant_id == Some(a))
            .and_then(|t| t.assistant_name.clone())
            .unwrap_or_default()
    })
}

pub fn update(app: &App, input: TableUpdate) -> Result<Table> {
    let t = input.input;
    app.db.write(|tx| {
        get_in(tx, input.id)?;
        check(tx, &t)?;
        tx.execute(
            "UPDATE venue_tables SET number = ?2, shape = ?3, seats = ?4, x = ?5, y = ?6, assistant_id = ?7 WHERE id = ?1",
            params![
                input.id,
                t.number,
                if t.shape == TableShape::Rect { "rect" } else { "round" },
                t.seats,
                t.x,
                t.y,
                t.assistant_id
            ],
        )
        .map_err(|e| duplicate_number(e, t.number))?;
        let table = get_in(tx, input.id)?;
        check_assistant_load(tx, table.seminar_id)?;
        Ok(table)
    })
}

/// Tables to add to a room, placed on the grid after the tables it already has.
#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct TableGrid {
    pub seminar_id: i64,
    /// How many tables to add (1–100).
    pub count: i64,
    /// Seats at each (default 10).
    #[serde(default = "ten")]
    pub seats: i64,
}

/// Grid of the room, in the floor plan's units: four tables a row below the stage.
const GRID: (f64, f64, f64, f64, i64) = (160.0, 200.0, 220.0, 200.0, 4);

/// Adds `count` round tables numbered after the highest, continuing the grid. All or none.
pub fn add_grid(app: &App, input: TableGrid) -> Result<Vec<Table>> {
    validate::range("count", ("桌数", "number of tables"), input.count, 1, 100)?;
    app.db.write(|tx| {
        let existing = list_in(tx, input.seminar_id)?;
        let first = existing.iter().map(|t| t.number).max().unwrap_or(0) + 1;
        let (x0, y0, dx, dy, per_row) = GRID;
        for i in 0..input.count {
            let k = existing.len() as i64 + i;
            let t = TableInput {
                number: first + i,
                shape: TableShape::Round,
                seats: input.seats,
                x: x0 + (k % per_row) as f64 * dx,
                y: y0 + (k / per_row) as f64 * dy,
                assistant_id: None,
            };
            insert(tx, input.seminar_id, &t)?;
        }
        list_in(tx, input.seminar_id)
    })
}

/// Removes an empty table; one with guests seated at it is refused (move them first).
pub fn delete(app: &App, input: crate::input::IdInput) -> Result<Vec<Table>> {
    app.db.write(|tx| {
        let t = get_in(tx, input.id)?;
        let seated: i64 = tx.query_row(
            "SELECT count(*) FROM seat_assignments WHERE table_id = ?1",
            [t.id],
            |r| r.get(0),
        )?;
        if seated > 0 {
            return Err(Error::Conflict {
                zh: format!(
                    "{} 号桌已有 {seated} 位客人入座，请先把他们移到别的桌。",
                    t.number
                ),
                en: format!(
                    "Table {} has {seated} guests seated; move them to other tables first.",
                    t.number
                ),
            });
        }
        tx.execute("DELETE FROM venue_tables WHERE id = ?1", [t.id])?;
        list_in(tx, t.seminar_id)
    })
}

/// Seats a walk-in at the best free seat, inside the caller's transaction: a table with an
/// assistant before one without, then the table with the most free seats (the walk-in reserve
/// sits at the back tables), then the lowest number; the lowest free seat that is not the
/// assistant's. Returns the table's id, or none when the room is full (the greeter finds a
/// chair) or already seats the guest.
pub fn seat_walk_in(
    conn: &Connection,
    seminar_id: i64,
    invitation_id: i64,
    contact_id: i64,
) -> Result<Option<i64>> {
    let seated: Option<i64> = conn
        .query_row(
            "SELECT table_id FROM seat_assignments WHERE seminar_id = ?1 AND contact_id = ?2",
            [seminar_id, contact_id],
            |r| r.get(0),
        )
        .ok();
    if seated.is_some() {
        return Ok(seated);
    }
    let mut best: Option<(bool, i64, i64, i64, i64)> = None; // (no assistant, -free, number, id, seat)
    let tables: Vec<(i64, i64, i64, bool, Option<i64>)> = conn
        .prepare_cached(
            "SELECT v.id, v.number, v.seats, v.assistant_id IS NOT NULL, x.seat
             FROM venue_tables v LEFT JOIN table_assistant_seats x ON x.table_id = v.id
             WHERE v.seminar_id = ?1",
        )?
        .query_map([seminar_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    for (id, number, seats, has_assistant, assistant_seat) in tables {
        let taken: Vec<i64> = conn
            .prepare_cached("SELECT seat FROM seat_assignments WHERE table_id = ?1")?
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let kept = if has_assistant { assistant_seat } else { None };
        let free: Vec<i64> = (1..=seats)
            .filter(|s| !taken.contains(s) && Some(*s) != kept)
            .collect();
        let Some(&seat) = free.first() else { continue };
        let key = (!has_assistant, -(free.len() as i64), number, id, seat);
        if best.is_none_or(|b| key < b) {
            best = Some(key);
        }
    }
    let Some((_, _, _, table_id, seat)) = best else {
        return Ok(None);
    };
    conn.execute(
        "INSERT INTO seat_assignments (seminar_id, invitation_id, contact_id, table_id, seat, locked)
         VALUES (?1, ?2, ?3, ?4, ?5, 1)",
        params![seminar_id, invitation_id, contact_id, table_id, seat],
    )?;
    Ok(Some(table_id))
}
