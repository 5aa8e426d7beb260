//! Generated organisations for the score's backtest (docs/backtest.md): stores invited to a run
//! of past seminars, whose coming and buying are drawn from hidden attributes the score's
//! weights know nothing of.
//!
//! - [`Hidden::Propensity`]: each store has a hidden propensity (drawn once, uniform in 0..1)
//!   that drives both its attending and its buying at every seminar, so a store's past
//!   behaviour (what the score counts) carries signal about its next seminar.
//! - [`Hidden::Nothing`]: every store comes and buys with the same chances at every seminar,
//!   independently of its level, its history and everything else the score sees. No score can
//!   beat chance here; a backtest that finds lift is wrong.
//!
//! The level and key-customer flag the score reads as fit are drawn independently of the hidden
//! propensity in both. Written with plain inserts (history, like an import), every seminar
//! closed before `today`, deterministic for a seed.

use chrono::{Duration, NaiveDate};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rusqlite::{params, Connection};

use super::{hm, stamp};
use crate::error::Result;

/// Where coming and buying come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hidden {
    /// A hidden propensity per store drives both earlier attendance and later buying.
    Propensity,
    /// Coming and buying are coin flips, the same for every store.
    Nothing,
}

impl Hidden {
    pub fn parse(s: &str) -> Option<Hidden> {
        match s.trim() {
            "signal" => Some(Hidden::Propensity),
            "none" => Some(Hidden::Nothing),
            _ => None,
        }
    }
}

/// The shape of a generated organisation.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    pub hidden: Hidden,
    pub stores: usize,
    pub seminars: usize,
    /// The share of the stores invited to each seminar.
    pub invited_share: f64,
    pub seed: u64,
}

impl Spec {
    /// 1,200 stores, eight monthly seminars, 70% of the stores invited to each: about 5,000
    /// invitations, enough for the AUC's standard error under no signal to be about 0.011.
    pub fn standard(hidden: Hidden) -> Spec {
        Spec {
            hidden,
            stores: 1200,
            seminars: 8,
            invited_share: 0.7,
            seed: 20261130,
        }
    }
}

/// Days between two seminars (a monthly seminar; follow-up deals come within 20 days, so each is
/// credited to the seminar it followed).
const GAP_DAYS: i64 = 30;

/// The chances of a store with hidden `propensity`: (attends, buys once it came, confirms
/// without coming).
fn chances(hidden: Hidden, propensity: f64) -> (f64, f64, f64) {
    match hidden {
        Hidden::Propensity => (0.05 + 0.85 * propensity, 0.05 + 0.75 * propensity, 0.15),
        Hidden::Nothing => (0.45, 0.4, 0.15),
    }
}

/// Writes the organisation into an empty database (stores, one product, seminars before
/// `today`, invitations, check-ins, deals). Returns the number of invitations.
pub fn generate(conn: &Connection, spec: Spec, today: NaiveDate) -> Result<usize> {
    let mut rng = StdRng::seed_from_u64(spec.seed);
    let created = stamp(
        today - Duration::days(GAP_DAYS * spec.seminars as i64 + 60),
        hm(9, 0),
    );
    conn.execute(
        "INSERT INTO products (name, created_at) VALUES ('门店增长课程', ?1)",
        [&created],
    )?;
    let product = conn.last_insert_rowid();
    let mut stores: Vec<(i64, f64)> = Vec::with_capacity(spec.stores);
    for n in 0..spec.stores {
        let level = match rng.random_range(0..10) {
            0..=2 => "A",
            3..=7 => "B",
            _ => "C",
        };
        conn.execute(
            "INSERT INTO stores (name, city, level, key_customer, created_at)
             VALUES (?1, '长沙', ?2, ?3, ?4)",
            params![
                format!("门店{:04}", n + 1),
                level,
                rng.random_bool(0.1),
                created
            ],
        )?;
        stores.push((conn.last_insert_rowid(), rng.random::<f64>()));
    }
    let mut invitations = 0;
    for k in 0..spec.seminars {
        let date = today - Duration::days(15 + GAP_DAYS * (spec.seminars - 1 - k) as i64);
        conn.execute(
            "INSERT INTO seminars (title, date, start_time, city, capacity, status, attribution_days, created_at)
             VALUES (?1, ?2, '14:00', '长沙', 500, 'closed', 30, ?3)",
            params![
                format!("往期会销 {}", k + 1),
                date.to_string(),
                stamp(date - Duration::days(30), hm(9, 0))
            ],
        )?;
        let seminar = conn.last_insert_rowid();
        for &(store, propensity) in &stores {
            if !rng.random_bool(spec.invited_share) {
                continue;
            }
            let (p_attend, p_buy, p_confirm) = chances(spec.hidden, propensity);
            let invited_on = date - Duration::days(rng.random_range(7..=21));
            let attends = rng.random_bool(p_attend);
            let status = if attends || rng.random_bool(p_confirm) {
                "confirmed"
            } else if rng.random_bool(0.2) {
                "declined"
            } else {
                "invited"
            };
            conn.execute(
                "INSERT INTO invitations (seminar_id, store_id, status, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![seminar, store, status, stamp(invited_on, hm(10, 0) + rng.random_range(0..28800))],
            )?;
            invitations += 1;
            if !attends {
                continue;
            }
            let invitation = conn.last_insert_rowid();
            conn.execute(
                "INSERT INTO checkins (invitation_id, at, station) VALUES (?1, ?2, 'door')",
                params![
                    invitation,
                    stamp(date, hm(13, 30) + rng.random_range(0..1800))
                ],
            )?;
            if rng.random_bool(p_buy) {
                // Most buy on the day, the rest in the follow-up window.
                let day = if rng.random_bool(0.7) {
                    date
                } else {
                    date + Duration::days(rng.random_range(1..=20))
                };
                conn.execute(
                    "INSERT INTO deals (seminar_id, store_id, product_id, amount_fen, payment, at)
                     VALUES (?1, ?2, ?3, 980000, ?4, ?5)",
                    params![
                        seminar,
                        store,
                        product,
                        if rng.random_bool(0.5) {
                            "deposit"
                        } else {
                            "full"
                        },
                        stamp(day, hm(16, 0) + rng.random_range(0..7200))
                    ],
                )?;
            }
        }
    }
    Ok(invitations)
}

/// Fills an empty database with the standard generated organisation of `hidden`, its seminars
/// before `today` (the venue's today when none), in one transaction.
pub fn load(app: &crate::app::App, hidden: Hidden, today: Option<&str>) -> Result<usize> {
    let today = match today.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => super::parse_today(s)?,
        None => crate::venue::today_in(app, chrono_tz::Asia::Shanghai),
    };
    app.db.write(|tx| {
        super::refuse_if_not_empty(tx)?;
        generate(tx, Spec::standard(hidden), today)
    })
}
