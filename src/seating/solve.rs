//! Automatic seating as a pure function of guests, tables and rules: no database here.
//!
//! The score is a sum of rewards (higher is better, never negative):
//! - grouping rules (by inviter, industry, district, level): `weight` for every pair of guests at
//!   the same table who share the value;
//! - keep-together rules (a store's contacts, a referrer with the stores they referred, groups
//!   marked by hand): `weight` for every pair at the same table;
//! - keep-apart rules (competitors, pairs marked by hand): `weight` for every pair *not* at the
//!   same table;
//! - key customers near the stage: `weight` at a front table, half at a middle one;
//! - the assistant's seat and the walk-in reserve: `weight` for each of those seats left free.
//!
//! Hard rules are never broken: capacity (with the assistant's seat and the walk-in reserve when
//! those rules are hard), locks, hard keep-together (guests moved as one block) and hard
//! keep-apart. The search is a greedy construction followed by simulated annealing over block
//! moves and swaps, with a seeded generator: the same input always gives the same seating.

// Guests and tables are indices into parallel arrays here: index loops read better than zips.
#![allow(clippy::needless_range_loop)]

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::error::{invalid, Error, Result};

/// The kinds of grouping rules (客户分组).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    ByInviter,
    ByIndustry,
    ByDistrict,
    ByLevel,
    KeyNearStage,
    KeepStoreTogether,
    KeepReferrerTogether,
    KeepApartCompetitors,
    KeepTogether,
    KeepApart,
    AssistantSeat,
    WalkInReserve,
}

impl RuleKind {
    pub const ALL: [RuleKind; 12] = [
        RuleKind::ByInviter,
        RuleKind::ByIndustry,
        RuleKind::ByDistrict,
        RuleKind::ByLevel,
        RuleKind::KeyNearStage,
        RuleKind::KeepStoreTogether,
        RuleKind::KeepReferrerTogether,
        RuleKind::KeepApartCompetitors,
        RuleKind::KeepTogether,
        RuleKind::KeepApart,
        RuleKind::AssistantSeat,
        RuleKind::WalkInReserve,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            RuleKind::ByInviter => "by_inviter",
            RuleKind::ByIndustry => "by_industry",
            RuleKind::ByDistrict => "by_district",
            RuleKind::ByLevel => "by_level",
            RuleKind::KeyNearStage => "key_near_stage",
            RuleKind::KeepStoreTogether => "keep_store_together",
            RuleKind::KeepReferrerTogether => "keep_referrer_together",
            RuleKind::KeepApartCompetitors => "keep_apart_competitors",
            RuleKind::KeepTogether => "keep_together",
            RuleKind::KeepApart => "keep_apart",
            RuleKind::AssistantSeat => "assistant_seat",
            RuleKind::WalkInReserve => "walk_in_reserve",
        }
    }
    pub fn parse(s: &str) -> Option<RuleKind> {
        RuleKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
    /// Rules that can be hard: the others only make sense as preferences.
    pub fn can_be_hard(self) -> bool {
        matches!(
            self,
            RuleKind::KeepStoreTogether
                | RuleKind::KeepReferrerTogether
                | RuleKind::KeepApartCompetitors
                | RuleKind::KeepTogether
                | RuleKind::KeepApart
                | RuleKind::AssistantSeat
                | RuleKind::WalkInReserve
        )
    }
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            RuleKind::ByInviter => ("按邀约员分组", "group by inviter"),
            RuleKind::ByIndustry => ("按行业分组", "group by industry"),
            RuleKind::ByDistrict => ("按区域分组", "group by district"),
            RuleKind::ByLevel => ("按门店等级分组", "group by store level"),
            RuleKind::KeyNearStage => ("重点客户靠近舞台", "key customers near the stage"),
            RuleKind::KeepStoreTogether => ("同店同桌", "a store's contacts together"),
            RuleKind::KeepReferrerTogether => (
                "介绍人与被介绍门店同桌",
                "referrer with the stores they referred",
            ),
            RuleKind::KeepApartCompetitors => ("竞争对手分开", "competitors apart"),
            RuleKind::KeepTogether => ("指定同桌", "keep together (by hand)"),
            RuleKind::KeepApart => ("指定分开", "keep apart (by hand)"),
            RuleKind::AssistantSeat => ("每桌留一座给助教", "one seat per table for its assistant"),
            RuleKind::WalkInReserve => ("为临时到场预留空位", "free seats for walk-ins"),
        }
    }
}

/// One grouping rule of a seminar.
#[derive(Debug, Clone, Serialize, Deserialize, TS, ToSchema)]
pub struct Rule {
    pub kind: RuleKind,
    /// A hard rule is never broken; a soft one earns `weight` when kept.
    #[serde(default)]
    pub hard: bool,
    #[serde(default = "one")]
    pub weight: f64,
    /// The guests (contact ids) of a hand-made keep-together or keep-apart rule.
    #[serde(default)]
    pub contact_ids: Vec<i64>,
    /// Walk-in reserve: how many free seats to keep.
    #[serde(default)]
    pub seats: i64,
}

fn one() -> f64 {
    1.0
}

/// A guest to seat: a contact named by a confirmed invitation, with what the rules look at.
#[derive(Debug, Clone, Default)]
pub struct GuestIn {
    pub contact_id: i64,
    pub name: String,
    pub store_id: i64,
    pub store_name: String,
    pub inviter_id: Option<i64>,
    pub inviter_name: Option<String>,
    pub industry: String,
    pub district: String,
    pub street: String,
    pub level: String,
    pub key_customer: bool,
    /// The store that referred this guest's store.
    pub referrer_store_id: Option<i64>,
    /// Locked to (table index, seat number from 1).
    pub lock: Option<(usize, i64)>,
}

#[derive(Debug, Clone, Default)]
pub struct TableIn {
    pub id: i64,
    pub number: i64,
    pub seats: i64,
    pub x: f64,
    pub y: f64,
}

#[derive(Debug, Clone, Default)]
pub struct Problem {
    pub guests: Vec<GuestIn>,
    pub tables: Vec<TableIn>,
    pub rules: Vec<Rule>,
    pub stage: (f64, f64),
    pub seed: u64,
}

/// A sentence in both languages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
pub struct Said {
    pub zh: String,
    pub en: String,
}

pub fn said(zh: impl Into<String>, en: impl Into<String>) -> Said {
    Said {
        zh: zh.into(),
        en: en.into(),
    }
}

const NONE: u32 = u32::MAX;

struct Attr {
    kind: RuleKind,
    w: f64,
    vals: Vec<u32>,
    nv: usize,
}

/// The problem prepared for scoring: capacities, rewards and hard constraints as indices.
pub struct Model<'a> {
    p: &'a Problem,
    n: usize,
    nt: usize,
    /// Seats guests may take (hard rules subtracted).
    pub cap: Vec<usize>,
    /// Seats per table kept for the assistant (0 or 1) and for walk-ins.
    pub assistant_seat: Vec<usize>,
    pub walk_in: Vec<usize>,
    w_as: f64,
    w_wi: f64,
    /// 0 front, 1 middle, 2 back.
    pub tier: Vec<u8>,
    attrs: Vec<Attr>,
    adj: Vec<Vec<(usize, f64)>>,
    apart_const: f64,
    pairs: Vec<PairRule>,
    hard_apart: Vec<Vec<usize>>,
    key_w: Vec<f64>,
    pub block_of: Vec<usize>,
    pub blocks: Vec<Vec<usize>>,
    block_lock: Vec<Option<usize>>,
}

/// One pair of guests a rule concerns (kept for explanations).
struct PairRule {
    a: usize,
    b: usize,
    kind: RuleKind,
    hard: bool,
    w: f64,
}

fn tier_value(tier: u8) -> f64 {
    match tier {
        0 => 1.0,
        1 => 0.5,
        _ => 0.0,
    }
}

fn names(p: &Problem, ids: &[usize]) -> String {
    let mut v: Vec<&str> = ids.iter().map(|&i| p.guests[i].name.as_str()).collect();
    let more = v.len().saturating_sub(8);
    v.truncate(8);
    let mut s = v.join("、");
    if more > 0 {
        s.push_str(&format!(" …(+{more})"));
    }
    s
}

fn table_numbers(p: &Problem, ids: &[usize]) -> String {
    ids.iter()
        .map(|&t| p.tables[t].number.to_string())
        .collect::<Vec<_>>()
        .join("、")
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

    /// Refuses what no seating can satisfy, naming the guests and tables concerned.
    fn check_hard(&mut self) -> Result<()> {
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

    fn reserve_reward(&self, t: usize, g: usize) -> f64 {
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

/// A small deterministic generator (SplitMix64).
pub struct Rng(u64);
impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The state of the search: where everyone sits, with counts for O(1) score changes.
struct State<'m, 'a> {
    m: &'m Model<'a>,
    tab: Vec<usize>,
    g: Vec<usize>,
    cnt: Vec<Vec<u32>>,
    members: Vec<Vec<usize>>,
    pos: Vec<usize>,
    score: f64,
}

const UNSEATED: usize = usize::MAX;

impl<'m, 'a> State<'m, 'a> {
    fn new(m: &'m Model<'a>) -> Self {
        State {
            m,
            tab: vec![UNSEATED; m.n],
            g: vec![0; m.nt],
            cnt: m.attrs.iter().map(|a| vec![0; a.nv * m.nt]).collect(),
            members: vec![Vec::new(); m.nt],
            pos: vec![0; m.n],
            score: m.apart_const + (0..m.nt).map(|t| m.reserve_reward(t, 0)).sum::<f64>(),
        }
    }

    /// Score change of adding guest `i` (not seated) to table `t`, without doing it.
    fn gain(&self, i: usize, t: usize) -> f64 {
        let m = self.m;
        let mut d = 0.0;
        for (k, a) in m.attrs.iter().enumerate() {
            let v = a.vals[i];
            if v != NONE {
                d += a.w * self.cnt[k][t * a.nv + v as usize] as f64;
            }
        }
        for &(j, w) in &m.adj[i] {
            if self.tab[j] == t {
                d += w;
            }
        }
        d + m.key_w[i] * tier_value(m.tier[t])
    }

    fn add(&mut self, i: usize, t: usize) {
        let d = self.gain(i, t) + self.m.reserve_reward(t, self.g[t] + 1)
            - self.m.reserve_reward(t, self.g[t]);
        for (k, a) in self.m.attrs.iter().enumerate() {
            let v = a.vals[i];
            if v != NONE {
                self.cnt[k][t * a.nv + v as usize] += 1;
            }
        }
        self.tab[i] = t;
        self.g[t] += 1;
        self.pos[i] = self.members[t].len();
        self.members[t].push(i);
        self.score += d;
    }

    fn remove(&mut self, i: usize) {
        let t = self.tab[i];
        for (k, a) in self.m.attrs.iter().enumerate() {
            let v = a.vals[i];
            if v != NONE {
                self.cnt[k][t * a.nv + v as usize] -= 1;
            }
        }
        self.tab[i] = UNSEATED;
        self.g[t] -= 1;
        let p = self.pos[i];
        self.members[t].swap_remove(p);
        if p < self.members[t].len() {
            let moved = self.members[t][p];
            self.pos[moved] = p;
        }
        let d = self.gain(i, t) + self.m.reserve_reward(t, self.g[t] + 1)
            - self.m.reserve_reward(t, self.g[t]);
        self.score -= d;
    }

    fn move_block(&mut self, b: usize, to: usize) {
        for &i in &self.m.blocks[b] {
            self.remove(i);
            self.add(i, to);
        }
    }

    /// Whether block `b` may sit at `t` as far as hard keep-apart goes, ignoring blocks `except`
    /// (those about to leave).
    fn apart_ok(&self, b: usize, t: usize, except: &[usize]) -> bool {
        self.m.blocks[b].iter().all(|&i| {
            self.m.hard_apart[i]
                .iter()
                .all(|&j| self.tab[j] != t || except.contains(&self.m.block_of[j]))
        })
    }
}

/// The result of automatic seating: the table of each guest (index into `Problem::tables`).
#[derive(Debug, Clone)]
pub struct Solution {
    pub table_of: Vec<usize>,
    pub score: f64,
}

/// Seats everyone without breaking a hard rule, maximising the score.
pub fn solve(p: &Problem) -> Result<Solution> {
    let m = Model::new(p)?;
    solve_model(&m)
}

pub fn solve_model(m: &Model) -> Result<Solution> {
    let p = m.p;
    let mut st = State::new(m);
    let mut rng = Rng::new(p.seed);
    // Tables nearest the stage first: ties fill the front.
    let dist = |t: usize| {
        let tb = &p.tables[t];
        (tb.x - p.stage.0).powi(2) + (tb.y - p.stage.1).powi(2)
    };
    let mut front_first: Vec<usize> = (0..m.nt).collect();
    front_first.sort_by(|&a, &b| dist(a).total_cmp(&dist(b)).then(a.cmp(&b)));

    // Greedy: locked blocks, then the largest and most constrained first.
    let mut order: Vec<(usize, u64)> = (0..m.blocks.len()).map(|b| (b, rng.next_u64())).collect();
    order.sort_by_key(|&(b, r)| {
        let apart: usize = m.blocks[b].iter().map(|&i| m.hard_apart[i].len()).sum();
        (
            m.block_lock[b].is_none(),
            std::cmp::Reverse(m.blocks[b].len()),
            std::cmp::Reverse(apart),
            r,
        )
    });
    let mut failed = Vec::new();
    for &(b, _) in &order {
        let size = m.blocks[b].len();
        let target = if let Some(t) = m.block_lock[b] {
            Some(t)
        } else {
            let mut best: Option<(f64, usize)> = None;
            for &t in &front_first {
                if st.g[t] + size > m.cap[t] || !st.apart_ok(b, t, &[]) {
                    continue;
                }
                let mut d: f64 = m.blocks[b].iter().map(|&i| st.gain(i, t)).sum();
                d += m.reserve_reward(t, st.g[t] + size) - m.reserve_reward(t, st.g[t]);
                if best.is_none_or(|(bd, _)| d > bd + 1e-9) {
                    best = Some((d, t));
                }
            }
            best.map(|(_, t)| t)
        };
        match target {
            Some(t) => {
                for &i in &m.blocks[b] {
                    st.add(i, t);
                }
            }
            None => failed.extend(m.blocks[b].iter().copied()),
        }
    }
    if !failed.is_empty() {
        return Err(invalid(
            "rules",
            format!("按硬性规则（必须同桌/必须分开、锁定、容量）找不到能安排 {} 的座位，请放宽规则或加桌。没有安排任何人。", names(p, &failed)),
            format!("No seats satisfy the hard rules (together, apart, locks, capacity) for {}; relax the rules or add tables. Nobody was seated.", names(p, &failed)),
        ));
    }

    // Simulated annealing over block moves and (multi-block) swaps, restarted a few times from
    // the greedy seating on small problems; the best seating found wins.
    let movable: Vec<usize> = (0..m.blocks.len())
        .filter(|&b| m.block_lock[b].is_none())
        .collect();
    let mut best_tab = st.tab.clone();
    let mut best = st.score;
    if !movable.is_empty() && m.nt > 1 {
        let weights: Vec<f64> = p
            .rules
            .iter()
            .filter(|r| !r.hard && r.weight > 0.0)
            .map(|r| r.weight)
            .collect();
        let mean_w = if weights.is_empty() {
            1.0
        } else {
            weights.iter().sum::<f64>() / weights.len() as f64
        };
        let budget = (m.n * 300).clamp(120_000, 600_000);
        let runs = if m.n <= 200 { 4 } else { 1 };
        let greedy_tab = st.tab.clone();
        for run in 0..runs {
            if run > 0 {
                // Back to the greedy seating.
                for i in 0..m.n {
                    if st.tab[i] != greedy_tab[i] {
                        st.remove(i);
                        st.add(i, greedy_tab[i]);
                    }
                }
            }
            let (cur_best, cur_tab) = anneal(m, &mut st, &movable, budget / runs, mean_w, &mut rng);
            if cur_best > best + 1e-9 {
                best = cur_best;
                best_tab = cur_tab;
            }
        }
    }
    Ok(Solution {
        table_of: best_tab,
        score: best,
    })
}

/// One annealing run from the current state; returns the best score seen and its seating.
fn anneal(
    m: &Model,
    st: &mut State,
    movable: &[usize],
    iters: usize,
    mean_w: f64,
    rng: &mut Rng,
) -> (f64, Vec<usize>) {
    let mut best = st.score;
    let mut best_tab = st.tab.clone();
    let (t0, t1) = (1.5 * mean_w, 0.01 * mean_w);
    let cool = (t1 / t0).powf(1.0 / iters.max(1) as f64);
    let mut temp = t0;
    let mut ys: Vec<usize> = Vec::new();
    for _ in 0..iters {
        temp *= cool;
        let x = movable[rng.below(movable.len())];
        let a = st.tab[m.blocks[x][0]];
        let b = if rng.below(2) == 0 {
            rng.below(m.nt)
        } else {
            // Toward a guest this one relates to, or any guest.
            let i = m.blocks[x][rng.below(m.blocks[x].len())];
            let j = if !m.adj[i].is_empty() && rng.below(2) == 0 {
                m.adj[i][rng.below(m.adj[i].len())].0
            } else {
                rng.below(m.n)
            };
            st.tab[j]
        };
        if b == a || b == UNSEATED {
            continue;
        }
        let sx = m.blocks[x].len();
        let before = st.score;
        // Blocks sent from b to a to make room for x (none when x fits).
        ys.clear();
        let need = (st.g[b] + sx).saturating_sub(m.cap[b]);
        if need > 0 {
            let len = st.members[b].len();
            if len == 0 {
                continue;
            }
            let start = rng.below(len);
            let mut sent = 0;
            for k in 0..len {
                let y = m.block_of[st.members[b][(start + k) % len]];
                if m.block_lock[y].is_some() || ys.contains(&y) {
                    continue;
                }
                ys.push(y);
                sent += m.blocks[y].len();
                if sent >= need {
                    break;
                }
            }
            if sent < need || st.g[a] - sx + sent > m.cap[a] {
                continue;
            }
        }
        if !st.apart_ok(x, b, &ys) || !ys.iter().all(|&y| st.apart_ok(y, a, &[x])) {
            continue;
        }
        st.move_block(x, b);
        for &y in &ys {
            st.move_block(y, a);
        }
        let d = st.score - before;
        if d < -1e-9 && rng.unit() >= (d / temp).exp() {
            for &y in &ys {
                st.move_block(y, b);
            }
            st.move_block(x, a);
            st.score = before;
            continue;
        }
        if st.score > best + 1e-9 {
            best = st.score;
            best_tab.clone_from(&st.tab);
        }
    }
    (best, best_tab)
}

/// Seat numbers (from 1) for everyone at each table, and the assistant's seat.
///
/// Seat 1 faces the stage; numbers go round the table, so the seat nearest the back is
/// `seats / 2 + 1`. The assistant sits a quarter of the way round — never at the back — and the
/// guests fill the seats nearest the assistant on both sides, so the assistant sits among them and
/// the free seats (walk-ins) end up together.
pub fn seat_numbers(
    p: &Problem,
    m: &Model,
    table_of: &[usize],
    order_key: impl Fn(usize) -> (i64, i64, i64),
) -> (Vec<i64>, Vec<Option<i64>>) {
    let mut seat = vec![0i64; p.guests.len()];
    let mut assistant = vec![None; p.tables.len()];
    for t in 0..p.tables.len() {
        let n = p.tables[t].seats.max(1) as usize;
        let mut used = vec![false; n];
        let mut here: Vec<usize> = (0..p.guests.len()).filter(|&i| table_of[i] == t).collect();
        here.sort_by_key(|&i| order_key(i));
        for &i in &here {
            if let Some((lt, s)) = p.guests[i].lock {
                if lt == t && s >= 1 && (s as usize) <= n && !used[s as usize - 1] {
                    used[s as usize - 1] = true;
                    seat[i] = s;
                }
            }
        }
        let back = back_seats(n);
        let unlocked = here.iter().filter(|&&i| seat[i] == 0).count();
        let free = used.iter().filter(|u| !**u).count();
        let want_assistant = m.assistant_seat[t] == 1 && free > unlocked && !here.is_empty();
        let pref = n / 4;
        let mut a_seat = None;
        if want_assistant {
            for d in 0..n {
                for s in [(pref + d) % n, (pref + n - d % n) % n] {
                    if a_seat.is_none() && !used[s] && !back.contains(&s) {
                        a_seat = Some(s);
                    }
                }
            }
            if let Some(s) = a_seat {
                used[s] = true;
                assistant[t] = Some(s as i64 + 1);
            }
        }
        let centre = a_seat.unwrap_or(pref);
        let mut ring: Vec<usize> = (0..n).filter(|&s| !used[s]).collect();
        ring.sort_by_key(|&s| {
            let d = (s + n - centre) % n;
            let d = d.min(n - d);
            (d, (s + n - centre) % n)
        });
        let mut next = ring.into_iter();
        for &i in &here {
            if seat[i] == 0 {
                seat[i] = next.next().map(|s| s as i64 + 1).unwrap_or(0);
            }
        }
    }
    (seat, assistant)
}

/// The 0-based seats farthest from the stage.
pub fn back_seats(n: usize) -> Vec<usize> {
    if n < 2 {
        Vec::new()
    } else if n.is_multiple_of(2) {
        vec![n / 2]
    } else {
        vec![n / 2, n / 2 + 1]
    }
}

/// What one guest gets from the seating, for the explanation and the "badly seated" list.
#[derive(Debug, Clone)]
pub struct GuestReport {
    pub earned: f64,
    pub possible: f64,
    pub reasons: Vec<Said>,
    pub problems: Vec<Said>,
}

impl GuestReport {
    pub fn bad(&self) -> bool {
        !self.problems.is_empty() || (self.possible > 0.0 && self.earned < 0.5 * self.possible)
    }
}

/// Explains each guest's placement and what they miss.
pub fn explain(p: &Problem, m: &Model, tab: &[Option<usize>]) -> Vec<GuestReport> {
    let n = p.guests.len();
    let mut out: Vec<GuestReport> = (0..n)
        .map(|_| GuestReport {
            earned: 0.0,
            possible: 0.0,
            reasons: Vec::new(),
            problems: Vec::new(),
        })
        .collect();
    let max_seats = p.tables.iter().map(|t| t.seats).max().unwrap_or(1).max(1) as f64;
    for i in 0..n {
        let Some(t) = tab[i] else {
            out[i]
                .problems
                .push(said("还没有座位。", "Not seated yet."));
            continue;
        };
        let g = &p.guests[i];
        if let Some((lt, _)) = g.lock {
            if lt == t {
                out[i].reasons.push(said("座位已锁定", "seat locked"));
            }
        }
        for a in &m.attrs {
            let v = a.vals[i];
            if v == NONE {
                continue;
            }
            let total = (0..n).filter(|&j| j != i && a.vals[j] == v).count() as f64;
            let here = (0..n)
                .filter(|&j| j != i && a.vals[j] == v && tab[j] == Some(t))
                .count();
            out[i].possible += a.w * total.min(max_seats - 1.0);
            out[i].earned += a.w * here as f64;
            if here == 0 {
                continue;
            }
            let r = match a.kind {
                RuleKind::ByInviter => said(
                    format!(
                        "与邀约员{}的客人同桌（{here} 位）",
                        g.inviter_name.clone().unwrap_or_default()
                    ),
                    format!(
                        "with inviter {}'s guests ({here})",
                        g.inviter_name.clone().unwrap_or_default()
                    ),
                ),
                RuleKind::ByIndustry => said(
                    format!("同行业：{}（{here} 位）", g.industry),
                    format!("same industry: {} ({here})", g.industry),
                ),
                RuleKind::ByDistrict => said(
                    format!("同区域：{}（{here} 位）", g.district),
                    format!("same district: {} ({here})", g.district),
                ),
                _ => said(
                    format!("同为 {} 级门店（{here} 位）", g.level),
                    format!("level {} stores ({here})", g.level),
                ),
            };
            out[i].reasons.push(r);
        }
        if m.key_w[i] > 0.0 {
            out[i].possible += m.key_w[i];
            out[i].earned += m.key_w[i] * tier_value(m.tier[t]);
            match m.tier[t] {
                0 => out[i]
                    .reasons
                    .push(said("靠近舞台：重点客户", "near the stage: key customer")),
                1 => out[i]
                    .reasons
                    .push(said("重点客户，坐在中排", "key customer, middle row")),
                _ => out[i].problems.push(said(
                    "重点客户却坐在后排",
                    "key customer seated at the back",
                )),
            }
        }
    }
    for pr in &m.pairs {
        let apart = matches!(
            pr.kind,
            RuleKind::KeepApart | RuleKind::KeepApartCompetitors
        );
        let (Some(ta), Some(tb)) = (tab[pr.a], tab[pr.b]) else {
            continue;
        };
        let kept = (ta == tb) != apart;
        for (me, other) in [(pr.a, pr.b), (pr.b, pr.a)] {
            let o = &p.guests[other];
            let (rz, re) = pr.kind.label();
            if !pr.hard {
                out[me].possible += pr.w;
                if kept {
                    out[me].earned += pr.w;
                }
            }
            let text = match (pr.kind, kept) {
                (RuleKind::KeepStoreTogether, true) => said(
                    format!("与同店的{}同桌", o.name),
                    format!("with {} of the same store", o.name),
                ),
                (RuleKind::KeepReferrerTogether, true) => said(
                    format!("与介绍关系的{}（{}）同桌", o.name, o.store_name),
                    format!("with {} ({}) of the referral", o.name, o.store_name),
                ),
                (RuleKind::KeepTogether, true) => said(
                    format!("按指定与{}同桌", o.name),
                    format!("with {} as asked", o.name),
                ),
                (RuleKind::KeepApartCompetitors, true) | (RuleKind::KeepApart, true) => continue,
                (_, false) if apart => said(
                    format!("与{}（{}）同桌，违反“{rz}”", o.name, o.store_name),
                    format!(
                        "at the same table as {} ({}), against “{re}”",
                        o.name, o.store_name
                    ),
                ),
                _ => said(
                    format!("没有与{}同桌（{rz}）", o.name),
                    format!("not with {} ({re})", o.name),
                ),
            };
            if kept {
                if !out[me].reasons.contains(&text) {
                    out[me].reasons.push(text);
                }
            } else if !out[me].problems.contains(&text) {
                out[me].problems.push(text);
            }
        }
    }
    // Apart rules kept: one short note.
    for (i, r) in out.iter_mut().enumerate() {
        if tab[i].is_none() {
            continue;
        }
        let has_apart = m.pairs.iter().any(|pr| {
            (pr.a == i || pr.b == i)
                && matches!(
                    pr.kind,
                    RuleKind::KeepApartCompetitors | RuleKind::KeepApart
                )
        });
        if has_apart && r.problems.is_empty() {
            r.reasons.push(said(
                "与竞争对手/需分开的人不同桌",
                "apart from competitors and those to keep apart",
            ));
        }
    }
    out
}

/// Which assistant sits at which table: the one who invited most of the table's guests first,
/// one table each (or two adjacent small tables when allowed). `None`: no assistant left.
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
    // Keep the table's current assistant if free, then any free assistant.
    for &t in &occupied {
        if out[t].is_none() {
            if let Some(a) = current[t].filter(|a| load.get(a).is_some_and(|l| l.is_empty())) {
                out[t] = Some(a);
                load.entry(a).or_default().push(t);
            }
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
