//! Hard rules: what no seating can satisfy is refused before the search, and what a seating
//! made by hand breaks is said.

use std::collections::HashMap;

use super::problem::{names, table_numbers};
use super::{said, Model, RuleKind, Said};
use crate::error::{invalid, Result};

impl Model<'_> {
    /// Refuses what no seating can satisfy, naming the guests and tables concerned.
    pub(super) fn check_hard(&mut self) -> Result<()> {
        let p = self.p;
        let n = self.n;
        let total_cap: usize = self.cap.iter().sum();
        if n > total_cap {
            let missing = n - total_cap;
            return Err(invalid(
                "seats",
                format!("有 {n} 位客人，但只有 {total_cap} 个可用座位（已扣除助教座位和预留空位），还缺 {missing} 个座位。请加桌或加座位，没有安排任何人。"),
                format!("There are {n} guests but only {total_cap} seats for them (after the assistants' seats and the walk-in reserve): {missing} seats are missing. Add tables or seats; nobody was seated."),
            ));
        }
        // Locks: a real seat, one guest per seat, within what the table allows.
        let mut taken: HashMap<(usize, i64), usize> = HashMap::new();
        let mut locked_at = vec![Vec::new(); self.nt];
        for (i, g) in p.guests.iter().enumerate() {
            if let Some((t, seat)) = g.lock {
                if t >= self.nt || seat < 1 || seat > p.tables[t].seats {
                    return Err(invalid(
                        "locks",
                        format!("{} 锁定的座位不存在。", g.name),
                        format!("The seat {} is locked to does not exist.", g.name),
                    ));
                }
                if let Some(&other) = taken.get(&(t, seat)) {
                    return Err(invalid(
                        "locks",
                        format!(
                            "{} 和 {} 锁定在同一个座位（{} 号桌 {seat} 座）。",
                            p.guests[other].name, g.name, p.tables[t].number
                        ),
                        format!(
                            "{} and {} are locked to the same seat (table {}, seat {seat}).",
                            p.guests[other].name, g.name, p.tables[t].number
                        ),
                    ));
                }
                taken.insert((t, seat), i);
                locked_at[t].push(i);
            }
        }
        for t in 0..self.nt {
            if locked_at[t].len() > self.cap[t] {
                return Err(invalid(
                    "locks",
                    format!(
                        "{} 号桌锁定了 {} 位客人（{}），但只有 {} 个座位可给客人。",
                        p.tables[t].number,
                        locked_at[t].len(),
                        names(p, &locked_at[t]),
                        self.cap[t]
                    ),
                    format!(
                        "Table {} has {} locked guests ({}) but only {} seats for guests.",
                        p.tables[t].number,
                        locked_at[t].len(),
                        names(p, &locked_at[t]),
                        self.cap[t]
                    ),
                ));
            }
        }
        let max_cap = self.cap.iter().copied().max().unwrap_or(0);
        let mut block_lock = vec![None; self.blocks.len()];
        for (b, members) in self.blocks.iter().enumerate() {
            if members.len() > max_cap {
                return Err(invalid(
                    "rules",
                    format!("必须同桌的一组客人有 {} 位（{}），但最大的桌子只能坐 {max_cap} 位客人：这些硬性规则互相矛盾。", members.len(), names(p, members)),
                    format!("A group that must sit together has {} guests ({}), but the largest table seats {max_cap} guests: these hard rules contradict each other.", members.len(), names(p, members)),
                ));
            }
            for &i in members {
                if let Some((t, _)) = p.guests[i].lock {
                    match block_lock[b] {
                        Some(t0) if t0 != t => {
                            return Err(invalid(
                                "rules",
                                format!(
                                    "{} 必须同桌，但他们被锁定在不同的桌子（{}）。",
                                    names(p, members),
                                    table_numbers(p, &[t0, t])
                                ),
                                format!(
                                    "{} must sit together but are locked to different tables ({}).",
                                    names(p, members),
                                    table_numbers(p, &[t0, t])
                                ),
                            ));
                        }
                        _ => block_lock[b] = Some(t),
                    }
                }
                for &j in &self.hard_apart[i] {
                    if self.block_of[j] == b {
                        let (a, c) = (&p.guests[i].name, &p.guests[j].name);
                        return Err(invalid(
                            "rules",
                            format!("{a} 和 {c} 既必须同桌又必须分开：硬性规则互相矛盾。"),
                            format!("{a} and {c} must both sit together and apart: the hard rules contradict each other."),
                        ));
                    }
                }
            }
            if let Some(t) = block_lock[b] {
                if members.len() > self.cap[t] {
                    return Err(invalid(
                        "rules",
                        format!("{} 必须同桌并锁定在 {} 号桌，但该桌只能坐 {} 位客人。", names(p, members), p.tables[t].number, self.cap[t]),
                        format!("{} must sit together at table {} (locked), which seats only {} guests.", names(p, members), p.tables[t].number, self.cap[t]),
                    ));
                }
            }
        }
        for i in 0..n {
            for &j in &self.hard_apart[i] {
                let (bi, bj) = (self.block_of[i], self.block_of[j]);
                if i < j && block_lock[bi].is_some() && block_lock[bi] == block_lock[bj] {
                    let t = block_lock[bi].unwrap_or_default();
                    let (a, c) = (&p.guests[i].name, &p.guests[j].name);
                    return Err(invalid(
                        "rules",
                        format!("{a} 和 {c} 必须分开，但都被锁定在 {} 号桌：请解锁其中一位。", p.tables[t].number),
                        format!("{a} and {c} must sit apart but are both locked to table {}: unlock one of them.", p.tables[t].number),
                    ));
                }
            }
        }
        // Blocks locked to a table must fit it together.
        let mut need = vec![0usize; self.nt];
        for (b, members) in self.blocks.iter().enumerate() {
            if let Some(t) = block_lock[b] {
                need[t] += members.len();
            }
        }
        for t in 0..self.nt {
            if need[t] > self.cap[t] {
                return Err(invalid(
                    "rules",
                    format!("锁定在 {} 号桌的客人连同必须与他们同桌的人共 {} 位，超过该桌可坐的 {} 位。", p.tables[t].number, need[t], self.cap[t]),
                    format!("The guests locked to table {} and those who must sit with them are {}, more than its {} seats for guests.", p.tables[t].number, need[t], self.cap[t]),
                ));
            }
        }
        self.block_lock = block_lock;
        Ok(())
    }

    /// Hard rules a seating breaks (manual moves), as sentences naming guests and tables.
    pub fn hard_violations(&self, tab: &[Option<usize>]) -> Vec<Said> {
        let p = self.p;
        let mut out = Vec::new();
        let mut g = vec![0; self.nt];
        for t in tab.iter().flatten() {
            g[*t] += 1;
        }
        for t in 0..self.nt {
            if g[t] > self.cap[t] {
                out.push(said(
                    format!("{} 号桌坐了 {} 位客人，超过可坐的 {} 位（含助教座位和预留空位）。", p.tables[t].number, g[t], self.cap[t]),
                    format!("Table {} has {} guests, more than its {} seats for guests (the assistant's seat and walk-in reserve kept).", p.tables[t].number, g[t], self.cap[t]),
                ));
            }
        }
        for pr in self.pairs.iter().filter(|pr| pr.hard) {
            let (a, b) = (&p.guests[pr.a].name, &p.guests[pr.b].name);
            let (rz, re) = pr.kind.label();
            let apart = matches!(
                pr.kind,
                RuleKind::KeepApart | RuleKind::KeepApartCompetitors
            );
            let same = tab[pr.a].is_some() && tab[pr.a] == tab[pr.b];
            if apart && same {
                out.push(said(
                    format!("{a} 和 {b} 同桌，违反硬性规则“{rz}”。"),
                    format!("{a} and {b} sit at the same table, breaking the hard rule “{re}”."),
                ));
            } else if !apart && !same && tab[pr.a].is_some() && tab[pr.b].is_some() {
                out.push(said(
                    format!("{a} 和 {b} 不同桌，违反硬性规则“{rz}”。"),
                    format!("{a} and {b} sit at different tables, breaking the hard rule “{re}”."),
                ));
            }
        }
        out
    }
}
