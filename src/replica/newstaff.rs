//! Staff a city laptop added (a new assistant on the day, typed while offline), proposed to head
//! office. Head office already adopted the row when it was pushed — the seminar that needs the
//! assistant works everywhere — and a head-office laptop keeps each one it has not settled as a
//! conflict of kind `new_staff`: the staff member as added (which laptop, when, what they did so
//! far here) beside head office's staff that may be the same person (the same name, or the same
//! phone), to approve, merge into one of those, or retire. One settled or gone leaves the list.

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};

use crate::error::{invalid, Result};
use crate::matching::norm;

/// A staff member a city laptop added, as head office answered (`hq.staff_proposals`).
#[derive(Debug, Clone)]
pub struct Proposal {
    pub staff: String,
    pub name: String,
    pub phone: Option<String>,
    pub laptop: String,
    pub created_at: String,
}

/// The staff added on this laptop since it joined whose rows head office has (pushed: none of
/// their changes waits in the outbox), to be proposed to it.
pub fn added_here(conn: &Connection) -> Result<Vec<String>> {
    Ok(conn
        .prepare(
            "SELECT n.gid FROM sync_new_staff n
              WHERE NOT EXISTS (SELECT 1 FROM sync_outbox o WHERE o.tbl = 'staff' AND o.gid = n.gid)
              ORDER BY n.gid",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?)
}

/// Head office was told of these.
pub fn told(conn: &Connection, gids: &[String]) -> Result<()> {
    let mut stmt = conn.prepare("DELETE FROM sync_new_staff WHERE gid = ?1")?;
    for gid in gids {
        stmt.execute([gid])?;
    }
    Ok(())
}

/// The proposed staff member as this laptop holds them, with how much already names them; None
/// when the row has not arrived here.
fn added(conn: &Connection, p: &Proposal) -> Result<Option<(i64, Value)>> {
    let row: Option<(i64, String, Option<String>, String, i64)> = conn
        .query_row(
            "SELECT id, name, phone, roles, active FROM staff WHERE gid = ?1",
            [&p.staff],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .optional()?;
    let Some((id, name, phone, roles, active)) = row else {
        return Ok(None);
    };
    let count = |sql: &str| -> Result<i64> { Ok(conn.query_row(sql, [id], |r| r.get(0))?) };
    let invitations = count("SELECT count(*) FROM invitations WHERE inviter_id = ?1")?;
    let tables = count("SELECT count(*) FROM venue_tables WHERE assistant_id = ?1")?;
    let roles: Value = serde_json::from_str(&roles).unwrap_or(Value::Array(Vec::new()));
    Ok(Some((
        id,
        json!({
            "gid": p.staff,
            "id": id,
            "name": name,
            "phone": phone,
            "roles": roles,
            "active": active != 0,
            "laptop": p.laptop,
            "created_at": p.created_at,
            "invitations": invitations,
            "tables": tables,
        }),
    )))
}

/// Head office's other staff that may be the same person: the same name (written the same way
/// once spaces and width are set aside), or the same phone.
fn similar(conn: &Connection, id: i64, name: &str, phone: Option<&str>) -> Result<Value> {
    let key = norm(name);
    let phone = phone.map(str::trim).filter(|p| !p.is_empty());
    let mut stmt = conn.prepare(
        "SELECT id, gid, name, phone, roles, active FROM staff WHERE id <> ?1 ORDER BY id",
    )?;
    let rows = stmt.query_map([id], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, Option<String>>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, Option<String>>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, i64>(5)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (other, gid, other_name, other_phone, roles, active) = row?;
        let same_phone = phone.is_some() && other_phone.as_deref().map(str::trim) == phone;
        if norm(&other_name) != key && !same_phone {
            continue;
        }
        out.push(json!({
            "id": other,
            "gid": gid,
            "name": other_name,
            "phone": other_phone,
            "roles": serde_json::from_str::<Value>(&roles).unwrap_or(Value::Array(Vec::new())),
            "active": active != 0,
        }));
    }
    Ok(json!({ "similar": out }))
}

/// Keeps each proposal as a conflict, once; an open one head office no longer answers (settled
/// on another head-office laptop) leaves the list, and one still open is shown as it is now.
/// Answers how many are new.
pub fn record(conn: &Connection, proposals: &[Proposal], now: &str) -> Result<usize> {
    let open: Vec<(i64, String)> = conn
        .prepare(
            "SELECT id, gid FROM sync_conflicts WHERE kind = 'new_staff' AND resolved_at IS NULL",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut added_now = 0;
    for p in proposals {
        let Some((id, mine)) = added(conn, p)? else {
            continue;
        };
        let theirs = similar(
            conn,
            id,
            mine["name"].as_str().unwrap_or_default(),
            p.phone.as_deref(),
        )?;
        match open.iter().find(|(_, gid)| gid == &p.staff) {
            Some((conflict, _)) => {
                conn.execute(
                    "UPDATE sync_conflicts SET detail = ?2, theirs = ?3 WHERE id = ?1",
                    params![conflict, mine.to_string(), theirs.to_string()],
                )?;
            }
            None => {
                conn.execute(
                    "INSERT INTO sync_conflicts (at, kind, tbl, gid, reason, detail, theirs)
                     VALUES (?1, 'new_staff', 'staff', ?2, 'added_on_laptop', ?3, ?4)",
                    params![now, p.staff, mine.to_string(), theirs.to_string()],
                )?;
                added_now += 1;
            }
        }
    }
    for (conflict, gid) in &open {
        if !proposals.iter().any(|p| &p.staff == gid) {
            settled(conn, *conflict, "gone", now)?;
        }
    }
    Ok(added_now)
}

/// The staff member (organisation-wide id) of an open proposal.
pub fn staff_of(conn: &Connection, id: i64) -> Result<String> {
    conn.query_row(
        "SELECT gid FROM sync_conflicts WHERE id = ?1 AND kind = 'new_staff' AND resolved_at IS NULL",
        [id],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| {
        invalid(
            "id",
            format!("没有待总部确认的新员工 {id}（可能已经处理过）。"),
            format!("There is no new staff member {id} waiting for head office (it may have been settled already)."),
        )
    })
}

/// The organisation-wide id of a staff member of this laptop, by local id, for a merge into them.
pub fn gid_of_staff(conn: &Connection, staff_id: i64) -> Result<String> {
    conn.query_row(
        "SELECT gid FROM staff WHERE id = ?1 AND gid IS NOT NULL",
        [staff_id],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| {
        invalid(
            "into",
            format!("没有编号为 {staff_id} 的员工（或还没有同步到总部）。"),
            format!(
                "There is no staff member {staff_id} (or they have not reached head office yet)."
            ),
        )
    })
}

/// A proposal settled at head office: it leaves the list here at once (the other head-office
/// laptops' lists at their next sync).
pub fn settled(conn: &Connection, id: i64, resolution: &str, now: &str) -> Result<()> {
    conn.execute(
        "UPDATE sync_conflicts SET resolved_at = ?2, resolution = ?3
          WHERE id = ?1 AND kind = 'new_staff' AND resolved_at IS NULL",
        params![id, now, resolution],
    )?;
    Ok(())
}
