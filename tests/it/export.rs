//! Every list exported to xlsx: each workbook read back with calamine (sheets, Chinese headers,
//! values, money as ¥ numbers, dates as dates), through the operation the UI calls and the CLI.

use std::io::Cursor;
use std::process::Command;

use base64::Engine;
use calamine::{Data, Range, Reader, Xlsx};
use chrono::NaiveDate;
use serde_json::{json, Value};

use crate::support::{app, call};

type Book = Xlsx<Cursor<Vec<u8>>>;

fn export(app: &huixiao::App, input: Value) -> (String, Book) {
    let out = call(app, "exports.xlsx", input).unwrap();
    assert_eq!(
        out["mime"],
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    );
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(out["data_base64"].as_str().unwrap())
        .unwrap();
    let book = Xlsx::new(Cursor::new(bytes)).unwrap();
    (out["file_name"].as_str().unwrap().to_owned(), book)
}

fn header(r: &Range<Data>) -> Vec<String> {
    r.rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect()
}

/// The column called `name` in the row whose first cell is `first`.
fn cell<'a>(r: &'a Range<Data>, first: &str, name: &str) -> &'a Data {
    let col = header(r).iter().position(|h| h == name).unwrap();
    &r.rows()
        .find(|row| row[0] == *first)
        .unwrap_or_else(|| panic!("no row {first}"))[col]
}

/// Excel's serial day number of a date (1900 date system).
fn serial(d: &str) -> f64 {
    let d = NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap();
    (d - NaiveDate::from_ymd_opt(1899, 12, 30).unwrap()).num_days() as f64
}

fn demo() -> huixiao::App {
    let app = app();
    call(&app, "demo.load", json!({"today": "2026-11-22"})).unwrap();
    app
}

#[test]
fn the_dates_are_excel_serial_days() {
    // Anchors independent of the formula: 2026-01-01 is day 46023 in Excel, 1900-03-01 day 61.
    assert_eq!(serial("2026-01-01"), 46023.0);
    assert_eq!(serial("1900-03-01"), 61.0);
}

#[test]
fn the_stores_staff_and_seminars_lists() {
    let app = demo();
    let (name, mut book) = export(&app, json!({"list": "stores", "city": "长沙"}));
    assert_eq!(name, "门店.xlsx");
    let stores = book.worksheet_range("门店").unwrap();
    assert_eq!(
        &header(&stores)[..6],
        ["门店名称", "城市", "区县", "地址", "行业", "级别"]
    );
    let total = call(&app, "stores.list", json!({"city": "长沙", "page_size": 1})).unwrap()
        ["total"]
        .as_i64()
        .unwrap();
    assert!(total > 0);
    assert_eq!(
        stores.height() as i64,
        total + 1,
        "every store of the city, not one page"
    );
    assert!(stores.rows().skip(1).all(|r| r[1] == *"长沙"));
    // The referral rate is a percentage, the creation time a date.
    let referred = stores.rows().skip(1).find(|r| !r[7].to_string().is_empty());
    if let Some(r) = referred {
        assert_eq!(r[8], Data::Float(0.05));
    }
    assert!(matches!(
        stores.rows().nth(1).unwrap()[12],
        Data::DateTime(_)
    ));

    let (_, mut book) = export(&app, json!({"list": "staff"}));
    let staff = book.worksheet_range("员工").unwrap();
    assert_eq!(header(&staff), ["姓名", "电话", "角色", "状态"]);
    let list = call(&app, "staff.list", json!({})).unwrap();
    assert_eq!(staff.height(), list.as_array().unwrap().len() + 1);

    let (_, mut book) = export(&app, json!({"list": "seminars"}));
    let seminars = book.worksheet_range("会销").unwrap();
    let s1 = call(&app, "seminars.get", json!({"id": 1})).unwrap();
    let title = s1["title"].as_str().unwrap();
    let Data::DateTime(d) = cell(&seminars, title, "日期") else {
        panic!("the date is a date");
    };
    assert_eq!(d.as_f64(), serial(s1["date"].as_str().unwrap()));
    assert_eq!(cell(&seminars, title, "到场门店"), &Data::Float(40.0));
    assert_eq!(cell(&seminars, title, "状态").to_string(), "已结束");
}

#[test]
fn the_seminar_workbook_has_money_and_times() {
    let app = demo();
    let (name, mut book) = export(&app, json!({"list": "seminar", "seminar_id": 1}));
    assert_eq!(name, "会销1.xlsx");
    assert_eq!(
        book.sheet_names(),
        ["转化", "环节用时", "邀约", "签到", "成交", "跟进"]
    );
    let funnel = book.worksheet_range("转化").unwrap();
    let report = call(&app, "seminars.report", json!({"id": 1})).unwrap();
    // The stage timing sheet: one row per stage kind of the report, minutes as numbers.
    let timing = book.worksheet_range("环节用时").unwrap();
    let kinds = report["stage_timing"].as_array().unwrap();
    assert_eq!(timing.rows().count(), kinds.len() + 1);
    for (row, k) in timing.rows().skip(1).zip(kinds) {
        assert_eq!(row[1], Data::Float(k["planned_minutes"].as_f64().unwrap()));
        match k["actual_minutes"].as_f64() {
            Some(m) => assert_eq!(row[2], Data::Float(m)),
            None => assert_eq!(row[2].to_string(), "—"),
        }
    }
    let first = funnel.rows().nth(1).unwrap();
    assert_eq!(first[3], Data::Float(report["attended"].as_f64().unwrap()));
    assert_eq!(
        first[11],
        Data::Float(report["session_conversion"].as_f64().unwrap())
    );
    // Every breakdown of the screen is in the summary, the tables and assistants included.
    for kind in ["邀约员：", "参会人角色：", "城市：", "桌号：", "助教："] {
        assert!(
            funnel.rows().any(|r| r[0].to_string().starts_with(kind)),
            "{kind}"
        );
    }
    let deals = book.worksheet_range("成交").unwrap();
    let list = call(&app, "deals.list", json!({"seminar_id": 1})).unwrap();
    let first = &list[0];
    let row = deals.rows().nth(1).unwrap();
    assert_eq!(row[0].to_string(), first["store_name"].as_str().unwrap());
    // The payment method by its name, not the code the deal stores.
    assert!(
        ["微信", "支付宝", "现金", "刷卡", "转账"].contains(&row[6].to_string().as_str()),
        "{:?}",
        row[6]
    );
    // ¥ amounts in yuan, as numbers.
    assert_eq!(
        row[4],
        Data::Float(first["amount_fen"].as_f64().unwrap() / 100.0)
    );
    let Data::DateTime(at) = &row[9] else {
        panic!("the deal's time is a date and time: {:?}", row[9]);
    };
    // Venue time (Shanghai, UTC+8) of the stored UTC timestamp.
    let utc = chrono::DateTime::parse_from_rfc3339(first["at"].as_str().unwrap()).unwrap();
    let local = utc.naive_utc() + chrono::Duration::hours(8);
    let expected = (local
        - NaiveDate::from_ymd_opt(1899, 12, 30)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap())
    .num_seconds() as f64
        / 86_400.0;
    assert!((at.as_f64() - expected).abs() < 1e-6);
}

#[test]
fn the_dashboard_territory_commissions_and_followups() {
    let app = demo();
    let (_, mut book) = export(&app, json!({"list": "dashboard"}));
    assert_eq!(
        book.sheet_names(),
        ["会销对比", "机构中位数", "按座位布局", "按讲师"]
    );
    let compare = book.worksheet_range("会销对比").unwrap();
    let c = call(&app, "seminars.compare", json!({})).unwrap();
    let closed = c["seminars"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["status"] == "closed")
        .unwrap();
    let title = closed["title"].as_str().unwrap();
    let row = compare.rows().find(|r| r[1] == *title).unwrap();
    assert!(matches!(row[0], Data::DateTime(_)));
    let col = |h: &str| header(&compare).iter().position(|x| x == h).unwrap();
    assert_eq!(
        row[col("场次转化率")],
        Data::Float(closed["session_conversion"].as_f64().unwrap())
    );
    assert_eq!(
        row[col("结论")].to_string(),
        closed["verdict"].as_str().unwrap()
    );
    let layout = book.worksheet_range("按座位布局").unwrap();
    assert_eq!(header(&layout)[0], "分组");
    assert!(layout.rows().any(|r| r[0] == *"圆桌"));

    let (name, mut book) = export(&app, json!({"list": "territory", "city": "长沙"}));
    assert_eq!(name, "区域-长沙.xlsx");
    let t = call(&app, "territory.report", json!({"city": "长沙"})).unwrap();
    let districts = book.worksheet_range("按区县").unwrap();
    assert_eq!(
        header(&districts),
        [
            "分组",
            "门店数",
            "已覆盖",
            "已转化",
            "复购",
            "覆盖率",
            "转化率",
            "复购率",
            "渗透率"
        ]
    );
    assert_eq!(
        cell(&districts, "长沙", "覆盖率"),
        &Data::Float(t["coverage"].as_f64().unwrap())
    );
    assert_eq!(
        book.worksheet_range("按邀约员").unwrap().height(),
        t["by_inviter"].as_array().unwrap().len() + 1
    );

    let (_, mut book) = export(&app, json!({"list": "commissions"}));
    let sheet = book.worksheet_range("介绍佣金").unwrap();
    let list = call(&app, "referrals.commissions", json!({})).unwrap();
    assert_eq!(sheet.height(), list.as_array().unwrap().len() + 1);
    if let Some(first) = list.as_array().unwrap().first() {
        assert_eq!(
            cell(&sheet, first["partner_name"].as_str().unwrap(), "应付佣金"),
            &Data::Float(first["commission_fen"].as_f64().unwrap() / 100.0)
        );
    }

    let (_, mut book) = export(
        &app,
        json!({"list": "followups_today", "date": "2026-11-23"}),
    );
    let sheet = book.worksheet_range("今日跟进").unwrap();
    let today = call(&app, "followups.today", json!({"date": "2026-11-23"})).unwrap();
    let today = today.as_array().unwrap();
    assert!(!today.is_empty(), "the demo has follow-ups due");
    assert_eq!(sheet.height(), today.len() + 1);
    let Data::DateTime(due) = &sheet.rows().nth(1).unwrap()[4] else {
        panic!("the due date is a date");
    };
    assert_eq!(due.as_f64(), serial(today[0]["due_date"].as_str().unwrap()));
}

#[test]
fn exports_that_lack_what_they_need_say_so() {
    let app = demo();
    let e = call(&app, "exports.xlsx", json!({"list": "seminar"})).unwrap_err();
    assert_eq!(e.code(), "validation");
    let e = call(&app, "exports.xlsx", json!({"list": "territory"})).unwrap_err();
    assert_eq!(e.code(), "validation");
    let e = call(
        &app,
        "exports.xlsx",
        json!({"list": "territory", "city": "火星"}),
    )
    .unwrap_err();
    assert_eq!(e.code(), "validation");
    let e = call(
        &app,
        "exports.xlsx",
        json!({"list": "seminar", "seminar_id": 999}),
    )
    .unwrap_err();
    assert_eq!(e.code(), "not_found");
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
fn the_cli_exports_a_list_and_a_failed_export_leaves_the_file_alone() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("e.db");
    let run = |args: &[&str]| huixiao().arg("--db").arg(&db).args(args).output().unwrap();
    assert!(run(&["demo", "--today", "2026-11-22"]).status.success());
    let out = dir.path().join("对比.xlsx");
    let o = run(&[
        "export",
        "--list",
        "dashboard",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let mut book: Xlsx<_> = calamine::open_workbook(&out).unwrap();
    assert_eq!(
        header(&book.worksheet_range("会销对比").unwrap())[1],
        "会销"
    );

    // A territory without stores fails in the user's language, and the earlier file stays.
    let before = std::fs::read(&out).unwrap();
    let o = run(&[
        "export",
        "--list",
        "territory",
        "--city",
        "火星",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("没有城市为“火星”的门店"));
    assert_eq!(std::fs::read(&out).unwrap(), before);
    // A folder that does not exist: an error, and no file anywhere.
    let missing = dir.path().join("没有这个文件夹").join("x.xlsx");
    let o = run(&[
        "export",
        "--list",
        "staff",
        "--out",
        missing.to_str().unwrap(),
    ]);
    assert!(!o.status.success());
    assert!(!missing.exists());
    // No temporary file is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
    // An unknown list is refused by the argument parser, which names the choices.
    let o = run(&["export", "--list", "everything", "--out", "x.xlsx"]);
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("stores"));
}
