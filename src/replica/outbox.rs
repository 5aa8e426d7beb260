//! The outbox as the sync sends it: the oldest changes, stamped with a batch id *before* they are
//! sent, so that a retry after a lost answer (a dropped connection, the app killed) sends the very
//! same batch and head office applies it once. Only the answer removes them.

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};

use super::capture::NEW_GID;
use crate::error::Result;

/// Changes sent together, under one id.
#[derive(Debug, Clone)]
pub struct Batch {
    pub id: String,
    /// As `hq.push` reads them: `{tbl, gid, op, hlc, row, changed, seminar, city}`.
    pub changes: Vec<Value>,
}

/// The batch to send: one stamped before and not yet answered, else the oldest `max` changes,
/// stamped now. None when nothing is waiting.
pub fn next(conn: &Connection, max: usize) -> Result<Option<Batch>> {
    let stamped: Option<String> = conn
        .query_row(
            "SELECT batch FROM sync_outbox WHERE batch IS NOT NULL ORDER BY seq LIMIT 1",
            [],
            |r| r.get(0),
        )
        .optional()?;
    let id = match stamped {
        Some(id) => id,
        None => {
            let id: String = conn.query_row(&format!("SELECT {NEW_GID}"), [], |r| r.get(0))?;
            let n = conn.execute(
                "UPDATE sync_outbox SET batch = ?1
                  WHERE seq IN (SELECT seq FROM sync_outbox ORDER BY seq LIMIT ?2)",
                params![id, max as i64],
            )?;
            if n == 0 {
                return Ok(None);
            }
            id
        }
    };
    let mut stmt = conn.prepare(
        "SELECT tbl, gid, op, hlc, row, changed, seminar, city FROM sync_outbox
          WHERE batch = ?1 ORDER BY seq",
    )?;
    let mut changes = stmt
        .query_map([&id], |r| {
            let json_of =
                |s: Option<String>| s.and_then(|s| serde_json::from_str::<Value>(&s).ok());
            Ok(json!({
                "tbl": r.get::<_, String>(0)?,
                "gid": r.get::<_, String>(1)?,
                "op": r.get::<_, String>(2)?,
                "hlc": r.get::<_, i64>(3)?,
                "row": json_of(r.get(4)?),
                "changed": json_of(r.get(5)?),
                "seminar": r.get::<_, Option<String>>(6)?,
                "city": r.get::<_, Option<String>>(7)?,
            }))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for change in &mut changes {
        change["key"] = match_key(change);
        if let Some(listed) = list_key(change) {
            change["key"] = Value::String(listed.key);
            change["tag"] = listed.tag.map_or(Value::Null, Value::String);
        }
    }
    Ok(Some(Batch { id, changes }))
}

/// The key head office matches another laptop's copy of the same row by, computed by the import's
/// one rule ([`crate::matching`]): a store's name and city, a person's mobile (head office adds
/// the store they belong to).
fn match_key(change: &Value) -> Value {
    let row = &change["row"];
    match change["tbl"].as_str() {
        Some("stores") => match (row["name"].as_str(), row["city"].as_str()) {
            (Some(name), Some(city)) => Value::String(crate::matching::name_key(name, city)),
            _ => Value::Null,
        },
        Some("contacts") if row["phone_kind"] == "mobile" && row["erased_at"].is_null() => row
            ["phone"]
            .as_str()
            .map_or(Value::Null, |p| Value::String(p.to_string())),
        _ => Value::Null,
    }
}

/// The key of a row of head office's own lists ([`crate::matching::ListKey`]): a staff member's
/// name and phone, a product's or a template's name, a price tier's rank (head office adds the
/// product). A seminar's own copy of a template has none: it is the seminar's.
pub fn list_key(change: &Value) -> Option<crate::matching::ListKey> {
    use crate::matching::{named_key, staff_key, tier_key};
    let row = &change["row"];
    let name = row["name"].as_str();
    match change["tbl"].as_str()? {
        "staff" => Some(staff_key(name?, row["phone"].as_str())),
        "products" | "checklist_templates" => Some(named_key(name?)),
        "cadences" | "scripts" if row["seminar_id"].is_null() => Some(named_key(name?)),
        "price_tiers" => Some(tier_key(row["rank"].as_i64()?)),
        _ => None,
    }
}

/// A change head office refused, with its reason code.
#[derive(Debug, Clone)]
pub struct Refused {
    pub tbl: String,
    pub gid: String,
    pub reason: String,
    /// Head office's row as it stands, when this laptop may read it.
    pub theirs: Option<String>,
}

/// Head office answered the batch: its changes leave the outbox, and each refused one becomes a
/// conflict a person sees (with the change as it was sent), in one transaction.
pub fn acknowledge(
    conn: &mut Connection,
    batch: &Batch,
    refused: &[Refused],
    now: &str,
) -> Result<()> {
    let tx = conn.transaction()?;
    for r in refused {
        let sent = batch
            .changes
            .iter()
            .find(|c| c["tbl"] == r.tbl.as_str() && c["gid"] == r.gid.as_str());
        tx.execute(
            "INSERT INTO sync_conflicts (at, kind, tbl, gid, reason, detail, theirs)
             VALUES (?1, 'refused', ?2, ?3, ?4, ?5, ?6)",
            params![
                now,
                r.tbl,
                r.gid,
                r.reason,
                sent.map(|c| c.to_string()),
                r.theirs
            ],
        )?;
    }
    tx.execute("DELETE FROM sync_outbox WHERE batch = ?1", [&batch.id])?;
    tx.execute(
        "UPDATE sync_state SET last_sync_at = ?1, last_error = NULL",
        [now],
    )?;
    tx.commit()?;
    Ok(())
}

/// Changes waiting to be sent.
pub fn waiting(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("SELECT count(*) FROM sync_outbox", [], |r| r.get(0))?)
}

/// Head office found another laptop's copy of a row this laptop sent: from now on the row here
/// carries that row's gid (references are by local id, so nothing else changes), with capture
/// off. When that gid is here already, a copy of one of head office's own rows (a staff member
/// added here that head office has) is merged into it ([`super::merge`]); answers the other
/// aliases that could not be taken (a second copy of a store or person here, for a person to
/// merge).
pub fn take_aliases(
    conn: &mut Connection,
    aliases: &[(String, String, String)],
) -> Result<Vec<(String, String, String)>> {
    let tx = conn.transaction()?;
    tx.execute_batch("UPDATE sync_state SET capturing = 0")?;
    let mut left = Vec::new();
    for (tbl, gid, canonical) in aliases {
        if super::tables::find(tbl).is_none() {
            continue;
        }
        let taken: bool = tx.query_row(
            &format!("SELECT EXISTS (SELECT 1 FROM \"{tbl}\" WHERE gid = ?1)"),
            [canonical],
            |r| r.get(0),
        )?;
        if taken {
            left.push((tbl.clone(), gid.clone(), canonical.clone()));
            continue;
        }
        take(&tx, tbl, gid, canonical)?;
    }
    let (copies, mut left): (Vec<_>, Vec<_>) = left.into_iter().partition(|(tbl, _, _)| {
        super::tables::find(tbl).is_some_and(|t| t.owner != super::tables::Owner::Shared)
    });
    if super::merge::merge_copies(&tx, &copies)? {
        for (tbl, gid, canonical) in &copies {
            tx.execute(
                "UPDATE sync_outbox SET gid = ?2 WHERE tbl = ?1 AND gid = ?3",
                params![tbl, canonical, gid],
            )?;
        }
    } else {
        left.extend(copies);
    }
    tx.execute_batch("UPDATE sync_state SET capturing = 1")?;
    tx.commit()?;
    Ok(left)
}

/// This laptop's row is known by `canonical` from now on, and so are its changes waiting to go.
fn take(tx: &Connection, tbl: &str, gid: &str, canonical: &str) -> Result<()> {
    tx.execute(
        &format!("UPDATE \"{tbl}\" SET gid = ?2 WHERE gid = ?1"),
        params![gid, canonical],
    )?;
    tx.execute(
        "UPDATE sync_outbox SET gid = ?2 WHERE tbl = ?1 AND gid = ?3",
        params![tbl, canonical, gid],
    )?;
    Ok(())
}
