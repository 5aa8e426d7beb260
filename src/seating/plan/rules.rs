//! The plan's grouping rules: the defaults of a new plan, the rules saved for a seminar, and
//! replacing them.

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use super::settings::ensure_plan;
use super::{load, SeatingView};
use crate::app::App;
use crate::error::{invalid, Result};
use crate::seating::solve::{Rule, RuleKind};

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct SeatingRule {
    pub id: i64,
    #[serde(flatten)]
    #[ts(flatten)]
    pub rule: Rule,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct RulesInput {
    pub seminar_id: i64,
    pub rules: Vec<Rule>,
}

/// The default rules of a new plan: an inviter's guests together, a store's contacts together
/// (hard), referrers with their stores, competitors apart, key customers in front, a seat for the
/// assistant at every table (hard).
pub fn default_rules() -> Vec<Rule> {
    vec![
        Rule::new(RuleKind::ByInviter, false, 3.0),
        Rule::new(RuleKind::ByIndustry, false, 1.0),
        Rule::new(RuleKind::KeyNearStage, false, 3.0),
        Rule::new(RuleKind::KeepStoreTogether, true, 5.0),
        Rule::new(RuleKind::KeepReferrerTogether, false, 2.0),
        Rule::new(RuleKind::KeepApartCompetitors, false, 2.0),
        Rule::new(RuleKind::AssistantSeat, true, 5.0),
    ]
}

pub(super) fn rules_in(
    conn: &Connection,
    seminar_id: i64,
    saved: bool,
) -> Result<Vec<SeatingRule>> {
    if !saved {
        return Ok(default_rules()
            .into_iter()
            .map(|rule| SeatingRule { id: 0, rule })
            .collect());
    }
    let mut stmt = conn.prepare(
        "SELECT id, kind, hard, weight, contact_ids, seats FROM seating_rules WHERE seminar_id = ?1 ORDER BY id",
    )?;
    let rows = stmt
        .query_map([seminar_id], |r| {
            let kind: String = r.get(1)?;
            let ids: String = r.get(4)?;
            Ok((
                r.get::<_, i64>(0)?,
                kind,
                r.get::<_, bool>(2)?,
                r.get::<_, f64>(3)?,
                ids,
                r.get::<_, i64>(5)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, kind, hard, weight, ids, seats)| {
            Some(SeatingRule {
                id,
                rule: Rule {
                    kind: RuleKind::parse(&kind)?,
                    hard,
                    weight,
                    contact_ids: serde_json::from_str(&ids).unwrap_or_default(),
                    seats,
                },
            })
        })
        .collect())
}

pub(super) fn save_rules(conn: &Connection, seminar_id: i64, rules: &[Rule]) -> Result<()> {
    conn.execute(
        "DELETE FROM seating_rules WHERE seminar_id = ?1",
        [seminar_id],
    )?;
    for r in rules {
        conn.execute(
            "INSERT INTO seating_rules (seminar_id, kind, hard, weight, contact_ids, seats) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![seminar_id, r.kind.as_str(), r.hard, r.weight, serde_json::to_string(&r.contact_ids).unwrap_or_default(), r.seats],
        )?;
    }
    Ok(())
}

pub fn update_rules(app: &App, input: RulesInput) -> Result<SeatingView> {
    for r in &input.rules {
        let (zh, en) = r.kind.label();
        if r.hard && !r.kind.can_be_hard() {
            return Err(invalid(
                "rules",
                format!("“{zh}”只能是软规则（带权重），不能设为硬性规则。"),
                format!("“{en}” can only be a soft (weighted) rule, not a hard one."),
            ));
        }
        if !r.weight.is_finite() || r.weight < 0.0 || r.weight > 100.0 {
            return Err(invalid(
                "rules",
                format!("“{zh}”的权重应在 0 到 100 之间。"),
                format!("The weight of “{en}” must be between 0 and 100."),
            ));
        }
        if matches!(r.kind, RuleKind::KeepTogether | RuleKind::KeepApart) && r.contact_ids.len() < 2
        {
            return Err(invalid(
                "rules",
                format!("“{zh}”至少要选两位客人。"),
                format!("“{en}” needs at least two guests."),
            ));
        }
        if r.kind == RuleKind::WalkInReserve && !(0..=500).contains(&r.seats) {
            return Err(invalid(
                "rules",
                "预留空位数应在 0 到 500 之间。",
                "The walk-in reserve must be between 0 and 500 seats.",
            ));
        }
    }
    app.db.write(|tx| {
        let l = load(tx, input.seminar_id)?;
        for r in &input.rules {
            for c in &r.contact_ids {
                l.guest_index(*c).map_err(|_| {
                    invalid(
                        "rules",
                        format!("规则里的联系人（编号 {c}）不是这场会销已确认的客人。"),
                        format!("Contact {c} in a rule is not a confirmed guest of this seminar."),
                    )
                })?;
            }
        }
        ensure_plan(tx, input.seminar_id, &l.settings)?;
        save_rules(tx, input.seminar_id, &input.rules)?;
        load(tx, input.seminar_id)?.view(tx)
    })
}
