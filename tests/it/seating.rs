//! Seating: automatic seating keeps every hard rule, locks survive re-runs, manual moves swap and
//! warn, day-of re-seating, printouts, the CLI, and bad input refused with nothing written.

use std::collections::HashMap;
use std::process::Command;

use huixiao::i18n::Lang;
use huixiao::App;
use serde_json::{json, Value};

use crate::support::{app, call, dump};

fn id(v: &Value) -> i64 {
    v["id"].as_i64().unwrap()
}

/// A seminar with `tables` tables of `seats` seats (x in a row of four), `assistants` assistants,
/// two inviters, and `stores` confirmed stores of one or two guests each (industries and
/// districts cycling). Returns (seminar, table ids, assistant ids, contact ids per store).
pub struct Room {
    pub seminar: i64,
    pub tables: Vec<i64>,
    pub assistants: Vec<i64>,
    pub guests: Vec<Vec<i64>>,
}

pub fn room(app: &App, tables: usize, seats: i64, assistants: usize, stores: usize) -> Room {
    let seminar = id(&call(
        app,
        "seminars.create",
        json!({"title": "座位测试会", "date": "2026-11-29", "start_time": "14:00", "capacity": 300}),
    )
    .unwrap());
    let assistants: Vec<i64> = (0..assistants)
        .map(|k| {
            id(&call(
                app,
                "staff.create",
                json!({"name": format!("助教{k}"), "roles": ["assistant", "inviter"]}),
            )
            .unwrap())
        })
        .collect();
    let inviters: Vec<i64> = (0..2)
        .map(|k| {
            id(&call(
                app,
                "staff.create",
                json!({"name": format!("邀约{k}"), "roles": ["inviter"]}),
            )
            .unwrap())
        })
        .collect();
    let tables: Vec<i64> = (0..tables)
        .map(|k| {
            id(&call(
                app,
                "tables.create",
                json!({"seminar_id": seminar, "number": k + 1, "seats": seats,
                "x": 160 + (k % 4) * 220, "y": 200 + (k / 4) * 200}),
            )
            .unwrap())
        })
        .collect();
    let industries = ["幼儿园", "美容院", "超市"];
    let districts = ["岳麓区", "芙蓉区", "天心区", "开福区"];
    let levels = ["A", "B", "C"];
    let mut guests = Vec::new();
    for s in 0..stores {
        let store = id(&call(app, "stores.create", json!({"name": format!("门店{s}"), "city": "长沙",
            "district": districts[s % 4], "industry": industries[s % 3], "level": levels[s % 3],
            "key_customer": s % 5 == 0, "address": format!("{}{}路{s}号", districts[s % 4], s % 7)})).unwrap());
        let mut cs = Vec::new();
        for k in 0..(1 + s % 2) {
            cs.push(id(&call(
                app,
                "contacts.create",
                json!({"store_id": store, "name": format!("客{s}-{k}"),
                "role": if k == 0 { "owner_spouse" } else { "owner" }}),
            )
            .unwrap()));
        }
        let inviter = if s % 3 == 0 {
            inviters[s % 2]
        } else {
            assistants[s % assistants.len().max(1)]
        };
        let inv = id(&call(app, "invitations.create", json!({"seminar_id": seminar, "store_id": store,
            "inviter_id": inviter, "contact_ids": cs, "note": format!("电话沟通第{s}次，关心招生")})).unwrap());
        call(
            app,
            "invitations.set_status",
            json!({"id": inv, "status": "confirmed"}),
        )
        .unwrap();
        guests.push(cs);
    }
    Room {
        seminar,
        tables,
        assistants,
        guests,
    }
}

fn plan(app: &App, seminar: i64) -> Value {
    call(app, "seating.get", json!({"seminar_id": seminar})).unwrap()
}

fn seats_of(plan: &Value) -> HashMap<i64, (i64, i64)> {
    plan["guests"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| !g["seat"].is_null())
        .map(|g| {
            (
                g["contact_id"].as_i64().unwrap(),
                (g["table_id"].as_i64().unwrap(), g["seat"].as_i64().unwrap()),
            )
        })
        .collect()
}

/// Every seated guest on a distinct, real seat that is not the assistant's; no table over capacity.
fn assert_consistent(plan: &Value) {
    let mut used = std::collections::HashSet::new();
    for t in plan["tables"].as_array().unwrap() {
        let tid = t["id"].as_i64().unwrap();
        let n = t["seats"].as_i64().unwrap();
        if let Some(a) = t["assistant_seat"].as_i64() {
            assert_ne!(
                a,
                t["back_seat"].as_i64().unwrap(),
                "assistant never at the back: {t}"
            );
            used.insert((tid, a));
        }
        for g in plan["guests"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|g| g["table_id"] == t["id"])
        {
            let s = g["seat"].as_i64().unwrap();
            assert!(s >= 1 && s <= n, "seat {s} of {n}");
            assert!(used.insert((tid, s)), "two people on table {tid} seat {s}");
        }
    }
}

#[test]
fn automatic_seating_seats_everyone_and_keeps_hard_rules() {
    let app = app();
    let r = room(&app, 4, 10, 4, 20);
    let out = call(&app, "seating.auto", json!({"seminar_id": r.seminar})).unwrap();
    assert_eq!(out["unseated"], 0);
    assert_eq!(
        out["seated"].as_i64().unwrap(),
        r.guests.iter().map(Vec::len).sum::<usize>() as i64
    );
    assert_eq!(out["hard_violations"], json!([]), "{out}");
    assert!(out["score"].as_f64().unwrap() > 0.0);
    let p = plan(&app, r.seminar);
    assert_consistent(&p);
    let seats = seats_of(&p);
    // The default keeps a store's contacts together (hard).
    for cs in &r.guests {
        let tables: std::collections::HashSet<i64> = cs.iter().map(|c| seats[c].0).collect();
        assert_eq!(tables.len(), 1, "a store's contacts sit together");
    }
    // Every occupied table got an assistant, none twice; each guest has an explanation.
    let mut seen = std::collections::HashSet::new();
    for t in p["tables"].as_array().unwrap() {
        let occupied = seats
            .values()
            .any(|(tid, _)| *tid == t["id"].as_i64().unwrap());
        if occupied {
            let a = t["assistant_id"]
                .as_i64()
                .expect("an assistant per occupied table");
            assert!(seen.insert(a), "assistant on two tables");
        }
    }
    assert!(p["guests"]
        .as_array()
        .unwrap()
        .iter()
        .all(|g| !g["reasons"].as_array().unwrap().is_empty()));
    // Deterministic: the same input gives the same seating.
    call(&app, "seating.auto", json!({"seminar_id": r.seminar})).unwrap();
    assert_eq!(seats_of(&plan(&app, r.seminar)), seats);
}

#[test]
fn assistant_preferred_is_the_one_who_invited_most_of_the_table() {
    let app = app();
    let r = room(&app, 4, 10, 4, 20);
    call(&app, "seating.auto", json!({"seminar_id": r.seminar})).unwrap();
    let p = plan(&app, r.seminar);
    for t in p["tables"].as_array().unwrap() {
        let Some(a) = t["assistant_id"].as_i64() else {
            continue;
        };
        let mut by: HashMap<i64, usize> = HashMap::new();
        for g in p["guests"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|g| g["table_id"] == t["id"])
        {
            if let Some(i) = g["inviter_id"].as_i64() {
                *by.entry(i).or_default() += 1;
            }
        }
        let best_assistant = r
            .assistants
            .iter()
            .map(|x| by.get(x).copied().unwrap_or(0))
            .max()
            .unwrap();
        if best_assistant > 0 {
            assert!(
                by.get(&a).copied().unwrap_or(0) > 0,
                "table {} got assistant {a} who invited none of {by:?}",
                t["number"]
            );
        }
    }
}

#[test]
fn locks_are_kept_by_re_runs_and_moves_swap() {
    let app = app();
    let r = room(&app, 3, 8, 3, 10);
    call(&app, "seating.auto", json!({"seminar_id": r.seminar})).unwrap();
    let before = seats_of(&plan(&app, r.seminar));
    let a = r.guests[0][0];
    let b = *before.keys().find(|c| before[c].0 != before[&a].0).unwrap();
    // Drop a onto b's seat: they swap.
    let (bt, bs) = before[&b];
    let out = call(&app, "seating.move", json!({"seminar_id": r.seminar, "contact_id": a, "table_id": bt, "seat": bs, "confirm": true, "lock": true})).unwrap();
    assert_eq!(out["applied"], true);
    assert_eq!(out["swapped_with"], b);
    let after = seats_of(&plan(&app, r.seminar));
    assert_eq!(after[&a], (bt, bs));
    assert_eq!(after[&b], before[&a]);
    // Re-running keeps the locked seat.
    call(&app, "seating.auto", json!({"seminar_id": r.seminar})).unwrap();
    let again = plan(&app, r.seminar);
    assert_eq!(seats_of(&again)[&a], (bt, bs));
    let g = again["guests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["contact_id"] == a)
        .unwrap();
    assert_eq!(g["locked"], true);
    assert!(g["reasons"].to_string().contains("座位已锁定"));
    // Unlock.
    call(
        &app,
        "seating.lock",
        json!({"seminar_id": r.seminar, "contact_id": a, "locked": false}),
    )
    .unwrap();
    // A locked occupant cannot be swapped away.
    call(
        &app,
        "seating.lock",
        json!({"seminar_id": r.seminar, "contact_id": b, "locked": true}),
    )
    .unwrap();
    let (t2, s2) = seats_of(&plan(&app, r.seminar))[&b];
    let err = call(
        &app,
        "seating.move",
        json!({"seminar_id": r.seminar, "contact_id": a, "table_id": t2, "seat": s2}),
    )
    .unwrap_err();
    assert_eq!(err.code(), "conflict");
    assert!(err.message(Lang::Zh).contains("已锁定"));
}

#[test]
fn a_move_breaking_a_hard_rule_is_warned_and_needs_confirmation() {
    let app = app();
    let r = room(&app, 3, 8, 3, 10);
    call(&app, "seating.auto", json!({"seminar_id": r.seminar})).unwrap();
    // Store 1 has two contacts, kept together by a hard rule: split them.
    let (c0, c1) = (r.guests[1][0], r.guests[1][1]);
    let seats = seats_of(&plan(&app, r.seminar));
    let other = r
        .tables
        .iter()
        .copied()
        .find(|t| *t != seats[&c0].0)
        .unwrap();
    let before = dump(&app);
    let out = call(
        &app,
        "seating.move",
        json!({"seminar_id": r.seminar, "contact_id": c1, "table_id": other}),
    )
    .unwrap();
    assert_eq!(out["applied"], false);
    let w = out["warnings"].to_string();
    assert!(
        w.contains("客1-0") && w.contains("客1-1") && w.contains("同店同桌"),
        "{w}"
    );
    assert_eq!(dump(&app), before, "nothing written without confirmation");
    let out = call(
        &app,
        "seating.move",
        json!({"seminar_id": r.seminar, "contact_id": c1, "table_id": other, "confirm": true}),
    )
    .unwrap();
    assert_eq!(out["applied"], true);
    let p = plan(&app, r.seminar);
    assert_eq!(seats_of(&p)[&c1].0, other);
    assert!(!p["hard_violations"].as_array().unwrap().is_empty());
    // The assistant's seat is not for guests.
    let t = &p["tables"][0];
    let err = call(&app, "seating.move", json!({"seminar_id": r.seminar, "contact_id": c0, "table_id": t["id"], "seat": t["assistant_seat"]})).unwrap_err();
    assert_eq!(err.field(), Some("seat"));
}

#[test]
fn hand_made_and_hard_rules_are_kept() {
    let app = app();
    let r = room(&app, 4, 8, 4, 16);
    let (x, y, z) = (r.guests[0][0], r.guests[4][0], r.guests[8][0]);
    let rules = json!([
        {"kind": "by_inviter", "weight": 5},
        {"kind": "by_industry", "weight": 1},
        {"kind": "by_district", "weight": 1},
        {"kind": "by_level", "weight": 1},
        {"kind": "key_near_stage", "weight": 3},
        {"kind": "keep_store_together", "hard": true},
        {"kind": "keep_referrer_together", "weight": 2},
        {"kind": "keep_apart_competitors", "hard": true},
        {"kind": "keep_together", "hard": true, "contact_ids": [x, y]},
        {"kind": "keep_apart", "hard": true, "contact_ids": [x, z]},
        {"kind": "assistant_seat", "hard": true},
        {"kind": "walk_in_reserve", "hard": true, "seats": 3}
    ]);
    call(
        &app,
        "seating.rules",
        json!({"seminar_id": r.seminar, "rules": rules}),
    )
    .unwrap();
    let out = call(&app, "seating.auto", json!({"seminar_id": r.seminar})).unwrap();
    assert_eq!(out["hard_violations"], json!([]), "{out}");
    let p = plan(&app, r.seminar);
    assert_consistent(&p);
    let s = seats_of(&p);
    assert_eq!(s[&x].0, s[&y].0, "kept together");
    assert_ne!(s[&x].0, s[&z].0, "kept apart");
    // Competitors (same industry and district, other store) never share a table.
    let gs = p["guests"].as_array().unwrap();
    for a in gs {
        for b in gs {
            if a["store_id"] != b["store_id"]
                && a["industry"] == b["industry"]
                && a["district"] == b["district"]
            {
                assert_ne!(
                    a["table_id"], b["table_id"],
                    "competitors {} and {}",
                    a["name"], b["name"]
                );
            }
        }
    }
    // Three free seats kept for walk-ins.
    let seats: i64 = p["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["seats"].as_i64().unwrap() - 1)
        .sum();
    assert!(seats - p["seated"].as_i64().unwrap() >= 3);
    // A rule that cannot be hard is refused.
    let err = call(
        &app,
        "seating.rules",
        json!({"seminar_id": r.seminar, "rules": [{"kind": "by_level", "hard": true}]}),
    )
    .unwrap_err();
    assert_eq!(err.field(), Some("rules"));
}

fn refused_unchanged(app: &App, op: &str, input: Value, field: &str, zh: &str, en: &str) {
    let before = dump(app);
    let err = call(app, op, input).unwrap_err();
    assert_eq!(err.field(), Some(field), "{err}");
    let (mz, me) = (err.message(Lang::Zh), err.message(Lang::En));
    assert!(mz.contains(zh), "«{mz}» should mention «{zh}»");
    assert!(me.contains(en), "«{me}» should mention «{en}»");
    assert_eq!(dump(app), before, "the previous seating is untouched");
}

#[test]
fn more_guests_than_seats_says_how_many_are_missing_and_seats_none() {
    let app = app();
    // 12 stores → 18 guests; 2 tables of 8 with a hard assistant seat → 14 seats.
    let r = room(&app, 2, 8, 2, 12);
    refused_unchanged(
        &app,
        "seating.auto",
        json!({"seminar_id": r.seminar}),
        "seats",
        "还缺 4 个座位",
        "4 seats are missing",
    );
    // Also after a previous seating: it stays as it was.
    let app = app_with_seating();
    let (app, seminar, extra) = app;
    let before_plan = seats_of(&plan(&app, seminar));
    for s in 0..extra {
        let store = id(&call(&app, "stores.create", json!({"name": format!("加店{s}")})).unwrap());
        let c = id(&call(
            &app,
            "contacts.create",
            json!({"store_id": store, "name": format!("加客{s}"), "role": "owner"}),
        )
        .unwrap());
        let inv = id(&call(
            &app,
            "invitations.create",
            json!({"seminar_id": seminar, "store_id": store, "contact_ids": [c]}),
        )
        .unwrap());
        call(
            &app,
            "invitations.set_status",
            json!({"id": inv, "status": "confirmed"}),
        )
        .unwrap();
    }
    refused_unchanged(
        &app,
        "seating.auto",
        json!({"seminar_id": seminar}),
        "seats",
        "还缺",
        "seats are missing",
    );
    assert_eq!(seats_of(&plan(&app, seminar)), before_plan);
}

/// A seated seminar with 2 tables of 6 (10 seats for guests), 7 guests; returns how many more
/// single-guest stores overflow it.
fn app_with_seating() -> (App, i64, usize) {
    let app = app();
    let r = room(&app, 2, 6, 2, 5);
    call(&app, "seating.auto", json!({"seminar_id": r.seminar})).unwrap();
    (app, r.seminar, 6)
}

#[test]
fn contradictory_hard_rules_name_the_guests() {
    let app = app();
    let r = room(&app, 3, 6, 3, 8);
    call(&app, "seating.auto", json!({"seminar_id": r.seminar})).unwrap();
    // A hard keep-together group larger than a table (5 seats for guests).
    let all: Vec<i64> = r.guests.iter().take(5).flatten().copied().collect();
    call(&app, "seating.rules", json!({"seminar_id": r.seminar, "rules": [{"kind": "keep_together", "hard": true, "contact_ids": all}, {"kind": "assistant_seat", "hard": true}]})).unwrap();
    refused_unchanged(
        &app,
        "seating.auto",
        json!({"seminar_id": r.seminar}),
        "rules",
        "客0-0",
        "largest table seats 5",
    );
    // A locked guest in a hard keep-apart pair with another locked at the same table.
    let p = plan(&app, r.seminar);
    let seats = seats_of(&p);
    let a = r.guests[0][0];
    let b = *seats
        .keys()
        .find(|c| **c != a && seats[c].0 == seats[&a].0)
        .unwrap();
    call(&app, "seating.rules", json!({"seminar_id": r.seminar, "rules": [{"kind": "keep_apart", "hard": true, "contact_ids": [a, b]}]})).unwrap();
    call(
        &app,
        "seating.lock",
        json!({"seminar_id": r.seminar, "contact_id": a, "locked": true}),
    )
    .unwrap();
    call(
        &app,
        "seating.lock",
        json!({"seminar_id": r.seminar, "contact_id": b, "locked": true}),
    )
    .unwrap();
    refused_unchanged(
        &app,
        "seating.auto",
        json!({"seminar_id": r.seminar}),
        "rules",
        "必须分开，但都被锁定",
        "must sit apart but are both locked",
    );
}

#[test]
fn an_assistant_on_too_many_tables_is_refused() {
    let app = app();
    let r = room(&app, 3, 10, 2, 6);
    let a = r.assistants[0];
    call(
        &app,
        "tables.update",
        json!({"id": r.tables[0], "number": 1, "seats": 10, "x": 160, "y": 200, "assistant_id": a}),
    )
    .unwrap();
    refused_unchanged(
        &app,
        "tables.update",
        json!({"id": r.tables[1], "number": 2, "seats": 10, "x": 380, "y": 200, "assistant_id": a}),
        "assistant_id",
        "助教助教0被安排在 1、2 号桌",
        "Assistant 助教0 is on tables 1、2",
    );
    // Two adjacent small tables may share one when the plan allows it.
    let small = room(&app, 2, 6, 1, 2);
    call(&app, "seating.settings", json!({"seminar_id": small.seminar, "stage_x": 300, "stage_y": 40, "max_tables_per_assistant": 2, "assign_assistants": false})).unwrap();
    let b = small.assistants[0];
    call(&app, "tables.update", json!({"id": small.tables[0], "number": 1, "seats": 6, "x": 160, "y": 200, "assistant_id": b})).unwrap();
    call(&app, "tables.update", json!({"id": small.tables[1], "number": 2, "seats": 6, "x": 380, "y": 200, "assistant_id": b})).unwrap();
    call(&app, "seating.auto", json!({"seminar_id": small.seminar})).unwrap();
    refused_unchanged(
        &app,
        "seating.settings",
        json!({"seminar_id": small.seminar, "stage_x": 300, "stage_y": 40, "max_tables_per_assistant": 3, "assign_assistants": false}),
        "max_tables_per_assistant",
        "1 到 2",
        "between 1 and 2",
    );
}

#[test]
fn zero_seat_tables_are_refused() {
    let app = app();
    let r = room(&app, 2, 10, 2, 4);
    refused_unchanged(
        &app,
        "tables.create",
        json!({"seminar_id": r.seminar, "number": 9, "seats": 0}),
        "seats",
        "9 号桌的座位数必须至少为 1",
        "Table 9 needs at least 1 seat",
    );
    // The solver refuses them too, naming the tables.
    let p = huixiao::seating::solve::Problem {
        tables: vec![
            huixiao::seating::solve::TableIn {
                id: 1,
                number: 3,
                seats: 0,
                ..Default::default()
            },
            huixiao::seating::solve::TableIn {
                id: 2,
                number: 4,
                seats: 10,
                ..Default::default()
            },
        ],
        ..Default::default()
    };
    let err = huixiao::seating::solve::solve(&p).unwrap_err();
    assert_eq!(err.field(), Some("seats"));
    assert!(err.message(Lang::Zh).contains("3 号桌没有座位"));
    assert!(err.message(Lang::En).contains("Table 3 has no seats"));
}

#[test]
fn day_of_reseating_compacts_half_empty_tables() {
    let app = app();
    call(&app, "demo.load", json!({"today": "2026-11-22"})).unwrap();
    // Seminar 2 is live today with a few early arrivals.
    let seminar = 2;
    call(&app, "seating.auto", json!({"seminar_id": seminar})).unwrap();
    let err = call(&app, "seating.reseat", json!({"seminar_id": seminar})).unwrap_err();
    assert_eq!(err.code(), "conflict", "doors must be closed first");
    call(&app, "seating.close_doors", json!({"seminar_id": seminar})).unwrap();
    let prop = call(&app, "seating.reseat", json!({"seminar_id": seminar})).unwrap();
    let moves = prop["moves"].as_array().unwrap();
    assert!(
        !moves.is_empty(),
        "with 6 arrivals most tables are half empty: {prop}"
    );
    assert!(!prop["tables_freed"].as_array().unwrap().is_empty());
    // Reject leaves seats as they are; a new proposal, accepted, applies the moves.
    let before = seats_of(&plan(&app, seminar));
    call(
        &app,
        "seating.reseat_decide",
        json!({"id": prop["id"], "accept": false}),
    )
    .unwrap();
    assert_eq!(seats_of(&plan(&app, seminar)), before);
    let prop = call(&app, "seating.reseat", json!({"seminar_id": seminar})).unwrap();
    let view = call(
        &app,
        "seating.reseat_decide",
        json!({"id": prop["id"], "accept": true}),
    )
    .unwrap();
    let after = seats_of(&view);
    for m in prop["moves"].as_array().unwrap() {
        assert_eq!(
            after[&m["contact_id"].as_i64().unwrap()],
            (m["table_id"].as_i64().unwrap(), m["seat"].as_i64().unwrap())
        );
    }
    assert_consistent(&view);
    let err = call(
        &app,
        "seating.reseat_decide",
        json!({"id": prop["id"], "accept": true}),
    )
    .unwrap_err();
    assert_eq!(err.code(), "conflict");
}

#[test]
fn printouts_are_pdfs_with_the_names() {
    let app = app();
    let r = room(&app, 4, 10, 4, 12);
    call(&app, "seating.auto", json!({"seminar_id": r.seminar})).unwrap();
    for kind in ["chart", "cards", "badges", "list", "assistant"] {
        let out = call(
            &app,
            "seating.pdf",
            json!({"seminar_id": r.seminar, "kind": kind}),
        )
        .unwrap();
        let b64 = out["base64"].as_str().unwrap();
        assert!(b64.starts_with("JVBERi0"), "{kind}: a PDF");
        assert!(out["file_name"].as_str().unwrap().ends_with(".pdf"));
    }
}

fn huixiao() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_huixiao"));
    c.env(
        "HUIXIAO_DATA_DIR",
        std::env::temp_dir().join("huixiao-test-data"),
    );
    c.env_remove("HUIXIAO_LANG");
    c
}

#[test]
fn cli_seating_auto_and_pdf() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let ok = huixiao()
        .arg("--db")
        .arg(&db)
        .args(["demo", "--today", "2026-11-22"])
        .output()
        .unwrap();
    assert!(ok.status.success());
    let out = huixiao()
        .arg("--db")
        .arg(&db)
        .args(["seating", "auto", "--seminar", "2", "--json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    for k in [
        "seated",
        "unseated",
        "hard_violations",
        "score",
        "badly_seated",
    ] {
        assert!(v.get(k).is_some(), "{k} in {v}");
    }
    assert!(v["seated"].as_i64().unwrap() > 40);
    let text = huixiao()
        .arg("--db")
        .arg(&db)
        .args(["--lang", "en", "seating", "auto", "--seminar", "2"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&text.stdout).contains("Seated"));
    for kind in ["chart", "cards", "badges", "list", "assistant"] {
        let file = dir.path().join(format!("{kind}.pdf"));
        let out = huixiao()
            .arg("--db")
            .arg(&db)
            .args(["seating", "pdf", "--seminar", "2", "--kind", kind, "--out"])
            .arg(&file)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{kind}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(std::fs::read(&file).unwrap().starts_with(b"%PDF-"));
    }
    let bad = huixiao()
        .arg("--db")
        .arg(&db)
        .args([
            "seating",
            "pdf",
            "--seminar",
            "2",
            "--kind",
            "poster",
            "--out",
            "/tmp/x.pdf",
        ])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("chart"));
}

#[test]
fn tables_are_added_on_the_grid_and_only_empty_ones_removed() {
    let app = crate::support::app();
    let w = crate::support::world(&app);
    let call = |op: &str, input: serde_json::Value| crate::support::call(&app, op, input);
    let tables = call(
        "tables.add_grid",
        serde_json::json!({"seminar_id": w.seminar, "count": 6, "seats": 8}),
    )
    .unwrap();
    let t = tables.as_array().unwrap();
    assert_eq!(t.len(), 6);
    assert_eq!(
        (t[0]["number"].as_i64(), t[5]["number"].as_i64()),
        (Some(1), Some(6))
    );
    assert!(t.iter().all(|x| x["seats"] == 8));
    // Four to a row: the fifth starts the second row.
    assert_eq!(t[4]["x"], t[0]["x"]);
    assert!(t[4]["y"].as_f64() > t[0]["y"].as_f64());
    let more = call(
        "tables.add_grid",
        serde_json::json!({"seminar_id": w.seminar, "count": 1}),
    )
    .unwrap();
    assert_eq!(more.as_array().unwrap().last().unwrap()["number"], 7);
    assert_eq!(
        more.as_array().unwrap().last().unwrap()["seats"],
        10,
        "ten seats by default"
    );

    let before = crate::support::dump(&app);
    let err = call(
        "tables.add_grid",
        serde_json::json!({"seminar_id": w.seminar, "count": 2, "seats": 0}),
    )
    .unwrap_err();
    assert_eq!(err.field(), Some("seats"));
    assert_eq!(
        crate::support::dump(&app),
        before,
        "no table of the two was added"
    );

    let gone = call("tables.delete", serde_json::json!({"id": t[5]["id"]})).unwrap();
    assert_eq!(gone.as_array().unwrap().len(), 6);
}

/// An assistant the organizer put at a table stays there when the guests are seated automatically.
#[test]
fn automatic_seating_keeps_the_assistants_set_by_hand() {
    let app = app();
    let r = room(&app, 4, 10, 4, 20);
    // By hand: table 1 gets the last assistant, whatever the inviters say.
    let chosen = *r.assistants.last().unwrap();
    call(&app, "tables.update", json!({"id": r.tables[0], "number": 1, "seats": 10, "x": 160, "y": 200, "assistant_id": chosen})).unwrap();
    call(&app, "seating.auto", json!({"seminar_id": r.seminar})).unwrap();
    let p = plan(&app, r.seminar);
    let table1 = p["tables"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == r.tables[0])
        .unwrap()
        .clone();
    assert_eq!(table1["assistant_id"], chosen, "{table1}");
}

#[test]
fn a_badly_seated_guest_is_told_which_preference_is_not_met_and_with_whom() {
    let app = app();
    let r = room(&app, 3, 10, 3, 12);
    call(&app, "seating.auto", json!({"seminar_id": r.seminar})).unwrap();
    // Store 2 (one contact, not a key customer, 超市 in 天心区) moved alone to a new table: none
    // of its grouping preferences is met.
    let lonely = id(&call(
        &app,
        "tables.create",
        json!({"seminar_id": r.seminar, "number": 9, "seats": 10, "x": 900, "y": 600}),
    )
    .unwrap());
    let guest = r.guests[2][0];
    call(&app, "seating.move", json!({"seminar_id": r.seminar, "contact_id": guest, "table_id": lonely, "seat": 1, "confirm": true})).unwrap();
    let view = plan(&app, r.seminar);
    let g = view["guests"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["contact_id"] == guest)
        .unwrap();
    assert_eq!(g["badly_seated"], true, "{g}");
    let zh: Vec<&str> = g["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["zh"].as_str().unwrap())
        .collect();
    // 超市 is every third store: 客5-0, 客8-0, 客11-0 sit elsewhere.
    assert!(
        zh.iter().any(|p| p.starts_with("客2-0 想和")
            && p.contains("客5-0")
            && p.contains("同行业：超市")
            && p.ends_with("未满足")),
        "{zh:?}"
    );
    let en = g["problems"].to_string();
    assert!(
        en.contains("wanted to sit with") && en.contains("same industry: 超市"),
        "{en}"
    );
    assert!(
        !view.to_string().contains("大多数分组偏好"),
        "no reason that names nothing"
    );
}

#[test]
fn automatic_seating_with_no_tables_points_at_the_tables_button() {
    let app = app();
    let w = crate::support::world(&app);
    let e = call(&app, "seating.auto", json!({"seminar_id": w.seminar})).unwrap_err();
    let zh = e.message(Lang::Zh);
    // Tables are added with the 桌子 button (on the room's grid), not on a floor plan.
    assert!(zh.contains("「桌子」按钮"), "{zh}");
    assert!(e.message(Lang::En).contains("Tables button"));
}
