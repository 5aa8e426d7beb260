//! Why a matched store is left out of an invitation list: already invited to this seminar or to
//! one whose attribution window overlaps it, nobody to invite, everyone opted out, declined twice
//! in 90 days, or reached five times or more in 14 days. A store left out is a count under its
//! first reason, never a failure of the list.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Days, NaiveDate, Utc};
use rusqlite::{params, Connection};
use serde::Serialize;
use ts_rs::TS;
use utoipa::ToSchema;

use crate::conversion::{overlap, Window};
use crate::error::Result;

/// Declined this many times …
pub const DECLINED_TIMES: i64 = 2;
/// … within this many days: left out.
pub const DECLINED_DAYS: u64 = 90;
/// Reached this many times …
pub const TOUCHED_TIMES: i64 = 5;
/// … within this many days: left out.
pub const TOUCHED_DAYS: i64 = 14;

/// How many matched stores each reason left out (each store counted once, under its first).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS, ToSchema)]
pub struct Excluded {
    pub overlapping_seminar: i64,
    pub opted_out: i64,
    pub no_contact: i64,
    pub recently_declined: i64,
    pub touched_too_often: i64,
    /// Already invited to this very seminar.
    pub already_invited: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    AlreadyInvited,
    OverlappingSeminar,
    NoContact,
    OptedOut,
    RecentlyDeclined,
    TouchedTooOften,
}

impl Excluded {
    pub fn count(&mut self, why: Why) {
        let n = match why {
            Why::AlreadyInvited => &mut self.already_invited,
            Why::OverlappingSeminar => &mut self.overlapping_seminar,
            Why::NoContact => &mut self.no_contact,
            Why::OptedOut => &mut self.opted_out,
            Why::RecentlyDeclined => &mut self.recently_declined,
            Why::TouchedTooOften => &mut self.touched_too_often,
        };
        *n += 1;
    }
}

/// The stores each reason applies to, read once for a list.
pub struct Exclusions {
    already: HashSet<i64>,
    overlapping: HashSet<i64>,
    /// Live (not erased) contacts per store, and how many of them opted out.
    contacts: HashMap<i64, (i64, i64)>,
    declined: HashSet<i64>,
    touched: HashSet<i64>,
}

fn set(conn: &Connection, sql: &str, p: impl rusqlite::Params) -> Result<HashSet<i64>> {
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt
        .query_map(p, |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

impl Exclusions {
    /// For seminar `seminar_id` (its window `window`), on `today`, at `now`.
    pub fn read(
        conn: &Connection,
        seminar_id: i64,
        window: Window,
        today: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Exclusions> {
        let already = set(
            conn,
            "SELECT store_id FROM invitations WHERE seminar_id = ?1",
            [seminar_id],
        )?;
        let mut overlapping = HashSet::new();
        {
            let mut seminars = conn
                .prepare_cached("SELECT id, date, attribution_days FROM seminars WHERE id <> ?1")?;
            let mut rows = seminars.query([seminar_id])?;
            let mut others = Vec::new();
            while let Some(r) = rows.next()? {
                let date: String = r.get(1)?;
                if let Ok(d) = NaiveDate::parse_from_str(&date, "%Y-%m-%d") {
                    if overlap(window, Window::new(d, r.get(2)?)) {
                        others.push(r.get::<_, i64>(0)?);
                    }
                }
            }
            for other in others {
                overlapping.extend(set(
                    conn,
                    "SELECT store_id FROM invitations WHERE seminar_id = ?1 AND status IN ('invited', 'confirmed')",
                    [other],
                )?);
            }
        }
        let mut contacts = HashMap::new();
        {
            let mut stmt = conn.prepare_cached(
                "SELECT store_id, count(*), sum(opted_out) FROM contacts WHERE erased_at IS NULL
                 GROUP BY store_id",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                contacts.insert(r.get::<_, i64>(0)?, (r.get(1)?, r.get(2)?));
            }
        }
        let since = today
            .checked_sub_days(Days::new(DECLINED_DAYS))
            .unwrap_or(today)
            .to_string();
        let declined = set(
            conn,
            "SELECT i.store_id FROM seminars m JOIN invitations i ON i.seminar_id = m.id
             WHERE m.date >= ?1 AND i.status = 'declined'
             GROUP BY i.store_id HAVING count(*) >= ?2",
            params![since, DECLINED_TIMES],
        )?;
        let since = (now - chrono::Duration::days(TOUCHED_DAYS))
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let touched = set(
            conn,
            "SELECT i.store_id FROM touches t JOIN invitations i ON i.id = t.invitation_id
             WHERE t.done_at IS NOT NULL AND t.done_at >= ?1 AND t.outcome IS NOT NULL
               AND t.outcome <> 'skipped'
             GROUP BY i.store_id HAVING count(*) >= ?2",
            params![since, TOUCHED_TIMES],
        )?;
        Ok(Exclusions {
            already,
            overlapping,
            contacts,
            declined,
            touched,
        })
    }

    /// The first reason `store` cannot be invited, if any.
    pub fn why(&self, store: i64) -> Option<Why> {
        let (live, opted_out) = self.contacts.get(&store).copied().unwrap_or((0, 0));
        if self.already.contains(&store) {
            Some(Why::AlreadyInvited)
        } else if self.overlapping.contains(&store) {
            Some(Why::OverlappingSeminar)
        } else if live == 0 {
            Some(Why::NoContact)
        } else if opted_out >= live {
            Some(Why::OptedOut)
        } else if self.declined.contains(&store) {
            Some(Why::RecentlyDeclined)
        } else if self.touched.contains(&store) {
            Some(Why::TouchedTooOften)
        } else {
            None
        }
    }
}
