//! No double inviting across laptops: a store this laptop invited that another laptop invited to
//! a seminar whose attribution window overlaps comes back from the sync as a conflict, with who
//! holds the store and for which seminar. Whether two windows overlap is the invitation-list
//! builder's one test ([`crate::conversion::overlap`]); head office only gathers the candidates.

pub use super::checked::Asked;
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

/// Where this laptop's clash check got to in head office's log (`hq.clashes_since`); None: the
/// next check asks about every invitation.
pub fn position(conn: &Connection) -> Result<Option<String>> {
    Ok(conn.query_row("SELECT clashes_xid FROM sync_state", [], |r| r.get(0))?)
}

/// This laptop's invitations of the double invitations it still lists: head office is asked about
/// them again at every check, so that a clash that is gone leaves the list.
pub fn open_invitations(conn: &Connection) -> Result<Vec<String>> {
    super::checked::open(conn, "double_invitation")
}

/// Records a check's answer ([`record`]) and moves the position to `horizon`, in one transaction:
/// a check that failed on the way is asked again from where the last one that worked got to.
pub fn record_checked(
    conn: &mut Connection,
    candidates: &[Candidate],
    asked: Asked,
    horizon: &str,
    now: &str,
) -> Result<usize> {
    let tx = conn.transaction()?;
    let added = record(&tx, candidates, asked, now)?;
    tx.execute("UPDATE sync_state SET clashes_xid = ?1", [horizon])?;
    tx.commit()?;
    Ok(added)
}

/// Keeps each candidate whose windows overlap as a conflict, once (a clash a person dismissed does
/// not come back); an open clash that is no longer there (one of the two invitations was
/// cancelled or declined) leaves the list — of those asked about: every open one when every
/// invitation was, else those whose invitation was asked about again. Answers how many are new.
pub fn record(
    conn: &Connection,
    candidates: &[Candidate],
    asked: Asked,
    now: &str,
) -> Result<usize> {
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
        if let Asked::Since(again) = asked {
            // Made by another sync meanwhile: not asked about this time.
            if !again.contains(&gid) {
                continue;
            }
        }
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

/// Another laptop's live invitation of a store, as head office answered when asked at the moment
/// of inviting (`hq.holders`).
#[derive(Debug, Clone)]
pub struct Holder {
    /// The store's organisation-wide id.
    pub store: String,
    pub title: Option<String>,
    pub date: Option<String>,
    pub days: Option<i32>,
    pub laptop: Option<String>,
}

/// Head office's answer: empty when it was not asked (not joined, offline, too slow), in which
/// case a double invitation is caught at the next sync instead.
#[derive(Debug, Clone, Default)]
pub struct Held {
    pub holders: Vec<Holder>,
}

/// A seminar's attribution window (its first and last day); None for an unknown seminar.
fn seminar_window(conn: &Connection, seminar_id: i64) -> Result<Option<Window>> {
    let seminar: Option<(String, i64)> = conn
        .query_row(
            "SELECT date, attribution_days FROM seminars WHERE id = ?1",
            [seminar_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    Ok(seminar.and_then(|(date, days)| window(Some(&date), Some(days as i32))))
}

/// What to ask head office for an invitation to seminar `seminar_id`: the seminar's attribution
/// window, and the organisation-wide ids of `stores` (None: every store, the builder's list).
/// None when this laptop has not joined an organisation or the seminar is unknown.
pub fn question(
    conn: &Connection,
    seminar_id: i64,
    stores: Option<&[i64]>,
) -> Result<Option<(Window, Option<Vec<String>>)>> {
    if !super::capture::joined(conn)? {
        return Ok(None);
    }
    let Some(window) = seminar_window(conn, seminar_id)? else {
        return Ok(None);
    };
    let gids = match stores {
        None => None,
        Some(ids) => {
            let mut stmt = conn.prepare_cached("SELECT gid FROM stores WHERE id = ?1")?;
            let mut gids = Vec::new();
            for id in ids {
                if let Some(Some(gid)) = stmt
                    .query_row([id], |r| r.get::<_, Option<String>>(0))
                    .optional()?
                {
                    gids.push(gid);
                }
            }
            Some(gids)
        }
    };
    Ok(Some((window, gids)))
}

/// The stores (local ids) another laptop holds with an invitation to a seminar whose attribution
/// window overlaps seminar `seminar_id`'s — the builder's one test ([`overlap`]) — each with the
/// first such holder. The one check behind a single invitation, a batch and the builder's list.
pub fn held_stores<'a>(
    conn: &Connection,
    held: &'a Held,
    seminar_id: i64,
) -> Result<std::collections::HashMap<i64, &'a Holder>> {
    let mut out = std::collections::HashMap::new();
    if held.holders.is_empty() {
        return Ok(out);
    }
    let Some(mine) = seminar_window(conn, seminar_id)? else {
        return Ok(out);
    };
    let mut local = conn.prepare_cached("SELECT id FROM stores WHERE gid = ?1")?;
    for h in &held.holders {
        let Some(theirs) = window(h.date.as_deref(), h.days) else {
            continue;
        };
        if !overlap(mine, theirs) {
            continue;
        }
        if let Some(id) = local
            .query_row([&h.store], |r| r.get::<_, i64>(0))
            .optional()?
        {
            out.entry(id).or_insert(h);
        }
    }
    Ok(out)
}

/// The refusal of inviting store `store` when `holder` holds it: who, and for which seminar.
pub fn refusal(store: &str, holder: &Holder) -> crate::error::Error {
    let laptop = holder.laptop.as_deref().unwrap_or("?");
    let title = holder.title.as_deref().unwrap_or("?");
    let date = holder.date.as_deref().unwrap_or("?");
    crate::error::Error::Conflict {
        zh: format!(
            "门店“{store}”已由“{laptop}”邀请参加会销“{title}”（{}），与这场会销的成交归属期重叠，不能再邀请。请与“{laptop}”商量，或换一场不重叠的会销。",
            crate::i18n::format_date(date, crate::i18n::Lang::Zh)
        ),
        en: format!(
            "The store “{store}” is already invited by “{laptop}” to the seminar “{title}” ({date}), whose attribution window overlaps this one's: it cannot be invited again. Talk to “{laptop}”, or choose a seminar that does not overlap."
        ),
    }
}
