//! Why each guest sits where they do, and what the seating fails to give them.

use super::model::{tier_value, NONE};
use super::{said, Model, Problem, RuleKind, Said};

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
    // Grouping preferences mostly not met, each naming the guests sitting elsewhere.
    let mut missed: Vec<Vec<Said>> = vec![Vec::new(); n];
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
            if (here as f64) * 2.0 < total.min(max_seats - 1.0) {
                let elsewhere: Vec<&str> = (0..n)
                    .filter(|&j| j != i && a.vals[j] == v && tab[j] != Some(t))
                    .map(|j| p.guests[j].name.as_str())
                    .collect();
                missed[i].push(not_met(g, a.kind, &elsewhere));
            }
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
    // A guest badly seated for grouping preferences: say which, and with whom.
    for (r, m) in out.iter_mut().zip(missed) {
        if r.problems.is_empty() && r.bad() {
            r.problems = m;
        }
    }
    out
}

/// "王芳 想和 李强、张敏 同桌（同行业：美容院），未满足": the guest, the guests sharing the
/// preference who sit elsewhere (three at most, then how many more), and the preference.
fn not_met(g: &super::GuestIn, kind: RuleKind, elsewhere: &[&str]) -> Said {
    let (what_zh, what_en) = match kind {
        RuleKind::ByInviter => {
            let who = g.inviter_name.clone().unwrap_or_default();
            (format!("同一邀约员：{who}"), format!("same inviter: {who}"))
        }
        RuleKind::ByIndustry => (
            format!("同行业：{}", g.industry),
            format!("same industry: {}", g.industry),
        ),
        RuleKind::ByDistrict => (
            format!("同区域：{}", g.district),
            format!("same district: {}", g.district),
        ),
        _ => (
            format!("同为 {} 级门店", g.level),
            format!("level {} stores", g.level),
        ),
    };
    let shown = &elsewhere[..elsewhere.len().min(3)];
    let more = elsewhere.len() - shown.len();
    let (others_zh, others_en) = if more > 0 {
        (
            format!("{} 等 {} 位", shown.join("、"), elsewhere.len()),
            format!("{} and {more} more", shown.join(", ")),
        )
    } else {
        (shown.join("、"), shown.join(", "))
    };
    said(
        format!("{} 想和 {others_zh} 同桌（{what_zh}），未满足", g.name),
        format!(
            "{} wanted to sit with {others_en} ({what_en}): not met",
            g.name
        ),
    )
}
