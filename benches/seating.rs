//! Seating benchmarks (run with `cargo bench --bench seating`): automatic seating of 2,000 guests
//! at 230 tables of 10 and of 300 guests at 35 tables, all rule kinds on, and the printouts of
//! 230 table cards and a 2,000-guest seating chart. Prints the median of several runs.

use std::time::Instant;

use huixiao::caller::Caller;
use huixiao::i18n::Lang;

/// Runs an operation as the organizer.
fn dispatch(
    app: &App,
    op: &str,
    input: serde_json::Value,
) -> Result<serde_json::Value, huixiao::api::Failure> {
    huixiao::api::dispatch(
        &huixiao::api::Host::new(app.clone()),
        &Caller::organizer(Lang::Zh),
        op,
        input,
    )
}
use huixiao::seating::plan::default_rules;
use huixiao::seating::print::PrintKind;
use huixiao::seating::solve::{self, GuestIn, Problem, Rule, RuleKind, TableIn};
use huixiao::App;
use serde_json::json;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// The core's default rules of a new plan, with every other rule kind on too.
fn rules(walk_in: i64) -> Vec<Rule> {
    let mut v = default_rules();
    v.push(Rule::new(RuleKind::ByDistrict, false, 1.0));
    v.push(Rule::new(RuleKind::ByLevel, false, 1.0));
    let mut w = Rule::new(RuleKind::WalkInReserve, false, 1.0);
    w.seats = walk_in;
    v.push(w);
    let mut t = Rule::new(RuleKind::KeepTogether, false, 2.0);
    t.contact_ids = vec![1, 7, 13];
    v.push(t);
    let mut a = Rule::new(RuleKind::KeepApart, true, 1.0);
    a.contact_ids = vec![2, 8, 14];
    v.push(a);
    v
}

/// `guests` guests in stores of one to three, 20 inviters, 12 industries, 15 districts.
fn problem(guests: usize, tables: usize) -> Problem {
    let mut rng = solve::Rng::new(7);
    let mut g = Vec::new();
    let mut store = 0i64;
    while g.len() < guests {
        store += 1;
        let size = (1 + rng.below(3)).min(guests - g.len());
        let industry = format!("行业{}", rng.below(12));
        let district = format!("区{}", rng.below(15));
        let street = format!("路{}", rng.below(60));
        let inviter = 1 + rng.below(20) as i64;
        let level = ["A", "B", "C"][rng.below(3)].to_owned();
        let key = rng.below(10) == 0;
        let referrer = if store > 1 && rng.below(8) == 0 {
            Some(1 + rng.below(store as usize - 1) as i64)
        } else {
            None
        };
        for _ in 0..size {
            g.push(GuestIn {
                contact_id: g.len() as i64 + 1,
                name: format!("客{}", g.len() + 1),
                store_id: store,
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
    let t = (0..tables)
        .map(|k| TableIn {
            id: k as i64 + 1,
            number: k as i64 + 1,
            seats: 10,
            x: 160.0 + (k % 15) as f64 * 220.0,
            y: 200.0 + (k / 15) as f64 * 200.0,
        })
        .collect();
    let spare = tables * 9 - guests;
    Problem {
        guests: g,
        tables: t,
        rules: rules(spare as i64 / 2),
        stage: (1700.0, 40.0),
        seed: 1,
    }
}

fn bench_solve(label: &str, guests: usize, tables: usize, runs: usize, target_ms: f64) {
    let p = problem(guests, tables);
    let mut times = Vec::new();
    let mut score = 0.0;
    for _ in 0..runs {
        let t = Instant::now();
        let sol = solve::solve(&p).expect("solvable");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        score = sol.score;
    }
    println!(
        "{label}: median {:.1} ms over {runs} runs (target ≤ {target_ms} ms), score {score:.0}",
        median(times)
    );
}

/// The same through the store: load, solve, write the seats (2,000 guests, 230 tables).
fn seeded_app(guests: usize, tables: usize) -> (App, i64) {
    let app = App::in_memory().expect("db");
    let seminar = dispatch(
        &app,
        "seminars.create",
        json!({"title": "基准会销", "date": "2099-01-01", "start_time": "14:00", "capacity": 3000}),
    )
    .unwrap()["id"]
        .as_i64()
        .unwrap();
    let p = problem(guests, tables);
    for k in 0..tables {
        dispatch(&app, "tables.create", json!({"seminar_id": seminar, "number": k + 1, "seats": 10, "x": 160 + (k % 15) * 220, "y": 200 + (k / 15) * 200})).unwrap();
    }
    let mut by_store: std::collections::BTreeMap<i64, Vec<&GuestIn>> = Default::default();
    for g in &p.guests {
        by_store.entry(g.store_id).or_default().push(g);
    }
    for (s, gs) in by_store {
        let store = dispatch(&app, "stores.create", json!({"name": format!("店{s}"), "industry": gs[0].industry, "district": gs[0].district, "level": gs[0].level, "key_customer": gs[0].key_customer})).unwrap()["id"].as_i64().unwrap();
        let cs: Vec<i64> = gs
            .iter()
            .map(|g| {
                dispatch(
                    &app,
                    "contacts.create",
                    json!({"store_id": store, "name": g.name, "role": "owner"}),
                )
                .unwrap()["id"]
                    .as_i64()
                    .unwrap()
            })
            .collect();
        let inv = dispatch(&app, "invitations.create", json!({"seminar_id": seminar, "store_id": store, "contact_ids": cs, "note": "电话已确认，关心价格"})).unwrap()["id"].as_i64().unwrap();
        dispatch(
            &app,
            "invitations.set_status",
            json!({"id": inv, "status": "confirmed"}),
        )
        .unwrap();
    }
    let rules: Vec<Rule> = rules(0)
        .into_iter()
        .filter(|r| r.contact_ids.is_empty())
        .collect();
    dispatch(
        &app,
        "seating.rules",
        json!({"seminar_id": seminar, "rules": rules}),
    )
    .unwrap();
    (app, seminar)
}

fn main() {
    bench_solve(
        "solve 2,000 guests at 230 tables of 10",
        2000,
        230,
        5,
        1000.0,
    );
    bench_solve("solve 300 guests at 35 tables of 10", 300, 35, 9, 100.0);

    let (app, seminar) = seeded_app(2000, 230);
    let mut times = Vec::new();
    for _ in 0..3 {
        let t = Instant::now();
        dispatch(&app, "seating.auto", json!({"seminar_id": seminar})).expect("auto");
        times.push(t.elapsed().as_secs_f64() * 1000.0);
    }
    println!(
        "seating.auto (load + solve + save) 2,000 guests: median {:.1} ms",
        median(times)
    );

    for (label, kind) in [
        ("230 table cards", PrintKind::Cards),
        ("2,000-guest seating chart", PrintKind::Chart),
    ] {
        let mut times = Vec::new();
        let mut size = 0;
        for _ in 0..3 {
            let t = Instant::now();
            let pdf = huixiao::seating::print::pdf(&app, seminar, kind, huixiao::i18n::Lang::Zh)
                .expect("pdf");
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            size = pdf.len();
        }
        println!(
            "PDF {label}: median {:.1} ms (target ≤ 1000 ms), {} KiB",
            median(times),
            size / 1024
        );
    }
}
