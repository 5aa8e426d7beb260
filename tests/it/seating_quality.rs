//! Quality of automatic seating against the optimum, on seeded instances that use every rule kind:
//! small ones (≤ 12 guests) solved exhaustively here, larger ones (24–40 guests) built around a
//! planted seating that reaches the score's upper bound, so their optimum is known.

use huixiao::seating::solve::{self, GuestIn, Model, Problem, Rng, Rule, RuleKind, TableIn};

fn rule(kind: RuleKind, hard: bool, weight: f64) -> Rule {
    Rule {
        kind,
        hard,
        weight,
        contact_ids: Vec::new(),
        seats: 0,
    }
}

fn tables(n: usize, seats: i64) -> Vec<TableIn> {
    (0..n)
        .map(|t| TableIn {
            id: t as i64 + 1,
            number: t as i64 + 1,
            seats,
            x: 200.0 * (t as f64 + 1.0),
            y: 200.0,
        })
        .collect()
}

/// A small random instance with conflicting rules of every kind, some hard, and a lock.
fn small(seed: u64) -> Problem {
    let mut r = Rng::new(seed);
    let n = 8 + r.below(5);
    let nt = if n >= 11 { 2 } else { 3 };
    let seats = ((n + nt + 2) / nt + r.below(2)) as i64;
    let mut guests = Vec::new();
    let mut store = 0;
    while guests.len() < n {
        store += 1;
        let size = if r.below(3) == 0 { 2 } else { 1 }.min(n - guests.len());
        let industry = ["幼儿园", "美容院"][r.below(2)].to_owned();
        let district = ["岳麓区", "芙蓉区"][r.below(2)].to_owned();
        let street = ["麓山路", "五一路", "八一路"][r.below(3)].to_owned();
        let level = ["A", "B", "C"][r.below(3)].to_owned();
        let key = r.below(4) == 0;
        let inviter = 1 + r.below(3) as i64;
        let referrer = if store > 1 && r.below(3) == 0 {
            Some(1 + r.below(store - 1) as i64)
        } else {
            None
        };
        for _ in 0..size {
            guests.push(GuestIn {
                contact_id: guests.len() as i64 + 1,
                name: format!("客{}", guests.len() + 1),
                store_id: store as i64,
                store_name: format!("店{store}"),
                inviter_id: Some(inviter),
                inviter_name: Some(format!("邀约{inviter}")),
                industry: industry.clone(),
                district: district.clone(),
                street: street.clone(),
                level: level.clone(),
                key_customer: key,
                referrer_store_id: referrer,
                lock: None,
            });
        }
    }
    let w = |r: &mut Rng| 1.0 + r.below(5) as f64;
    let mut rules = vec![
        rule(RuleKind::ByInviter, false, w(&mut r)),
        rule(RuleKind::ByIndustry, false, w(&mut r)),
        rule(RuleKind::ByDistrict, false, w(&mut r)),
        rule(RuleKind::ByLevel, false, w(&mut r)),
        rule(RuleKind::KeyNearStage, false, w(&mut r)),
        rule(
            RuleKind::KeepStoreTogether,
            seed.is_multiple_of(2),
            w(&mut r),
        ),
        rule(RuleKind::KeepReferrerTogether, false, w(&mut r)),
        rule(RuleKind::KeepApartCompetitors, false, w(&mut r)),
        rule(RuleKind::AssistantSeat, !seed.is_multiple_of(3), w(&mut r)),
    ];
    let mut walk_in = rule(RuleKind::WalkInReserve, false, w(&mut r));
    walk_in.seats = 1 + r.below(2) as i64;
    rules.push(walk_in);
    let mut together = rule(RuleKind::KeepTogether, seed % 4 == 1, w(&mut r));
    together.contact_ids = vec![1 + r.below(n) as i64, 1 + r.below(n) as i64];
    let mut apart = rule(RuleKind::KeepApart, seed % 4 == 2, w(&mut r));
    apart.contact_ids = vec![1 + r.below(n) as i64, 1 + r.below(n) as i64];
    rules.push(together);
    rules.push(apart);
    if seed % 3 == 1 {
        let i = r.below(n);
        guests[i].lock = Some((r.below(nt), 1));
    }
    Problem {
        guests,
        tables: tables(nt, seats),
        rules,
        stage: (0.0, 200.0),
        seed,
    }
}

/// The best score over every seating that keeps the hard rules (blocks of hard keep-together
/// guests move as one).
fn exhaustive(p: &Problem, m: &Model) -> f64 {
    let nb = m.blocks.len();
    let nt = p.tables.len();
    let mut best = f64::NEG_INFINITY;
    let mut tab = vec![None; p.guests.len()];
    let mut g = vec![0usize; nt];
    fn go(
        b: usize,
        nb: usize,
        p: &Problem,
        m: &Model,
        tab: &mut Vec<Option<usize>>,
        g: &mut Vec<usize>,
        best: &mut f64,
    ) {
        if b == nb {
            if m.hard_violations(tab).is_empty() {
                *best = best.max(m.score(tab));
            }
            return;
        }
        let members = &m.blocks[b];
        let lock = members
            .iter()
            .find_map(|&i| p.guests[i].lock.map(|(t, _)| t));
        for t in 0..p.tables.len() {
            if lock.is_some_and(|l| l != t) || g[t] + members.len() > m.cap[t] {
                continue;
            }
            for &i in members {
                tab[i] = Some(t);
            }
            g[t] += members.len();
            go(b + 1, nb, p, m, tab, g, best);
            g[t] -= members.len();
        }
        for &i in members {
            tab[i] = None;
        }
    }
    go(0, nb, p, m, &mut tab, &mut g, &mut best);
    best
}

/// A larger instance around a planted seating: every table full to its hard capacity (8 of 10:
/// one seat for the assistant, one for walk-ins), each table with its own inviter, industries and
/// levels filling whole tables, districts per store, competitors (same industry and street) on
/// twin tables, referrers and hand-made rules kept, key customers at the front. The planted
/// seating reaches the score's upper bound, so it is optimal.
fn planted(seed: u64) -> (Problem, Vec<usize>) {
    let mut r = Rng::new(seed);
    let nt = 3 + (seed % 3) as usize;
    let mut guests: Vec<GuestIn> = Vec::new();
    let mut table_of = Vec::new();
    let mut store = 0i64;
    let front: Vec<usize> = (0..nt).filter(|t| t * 3 / nt == 0).collect();
    for t in 0..nt {
        let mut filled = 0;
        let mut first_store = None;
        let mut k = 0;
        while filled < 8 {
            let size = (1 + r.below(3)).min(8 - filled);
            store += 1;
            k += 1;
            let street = if k == 1 {
                format!("双桌路{}", t / 2)
            } else {
                format!("街{store}")
            };
            let referrer = if k == 2 { first_store } else { None };
            let key = front.contains(&t) && k <= 2;
            for _ in 0..size {
                guests.push(GuestIn {
                    contact_id: guests.len() as i64 + 1,
                    name: format!("客{}", guests.len() + 1),
                    store_id: store,
                    store_name: format!("店{store}"),
                    inviter_id: Some(t as i64 + 1),
                    inviter_name: Some(format!("邀约{t}")),
                    industry: format!("行业{}", t / 2),
                    district: format!("区{store}"),
                    street: street.clone(),
                    level: ["A", "B", "C"][t % 3].to_owned(),
                    key_customer: key,
                    referrer_store_id: referrer,
                    lock: None,
                });
                table_of.push(t);
            }
            first_store.get_or_insert(store);
            filled += size;
        }
    }
    let w = |r: &mut Rng| 1.0 + r.below(5) as f64;
    let mut rules = vec![
        rule(RuleKind::ByInviter, false, w(&mut r)),
        rule(RuleKind::ByIndustry, false, w(&mut r)),
        rule(RuleKind::ByDistrict, false, w(&mut r)),
        rule(RuleKind::ByLevel, false, w(&mut r)),
        rule(RuleKind::KeyNearStage, false, w(&mut r)),
        rule(
            RuleKind::KeepStoreTogether,
            seed.is_multiple_of(2),
            w(&mut r),
        ),
        rule(RuleKind::KeepReferrerTogether, false, w(&mut r)),
        rule(RuleKind::KeepApartCompetitors, seed % 4 == 3, w(&mut r)),
        rule(RuleKind::AssistantSeat, true, 1.0),
    ];
    let mut walk_in = rule(RuleKind::WalkInReserve, true, 1.0);
    walk_in.seats = nt as i64;
    rules.push(walk_in);
    // Hand-made: two guests of table 0 together, one of table 0 and one of table 1 apart.
    let t0: Vec<usize> = (0..guests.len()).filter(|&i| table_of[i] == 0).collect();
    let t1: Vec<usize> = (0..guests.len()).filter(|&i| table_of[i] == 1).collect();
    let mut together = rule(RuleKind::KeepTogether, false, w(&mut r));
    together.contact_ids = vec![
        guests[t0[0]].contact_id,
        guests[*t0.last().unwrap()].contact_id,
    ];
    let mut apart = rule(RuleKind::KeepApart, false, w(&mut r));
    apart.contact_ids = vec![guests[t0[1]].contact_id, guests[t1[0]].contact_id];
    rules.push(together);
    rules.push(apart);
    if seed % 2 == 1 {
        let i = r.below(guests.len());
        guests[i].lock = Some((table_of[i], 1));
    }
    // Shuffle the guests so the order gives nothing away.
    let mut order: Vec<usize> = (0..guests.len()).collect();
    for i in (1..order.len()).rev() {
        order.swap(i, r.below(i + 1));
    }
    let guests2 = order.iter().map(|&i| guests[i].clone()).collect();
    let tab2 = order.iter().map(|&i| table_of[i]).collect();
    (
        Problem {
            guests: guests2,
            tables: tables(nt, 10),
            rules,
            stage: (0.0, 200.0),
            seed,
        },
        tab2,
    )
}

#[test]
fn automatic_seating_is_near_the_optimum() {
    let mut ratios = Vec::new();
    let mut small_done = 0;
    let mut seed = 0;
    while small_done < 12 {
        seed += 1;
        let p = small(seed);
        let Ok(m) = Model::new(&p) else { continue };
        let sol = solve::solve_model(&m).unwrap();
        let tab: Vec<Option<usize>> = sol.table_of.iter().map(|&t| Some(t)).collect();
        assert!(
            m.hard_violations(&tab).is_empty(),
            "seed {seed}: a hard rule broken"
        );
        let score = m.score(&tab);
        assert!(
            (score - sol.score).abs() < 1e-6,
            "seed {seed}: incremental score {} vs {score}",
            sol.score
        );
        for (i, g) in p.guests.iter().enumerate() {
            if let Some((t, _)) = g.lock {
                assert_eq!(sol.table_of[i], t, "seed {seed}: lock kept");
            }
        }
        let best = exhaustive(&p, &m);
        assert!(best > 0.0, "a non-trivial optimum");
        assert!(
            score <= best + 1e-6,
            "seed {seed}: {score} above the optimum {best}?"
        );
        ratios.push((
            format!("small seed {seed} ({} guests)", p.guests.len()),
            score / best,
        ));
        small_done += 1;
    }
    for seed in 1..=10 {
        let (p, planted_tab) = planted(seed);
        assert!((24..=40).contains(&p.guests.len()));
        let m = Model::new(&p).unwrap();
        let tab: Vec<Option<usize>> = planted_tab.iter().map(|&t| Some(t)).collect();
        assert!(m.hard_violations(&tab).is_empty());
        let best = m.score(&tab);
        assert!(
            (best - m.upper_bound()).abs() < 1e-6,
            "seed {seed}: the planted seating reaches the bound ({best} vs {})",
            m.upper_bound()
        );
        let sol = solve::solve_model(&m).unwrap();
        let got: Vec<Option<usize>> = sol.table_of.iter().map(|&t| Some(t)).collect();
        assert!(
            m.hard_violations(&got).is_empty(),
            "seed {seed}: a hard rule broken"
        );
        ratios.push((
            format!("planted seed {seed} ({} guests)", p.guests.len()),
            m.score(&got) / best,
        ));
    }
    let mut sorted: Vec<f64> = ratios.iter().map(|r| r.1).collect();
    sorted.sort_by(f64::total_cmp);
    let median = sorted[sorted.len() / 2];
    let worst = sorted[0];
    println!(
        "seating quality over {} instances: median {:.2}% of the optimum, worst {:.2}%",
        sorted.len(),
        median * 100.0,
        worst * 100.0
    );
    for (name, r) in &ratios {
        println!("  {name}: {:.2}%", r * 100.0);
    }
    assert!(sorted.len() >= 20);
    assert!(median >= 0.98, "median {median}");
    assert!(worst >= 0.95, "worst {worst}: {ratios:?}");
}
