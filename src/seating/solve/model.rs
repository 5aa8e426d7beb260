//! The problem prepared for scoring: capacities, rewards and the guests who must sit together,
//! as indices; the score of a seating and its upper bound.

use std::collections::HashMap;

use super::problem::table_numbers;
use super::{GuestIn, Problem, RuleKind};
use crate::error::{invalid, Result};

pub(super) const NONE: u32 = u32::MAX;

pub(super) struct Attr {
    pub(super) kind: RuleKind,
    pub(super) w: f64,
    pub(super) vals: Vec<u32>,
    pub(super) nv: usize,
}

/// The problem prepared for scoring: capacities, rewards and hard constraints as indices.
pub struct Model<'a> {
    pub(super) p: &'a Problem,
    pub(super) n: usize,
    pub(super) nt: usize,
    /// Seats guests may take (hard rules subtracted).
    pub cap: Vec<usize>,
    /// Seats per table kept for the assistant (0 or 1) and for walk-ins.
    pub assistant_seat: Vec<usize>,
    pub walk_in: Vec<usize>,
    w_as: f64,
    w_wi: f64,
    /// 0 front, 1 middle, 2 back.
    pub tier: Vec<u8>,
    pub(super) attrs: Vec<Attr>,
    pub(super) adj: Vec<Vec<(usize, f64)>>,
    pub(super) apart_const: f64,
    pub(super) pairs: Vec<PairRule>,
    pub(super) hard_apart: Vec<Vec<usize>>,
    pub(super) key_w: Vec<f64>,
    pub block_of: Vec<usize>,
    pub blocks: Vec<Vec<usize>>,
    pub(super) block_lock: Vec<Option<usize>>,
}

/// One pair of guests a rule concerns (kept for explanations).
pub(super) struct PairRule {
    pub(super) a: usize,
    pub(super) b: usize,
    pub(super) kind: RuleKind,
    pub(super) hard: bool,
    pub(super) w: f64,
}

pub(super) fn tier_value(tier: u8) -> f64 {
    match tier {
        0 => 1.0,
        1 => 0.5,
        _ => 0.0,
    }
}

struct Dsu(Vec<usize>);
impl Dsu {
    fn find(&mut self, x: usize) -> usize {
        let mut r = x;
        while self.0[r] != r {
            r = self.0[r];
        }
        let mut y = x;
        while self.0[y] != r {
            let next = self.0[y];
            self.0[y] = r;
            y = next;
        }
        r
    }
    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.0[ra.max(rb)] = ra.min(rb);
        }
    }
}

/// The seats of each table set aside for walk-ins: `n` seats round-robin from the back tables.
fn spread_reserve(n: usize, order_back_first: &[usize], room: &[usize]) -> Vec<usize> {
    let mut r = vec![0; room.len()];
    let mut left = n;
    while left > 0 {
        let mut placed = false;
        for &t in order_back_first {
            if left == 0 {
                break;
            }
            if r[t] < room[t] {
                r[t] += 1;
                left -= 1;
                placed = true;
            }
        }
        if !placed {
            break;
        }
    }
    r
}

impl<'a> Model<'a> {
    /// Prepares a problem, refusing impossible or contradictory input with a clear message.
    pub fn new(p: &'a Problem) -> Result<Model<'a>> {
        let mut m = Model::build(p)?;
        m.check_hard()?;
        Ok(m)
    }

    /// Prepares a problem for scoring and explaining a seating as it is (manual moves), without
    /// refusing an infeasible one. Only tables without seats are refused.
    pub fn build(p: &'a Problem) -> Result<Model<'a>> {
        let n = p.guests.len();
        let nt = p.tables.len();
        let zero: Vec<usize> = (0..nt).filter(|&t| p.tables[t].seats < 1).collect();
        if !zero.is_empty() {
            let list = table_numbers(p, &zero);
            return Err(invalid(
                "seats",
                format!("{list} 号桌没有座位：每张桌子至少要有 1 个座位，请修改或删除这些桌子。"),
                format!("Table {list} has no seats: every table needs at least 1 seat; edit or remove it."),
            ));
        }
        let idx: HashMap<i64, usize> = p
            .guests
            .iter()
            .enumerate()
            .map(|(i, g)| (g.contact_id, i))
            .collect();
        let has = |k: RuleKind| p.rules.iter().find(|r| r.kind == k);
        let soft_w = |k: RuleKind| -> f64 {
            p.rules
                .iter()
                .filter(|r| r.kind == k && !r.hard)
                .map(|r| r.weight)
                .sum()
        };
        let hard_rule = |k: RuleKind| p.rules.iter().any(|r| r.kind == k && r.hard);

        // Tables by distance from the stage: front, middle and back thirds.
        let dist = |t: usize| {
            let tb = &p.tables[t];
            ((tb.x - p.stage.0).powi(2) + (tb.y - p.stage.1).powi(2)).sqrt()
        };
        let mut order: Vec<usize> = (0..nt).collect();
        order.sort_by(|&a, &b| dist(a).total_cmp(&dist(b)).then(a.cmp(&b)));
        let mut tier = vec![2u8; nt];
        for (rank, &t) in order.iter().enumerate() {
            tier[t] = (rank * 3 / nt.max(1)).min(2) as u8;
        }

        let seats: Vec<usize> = p.tables.iter().map(|t| t.seats as usize).collect();
        let assistant_seat: Vec<usize> = seats
            .iter()
            .map(|&s| usize::from(has(RuleKind::AssistantSeat).is_some() && s >= 2))
            .collect();
        let reserve_n: i64 = p
            .rules
            .iter()
            .filter(|r| r.kind == RuleKind::WalkInReserve)
            .map(|r| r.seats.max(0))
            .max()
            .unwrap_or(0);
        let back_first: Vec<usize> = order.iter().rev().copied().collect();
        let room: Vec<usize> = (0..nt)
            .map(|t| seats[t].saturating_sub(assistant_seat[t] + 1))
            .collect();
        let walk_in = spread_reserve(reserve_n as usize, &back_first, &room);
        let as_hard = hard_rule(RuleKind::AssistantSeat);
        let wi_hard = hard_rule(RuleKind::WalkInReserve);
        let cap: Vec<usize> = (0..nt)
            .map(|t| {
                seats[t]
                    - if as_hard { assistant_seat[t] } else { 0 }
                    - if wi_hard { walk_in[t] } else { 0 }
            })
            .collect();

        // Grouping attributes.
        let mut attrs = Vec::new();
        for r in p.rules.iter() {
            let key = |g: &GuestIn| -> Option<String> {
                match r.kind {
                    RuleKind::ByInviter => g.inviter_id.map(|i| i.to_string()),
                    RuleKind::ByIndustry => Some(g.industry.clone()),
                    RuleKind::ByDistrict => Some(g.district.clone()),
                    RuleKind::ByLevel => Some(g.level.clone()),
                    _ => None,
                }
            };
            if !matches!(
                r.kind,
                RuleKind::ByInviter
                    | RuleKind::ByIndustry
                    | RuleKind::ByDistrict
                    | RuleKind::ByLevel
            ) || r.weight == 0.0
            {
                continue;
            }
            let mut ids: HashMap<String, u32> = HashMap::new();
            let vals = p
                .guests
                .iter()
                .map(|g| match key(g) {
                    Some(k) if !k.trim().is_empty() => {
                        let next = ids.len() as u32;
                        *ids.entry(k).or_insert(next)
                    }
                    _ => NONE,
                })
                .collect();
            attrs.push(Attr {
                kind: r.kind,
                w: r.weight,
                vals,
                nv: ids.len(),
            });
        }

        // Pair rules.
        let mut pairs: Vec<PairRule> = Vec::new();
        let mut by_store: HashMap<i64, Vec<usize>> = HashMap::new();
        for (i, g) in p.guests.iter().enumerate() {
            by_store.entry(g.store_id).or_default().push(i);
        }
        for r in &p.rules {
            let mut add = |a: usize, b: usize| {
                if a != b {
                    pairs.push(PairRule {
                        a: a.min(b),
                        b: a.max(b),
                        kind: r.kind,
                        hard: r.hard,
                        w: r.weight,
                    })
                }
            };
            match r.kind {
                RuleKind::KeepStoreTogether => {
                    for members in by_store.values() {
                        for (x, &a) in members.iter().enumerate() {
                            for &b in &members[x + 1..] {
                                add(a, b);
                            }
                        }
                    }
                }
                RuleKind::KeepReferrerTogether => {
                    for (i, g) in p.guests.iter().enumerate() {
                        if let Some(members) = g.referrer_store_id.and_then(|s| by_store.get(&s)) {
                            for &j in members {
                                add(i, j);
                            }
                        }
                    }
                }
                RuleKind::KeepApartCompetitors => {
                    let mut by_industry: HashMap<&str, Vec<usize>> = HashMap::new();
                    for (i, g) in p.guests.iter().enumerate() {
                        if !g.industry.trim().is_empty() {
                            by_industry.entry(g.industry.as_str()).or_default().push(i);
                        }
                    }
                    for members in by_industry.values() {
                        for (x, &a) in members.iter().enumerate() {
                            for &b in &members[x + 1..] {
                                let (ga, gb) = (&p.guests[a], &p.guests[b]);
                                let near = (!ga.district.is_empty() && ga.district == gb.district)
                                    || (!ga.street.is_empty() && ga.street == gb.street);
                                if ga.store_id != gb.store_id && near {
                                    add(a, b);
                                }
                            }
                        }
                    }
                }
                RuleKind::KeepTogether | RuleKind::KeepApart => {
                    let members: Vec<usize> = r
                        .contact_ids
                        .iter()
                        .filter_map(|c| idx.get(c).copied())
                        .collect();
                    for (x, &a) in members.iter().enumerate() {
                        for &b in &members[x + 1..] {
                            add(a, b);
                        }
                    }
                }
                _ => {}
            }
        }

        let mut adj_map: HashMap<(usize, usize), f64> = HashMap::new();
        let mut apart_const = 0.0;
        let mut hard_apart = vec![Vec::new(); n];
        let mut dsu = Dsu((0..n).collect());
        for pr in &pairs {
            let apart = matches!(
                pr.kind,
                RuleKind::KeepApart | RuleKind::KeepApartCompetitors
            );
            if pr.hard {
                if apart {
                    hard_apart[pr.a].push(pr.b);
                    hard_apart[pr.b].push(pr.a);
                } else {
                    dsu.union(pr.a, pr.b);
                }
            } else if apart {
                apart_const += pr.w;
                *adj_map.entry((pr.a, pr.b)).or_default() -= pr.w;
            } else {
                *adj_map.entry((pr.a, pr.b)).or_default() += pr.w;
            }
        }
        let mut adj = vec![Vec::new(); n];
        let mut entries: Vec<_> = adj_map.into_iter().filter(|(_, w)| *w != 0.0).collect();
        entries.sort_by_key(|e| e.0);
        for ((a, b), w) in entries {
            adj[a].push((b, w));
            adj[b].push((a, w));
        }
        for h in &mut hard_apart {
            h.sort_unstable();
            h.dedup();
        }

        let key_sum = soft_w(RuleKind::KeyNearStage);
        let key_w = p
            .guests
            .iter()
            .map(|g| if g.key_customer { key_sum } else { 0.0 })
            .collect();

        // Blocks of guests that must sit together.
        let mut root_block: HashMap<usize, usize> = HashMap::new();
        let mut blocks: Vec<Vec<usize>> = Vec::new();
        let mut block_of = vec![0; n];
        for i in 0..n {
            let r = dsu.find(i);
            let b = *root_block.entry(r).or_insert_with(|| {
                blocks.push(Vec::new());
                blocks.len() - 1
            });
            blocks[b].push(i);
            block_of[i] = b;
        }

        let block_lock = vec![None; blocks.len()];
        Ok(Model {
            p,
            n,
            nt,
            cap,
            assistant_seat,
            walk_in,
            w_as: soft_w(RuleKind::AssistantSeat),
            w_wi: soft_w(RuleKind::WalkInReserve),
            tier,
            attrs,
            adj,
            apart_const,
            pairs,
            hard_apart,
            key_w,
            block_of,
            blocks,
            block_lock,
        })
    }

    pub(super) fn reserve_reward(&self, t: usize, g: usize) -> f64 {
        let free = (self.p.tables[t].seats as usize).saturating_sub(g);
        let a = self.assistant_seat[t];
        let as_free = free.min(a);
        self.w_as * as_free as f64 + self.w_wi * (free - as_free).min(self.walk_in[t]) as f64
    }

    /// The score of a seating (unseated guests earn nothing), computed from scratch.
    pub fn score(&self, tab: &[Option<usize>]) -> f64 {
        let mut s = self.apart_const;
        for a in &self.attrs {
            let mut cnt: HashMap<(usize, u32), f64> = HashMap::new();
            for i in 0..self.n {
                if let (Some(t), v) = (tab[i], a.vals[i]) {
                    if v != NONE {
                        let c = cnt.entry((t, v)).or_default();
                        s += a.w * *c;
                        *c += 1.0;
                    }
                }
            }
        }
        for i in 0..self.n {
            if let Some(t) = tab[i] {
                s += self.key_w[i] * tier_value(self.tier[t]);
                for &(j, w) in &self.adj[i] {
                    if j > i && tab[j] == Some(t) {
                        s += w;
                    }
                }
            }
        }
        let mut g = vec![0; self.nt];
        for t in tab.iter().flatten() {
            g[*t] += 1;
        }
        for (t, &gt) in g.iter().enumerate() {
            s += self.reserve_reward(t, gt);
        }
        s
    }

    /// An upper bound of the score: every term at its own best.
    pub fn upper_bound(&self) -> f64 {
        let c = self.cap.iter().copied().max().unwrap_or(0).max(1);
        let pairs = |k: usize| (k * k.saturating_sub(1) / 2) as f64;
        let mut s = 0.0;
        for a in &self.attrs {
            let mut count = vec![0usize; a.nv];
            for &v in &a.vals {
                if v != NONE {
                    count[v as usize] += 1;
                }
            }
            for k in count {
                s += a.w * ((k / c) as f64 * pairs(c) + pairs(k % c));
            }
        }
        s += self.key_w.iter().sum::<f64>();
        for pr in &self.pairs {
            if !pr.hard {
                s += pr.w;
            }
        }
        for t in 0..self.nt {
            s += self.reserve_reward(t, 0);
        }
        s
    }
}
