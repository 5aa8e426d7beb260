//! The search: a greedy construction followed by simulated annealing over block moves and
//! swaps, with a small seeded generator so the same input always gives the same seating.

use super::model::{tier_value, NONE};
use super::problem::names;
use super::{Model, Problem};
use crate::error::{invalid, Result};

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
