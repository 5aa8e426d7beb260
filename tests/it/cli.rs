//! The `huixiao` binary as scripts use it.

use std::process::Command;

use serde_json::Value;

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
fn help_lists_the_commands() {
    let out = huixiao().arg("--help").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    for cmd in ["serve", "demo", "seminars", "call"] {
        assert!(text.contains(cmd), "{cmd} missing from --help:\n{text}");
    }
}

#[test]
fn seminars_list_and_show_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let create = huixiao()
        .arg("--db")
        .arg(&db)
        .args(["call", "seminars.create", r#"{"title":"农资经销商订货会","date":"2027-03-01","start_time":"10:00","capacity":200}"#])
        .output()
        .unwrap();
    assert!(
        create.status.success(),
        "{}",
        String::from_utf8_lossy(&create.stderr)
    );

    let out = huixiao()
        .arg("--db")
        .arg(&db)
        .args(["seminars", "list", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["title"], "农资经销商订货会");

    let out = huixiao()
        .arg("--db")
        .arg(&db)
        .args(["seminars", "show", "1", "--json"])
        .output()
        .unwrap();
    let one: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(one["date"], "2027-03-01");

    let human = huixiao()
        .arg("--db")
        .arg(&db)
        .args(["seminars", "list"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains("2027年03月01日") && text.contains("筹备中"),
        "{text}"
    );
}

#[test]
fn errors_go_to_stderr_in_the_users_language_with_a_non_zero_exit() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let zh = huixiao()
        .arg("--db")
        .arg(&db)
        .args(["seminars", "show", "42"])
        .output()
        .unwrap();
    assert_eq!(zh.status.code(), Some(1));
    assert!(zh.stdout.is_empty());
    assert!(String::from_utf8_lossy(&zh.stderr).contains("错误：找不到会销（编号 42）"));

    let en = huixiao()
        .arg("--db")
        .arg(&db)
        .args(["--lang", "en", "seminars", "show", "42"])
        .output()
        .unwrap();
    assert_eq!(en.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&en.stderr).contains("Error: No seminar with id 42"));

    // The language chosen in the app is the CLI's default too.
    let set = huixiao()
        .arg("--db")
        .arg(&db)
        .args([
            "call",
            "settings.update",
            r#"{"org_name":"","language":"en","timezone":"Asia/Shanghai"}"#,
        ])
        .output()
        .unwrap();
    assert!(set.status.success());
    let en = huixiao()
        .arg("--db")
        .arg(&db)
        .args(["seminars", "show", "42"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&en.stderr).contains("No seminar with id 42"));
}

#[test]
fn call_answers_in_the_language_of_lang() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let run = |args: &[&str]| huixiao().arg("--db").arg(&db).args(args).output().unwrap();
    let create = run(&[
        "call",
        "seminars.create",
        r#"{"title":"农资经销商订货会","date":"2030-03-01","start_time":"10:00","capacity":200}"#,
    ]);
    assert!(
        create.status.success(),
        "{}",
        String::from_utf8_lossy(&create.stderr)
    );
    let scan = r#"{"seminar_id":1,"code":"hello"}"#;
    let en = run(&["--lang", "en", "call", "checkins.scan", scan]);
    assert!(
        en.status.success(),
        "{}",
        String::from_utf8_lossy(&en.stderr)
    );
    let out: Value = serde_json::from_slice(&en.stdout).unwrap();
    assert_eq!(out["outcome"], "invalid");
    assert!(
        out["message"]
            .as_str()
            .unwrap()
            .starts_with("The code is incomplete"),
        "{out}"
    );
    let zh = run(&["call", "checkins.scan", scan]);
    let out: Value = serde_json::from_slice(&zh.stdout).unwrap();
    assert!(
        out["message"].as_str().unwrap().starts_with("票码不完整"),
        "{out}"
    );
}

/// A bug (a panic) is reported as one, in the user's language, with exit code 70 (EX_SOFTWARE)
/// rather than Rust's 101 or the 1 of a refusal.
#[test]
fn a_panic_exits_70_with_a_sentence_in_the_users_language() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let out = huixiao()
        .env("HUIXIAO_DATA_DIR", dir.path())
        .arg("--db")
        .arg(&db)
        .args(["--lang", "en", "call", "dev.panic"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(70));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("Error: Something went wrong inside the app"),
        "{stderr}"
    );
    // The log names the operation that panicked.
    let logs: String = std::fs::read_dir(dir.path().join("logs"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert!(
        logs.contains("ERROR") && logs.contains("op=\"dev.panic\"") && logs.contains("panicked"),
        "{logs}"
    );
}

#[test]
fn a_database_that_is_not_sqlite_is_reported_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("report.xlsx");
    std::fs::write(&db, b"PK\x03\x04 not a database").unwrap();
    let out = huixiao()
        .arg("--db")
        .arg(&db)
        .args(["seminars", "list"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("不是 Huixiao 的数据库文件"));
    assert_eq!(std::fs::read(&db).unwrap(), b"PK\x03\x04 not a database");
}

#[test]
fn the_log_file_records_operations_without_phone_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let run = |args: &[&str]| {
        huixiao()
            .env("HUIXIAO_DATA_DIR", dir.path())
            .env("HUIXIAO_LOG", "debug")
            .arg("--db")
            .arg(&db)
            .args(args)
            .output()
            .unwrap()
    };
    assert!(
        run(&["call", "stores.create", r#"{"name":"好再来便利店"}"#])
            .status
            .success()
    );
    let ok = run(&[
        "call",
        "contacts.create",
        r#"{"store_id":1,"name":"黄敏","role":"owner_spouse","phone":"13912345678"}"#,
    ]);
    assert!(ok.status.success());
    let bad = run(&[
        "call",
        "contacts.create",
        r#"{"store_id":1,"name":"黄敏","role":"owner","phone":"1391234567"}"#,
    ]);
    assert!(!bad.status.success());
    let logs: String = std::fs::read_dir(dir.path().join("logs"))
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert!(
        logs.contains("contacts.create"),
        "operations are logged: {logs}"
    );
    assert!(
        logs.contains("validation"),
        "refusals are logged with their code: {logs}"
    );
    assert!(
        !logs.contains("1391234567"),
        "no phone number, valid or not, reaches the log: {logs}"
    );
}

#[test]
fn report_and_deals_add_as_scripts_use_them() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let run = |args: &[&str]| huixiao().arg("--db").arg(&db).args(args).output().unwrap();
    assert!(run(&["demo", "--today", "2026-11-22"]).status.success());

    let out = run(&["report", "--seminar", "1", "--json"]);
    assert!(out.status.success());
    let r: Value = serde_json::from_slice(&out.stdout).unwrap();
    for field in [
        "invited",
        "confirmed",
        "attended",
        "closed_at_event",
        "closed_in_followup",
        "session_conversion",
        "deal_ratio",
        "by_inviter",
        "by_role",
        "by_city",
    ] {
        assert!(r.get(field).is_some(), "report JSON lacks {field}: {r}");
    }
    assert!(r["deal_ratio"].as_f64().unwrap() > 1.0);

    let out = run(&["report", "--territory", "长沙", "--json"]);
    let t: Value = serde_json::from_slice(&out.stdout).unwrap();
    for field in [
        "coverage",
        "territory_conversion",
        "repurchase",
        "penetration",
    ] {
        assert!(t[field].is_number(), "territory JSON lacks {field}: {t}");
    }

    // The live seminar (2) today: a store that checked in buys at the limited tier.
    let store: i64 = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT i.store_id FROM invitations i JOIN checkins k ON k.invitation_id = i.id WHERE i.seminar_id = 2 LIMIT 1",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let tier = "1";
    let store = store.to_string();
    let add = run(&[
        "deals",
        "add",
        "--seminar",
        "2",
        "--store",
        &store,
        "--tier",
        tier,
        "--amount",
        "1980000",
        "--payment",
        "deposit",
        "--json",
    ]);
    assert!(
        add.status.success(),
        "{}",
        String::from_utf8_lossy(&add.stderr)
    );
    let d: Value = serde_json::from_slice(&add.stdout).unwrap();
    assert_eq!(d["deal"]["closed"], true);
    let bad = run(&[
        "deals",
        "add",
        "--seminar",
        "2",
        "--store",
        &store,
        "--tier",
        tier,
        "--amount",
        "-5",
        "--payment",
        "full",
    ]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("金额不能为负数"));
}

#[test]
fn the_session_report_pdf_and_the_excel_export() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("r.db");
    let run = |args: &[&str]| huixiao().arg("--db").arg(&db).args(args).output().unwrap();
    assert!(run(&["demo", "--today", "2026-11-22"]).status.success());
    let pdf = dir.path().join("report.pdf");
    let out = run(&["report", "--seminar", "1", "--pdf", pdf.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(
        bytes.starts_with(b"%PDF-") && bytes.len() < 200_000,
        "{} bytes",
        bytes.len()
    );
    // pdftotext (poppler-utils, installed by scripts/setup.sh) reads the Chinese back.
    let text = Command::new("pdftotext")
        .arg(&pdf)
        .arg("-")
        .output()
        .expect("pdftotext is installed");
    let text = String::from_utf8_lossy(&text.stdout);
    for part in [
        "会销报告",
        "转化漏斗",
        "场次转化率 77.5%",
        "按参会人角色",
        "老板娘",
        "第2页",
        "环节用时",
    ] {
        assert!(text.contains(part), "the report lacks «{part}»:\n{text}");
    }

    let xlsx = dir.path().join("s.xlsx");
    let out = run(&["export", "--seminar", "1", "--out", xlsx.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    use calamine::{Reader, Xlsx};
    let mut book: Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    assert_eq!(
        book.sheet_names(),
        ["转化", "环节用时", "邀约", "签到", "成交", "跟进"]
    );
    let funnel = book.worksheet_range("转化").unwrap();
    let header: Vec<String> = funnel
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(&header[..4], ["分组", "邀约门店", "确认门店", "到场门店"]);
    let first = funnel.rows().nth(1).unwrap();
    assert_eq!(
        first[1].to_string(),
        "62",
        "the closed demo seminar's invited stores"
    );
    let deals = book.worksheet_range("成交").unwrap();
    assert!(
        deals.height() > 50,
        "every deal of the seminar, and a header"
    );
}

#[test]
fn import_stores_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("i.db");
    let file = dir.path().join("名单.csv");
    let (gbk, _, _) = encoding_rs::GBK.encode(
        "门店名称,联系人,电话,城市\n小太阳幼儿园,刘丽,13800138001,长沙\n坏店,李五,123,长沙\n好运超市,李四,13600000000,长沙\n",
    );
    std::fs::write(&file, &gbk).unwrap();
    let run = |args: &[&str]| {
        huixiao()
            .arg("--db")
            .arg(&db)
            .args(["--lang", "zh-CN", "import", "stores"])
            .arg(&file)
            .args(args)
            .output()
            .unwrap()
    };
    // All or nothing: one bad row, nothing written, exit 1, the errors in JSON.
    let out = run(&["--json"]);
    assert!(!out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let keys: Vec<&String> = v.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["conflicts", "errors", "imported", "merged", "rows"]);
    assert_eq!(v["rows"], 3);
    assert_eq!(v["imported"], 0);
    assert_eq!(
        v["errors"][0]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        ["column", "message", "row"]
    );
    assert_eq!(v["errors"][0]["row"], 3);
    assert_eq!(v["errors"][0]["column"], "电话");
    assert!(String::from_utf8_lossy(&out.stderr).contains("没有导入任何门店"));

    // A dry run with --skip-invalid says what would be imported.
    let out = run(&["--json", "--dry-run", "--skip-invalid"]);
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (v["imported"].as_i64(), v["merged"].as_i64()),
        (Some(2), Some(0))
    );

    let out = run(&["--json", "--skip-invalid"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let skipped = std::fs::read_to_string(dir.path().join("名单.skipped.csv")).unwrap();
    assert!(skipped.contains("坏店,李五,123"), "{skipped}");
    let list = huixiao()
        .arg("--db")
        .arg(&db)
        .args(["call", "stores.list", "{}"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&list.stdout).unwrap();
    assert_eq!(v["total"], 2);
}

#[test]
fn the_cli_import_lists_conflicts_skips_them_by_default_and_keeps_them_apart_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.db");
    let file = dir.path().join("stores.csv");
    std::fs::write(
        &file,
        "门店名称,联系人,电话,城市\n美丽人生美容院,张敏,13900001111,长沙\n美丽人生二店,张敏,13900001111,长沙\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        huixiao()
            .arg("--db")
            .arg(&db)
            .args(["--lang", "zh-CN", "import", "stores"])
            .arg(&file)
            .args(args)
            .output()
            .unwrap()
    };
    // The default: the conflict is listed with both sides, skipped and written to FILE.skipped.csv.
    let out = run(&["--dry-run"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("冲突：第 3 行「美丽人生二店」张敏 与 第 2 行「美丽人生美容院」张敏 电话相同（13900001111）：跳过"),
        "{text}"
    );
    // Kept apart on request: two stores, one person.
    let out = run(&["--json", "--on-conflict", "apart"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (v["imported"].as_i64(), v["merged"].as_i64()),
        (Some(2), Some(0))
    );
    assert_eq!(v["conflicts"][0]["resolution"], "apart");
    assert_eq!(v["conflicts"][0]["with_row"], 2);
    // The help says what the default is.
    let help = huixiao()
        .args(["import", "stores", "--help"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&help.stdout).contains("skip (default"));
}
