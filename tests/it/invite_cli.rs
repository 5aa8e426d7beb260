//! `huixiao invite` and `huixiao scores` as scripts use them: the contract's fields, integers as
//! integers, --dry-run writing nothing, bad input on stderr with exit code 1.

use std::path::Path;
use std::process::Command;

use huixiao::App;
use serde_json::{json, Value};

use crate::support::call;

fn huixiao(db: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_huixiao"));
    c.env(
        "HUIXIAO_DATA_DIR",
        std::env::temp_dir().join("huixiao-test-data"),
    );
    c.env_remove("HUIXIAO_LANG");
    c.arg("--db").arg(db);
    c
}

fn run(db: &Path, args: &[&str]) -> (bool, String, String) {
    let out = huixiao(db).args(args).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn count(db: &Path, sql: &str) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

/// A seminar far ahead (the binary runs on the real clock), an inviter, 6 stores in 长沙.
fn setup(db: &Path) -> (i64, i64, i64) {
    let app = App::open(db).unwrap();
    let inviter = call(
        &app,
        "staff.create",
        json!({"name": "彭小燕", "roles": ["inviter"]}),
    )
    .unwrap()["id"]
        .as_i64()
        .unwrap();
    let sem = call(&app, "seminars.create", json!({"title": "研讨会", "date": "2035-06-01", "start_time": "14:00", "capacity": 3, "city": "长沙"})).unwrap()["id"].as_i64().unwrap();
    let mut first = 0;
    for n in 0..6 {
        let s = call(&app, "stores.create", json!({"name": format!("店{n}"), "city": "长沙", "level": if n < 2 { "A" } else { "B" }})).unwrap()["id"].as_i64().unwrap();
        call(
            &app,
            "contacts.create",
            json!({"store_id": s, "name": "老板", "role": "owner"}),
        )
        .unwrap();
        call(
            &app,
            "contacts.create",
            json!({"store_id": s, "name": "老板娘", "role": "owner_spouse"}),
        )
        .unwrap();
        if n == 0 {
            first = s;
        }
    }
    (sem, inviter, first)
}

#[test]
fn invite_a_list_from_a_filter_dry_run_then_for_real() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("i.db");
    let (sem, inviter, _) = setup(&db);
    let sem_s = sem.to_string();
    let args = [
        "invite",
        "--seminar",
        &sem_s,
        "--filter",
        r#"{"city": "长沙"}"#,
        "--limit",
        "4",
        "--dry-run",
        "--json",
    ];
    let (ok, out, err) = run(&db, &args);
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["matched"], json!(6));
    assert_eq!(v["invited"], json!(4));
    for k in [
        "overlapping_seminar",
        "opted_out",
        "no_contact",
        "recently_declined",
        "touched_too_often",
    ] {
        assert_eq!(v["excluded"][k], json!(0), "{k}");
        assert!(v["excluded"][k].is_i64());
    }
    assert_eq!(
        v["per_inviter"],
        json!([{"inviter_id": inviter, "name": "彭小燕", "count": 4}])
    );
    assert!(
        v.get("expected_turnout").is_some_and(Value::is_null),
        "no history: null"
    );
    assert!(
        err.contains("注意"),
        "the seats warning goes to stderr: {err}"
    );
    assert_eq!(
        count(&db, "SELECT count(*) FROM invitations"),
        0,
        "--dry-run writes nothing"
    );
    let (ok, out, err) = run(
        &db,
        &args[..args.len() - 2]
            .iter()
            .chain(["--json"].iter())
            .copied()
            .collect::<Vec<_>>(),
    );
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["invited"], json!(4));
    assert_eq!(count(&db, "SELECT count(*) FROM invitations"), 4);
    assert_eq!(
        count(&db, "SELECT count(*) FROM invitation_guests g JOIN contacts c ON c.id = g.contact_id WHERE c.role = 'owner_spouse'"),
        4,
        "the money-holder comes"
    );
    // The two level A stores were kept (highest scores).
    assert_eq!(count(&db, "SELECT count(*) FROM invitations i JOIN stores s ON s.id = i.store_id WHERE s.level = 'A'"), 2);
}

#[test]
fn invite_one_store_and_read_its_score() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("o.db");
    let (sem, inviter, store) = setup(&db);
    let (ok, out, err) = run(
        &db,
        &[
            "invite",
            "--seminar",
            &sem.to_string(),
            "--store",
            &store.to_string(),
            "--inviter",
            &inviter.to_string(),
            "--json",
        ],
    );
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["store_id"], json!(store));
    assert_eq!(v["inviter_id"], json!(inviter));
    assert_eq!(v["guests"][0]["role"], json!("owner_spouse"));
    let (ok, out, err) = run(&db, &["scores", "--store", &store.to_string(), "--json"]);
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["fit"], json!(15));
    assert!(v["fit"].is_i64());
    assert!(v["score"].is_number() && v["engagement"].is_number());
    let r = &v["reasons"][0];
    assert_eq!(r["points"], json!(15));
    assert!(r["points"].is_i64());
    assert_eq!(r["why"], json!("A 级门店"));
    assert!(r.get("at").is_some());
    let (ok, out, _) = run(
        &db,
        &["--lang", "en", "scores", "--store", &store.to_string()],
    );
    assert!(ok);
    assert!(out.contains("Level A store"), "{out}");
    let (ok, out, _) = run(&db, &["scores", "--recompute", "--json"]);
    assert!(ok);
    assert_eq!(
        serde_json::from_str::<Value>(&out).unwrap()["stores"],
        json!(6)
    );
}

#[test]
fn bad_input_on_the_command_line_exits_1_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("b.db");
    let (sem, _, store) = setup(&db);
    let sem_s = sem.to_string();
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (
            vec![
                "invite",
                "--seminar",
                &sem_s,
                "--filter",
                r#"{"town": "长沙"}"#,
            ],
            "town",
        ),
        (
            vec![
                "invite",
                "--seminar",
                &sem_s,
                "--filter",
                r#"{"city": "火星"}"#,
            ],
            "没有门店符合",
        ),
        (
            vec!["invite", "--seminar", &sem_s, "--segment", "没有这个分群"],
            "没有这个分群",
        ),
        (
            vec!["invite", "--seminar", &sem_s, "--filter", "{city"],
            "JSON",
        ),
        (vec!["invite", "--seminar", &sem_s], "--store"),
        (vec!["invite", "--seminar", "999", "--filter", "{}"], "会销"),
    ];
    let store_s = store.to_string();
    let mut all = cases;
    all.push((
        vec![
            "invite",
            "--seminar",
            &sem_s,
            "--store",
            &store_s,
            "--inviter",
            "999",
        ],
        "999",
    ));
    for (args, says) in all {
        let (ok, _, err) = run(&db, &args);
        assert!(!ok, "{args:?}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
    assert_eq!(count(&db, "SELECT count(*) FROM invitations"), 0);
}

#[test]
fn report_bowtie_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    let (sem, _, store) = setup(&db);
    run(
        &db,
        &[
            "invite",
            "--seminar",
            &sem.to_string(),
            "--store",
            &store.to_string(),
        ],
    );
    let (ok, out, err) = run(&db, &["report", "--bowtie", "--city", "长沙", "--json"]);
    assert!(ok, "{err}");
    let v: Value = serde_json::from_str(&out).unwrap();
    let first = &v["stages"][0];
    assert_eq!(first["stage"], json!("invited"));
    assert_eq!(first["stores"], json!(1));
    assert!(first["stores"].is_i64());
    assert!((first["conversion"].as_f64().unwrap() - 1.0 / 6.0).abs() < 1e-9);
    assert!(first.get("median_days").is_some());
    let (ok, _, err) = run(&db, &["report", "--bowtie", "--seminar", &sem.to_string()]);
    assert!(!ok, "--bowtie and --seminar do not go together: {err}");
}
