//! The six counts of docs/conversion.md and their rates, and how they add up over groups.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

/// Counts of stores and their rates over a set of invitations (a seminar, or one group of it).
/// Rates are fractions 0–1; `null` when the denominator is 0.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
pub struct Counts {
    pub invited: i64,
    pub confirmed: i64,
    pub attended: i64,
    pub closed_at_event: i64,
    pub closed_in_followup: i64,
    /// Closed deals credited to the seminar (at the event and in follow-up).
    pub closed_deals: i64,
    pub confirm_rate: Option<f64>,
    pub show_rate: Option<f64>,
    pub event_close_rate: Option<f64>,
    pub followup_close_rate: Option<f64>,
    /// (E + F) / A, never above 1.
    pub session_conversion: Option<f64>,
    /// Closed deals / A: may exceed 1 (several deals per store).
    pub deal_ratio: Option<f64>,
}

/// One group of a breakdown: `key` identifies it (a staff id, a role, a city), `label` names it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
pub struct Group {
    pub key: String,
    pub label: String,
    #[serde(flatten)]
    #[ts(flatten)]
    pub counts: Counts,
}

/// A rate as people read it: `0.775` → `77.5%`, `None` → `—`.
pub fn percent(rate: Option<f64>) -> String {
    rate.map(|r| format!("{:.1}%", r * 100.0))
        .unwrap_or_else(|| "—".into())
}

/// `n / d`, or `None` when `d` is 0.
pub fn rate(n: i64, d: i64) -> Option<f64> {
    (d != 0).then(|| n as f64 / d as f64)
}

/// The six counts of docs/conversion.md over some invitations; they add up, the rates come at the end.
#[derive(Debug, Default, Clone, Copy, PartialEq)]
pub(super) struct Tally {
    pub(super) invited: i64,
    pub(super) confirmed: i64,
    pub(super) attended: i64,
    pub(super) event: i64,
    pub(super) followup: i64,
    pub(super) deals: i64,
}

impl std::ops::AddAssign for Tally {
    fn add_assign(&mut self, o: Tally) {
        self.invited += o.invited;
        self.confirmed += o.confirmed;
        self.attended += o.attended;
        self.event += o.event;
        self.followup += o.followup;
        self.deals += o.deals;
    }
}

impl Tally {
    pub(super) fn counts(self) -> Counts {
        let Tally {
            invited: i,
            confirmed: c,
            attended: a,
            event: e,
            followup: f,
            deals,
        } = self;
        Counts {
            invited: i,
            confirmed: c,
            attended: a,
            closed_at_event: e,
            closed_in_followup: f,
            closed_deals: deals,
            confirm_rate: rate(c, i),
            show_rate: rate(a, c),
            event_close_rate: rate(e, a),
            followup_close_rate: rate(f, a - e),
            session_conversion: rate(e + f, a),
            deal_ratio: rate(deals, a),
        }
    }
}

/// Groups tallies by key (the first label of a key names the group), biggest group first.
pub(super) fn groups(items: impl IntoIterator<Item = ((String, String), Tally)>) -> Vec<Group> {
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut out: Vec<(String, String, Tally)> = Vec::new();
    for ((key, label), t) in items {
        match index.get(&key) {
            Some(&i) => out[i].2 += t,
            None => {
                index.insert(key.clone(), out.len());
                out.push((key, label, t));
            }
        }
    }
    let mut out: Vec<Group> = out
        .into_iter()
        .map(|(key, label, t)| Group {
            key,
            label,
            counts: t.counts(),
        })
        .collect();
    out.sort_by(|a, b| {
        b.counts
            .invited
            .cmp(&a.counts.invited)
            .then_with(|| a.key.cmp(&b.key))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_denominators_are_null() {
        assert_eq!(rate(3, 0), None);
        assert_eq!(rate(0, 4), Some(0.0));
        assert_eq!(rate(5, 4), Some(1.25));
    }
}
