//! Staff: the people who run seminars, each with one or more roles.

use rusqlite::{params, Connection, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::app::App;
use crate::error::{found, invalid, Error, Result, Thing};
use crate::{phone, validate};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    Organizer,
    Inviter,
    Assistant,
    Lecturer,
    Checkin,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Staff {
    pub id: i64,
    pub name: String,
    pub phone: Option<String>,
    pub roles: Vec<StaffRole>,
    pub active: bool,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct StaffInput {
    pub name: String,
    #[serde(default)]
    pub phone: Option<String>,
    pub roles: Vec<StaffRole>,
    #[serde(default = "yes")]
    pub active: bool,
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct StaffUpdate {
    pub id: i64,
    #[serde(flatten)]
    #[ts(flatten)]
    pub input: StaffInput,
}

struct Clean {
    name: String,
    phone: Option<String>,
    roles: String,
    active: bool,
}

fn clean(input: StaffInput) -> Result<Clean> {
    let name = validate::text("name", ("姓名", "name"), &input.name, 40)?;
    let phone = phone::parse_optional(input.phone.as_deref(), "phone")?.map(|p| p.number);
    if input.roles.is_empty() {
        return Err(invalid(
            "roles",
            "请至少选择一个角色。",
            "Choose at least one role.",
        ));
    }
    let mut roles = input.roles;
    roles.dedup();
    Ok(Clean {
        name,
        phone,
        roles: serde_json::to_string(&roles).expect("roles serialise"),
        active: input.active,
    })
}

const COLUMNS: &str = "id, name, phone, roles, active";

fn from_row(r: &Row) -> rusqlite::Result<Staff> {
    let roles: String = r.get(3)?;
    Ok(Staff {
        id: r.get(0)?,
        name: r.get(1)?,
        phone: r.get(2)?,
        roles: serde_json::from_str(&roles).unwrap_or_default(),
        active: r.get(4)?,
    })
}

pub fn list(app: &App) -> Result<Vec<Staff>> {
    let conn = app.db.conn();
    let mut stmt = conn.prepare(&format!(
        "SELECT {COLUMNS} FROM staff ORDER BY active DESC, id"
    ))?;
    let rows = stmt
        .query_map([], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub fn get_in(conn: &Connection, id: i64) -> Result<Staff> {
    found(
        conn.query_row(
            &format!("SELECT {COLUMNS} FROM staff WHERE id = ?1"),
            [id],
            from_row,
        ),
        Thing::Staff,
        id,
    )
}

/// A staff member who must exist and hold `role` (e.g. the lecturer of a seminar).
pub fn require_role(
    conn: &Connection,
    id: i64,
    role: StaffRole,
    field: &'static str,
) -> Result<Staff> {
    let s = get_in(conn, id).map_err(|_| {
        invalid(
            field,
            format!("员工（编号 {id}）不存在。"),
            format!("There is no staff member with id {id}."),
        )
    })?;
    if !s.roles.contains(&role) {
        let (zh, en) = role_label(role);
        return Err(invalid(
            field,
            format!("{}不是{zh}。", s.name),
            format!("{} does not have the {en} role.", s.name),
        ));
    }
    Ok(s)
}

pub fn role_label(role: StaffRole) -> (&'static str, &'static str) {
    match role {
        StaffRole::Organizer => ("组织者", "organizer"),
        StaffRole::Inviter => ("邀约员", "inviter"),
        StaffRole::Assistant => ("助教", "assistant"),
        StaffRole::Lecturer => ("讲师", "lecturer"),
        StaffRole::Checkin => ("签到员", "check-in staff"),
    }
}

/// Validates and writes a staff member inside the caller's transaction.
pub fn insert(conn: &Connection, input: StaffInput, created_at: &str) -> Result<i64> {
    let c = clean(input)?;
    conn.execute(
        "INSERT INTO staff (name, phone, roles, active, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![c.name, c.phone, c.roles, c.active, created_at],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn create(app: &App, input: StaffInput) -> Result<Staff> {
    let now = app.now_str();
    app.db.write(|tx| {
        let id = insert(tx, input, &now)?;
        get_in(tx, id)
    })
}

pub fn update(app: &App, input: StaffUpdate) -> Result<Staff> {
    let id = input.id;
    let c = clean(input.input)?;
    app.db.write(|tx| {
        let n = tx.execute(
            "UPDATE staff SET name = ?2, phone = ?3, roles = ?4, active = ?5 WHERE id = ?1",
            params![id, c.name, c.phone, c.roles, c.active],
        )?;
        if n == 0 {
            return Err(Error::NotFound {
                what: Thing::Staff,
                id,
            });
        }
        get_in(tx, id)
    })
}
