//! No double inviting across laptops: a store this laptop invited that another laptop invited to
//! a seminar whose attribution window overlaps comes back from the sync as a conflict, with who
//! holds the store and for which seminar. Whether two windows overlap is the invitation-list
//! builder's one test ([`crate::conversion::overlap`]); head office only gathers the candidates.

use chrono::NaiveDate;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::json;

use crate::conversion::{overlap, Window};
use crate::error::Result;

/// One of this laptop's invitations and another laptop's invitation of the same store.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub invitation: String,
    pub store: String,
    pub seminar_date: Option<String>,
    pub seminar_days: Option<i32>,
    pub other_invitation: String,
    pub other_title: Option<String>,
    pub other_date: Option<String>,
    pub other_days: Option<i32>,
    pub other_laptop: Option<String>,
}

fn window(date: Option<&str>, days: Option<i32>) -> Option<Window> {
    let start = NaiveDate::parse_from_str(date?, "%Y-%m-%d").ok()?;
    Some(Window::new(start, days.unwrap_or(0) as i64))
}

/// Keeps each candidate whose windows overlap as a conflict, once (a clash a person dismissed does
/// not come back); an open clash that is no longer there (one of the two invitations was
/// cancelled or declined) leaves the list. Answers how many are new.
pub fn record(conn: &Connection, candidates: &[Candidate], now: &str) -> Result<usize> {
    let live: Vec<&Candidate> = candidates
        .iter()
        .filter(|c| {
            match (
                window(c.seminar_date.as_deref(), c.seminar_days),
                window(c.other_date.as_deref(), c.other_days),
            ) {
                (Some(a), Some(b)) => overlap(a, b),
                _ => false,
            }
        })
        .collect();
    let open: Vec<(i64, String, Option<String>)> = conn
        .prepare(
            "SELECT id, gid, json_extract(theirs, '$.invitation') FROM sync_conflicts
              WHERE kind = 'double_invitation' AND resolved_at IS NULL",
        )?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (id, gid, other) in open {
        let still = live
            .iter()
            .any(|c| c.invitation == gid && Some(&c.other_invitation) == other.as_ref());
        if !still {
            conn.execute(
                "UPDATE sync_conflicts SET resolved_at = ?2, resolution = 'gone' WHERE id = ?1",
                params![id, now],
            )?;
        }
    }
    let mut added = 0;
    for c in live {
        let known: bool = conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM sync_conflicts WHERE kind = 'double_invitation'
                 AND gid = ?1 AND json_extract(theirs, '$.invitation') = ?2)",
            params![c.invitation, c.other_invitation],
            |r| r.get(0),
        )?;
        if known {
            continue;
        }
        // This laptop's side, as a person knows it: the store and the seminar.
        let local: Option<(String, String, String)> = conn
            .query_row(
                "SELECT s.name, m.title, m.date FROM invitations i
                   JOIN stores s ON s.id = i.store_id JOIN seminars m ON m.id = i.seminar_id
                  WHERE i.gid = ?1",
                [&c.invitation],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let Some((store, title, date)) = local else {
            continue;
        };
        conn.execute(
            "INSERT INTO sync_conflicts (at, kind, tbl, gid, reason, detail, theirs)
             VALUES (?1, 'double_invitation', 'invitations', ?2, 'double_invitation', ?3, ?4)",
            params![
                now,
                c.invitation,
                json!({"store": store, "title": title, "date": date}).to_string(),
                json!({
                    "store": store,
                    "invitation": c.other_invitation,
                    "title": c.other_title,
                    "date": c.other_date,
                    "laptop": c.other_laptop,
                })
                .to_string(),
            ],
        )?;
        added += 1;
    }
    Ok(added)
}

/// The local id of an invitation by its organisation-wide id.
pub fn invitation_id(conn: &Connection, gid: &str) -> Result<Option<i64>> {
    Ok(conn
        .query_row("SELECT id FROM invitations WHERE gid = ?1", [gid], |r| {
            r.get(0)
        })
        .optional()?)
}
