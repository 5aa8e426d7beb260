//! The score's weights and half-life: the organisation's settings, with defaults that follow the
//! source articles (the money-holder and a deal count most, a no-show and a refusal count against).

use rusqlite::{Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::app::App;
use crate::error::{invalid, Result};

/// The settings key the weights are kept under (a change re-scores every store: see the
/// migration's triggers).
const KEY: &str = "score_weights";

/// Points per fact. Fit points (level, key customer, referred) never fade; behaviour points fade
/// with the half-life.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Weights {
    pub level_a: i64,
    pub level_b: i64,
    pub level_c: i64,
    pub key_customer: i64,
    pub referred: i64,
    pub confirmed: i64,
    pub attended: i64,
    /// The one who holds the money (老板娘) checked in.
    pub money_holder_came: i64,
    /// Each closed deal (a deposit or full payment).
    pub deal: i64,
    /// Confirmed, and did not come.
    pub no_show: i64,
    pub declined: i64,
    /// Behaviour points halve every this many days.
    pub half_life_days: i64,
}

impl Default for Weights {
    fn default() -> Weights {
        Weights {
            level_a: 15,
            level_b: 0,
            level_c: -5,
            key_customer: 8,
            referred: 5,
            confirmed: 10,
            attended: 25,
            money_holder_came: 10,
            deal: 30,
            no_show: -10,
            declined: -10,
            half_life_days: 30,
        }
    }
}

impl Weights {
    /// What a behaviour point of `age_days` is worth now, as a fraction of its weight.
    pub fn fade(&self, age_days: i64) -> f64 {
        (-(age_days.max(0) as f64) / self.half_life_days.max(1) as f64).exp2()
    }

    /// Each weight with its field name and its name in both languages.
    fn named(&self) -> [(&'static str, (&'static str, &'static str), i64); 11] {
        [
            ("level_a", ("A 级门店", "Level A store"), self.level_a),
            ("level_b", ("B 级门店", "Level B store"), self.level_b),
            ("level_c", ("C 级门店", "Level C store"), self.level_c),
            (
                "key_customer",
                ("重点客户", "Key customer"),
                self.key_customer,
            ),
            ("referred", ("转介绍", "Referred"), self.referred),
            ("confirmed", ("确认参加", "Confirmed"), self.confirmed),
            ("attended", ("到场", "Attended"), self.attended),
            (
                "money_holder_came",
                ("老板娘到场", "The money-holder came"),
                self.money_holder_came,
            ),
            ("deal", ("成交", "Deal"), self.deal),
            ("no_show", ("确认后未到场", "No-show"), self.no_show),
            ("declined", ("拒绝邀约", "Declined"), self.declined),
        ]
    }

    fn check(&self) -> Result<()> {
        if let Some((field, (zh, en), p)) = self
            .named()
            .into_iter()
            .find(|(_, _, p)| !(-100..=100).contains(p))
        {
            return Err(invalid(
                field,
                format!("“{zh}”的分值须在 -100 到 100 之间（现为 {p}）。"),
                format!("The weight of “{en}” must be between -100 and 100 (it is {p})."),
            ));
        }
        if !(1..=365).contains(&self.half_life_days) {
            return Err(invalid(
                "half_life_days",
                format!(
                    "半衰期须在 1 到 365 天之间（现为 {}）。",
                    self.half_life_days
                ),
                format!(
                    "The half-life must be between 1 and 365 days (it is {}).",
                    self.half_life_days
                ),
            ));
        }
        Ok(())
    }
}

/// The organisation's weights (the defaults until changed).
pub fn weights_in(conn: &Connection) -> Result<Weights> {
    let stored: Option<String> = conn
        .query_row("SELECT value FROM settings WHERE key = ?1", [KEY], |r| {
            r.get(0)
        })
        .optional()?;
    Ok(stored
        .and_then(|v| serde_json::from_str(&v).ok())
        .unwrap_or_default())
}

pub fn weights(app: &App, _: crate::input::Empty) -> Result<Weights> {
    weights_in(&app.db.conn())
}

/// The defaults, for a screen that offers to go back to them.
pub fn default_weights(_: &App, _: crate::input::Empty) -> Result<Weights> {
    Ok(Weights::default())
}

/// Changes the weights; every store's score follows at once (the cached scores are dropped in
/// the same transaction).
pub fn set_weights(app: &App, input: Weights) -> Result<Weights> {
    input.check()?;
    let json = serde_json::to_string(&input).expect("weights serialise");
    app.db.write(|tx| {
        tx.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [KEY, &json],
        )?;
        weights_in(tx)
    })
}
