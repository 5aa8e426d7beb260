//! The tables' assistants: who sits at which table, and how many tables one may cover.

use std::collections::HashMap;

use super::TableIn;
use crate::error::{Error, Result};

/// Which assistant sits at which table: the one already there stays; then the one who invited most
/// of the table's guests, one table each (or two adjacent small tables when allowed); then any free
/// one. `None`: no assistant left.
pub fn assign_assistants(
    tables: &[TableIn],
    inviters_at: &[Vec<Option<i64>>],
    assistants: &[i64],
    max_per_assistant: usize,
    current: &[Option<i64>],
) -> Vec<Option<i64>> {
    let nt = tables.len();
    let mut out = vec![None; nt];
    let mut load: HashMap<i64, Vec<usize>> = assistants.iter().map(|&a| (a, Vec::new())).collect();
    let occupied: Vec<usize> = (0..nt).filter(|&t| !inviters_at[t].is_empty()).collect();
    // An assistant already at a table (set by hand, or by an earlier run) stays there.
    for &t in &occupied {
        if let Some(a) = current[t].filter(|a| load.get(a).is_some_and(|l| l.is_empty())) {
            out[t] = Some(a);
            load.entry(a).or_default().push(t);
        }
    }
    let mut cands: Vec<(usize, i64, usize)> = Vec::new();
    for &t in &occupied {
        for &a in assistants {
            let c = inviters_at[t].iter().filter(|i| **i == Some(a)).count();
            if c > 0 {
                cands.push((c, a, t));
            }
        }
    }
    cands.sort_by(|x, y| y.0.cmp(&x.0).then(x.2.cmp(&y.2)).then(x.1.cmp(&y.1)));
    for (_, a, t) in cands {
        if out[t].is_none() && load.get(&a).is_some_and(|l| l.is_empty()) {
            out[t] = Some(a);
            load.entry(a).or_default().push(t);
        }
    }
    for &t in &occupied {
        if out[t].is_none() {
            if let Some(&a) = assistants
                .iter()
                .find(|a| load.get(a).is_some_and(|l| l.is_empty()))
            {
                out[t] = Some(a);
                load.entry(a).or_default().push(t);
            }
        }
    }
    if max_per_assistant >= 2 {
        for &t in &occupied {
            if out[t].is_some() {
                continue;
            }
            // An assistant of an adjacent small table covers this one too.
            let partner = occupied
                .iter()
                .filter(|&&u| u != t && adjacent_small(tables, t, u))
                .find_map(|&u| out[u].filter(|a| load.get(a).is_some_and(|l| l.len() == 1)));
            if let Some(a) = partner {
                out[t] = Some(a);
                load.entry(a).or_default().push(t);
            }
        }
    }
    out
}

/// Two small tables (at most 6 seats) next to each other: nearer than 1.5× the distance between
/// the closest two tables of the room.
pub fn adjacent_small(tables: &[TableIn], a: usize, b: usize) -> bool {
    if tables[a].seats > 6 || tables[b].seats > 6 {
        return false;
    }
    let d = |x: &TableIn, y: &TableIn| ((x.x - y.x).powi(2) + (x.y - y.y).powi(2)).sqrt();
    let mut nearest = f64::INFINITY;
    for (i, x) in tables.iter().enumerate() {
        for y in &tables[i + 1..] {
            nearest = nearest.min(d(x, y));
        }
    }
    d(&tables[a], &tables[b]) <= 1.5 * nearest + 1e-9
}

/// Refuses a plan where an assistant has more tables than allowed (or two that are not adjacent
/// small tables).
pub fn check_assistants(
    tables: &[TableIn],
    assistant_of: &[Option<i64>],
    max_per_assistant: usize,
    name_of: impl Fn(i64) -> String,
) -> Result<()> {
    let mut by: HashMap<i64, Vec<usize>> = HashMap::new();
    for (t, a) in assistant_of.iter().enumerate() {
        if let Some(a) = a {
            by.entry(*a).or_default().push(t);
        }
    }
    let mut list: Vec<_> = by.into_iter().collect();
    list.sort();
    for (a, ts) in list {
        let nums = ts
            .iter()
            .map(|&t| tables[t].number.to_string())
            .collect::<Vec<_>>()
            .join("、");
        let pair_ok =
            ts.len() == 2 && max_per_assistant >= 2 && adjacent_small(tables, ts[0], ts[1]);
        if ts.len() > 1 && !pair_ok {
            let name = name_of(a);
            return Err(Error::Invalid {
                field: "assistant_id",
                zh: format!("助教{name}被安排在 {nums} 号桌，超过了允许的桌数（每位助教 {max_per_assistant} 张桌，两张时须是相邻的小桌）。"),
                en: format!("Assistant {name} is on tables {nums}, more than allowed ({max_per_assistant} per assistant; two only when they are adjacent small tables)."),
            });
        }
    }
    Ok(())
}
