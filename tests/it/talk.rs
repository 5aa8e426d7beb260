//! The talk: script templates copied and edited, stable kinds, cue scheduling, the stage log and
//! its timing, the live ticker against the tier quota, the set-up checklist and its readiness.

use std::path::Path;
use std::process::Command;

use chrono::{Duration, TimeZone, Utc};
use huixiao::app::Clock;
use huixiao::script::{self, cue, CueAction};
use huixiao::App;
use serde_json::{json, Value};

use crate::deals::{deal, setup};
use crate::support::{app, app_on_the_day, call, dump, world};

fn err_field(r: Result<Value, huixiao::api::Failure>) -> (String, String) {
    let e = r.unwrap_err();
    (
        e.field().unwrap_or_default().to_owned(),
        e.message(huixiao::i18n::Lang::Zh),
    )
}

/// The script input to save the view `v` as it is.
fn input(v: &Value) -> Value {
    json!({"seminar_id": v["seminar_id"], "name": v["name"], "stages": v["stages"], "cues": v["cues"], "product_id": v["product_id"]})
}

#[test]
fn a_seminar_copies_the_default_template_edits_its_copy_and_saves_it_as_a_template() {
    let app = app();
    let w = world(&app);
    let v = call(&app, "script.get", json!({"seminar_id": w.seminar})).unwrap();
    assert_eq!(v["saved"], false, "no copy yet: the default template shows");
    let kinds: Vec<&str> = v["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        ["icebreak", "trend", "pain", "tool", "value", "price"]
    );
    assert_eq!(v["total_minutes"], 110);

    let copied = call(
        &app,
        "script.copy_template",
        json!({"seminar_id": w.seminar}),
    )
    .unwrap();
    assert_eq!(copied["saved"], true);
    let mut edit = input(&copied);
    edit["stages"][0]["title"] = json!("开场暖场");
    edit["stages"][0]["target_minutes"] = json!(8);
    edit["save_as_template"] = json!("我的话术");
    let saved = call(&app, "script.save", edit).unwrap();
    assert_eq!(saved["stages"][0]["title"], "开场暖场");
    assert_eq!(saved["total_minutes"], 108);

    let templates = call(&app, "script.templates", json!({})).unwrap();
    let names: Vec<&str> = templates
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["标准六步会销话术", "我的话术"]);
    // Another seminar copies the saved template; the default template itself is unchanged.
    let other = call(
        &app,
        "seminars.create",
        json!({"title": "第二场", "date": "2026-12-06", "start_time": "14:00", "capacity": 80}),
    )
    .unwrap();
    let copy = call(
        &app,
        "script.copy_template",
        json!({"seminar_id": other["id"], "template_id": templates[1]["id"]}),
    )
    .unwrap();
    assert_eq!(copy["stages"][0]["title"], "开场暖场");
    assert_eq!(templates[0]["stages"][0]["title"], "破冰热场");
    // Editing the seminar's copy leaves the template alone.
    let mut again = input(&copy);
    again["stages"][0]["title"] = json!("换个开场");
    call(&app, "script.save", again).unwrap();
    let t = call(&app, "script.templates", json!({})).unwrap();
    assert_eq!(t[1]["stages"][0]["title"], "开场暖场");
}

/// An app on the file `db` whose clock reads `t` (each step of the talk at its own time).
fn app_at(db: &Path, t: chrono::DateTime<Utc>) -> App {
    App::open(db).unwrap().with_clock(Clock::Fixed(t))
}

#[test]
fn the_stage_log_times_each_stage_and_kinds_survive_renames_and_moves() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let start = Utc.with_ymd_and_hms(2026, 11, 29, 6, 0, 0).unwrap();
    let seminar = {
        let a = app_at(&db, start);
        let w = world(&a);
        call(&a, "script.copy_template", json!({"seminar_id": w.seminar})).unwrap();
        // A rehearsal before the day records nothing.
        let r = call(
            &a,
            "talk.goto",
            json!({"seminar_id": w.seminar, "stage_key": "trend"}),
        )
        .unwrap();
        assert_eq!(
            (r["recording"].clone(), r["log"].clone()),
            (json!(false), json!([]))
        );
        call(
            &a,
            "seminars.set_status",
            json!({"id": w.seminar, "status": "live"}),
        )
        .unwrap();
        w.seminar
    };
    let goto = |mins: i64, key: &str| {
        let a = app_at(&db, start + Duration::minutes(mins));
        call(
            &a,
            "talk.goto",
            json!({"seminar_id": seminar, "stage_key": key, "step": 0}),
        )
        .unwrap()
    };
    goto(0, "icebreak");
    goto(12, "trend");
    let same = goto(20, "trend");
    assert_eq!(
        same["log"].as_array().unwrap().len(),
        2,
        "the same stage again is no new run"
    );
    let state = goto(35, "pain");
    assert_eq!(state["current"], "pain");
    assert_eq!(state["log"][0]["actual_seconds"], 12 * 60);
    assert_eq!(state["log"][1]["actual_seconds"], 23 * 60);
    assert_eq!(state["log"][2]["ended_at"], Value::Null);

    // The organizer renames the pain stage and moves it first; the log and timing keep its kind.
    let a = app_at(&db, start + Duration::minutes(40));
    let v = call(&a, "script.get", json!({"seminar_id": seminar})).unwrap();
    let mut edit = input(&v);
    let stages = edit["stages"].as_array_mut().unwrap();
    let mut pain = stages.remove(2);
    pain["title"] = json!("客户的烦恼");
    stages.insert(0, pain);
    let saved = call(&a, "script.save", edit).unwrap();
    assert_eq!(saved["stages"][0]["key"], "pain");
    assert_eq!(saved["stages"][0]["kind"], "pain");
    drop(a);
    let a = app_at(&db, start + Duration::minutes(55));
    call(&a, "talk.end", json!({"seminar_id": seminar})).unwrap();
    let timing = call(&a, "talk.timing", json!({"seminar_id": seminar})).unwrap();
    let pain = timing
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["kind"] == "pain")
        .unwrap();
    assert_eq!(pain["planned_minutes"], 20);
    assert_eq!(pain["actual_seconds"], 20 * 60);
    assert_eq!(timing[0]["kind"], "pain", "in the script's new order");
    let tool = timing
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["kind"] == "tool")
        .unwrap();
    assert_eq!(tool["actual_seconds"], Value::Null, "not run yet");
    // The CLI prints kinds with target and actual times.
    let out = Command::new(env!("CARGO_BIN_EXE_huixiao"))
        .env("HUIXIAO_DATA_DIR", dir.path())
        .args([
            "script",
            "show",
            "--seminar",
            &seminar.to_string(),
            "--json",
            "--db",
        ])
        .arg(&db)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let show: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(show["stages"][0]["kind"], "pain");
    assert_eq!(show["stages"][0]["title"], "客户的烦恼");
    assert_eq!(show["stages"][0]["actual_seconds"], 20 * 60);
    assert_eq!(show["stages"][0]["planned_start"], "14:00");
    assert_eq!(show["stages"][1]["planned_start"], "14:20");
    assert!(show["stages"][6 - 1]["cues"].as_array().unwrap().len() >= 4);
}

#[test]
fn cues_schedule_the_right_file_volume_and_tiers_at_each_step() {
    let (_, body) = script::default_template(huixiao::i18n::Lang::Zh);
    let at = |key: &str, step: i64| cue::music_at(&body, key, step);
    let opening = at("icebreak", 0).unwrap();
    assert_eq!(
        (opening.file.as_str(), opening.volume, opening.fade_seconds),
        ("audio/开场音乐.mp3", 80, 2)
    );
    let under = at("icebreak", 1).unwrap();
    assert_eq!(
        (under.file.as_str(), under.volume, under.fade_seconds),
        ("audio/开场音乐.mp3", 20, 4)
    );
    assert_eq!(
        at("icebreak", 2).unwrap().volume,
        20,
        "carried to the next marker"
    );
    assert_eq!(at("icebreak", 3).unwrap().volume, 0, "faded out");
    assert_eq!(
        at("trend", 0).unwrap().volume,
        0,
        "silence carries into the next stage"
    );
    let pain = at("pain", 0).unwrap();
    assert_eq!(
        (pain.file.as_str(), pain.volume),
        ("audio/背景音乐-低沉.mp3", 25)
    );
    let closing = at("price", 4).unwrap();
    assert_eq!(
        (closing.file.as_str(), closing.volume),
        ("audio/成交音乐.mp3", 70)
    );

    let points = cue::schedule(&body);
    let price: Vec<_> = points.iter().filter(|p| p.stage_key == "price").collect();
    let revealed: Vec<i64> = price.iter().map(|p| p.revealed_tiers).collect();
    assert_eq!(revealed, [0, 1, 2, 3, 3]);
    assert!(price[4]
        .cues
        .iter()
        .any(|c| c.action == CueAction::StartClosing));
    // A music cue moved to another step moves its effect.
    let mut moved = body.clone();
    let i = moved
        .cues
        .iter()
        .position(|c| c.stage == "pain" && c.step == 0)
        .unwrap();
    moved.cues[i].step = 2;
    assert_eq!(cue::music_at(&moved, "pain", 0).unwrap().volume, 0);
    assert_eq!(cue::music_at(&moved, "pain", 2).unwrap().volume, 25);
}

#[test]
fn the_ticker_counts_deals_per_tier_and_places_left_against_the_quota() {
    let app = app_on_the_day();
    let (w, product, limited) = setup(&app, 5);
    let v = call(
        &app,
        "script.copy_template",
        json!({"seminar_id": w.seminar}),
    )
    .unwrap();
    let mut plan = input(&v);
    plan["product_id"] = json!(product);
    call(&app, "script.save", plan).unwrap();
    let t = call(&app, "talk.ticker", json!({"seminar_id": w.seminar})).unwrap();
    assert_eq!(t["tiers"][2]["places_left"], 5);
    assert_eq!(t["tiers"][0]["places_left"], Value::Null, "unlimited");
    for _ in 0..5 {
        call(&app, "deals.create", deal(&w, product, limited)).unwrap();
    }
    let t = call(&app, "talk.ticker", json!({"seminar_id": w.seminar})).unwrap();
    assert_eq!(t["tiers"][2]["deals"], 5);
    assert_eq!(t["tiers"][2]["places_left"], 0);
    assert_eq!(t["deals"], 5);
    // The 6th is refused (the seminar refuses by default) and the ticker does not move.
    let before = dump(&app);
    assert!(call(&app, "deals.create", deal(&w, product, limited)).is_err());
    assert_eq!(dump(&app), before);
    // Configured to warn: the 6th is recorded with a warning, no places are left.
    let mut s = call(&app, "seminars.get", json!({"id": w.seminar})).unwrap();
    s["quota_policy"] = json!("warn");
    call(&app, "seminars.update", s).unwrap();
    let r = call(&app, "deals.create", deal(&w, product, limited)).unwrap();
    assert_eq!(r["warnings"].as_array().unwrap().len(), 1);
    let t = call(&app, "talk.ticker", json!({"seminar_id": w.seminar})).unwrap();
    assert_eq!(t["tiers"][2]["deals"], 6);
    assert_eq!(t["tiers"][2]["places_left"], 0);
}

#[test]
fn checklist_readiness_needs_every_tick_every_audio_file_a_script_and_a_price_plan() {
    let dir = tempfile::tempdir().unwrap();
    let app = App::open(&dir.path().join("c.db"))
        .unwrap()
        .with_clock(Clock::Fixed(crate::support::fixed_now()));
    let (w, product, _) = setup(&app, 5);
    let empty = call(&app, "checklist.get", json!({"seminar_id": w.seminar})).unwrap();
    assert_eq!(empty["items"], json!([]));
    assert_eq!(empty["readiness"]["ready"], false);
    let c = call(
        &app,
        "checklist.copy_template",
        json!({"seminar_id": w.seminar}),
    )
    .unwrap();
    let items = c["items"].as_array().unwrap().clone();
    assert!(items.len() >= 8);
    assert!(items.iter().any(|i| i["check"] == "audio_files"));
    call(
        &app,
        "checklist.assign",
        json!({"id": items[0]["id"], "assignee_id": w.assistant}),
    )
    .unwrap();
    for it in &items {
        call(
            &app,
            "checklist.tick",
            json!({"id": it["id"], "done": true}),
        )
        .unwrap();
    }
    let r = call(&app, "talk.readiness", json!({"seminar_id": w.seminar})).unwrap();
    assert_eq!(r["items_done"], r["items_total"]);
    assert_eq!(r["script_saved"], false);
    assert_eq!(r["ready"], false, "no script of its own, no price plan");
    let by = r["by_assignee"].as_array().unwrap();
    assert!(by
        .iter()
        .any(|a| a["assignee_id"] == w.assistant && a["done"] == 1));

    // The script: its relative audio files are looked up next to the database; four are missing.
    let v = call(
        &app,
        "script.copy_template",
        json!({"seminar_id": w.seminar}),
    )
    .unwrap();
    let mut plan = input(&v);
    plan["product_id"] = json!(product);
    call(&app, "script.save", plan).unwrap();
    let r = call(&app, "talk.readiness", json!({"seminar_id": w.seminar})).unwrap();
    assert_eq!(r["missing_audio"].as_array().unwrap().len(), 4, "{r}");
    assert_eq!(r["ready"], false);
    std::fs::create_dir_all(dir.path().join("audio")).unwrap();
    for f in r["missing_audio"].as_array().unwrap() {
        std::fs::write(dir.path().join(f.as_str().unwrap()), b"RIFF").unwrap();
    }
    let r = call(&app, "talk.readiness", json!({"seminar_id": w.seminar})).unwrap();
    assert_eq!(r["missing_audio"], json!([]));
    assert_eq!(r["ready"], true);
    // The prompter can fetch a cue's file, and only a cue's file.
    let a = call(
        &app,
        "script.audio",
        json!({"seminar_id": w.seminar, "file": "audio/开场音乐.mp3"}),
    )
    .unwrap();
    assert_eq!(a["mime"], "audio/mpeg");
    assert_eq!(a["data_base64"], "UklGRg==");
    let (field, _) = err_field(call(
        &app,
        "script.audio",
        json!({"seminar_id": w.seminar, "file": "/etc/passwd"}),
    ));
    assert_eq!(field, "file");
    // Unticking one item makes it not ready again; editing the list keeps the other ticks.
    call(
        &app,
        "checklist.tick",
        json!({"id": items[1]["id"], "done": false}),
    )
    .unwrap();
    let mut kept: Vec<Value> = items
        .iter()
        .map(|i| json!({"id": i["id"], "area": i["area"], "title": i["title"], "check": i["check"], "assignee_id": i["assignee_id"]}))
        .collect();
    kept.remove(1);
    kept.push(json!({"title": "茶歇台布置好", "area": "会场"}));
    let after = call(
        &app,
        "checklist.save",
        json!({"seminar_id": w.seminar, "items": kept}),
    )
    .unwrap();
    assert_eq!(after["items"].as_array().unwrap().len(), items.len());
    assert_eq!(after["readiness"]["items_done"], items.len() as i64 - 1);
    assert_eq!(after["readiness"]["open_items"], json!(["茶歇台布置好"]));
}

#[test]
fn bad_scripts_are_refused_with_the_field_and_nothing_is_written() {
    let app = app();
    let w = world(&app);
    let v = call(
        &app,
        "script.copy_template",
        json!({"seminar_id": w.seminar}),
    )
    .unwrap();
    let good = input(&v);
    let before = dump(&app);
    let try_save = |f: &dyn Fn(&mut Value)| {
        let mut bad = good.clone();
        f(&mut bad);
        err_field(call(&app, "script.save", bad))
    };
    let (field, msg) = try_save(&|b| b["stages"] = json!([]));
    assert_eq!(field, "stages");
    assert!(msg.contains("至少需要一个环节"), "{msg}");
    let (field, msg) = try_save(&|b| b["stages"][1]["target_minutes"] = json!(-5));
    assert_eq!(field, "stages");
    assert!(
        msg.contains("第 2 个环节“讲趋势”") && msg.contains("-5"),
        "{msg}"
    );
    let (_, msg) = try_save(&|b| b["stages"][1]["target_minutes"] = json!(1000));
    assert!(msg.contains("1000"), "{msg}");
    let (_, msg) = try_save(&|b| {
        for s in b["stages"].as_array_mut().unwrap() {
            s["target_minutes"] = json!(150);
        }
    });
    assert!(msg.contains("900"), "absurd total: {msg}");
    // Deleting a stage that still has cues.
    let (field, msg) = try_save(&|b| {
        b["stages"].as_array_mut().unwrap().remove(2);
    });
    assert_eq!(field, "cues");
    assert!(msg.contains("pain") && msg.contains("已不存在"), "{msg}");
    let (_, msg) = try_save(&|b| b["cues"][0]["step"] = json!(9));
    assert!(msg.contains("只有 3 个标记"), "{msg}");
    let (_, msg) = try_save(&|b| b["cues"][0]["volume"] = json!(150));
    assert!(msg.contains("音量"), "{msg}");
    let (_, msg) = try_save(&|b| b["cues"][0]["file"] = json!(" "));
    assert!(msg.contains("音频文件"), "{msg}");
    let (field, _) = try_save(&|b| b["product_id"] = json!(999));
    assert_eq!(field, "");
    let (field, _) = try_save(&|b| b["stages"][1]["key"] = json!("icebreak"));
    assert_eq!(field, "stages");
    let (field, _) = err_field(call(
        &app,
        "talk.goto",
        json!({"seminar_id": w.seminar, "stage_key": "nope"}),
    ));
    assert_eq!(field, "stage_key");
    let (field, _) = err_field(call(
        &app,
        "checklist.save",
        json!({"seminar_id": w.seminar, "items": []}),
    ));
    assert_eq!(field, "items");
    assert_eq!(dump(&app), before, "nothing written by any refused change");
    // A missing audio file is no error: it is saved and warned about in readiness.
    let mut fine = good.clone();
    fine["cues"][0]["file"] = json!("/nowhere/开场.mp3");
    call(&app, "script.save", fine).unwrap();
    let r = call(&app, "talk.readiness", json!({"seminar_id": w.seminar})).unwrap();
    assert!(r["missing_audio"]
        .as_array()
        .unwrap()
        .contains(&json!("/nowhere/开场.mp3")));
}

#[test]
fn the_script_pdf_has_every_stage_in_chinese() {
    let app = app();
    let w = world(&app);
    call(
        &app,
        "script.copy_template",
        json!({"seminar_id": w.seminar}),
    )
    .unwrap();
    let bytes = huixiao::script::print::pdf(&app, w.seminar, huixiao::i18n::Lang::Zh).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    assert!(bytes.len() < 400_000, "font subset: {} bytes", bytes.len());
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("s.pdf");
    std::fs::write(&f, &bytes).unwrap();
    let out = Command::new("pdftotext")
        .arg(&f)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils)");
    let text = String::from_utf8_lossy(&out.stdout);
    for title in [
        "破冰热场",
        "讲趋势",
        "戳痛点",
        "抛工具",
        "亮价值",
        "报价格",
        "开场音乐.mp3",
    ] {
        assert!(text.contains(title), "{title} in the PDF text:\n{text}");
    }
}

#[test]
fn the_seminar_report_and_the_comparison_carry_the_stage_timing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let start = Utc.with_ymd_and_hms(2026, 11, 29, 6, 0, 0).unwrap();
    let seminar = {
        let a = app_at(&db, start);
        let w = world(&a);
        call(&a, "script.copy_template", json!({"seminar_id": w.seminar})).unwrap();
        call(
            &a,
            "seminars.set_status",
            json!({"id": w.seminar, "status": "live"}),
        )
        .unwrap();
        w.seminar
    };
    let at = |mins: i64| app_at(&db, start + Duration::minutes(mins));
    let goto = |mins: i64, key: &str| {
        call(
            &at(mins),
            "talk.goto",
            json!({"seminar_id": seminar, "stage_key": key, "step": 0}),
        )
        .unwrap();
    };
    // Planned: icebreak 10, trend 20, pain 20, tool 25, value 20, price 15 minutes.
    goto(0, "icebreak");
    goto(12, "trend");
    goto(35, "price");
    call(&at(50), "talk.end", json!({"seminar_id": seminar})).unwrap();

    let a = at(60);
    let r = call(&a, "seminars.report", json!({"id": seminar})).unwrap();
    let timing: Vec<(String, i64, Value, Value, i64)> = r["stage_timing"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| {
            (
                k["kind"].as_str().unwrap().to_owned(),
                k["planned_minutes"].as_i64().unwrap(),
                k["actual_minutes"].clone(),
                k["difference_minutes"].clone(),
                k["runs"].as_i64().unwrap(),
            )
        })
        .collect();
    let row = |k: &str, p: i64, a: Value, d: Value, n: i64| (k.to_owned(), p, a, d, n);
    assert_eq!(
        timing,
        vec![
            row("icebreak", 10, json!(12.0), json!(2.0), 1),
            row("trend", 20, json!(23.0), json!(3.0), 1),
            row("pain", 20, Value::Null, Value::Null, 0),
            row("tool", 25, Value::Null, Value::Null, 0),
            row("value", 20, Value::Null, Value::Null, 0),
            row("price", 15, json!(15.0), json!(0.0), 1),
        ]
    );

    // The comparison: 50 minutes talked against 45 planned for the stages that ran; the price
    // stage began 35 minutes in.
    let c = call(&a, "seminars.compare", json!({})).unwrap();
    let s = c["seminars"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["seminar_id"] == seminar)
        .unwrap();
    assert_eq!(s["talk_overrun_minutes"], json!(5.0));
    assert_eq!(s["price_start_minutes"], json!(35.0));
    let others: Vec<&Value> = c["seminars"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["seminar_id"] != seminar)
        .collect();
    assert!(others.iter().all(|s| s["talk_overrun_minutes"].is_null()));
    drop(a);

    // The CLI: `report --seminar ID --json` has the field; the text prints the table.
    let run = |json: bool| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_huixiao"));
        cmd.env("HUIXIAO_DATA_DIR", dir.path())
            .args(["report", "--seminar", &seminar.to_string(), "--db"])
            .arg(&db);
        if json {
            cmd.arg("--json");
        }
        let out = cmd.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let r: Value = serde_json::from_str(&run(true)).unwrap();
    assert_eq!(r["stage_timing"][1]["kind"], "trend");
    assert_eq!(r["stage_timing"][1]["difference_minutes"], json!(3.0));
    let text = run(false);
    assert!(text.contains("环节用时"), "{text}");
    assert!(text.contains("+3.0"), "{text}");
}

#[test]
fn a_rehearsal_during_the_live_seminar_records_nothing_and_mistaken_steps_are_undone() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("t.db");
    let start = Utc.with_ymd_and_hms(2026, 11, 29, 6, 0, 0).unwrap();
    let seminar = {
        let a = app_at(&db, start);
        let w = world(&a);
        call(&a, "script.copy_template", json!({"seminar_id": w.seminar})).unwrap();
        for status in ["inviting", "live"] {
            call(
                &a,
                "seminars.set_status",
                json!({"id": w.seminar, "status": status}),
            )
            .unwrap();
        }
        w.seminar
    };
    let at = |secs: i64| app_at(&db, start + Duration::seconds(secs));
    let goto = |secs: i64, key: &str, rehearsal: bool| {
        call(
            &at(secs),
            "talk.goto",
            json!({"seminar_id": seminar, "stage_key": key, "rehearsal": rehearsal}),
        )
        .unwrap()
    };
    let keys = |s: &Value| -> Vec<String> {
        s["log"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["stage_key"].as_str().unwrap().to_owned())
            .collect()
    };
    goto(0, "icebreak", false);
    // The seminar is live, but the prompter is in rehearsal: PageDowns record nothing.
    let r = goto(60, "trend", true);
    let r2 = goto(61, "pain", true);
    assert_eq!(
        r["recording"], false,
        "the rehearsal says it records nothing"
    );
    assert_eq!(
        (keys(&r2), r2["current"].clone()),
        (vec!["icebreak".to_owned()], json!("icebreak"))
    );
    // Two steps recorded by mistake (0–1 s stages), then undone one by one.
    goto(120, "trend", false);
    goto(121, "pain", false);
    let u = call(&at(130), "talk.undo", json!({"seminar_id": seminar})).unwrap();
    assert_eq!(
        (keys(&u), u["current"].clone()),
        (
            vec!["icebreak".to_owned(), "trend".to_owned()],
            json!("trend")
        )
    );
    let u = call(&at(131), "talk.undo", json!({"seminar_id": seminar})).unwrap();
    assert_eq!(
        (keys(&u), u["current"].clone()),
        (vec!["icebreak".to_owned()], json!("icebreak"))
    );
    assert_eq!(
        u["log"][0]["ended_at"],
        Value::Null,
        "the first stage runs on"
    );
    // An end by mistake is taken back too; then the real end.
    call(&at(600), "talk.end", json!({"seminar_id": seminar})).unwrap();
    let u = call(&at(601), "talk.undo", json!({"seminar_id": seminar})).unwrap();
    assert_eq!(u["current"], "icebreak");
    call(&at(900), "talk.end", json!({"seminar_id": seminar})).unwrap();
    let timing = call(&at(901), "talk.timing", json!({"seminar_id": seminar})).unwrap();
    let runs: Vec<(String, i64, i64)> = timing
        .as_array()
        .unwrap()
        .iter()
        .filter(|k| k["runs"].as_i64() > Some(0))
        .map(|k| {
            (
                k["kind"].as_str().unwrap().to_owned(),
                k["runs"].as_i64().unwrap(),
                k["actual_seconds"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        runs,
        [("icebreak".to_owned(), 1, 900)],
        "the report has no 0–1 s stages"
    );
}
