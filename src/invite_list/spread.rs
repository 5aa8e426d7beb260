//! Spreading a list over the inviters: a store goes back to the inviter who invited it last
//! (they know each other) while that inviter has room, the others to whoever has the fewest
//! invitations to this seminar so far, so that every inviter ends with about the same number.

use std::collections::HashMap;

use rusqlite::{Connection, OptionalExtension};

use super::{InviterShare, ListedStore};
use crate::error::Result;
use crate::staff::{self, StaffRole};

/// The inviters to spread over: those asked for (each must be an inviter), else every active
/// inviter, by id.
pub fn inviters(conn: &Connection, asked: &[i64]) -> Result<Vec<(i64, String)>> {
    if !asked.is_empty() {
        let mut out: Vec<(i64, String)> = Vec::new();
        for &id in asked {
            let s = staff::require_role(conn, id, StaffRole::Inviter, "inviter_ids")?;
            if !out.iter().any(|(i, _)| *i == id) {
                out.push((s.id, s.name));
            }
        }
        return Ok(out);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT id, name FROM staff WHERE active AND EXISTS (SELECT 1 FROM json_each(roles) WHERE value = 'inviter')
         ORDER BY id",
    )?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Sets each store's inviter and returns the count per inviter (in the inviters' order; a
/// single share without inviter when the organisation has none).
pub fn assign(
    conn: &Connection,
    seminar_id: i64,
    inviters: &[(i64, String)],
    stores: &mut [ListedStore],
) -> Result<Vec<InviterShare>> {
    if inviters.is_empty() {
        return Ok(if stores.is_empty() {
            Vec::new()
        } else {
            vec![InviterShare {
                inviter_id: None,
                name: None,
                count: stores.len() as i64,
            }]
        });
    }
    let mut load: HashMap<i64, i64> = inviters.iter().map(|(id, _)| (*id, 0)).collect();
    {
        let mut stmt = conn.prepare_cached(
            "SELECT inviter_id, count(*) FROM invitations
             WHERE seminar_id = ?1 AND inviter_id IS NOT NULL AND status <> 'cancelled' GROUP BY inviter_id",
        )?;
        let mut rows = stmt.query([seminar_id])?;
        while let Some(r) = rows.next()? {
            if let Some(n) = load.get_mut(&r.get::<_, i64>(0)?) {
                *n = r.get(1)?;
            }
        }
    }
    let total: i64 = load.values().sum::<i64>() + stores.len() as i64;
    let k = inviters.len() as i64;
    let room = (total + k - 1) / k;
    let mut before = conn.prepare_cached(
        "SELECT i.inviter_id FROM invitations i JOIN seminars m ON m.id = i.seminar_id
         WHERE i.store_id = ?1 AND i.inviter_id IS NOT NULL ORDER BY m.date DESC, i.id DESC LIMIT 1",
    )?;
    let mut count: HashMap<i64, i64> = HashMap::new();
    let mut rest = Vec::new();
    for (n, s) in stores.iter_mut().enumerate() {
        let last: Option<i64> = before.query_row([s.store_id], |r| r.get(0)).optional()?;
        match last.and_then(|id| load.get_mut(&id).map(|l| (id, l))) {
            Some((id, l)) if *l < room => {
                *l += 1;
                *count.entry(id).or_default() += 1;
                s.inviter_id = Some(id);
            }
            _ => rest.push(n),
        }
    }
    for n in rest {
        let (id, _) = inviters
            .iter()
            .min_by_key(|(id, _)| (load[id], *id))
            .expect("inviters");
        *load.get_mut(id).expect("load") += 1;
        *count.entry(*id).or_default() += 1;
        stores[n].inviter_id = Some(*id);
    }
    Ok(inviters
        .iter()
        .filter_map(|(id, name)| {
            count.get(id).map(|&c| InviterShare {
                inviter_id: Some(*id),
                name: Some(name.clone()),
                count: c,
            })
        })
        .collect())
}
