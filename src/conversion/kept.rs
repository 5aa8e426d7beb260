//! Every seminar's six counts (I, C, A, E, F and the closed deals), kept in `tally_seminar` as the
//! rows change, so that comparing 20,000 seminars reads 20,000 rows, not every invitation,
//! check-in and deal of five years.
//!
//! Triggers (migration 0020) only note what changed: a seminar whose invitations or check-ins
//! changed, a store whose attendances or deals changed. The next read brings those up to date
//! here, from the same definitions as ever: a seminar's I, C and A from its own rows; a store's
//! credits (`tally_credit`: its closed deals credited to the seminars it attended, by
//! [`credit`]) computed again, the old ones taken off their seminars' counts and the new ones
//! added. When much changed (the first read, or a first pull from head office) everything is
//! computed again in three scans. A connection that cannot write (read-only) computes in memory.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::{params, Connection};

use super::attribution::{credit, deal_time, seminar_days, Attendance};
use super::counts::Tally;
use super::{first_row_per_invitation, CLOSED_DEAL_SQL};
use crate::error::Result;

/// Beyond this many changed stores or seminars, computing everything again is quicker.
const MANY_STORES: usize = 20_000;
const MANY_SEMINARS: usize = 2_000;

/// A store's closed deals credited to one seminar: how many, whether one was at the event, and
/// whether one was in the follow-up window.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Credit {
    seminar: i64,
    deals: i64,
    event: bool,
    followup: bool,
}

impl Credit {
    /// What it adds to its seminar's counts: E when a deal was at the event, else F.
    fn tally(self) -> Tally {
        Tally {
            event: self.event as i64,
            followup: (!self.event && self.followup) as i64,
            deals: self.deals,
            ..Tally::default()
        }
    }
}

/// The credits of one store's closed deals among the seminars it attended (sorted by date, then
/// seminar).
fn credits_of(
    attended: &[Attendance],
    deals: impl IntoIterator<Item = DateTime<Utc>>,
) -> Vec<Credit> {
    let mut out: Vec<Credit> = Vec::new();
    for at in deals {
        let Some((seminar, at_event)) = credit(attended, at) else {
            continue;
        };
        let i = match out.iter().position(|c| c.seminar == seminar) {
            Some(i) => i,
            None => {
                out.push(Credit {
                    seminar,
                    deals: 0,
                    event: false,
                    followup: false,
                });
                out.len() - 1
            }
        };
        out[i].deals += 1;
        if at_event {
            out[i].event = true;
        } else {
            out[i].followup = true;
        }
    }
    out
}

/// Every seminar's counts, up to date.
pub(super) fn seminar_tallies(conn: &Connection) -> Result<HashMap<i64, Tally>> {
    match refresh(conn) {
        Ok(()) => read(conn),
        Err(e) => {
            tracing::warn!(error = %e, "the kept counts could not be brought up to date: computed in memory");
            let (mut tallies, credits) = everything(conn)?;
            for (_, c) in credits {
                *tallies.entry(c.seminar).or_default() += c.tally();
            }
            Ok(tallies)
        }
    }
}

fn read(conn: &Connection) -> Result<HashMap<i64, Tally>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seminar_id, invited, confirmed, attended, event, followup, deals FROM tally_seminar",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get(0)?,
            Tally {
                invited: r.get(1)?,
                confirmed: r.get(2)?,
                attended: r.get(3)?,
                event: r.get(4)?,
                followup: r.get(5)?,
                deals: r.get(6)?,
            },
        ))
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Brings the kept counts up to date with what changed, in one savepoint (inside the caller's
/// transaction, if any): all of it or nothing.
fn refresh(conn: &Connection) -> Result<()> {
    let dirty: Vec<(String, i64)> = conn
        .prepare_cached("SELECT kind, id FROM tally_dirty")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    if dirty.is_empty() {
        return Ok(());
    }
    conn.execute_batch("SAVEPOINT tally")?;
    let done = (|| -> Result<()> {
        let of = |kind: &str| -> Vec<i64> {
            dirty
                .iter()
                .filter(|(k, _)| k == kind)
                .map(|(_, id)| *id)
                .collect()
        };
        let (seminars, stores) = (of("seminar"), of("store"));
        if !of("all").is_empty() || stores.len() > MANY_STORES || seminars.len() > MANY_SEMINARS {
            rebuild(conn)?;
        } else {
            for seminar in seminars {
                seminar_again(conn, seminar)?;
            }
            if !stores.is_empty() {
                let days = seminar_days(conn)?;
                for store in stores {
                    store_again(conn, store, &days)?;
                }
            }
        }
        conn.execute("DELETE FROM tally_dirty", [])?;
        Ok(())
    })();
    match done {
        Ok(()) => conn.execute_batch("RELEASE tally")?,
        Err(_) => conn.execute_batch("ROLLBACK TO tally; RELEASE tally")?,
    }
    done
}

/// I, C and A of every seminar (or of one): every invitation counts I; a confirmed one or a
/// walk-in C; one with a check-in not undone A, and C if it was not confirmed already.
fn bases(conn: &Connection, only: Option<i64>) -> Result<HashMap<i64, Tally>> {
    let filter = if only.is_some() {
        "AND i.seminar_id = ?1"
    } else {
        "AND ?1 IS NULL"
    };
    let mut tallies: HashMap<i64, Tally> = HashMap::new();
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT i.seminar_id, count(*), sum(i.status = 'confirmed' OR i.walk_in) FROM invitations i
          WHERE 1 {filter} GROUP BY i.seminar_id"
    ))?;
    let mut rows = stmt.query([only])?;
    while let Some(r) = rows.next()? {
        let t = tallies.entry(r.get(0)?).or_default();
        t.invited = r.get(1)?;
        t.confirmed = r.get(2)?;
    }
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT k.invitation_id, i.seminar_id, i.status = 'confirmed' OR i.walk_in
           FROM checkins k JOIN invitations i ON i.id = k.invitation_id
          WHERE k.undone_at IS NULL {filter} ORDER BY k.invitation_id"
    ))?;
    first_row_per_invitation(stmt.query([only])?, |_, r| {
        let t = tallies.entry(r.get(1)?).or_default();
        t.attended += 1;
        t.confirmed += !r.get::<_, bool>(2)? as i64;
        Ok(())
    })?;
    Ok(tallies)
}

/// Every seminar's I, C and A, and every store's credits (store, credit).
type Everything = (HashMap<i64, Tally>, Vec<(i64, Credit)>);

/// Everything from scratch, in three scans.
fn everything(conn: &Connection) -> Result<Everything> {
    let tallies = bases(conn, None)?;
    // Seminars in (date, id) order: a seminar's rank orders a store's attendances.
    let mut ranked: Vec<Attendance> = seminar_days(conn)?.into_values().collect();
    ranked.sort_unstable_by_key(|a| (a.date, a.seminar_id));
    let rank: HashMap<i64, u32> = ranked
        .iter()
        .enumerate()
        .map(|(r, a)| (a.seminar_id, r as u32))
        .collect();
    // Every (store, seminar) attendance, from the check-ins not undone.
    let mut stmt = conn.prepare_cached(
        "SELECT DISTINCT i.store_id, i.seminar_id
           FROM checkins k JOIN invitations i ON i.id = k.invitation_id WHERE k.undone_at IS NULL",
    )?;
    let mut came: Vec<(i64, u32)> = Vec::new();
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        if let Some(&rank) = rank.get(&r.get(1)?) {
            came.push((r.get(0)?, rank));
        }
    }
    came.sort_unstable();
    // The closed deals by store, each credited among its store's attendances.
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT d.store_id, d.at FROM deals d WHERE {CLOSED_DEAL_SQL}"
    ))?;
    let mut rows = stmt.query([])?;
    let mut deals: Vec<(i64, DateTime<Utc>)> = Vec::new();
    while let Some(r) = rows.next()? {
        if let Some(at) = deal_time(r.get_ref(1)?.as_str().unwrap_or_default()) {
            deals.push((r.get(0)?, at));
        }
    }
    deals.sort_unstable_by_key(|d| d.0);
    let mut next = 0;
    let mut attended: Vec<Attendance> = Vec::new();
    let mut credits = Vec::new();
    for store_deals in deals.chunk_by(|a, b| a.0 == b.0) {
        let store = store_deals[0].0;
        while next < came.len() && came[next].0 < store {
            next += 1;
        }
        attended.clear();
        while next < came.len() && came[next].0 == store {
            attended.push(ranked[came[next].1 as usize]);
            next += 1;
        }
        for c in credits_of(&attended, store_deals.iter().map(|d| d.1)) {
            credits.push((store, c));
        }
    }
    Ok((tallies, credits))
}

/// Every count computed again and kept.
fn rebuild(conn: &Connection) -> Result<()> {
    let (mut tallies, credits) = everything(conn)?;
    conn.execute_batch("DELETE FROM tally_seminar; DELETE FROM tally_credit;")?;
    let mut put = conn.prepare_cached(
        "INSERT INTO tally_credit (store_id, seminar_id, deals, event, followup) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (store, c) in credits {
        put.execute(params![store, c.seminar, c.deals, c.event, c.followup])?;
        *tallies.entry(c.seminar).or_default() += c.tally();
    }
    let mut put = conn.prepare_cached(
        "INSERT INTO tally_seminar (seminar_id, invited, confirmed, attended, event, followup, deals)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for (seminar, t) in tallies {
        put.execute(params![
            seminar,
            t.invited,
            t.confirmed,
            t.attended,
            t.event,
            t.followup,
            t.deals
        ])?;
    }
    Ok(())
}

/// One seminar's I, C and A again (its credits are its stores'); a seminar deleted leaves.
fn seminar_again(conn: &Connection, seminar: i64) -> Result<()> {
    let exists: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM seminars WHERE id = ?1)")?
        .query_row([seminar], |r| r.get(0))?;
    if !exists {
        conn.prepare_cached("DELETE FROM tally_seminar WHERE seminar_id = ?1")?
            .execute([seminar])?;
        return Ok(());
    }
    let t = bases(conn, Some(seminar))?
        .remove(&seminar)
        .unwrap_or_default();
    conn.prepare_cached(
        "INSERT INTO tally_seminar (seminar_id, invited, confirmed, attended) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (seminar_id) DO UPDATE SET invited = ?2, confirmed = ?3, attended = ?4",
    )?
    .execute(params![seminar, t.invited, t.confirmed, t.attended])?;
    Ok(())
}

/// One store's credits again: the old ones taken off their seminars, the new ones added.
fn store_again(conn: &Connection, store: i64, days: &HashMap<i64, Attendance>) -> Result<()> {
    let old: Vec<Credit> = conn
        .prepare_cached(
            "SELECT seminar_id, deals, event, followup FROM tally_credit WHERE store_id = ?1 ORDER BY seminar_id",
        )?
        .query_map([store], |r| {
            Ok(Credit {
                seminar: r.get(0)?,
                deals: r.get(1)?,
                event: r.get(2)?,
                followup: r.get(3)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut attended: Vec<Attendance> = conn
        .prepare_cached(
            "SELECT DISTINCT i.seminar_id FROM invitations i JOIN checkins k ON k.invitation_id = i.id
              WHERE i.store_id = ?1 AND k.undone_at IS NULL",
        )?
        .query_map([store], |r| r.get::<_, i64>(0))?
        .filter_map(|s| s.map(|s| days.get(&s).copied()).transpose())
        .collect::<rusqlite::Result<_>>()?;
    attended.sort_unstable_by_key(|a| (a.date, a.seminar_id));
    let deals: Vec<DateTime<Utc>> = conn
        .prepare_cached(&format!(
            "SELECT d.at FROM deals d WHERE d.store_id = ?1 AND {CLOSED_DEAL_SQL}"
        ))?
        .query_map([store], |r| r.get::<_, String>(0))?
        .filter_map(|at| at.map(|at| deal_time(&at)).transpose())
        .collect::<rusqlite::Result<_>>()?;
    let mut new = credits_of(&attended, deals);
    new.sort_unstable_by_key(|c| c.seminar);
    if old == new {
        return Ok(());
    }
    let mut add = conn.prepare_cached(
        "INSERT INTO tally_seminar (seminar_id, event, followup, deals) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (seminar_id) DO UPDATE
            SET event = event + ?2, followup = followup + ?3, deals = deals + ?4",
    )?;
    for c in &old {
        let t = c.tally();
        add.execute(params![c.seminar, -t.event, -t.followup, -t.deals])?;
    }
    for c in &new {
        let t = c.tally();
        add.execute(params![c.seminar, t.event, t.followup, t.deals])?;
    }
    conn.prepare_cached("DELETE FROM tally_credit WHERE store_id = ?1")?
        .execute([store])?;
    let mut put = conn.prepare_cached(
        "INSERT INTO tally_credit (store_id, seminar_id, deals, event, followup) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for c in new {
        put.execute(params![store, c.seminar, c.deals, c.event, c.followup])?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use rand::rngs::StdRng;
    use rand::{Rng, SeedableRng};

    use super::*;
    use crate::db::Db;

    /// The counts from scratch, as the dashboard computed them before they were kept.
    fn fresh(conn: &Connection) -> HashMap<i64, Tally> {
        let (mut tallies, credits) = everything(conn).unwrap();
        for (_, c) in credits {
            *tallies.entry(c.seminar).or_default() += c.tally();
        }
        tallies
    }

    fn ids(conn: &Connection, sql: &str) -> Vec<i64> {
        conn.prepare(sql)
            .unwrap()
            .query_map([], |r| r.get(0))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    }

    /// One random change of the kind a laptop makes (or a pull brings): invitations made, answered,
    /// moved and deleted; check-ins made, undone and deleted; deals made, paid, cancelled, moved;
    /// seminars moved to another day or window, deleted.
    fn change(conn: &Connection, rng: &mut StdRng) {
        let pick = |rng: &mut StdRng, sql: &str| -> Option<i64> {
            let all = ids(conn, sql);
            (!all.is_empty()).then(|| all[rng.random_range(0..all.len())])
        };
        let seminar = pick(rng, "SELECT id FROM seminars");
        let store = pick(rng, "SELECT id FROM stores").unwrap();
        let day = |rng: &mut StdRng| {
            format!(
                "2026-{:02}-{:02}",
                rng.random_range(9..=11),
                rng.random_range(1..=28)
            )
        };
        match rng.random_range(0..13) {
            0..=2 => {
                if let Some(s) = seminar {
                    conn.execute(
                        "INSERT OR IGNORE INTO invitations (seminar_id, store_id, status, walk_in, created_at)
                         VALUES (?1, ?2, ?3, ?4, '2026-09-01')",
                        params![s, store, ["invited", "confirmed", "declined"][rng.random_range(0..3)], rng.random_bool(0.1)],
                    )
                    .unwrap();
                }
            }
            3 => {
                if let Some(i) = pick(rng, "SELECT id FROM invitations") {
                    conn.execute(
                        "UPDATE invitations SET status = ?2 WHERE id = ?1",
                        params![
                            i,
                            ["invited", "confirmed", "cancelled"][rng.random_range(0..3)]
                        ],
                    )
                    .unwrap();
                }
            }
            4 => {
                if let Some(i) = pick(rng, "SELECT id FROM invitations") {
                    conn.execute(
                        "UPDATE OR IGNORE invitations SET store_id = ?2 WHERE id = ?1",
                        params![i, store],
                    )
                    .unwrap();
                }
            }
            5..=6 => {
                if let Some(i) = pick(rng, "SELECT id FROM invitations") {
                    conn.execute(
                        "INSERT INTO checkins (invitation_id, at) VALUES (?1, '2026-10-01T06:00:00Z')",
                        [i],
                    )
                    .unwrap();
                }
            }
            7 => {
                if let Some(k) = pick(rng, "SELECT id FROM checkins") {
                    if rng.random_bool(0.5) {
                        conn.execute(
                            "UPDATE checkins SET undone_at = '2026-10-01T07:00:00Z' WHERE id = ?1",
                            [k],
                        )
                        .unwrap();
                    } else {
                        conn.execute("DELETE FROM checkins WHERE id = ?1", [k])
                            .unwrap();
                    }
                }
            }
            8..=9 => {
                let at = format!("{}T{:02}:00:00Z", day(rng), rng.random_range(0..24));
                conn.execute(
                    "INSERT INTO deals (store_id, product_id, amount_fen, payment, at) VALUES (?1, 1, 100, ?2, ?3)",
                    params![store, ["deposit", "full", "promised"][rng.random_range(0..3)], at],
                )
                .unwrap();
            }
            10 => {
                if let Some(d) = pick(rng, "SELECT id FROM deals") {
                    conn.execute(
                        "UPDATE deals SET state = ?2, payment = ?3, store_id = ?4 WHERE id = ?1",
                        params![
                            d,
                            ["active", "cancelled", "refunded"][rng.random_range(0..3)],
                            ["deposit", "full", "promised"][rng.random_range(0..3)],
                            store
                        ],
                    )
                    .unwrap();
                }
            }
            11 => {
                if let Some(s) = seminar {
                    conn.execute(
                        "UPDATE seminars SET date = ?2, attribution_days = ?3 WHERE id = ?1",
                        params![s, day(rng), rng.random_range(0..60)],
                    )
                    .unwrap();
                }
            }
            _ => {
                if rng.random_bool(0.1) {
                    if let Some(s) = seminar {
                        conn.execute("DELETE FROM seminars WHERE id = ?1", [s])
                            .unwrap();
                    }
                    conn.execute(
                        "INSERT INTO seminars (title, date, start_time, capacity, created_at)
                         VALUES ('补一场', ?1, '14:00', 100, '2026-09-01')",
                        [day(rng)],
                    )
                    .unwrap();
                } else if let Some(i) = pick(rng, "SELECT id FROM invitations") {
                    conn.execute("DELETE FROM invitations WHERE id = ?1", [i])
                        .unwrap();
                }
            }
        }
    }

    #[test]
    fn the_kept_counts_equal_the_counts_from_scratch_after_any_changes() {
        for seed in 0..4 {
            let db = Db::in_memory().unwrap();
            let conn = db.conn();
            let mut rng = StdRng::seed_from_u64(seed);
            conn.execute(
                "INSERT INTO products (id, name, created_at) VALUES (1, '招生系统', '2026-09-01')",
                [],
            )
            .unwrap();
            for s in 0..8 {
                conn.execute(
                    "INSERT INTO seminars (title, date, start_time, capacity, attribution_days, created_at)
                     VALUES (?1, ?2, '14:00', 100, 30, '2026-09-01')",
                    params![format!("第{s}场"), format!("2026-{:02}-{:02}", 9 + s % 3, 1 + s * 3)],
                )
                .unwrap();
            }
            for s in 0..25 {
                conn.execute(
                    "INSERT INTO stores (name, created_at) VALUES (?1, '2026-09-01')",
                    [format!("门店{s}")],
                )
                .unwrap();
            }
            let mut credited = 0;
            for step in 0..400 {
                change(&conn, &mut rng);
                // Read now and then: several changes between two reads, as between two dashboards.
                if rng.random_bool(0.3) {
                    let kept = seminar_tallies(&conn).unwrap();
                    let scratch = fresh(&conn);
                    credited += kept.values().map(|t| t.deals).sum::<i64>();
                    for seminar in ids(&conn, "SELECT id FROM seminars") {
                        assert_eq!(
                            kept.get(&seminar).copied().unwrap_or_default(),
                            scratch.get(&seminar).copied().unwrap_or_default(),
                            "seed {seed}, step {step}, seminar {seminar}"
                        );
                    }
                }
            }
            let n = |t: &str| -> i64 {
                conn.query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get(0))
                    .unwrap()
            };
            assert!(credited > 0, "seed {seed}: some deals were credited ({} invitations, {} check-ins, {} deals, {} seminars)", n("invitations"), n("checkins"), n("deals"), n("seminars"));
        }
    }
}
