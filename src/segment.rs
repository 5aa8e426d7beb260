//! Segments (客户分群): saved store filters with a name, each with the number of stores it
//! holds today. The invitation-list builder takes a segment by name.
//!
//! A segment can carry its own cadence: one of the saved cadence templates. The stores the
//! builder invites from that segment then follow the template's steps instead of the seminar's
//! cadence: each invitation keeps a copy of the steps (`invitations.cadence`), which scheduling
//! and today's touches read; other invitations of the same seminar keep the seminar's cadence.

use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::app::App;
use crate::error::{invalid, Error, Result};
use crate::input::{Empty, IdInput};
use crate::invite_list::{matching, StoreFilter};
use crate::score::Day;
use crate::{validate, venue};

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Segment {
    pub id: i64,
    pub name: String,
    pub filter: StoreFilter,
    /// The cadence template the segment's invitations follow (null: the seminar's cadence).
    pub cadence_id: Option<i64>,
    pub cadence_name: Option<String>,
    /// Stores the filter matches today.
    pub count: i64,
    pub created_at: String,
    pub updated_at: String,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct SegmentInput {
    pub name: String,
    pub filter: StoreFilter,
    /// A saved cadence template's id (null: the seminar's cadence).
    #[serde(default)]
    pub cadence_id: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct SegmentUpdate {
    pub id: i64,
    pub name: String,
    pub filter: StoreFilter,
    #[serde(default)]
    pub cadence_id: Option<i64>,
}

/// A segment as stored (its count left at 0).
fn from_row(r: &Row) -> rusqlite::Result<Segment> {
    let filter: String = r.get(2)?;
    Ok(Segment {
        id: r.get(0)?,
        name: r.get(1)?,
        filter: serde_json::from_str(&filter).unwrap_or_default(),
        cadence_id: r.get(5)?,
        cadence_name: r.get(6)?,
        count: 0,
        created_at: r.get(3)?,
        updated_at: r.get(4)?,
    })
}

const SELECT: &str =
    "SELECT g.id, g.name, g.filter, g.created_at, g.updated_at, g.cadence_id, c.name
    FROM segments g LEFT JOIN cadences c ON c.id = g.cadence_id AND c.seminar_id IS NULL";

fn not_found(what: &str) -> Error {
    invalid(
        "segment",
        format!("没有名为“{what}”的客户分群。"),
        format!("There is no segment named “{what}”."),
    )
}

/// A segment by its name (exactly as saved, spaces around it ignored).
pub fn by_name(conn: &Connection, name: &str) -> Result<Segment> {
    conn.query_row(
        &format!("{SELECT} WHERE g.name = ?1"),
        [name.trim()],
        from_row,
    )
    .optional()?
    .ok_or_else(|| not_found(name.trim()))
}

fn by_id(conn: &Connection, id: i64) -> Result<Segment> {
    conn.query_row(&format!("{SELECT} WHERE g.id = ?1"), [id], from_row)
        .optional()?
        .ok_or_else(|| not_found(&format!("#{id}")))
}

fn counted(app: &App, conn: &Connection, mut s: Segment) -> Result<Segment> {
    let day = Day::of(conn, venue::today(app, conn, None)?)?;
    s.count = matching(conn, &s.filter, &day, false)?.len() as i64;
    Ok(s)
}

/// Every segment by name, with its count.
pub fn list(app: &App, _: Empty) -> Result<Vec<Segment>> {
    let conn = app.db.conn();
    let mut stmt = conn.prepare(&format!("{SELECT} ORDER BY g.name"))?;
    let rows: Vec<Segment> = stmt
        .query_map([], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    rows.into_iter().map(|s| counted(app, &conn, s)).collect()
}

/// The steps (JSON) of the cadence template a segment carries, if it carries one.
pub fn cadence_steps(conn: &Connection, s: &Segment) -> Result<Option<String>> {
    let Some(id) = s.cadence_id else {
        return Ok(None);
    };
    Ok(conn
        .query_row(
            "SELECT steps FROM cadences WHERE id = ?1 AND seminar_id IS NULL",
            [id],
            |r| r.get(0),
        )
        .optional()?)
}

fn check_cadence(conn: &Connection, cadence_id: Option<i64>) -> Result<()> {
    let Some(id) = cadence_id else {
        return Ok(());
    };
    let template: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM cadences WHERE id = ?1 AND seminar_id IS NULL)",
        [id],
        |r| r.get(0),
    )?;
    if !template {
        return Err(invalid(
            "cadence_id",
            format!("没有编号为 {id} 的邀约节奏模板：请在会销的邀约节奏里先另存为模板。"),
            format!("There is no cadence template with id {id}: save a seminar's cadence as a template first."),
        ));
    }
    Ok(())
}

fn clean(conn: &Connection, name: &str, filter: &StoreFilter, id: Option<i64>) -> Result<String> {
    let name = validate::optional_text("name", ("分群名称", "segment name"), name, 50)?;
    if name.is_empty() {
        return Err(invalid(
            "name",
            "请给客户分群起个名字。",
            "Give the segment a name.",
        ));
    }
    filter.check()?;
    let taken: bool = conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM segments WHERE name = ?1 AND id IS NOT ?2)",
        params![name, id],
        |r| r.get(0),
    )?;
    if taken {
        return Err(invalid(
            "name",
            format!("已经有名为“{name}”的客户分群。"),
            format!("There is already a segment named “{name}”."),
        ));
    }
    Ok(name)
}

pub fn create(app: &App, input: SegmentInput) -> Result<Segment> {
    let now = app.now_str();
    app.db.write(|tx| {
        let name = clean(tx, &input.name, &input.filter, None)?;
        check_cadence(tx, input.cadence_id)?;
        let filter = serde_json::to_string(&input.filter).expect("filter serialises");
        tx.execute(
            "INSERT INTO segments (name, filter, cadence_id, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?4)",
            params![name, filter, input.cadence_id, now],
        )?;
        counted(app, tx, by_id(tx, tx.last_insert_rowid())?)
    })
}

pub fn update(app: &App, input: SegmentUpdate) -> Result<Segment> {
    let now = app.now_str();
    app.db.write(|tx| {
        by_id(tx, input.id)?;
        let name = clean(tx, &input.name, &input.filter, Some(input.id))?;
        check_cadence(tx, input.cadence_id)?;
        let filter = serde_json::to_string(&input.filter).expect("filter serialises");
        tx.execute(
            "UPDATE segments SET name = ?2, filter = ?3, cadence_id = ?5, updated_at = ?4 WHERE id = ?1",
            params![input.id, name, filter, now, input.cadence_id],
        )?;
        counted(app, tx, by_id(tx, input.id)?)
    })
}

/// Removes a segment (the stores stay; invitations made from it stay).
pub fn delete(app: &App, input: IdInput) -> Result<Empty> {
    app.db.write(|tx| {
        by_id(tx, input.id)?;
        tx.execute("DELETE FROM segments WHERE id = ?1", [input.id])?;
        Ok(Empty {})
    })
}
