//! Importing store lists: formats, encodings, header mapping, dedup, every bad input of issue 3
//! with the database compared before and after.

use base64::Engine;
use huixiao::i18n::Lang;
use huixiao::App;
use rust_xlsxwriter::{Formula, Workbook};
use serde_json::{json, Value};

use crate::support::{call, dump};

pub fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

const CSV: &str = "门店名称,联系人,电话,角色,城市,区县,地址,行业,级别,来源,介绍人,佣金比例\n\
小太阳幼儿园,刘丽,138 0013 8001,老板娘,长沙,岳麓区,麓谷大道 1 号,幼儿园,A,地推,,\n\
美丽人生美容院,张敏,13900001111,老板,长沙,天心区,,美容,B,转介绍,小太阳幼儿园,5%\n\
小太阳幼儿园,陈建国,13800138000,老板,长沙,岳麓区,,幼儿园,A,地推,,\n\
丰收农资,王强,0731-88886666,店长,株洲,,,农资,C,,,\n\
美丽人生（分店）,张敏,+86 139 0000 1111,老板娘,长沙,,,美容,B,,,\n";

fn import(app: &App, bytes: &[u8], extra: Value) -> Result<Value, huixiao::api::Failure> {
    let mut input = json!({"file_name": "stores.csv", "data_base64": b64(bytes)});
    if let (Some(o), Some(e)) = (input.as_object_mut(), extra.as_object()) {
        o.extend(e.clone());
    }
    call(app, "imports.stores", input)
}

fn count(app: &App, table: &str) -> i64 {
    app.db
        .conn()
        .query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

#[test]
fn utf8_csv_imports_dedups_and_keeps_referrals() {
    let app = crate::support::app();
    let r = import(&app, CSV.as_bytes(), json!({})).unwrap();
    assert_eq!(r["rows"], 5);
    // Row 4 joins row 2 (same name and city, a new phone: a second contact); row 6 has row 3's
    // phone under another store name: a conflict, skipped without a decision.
    assert_eq!(r["imported"], 3, "{r}");
    assert_eq!(r["merged"], 1, "{r}");
    assert_eq!(r["conflicts"][0]["row"], 6, "{r}");
    assert_eq!(r["errors"], json!([]));
    assert_eq!(r["written"], true);
    assert_eq!(count(&app, "stores"), 3);
    assert_eq!(count(&app, "contacts"), 4);
    let conn = app.db.conn();
    let (kind, phone): (String, String) = conn
        .query_row(
            "SELECT phone_kind, phone FROM contacts WHERE name = '王强'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(
        (kind.as_str(), phone.as_str()),
        ("landline", "0731-88886666")
    );
    let (referrer, bp, source): (String, i64, String) = conn
        .query_row(
            "SELECT r.name, s.referral_commission_bp, s.source FROM stores s JOIN stores r ON r.id = s.referrer_id
             WHERE s.name = '美丽人生美容院'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(
        (referrer.as_str(), bp, source.as_str()),
        ("小太阳幼儿园", 500, "转介绍")
    );
}

#[test]
fn importing_the_same_file_twice_merges_everything_and_writes_nothing_new() {
    let app = crate::support::app();
    import(&app, CSV.as_bytes(), json!({})).unwrap();
    let before = dump(&app);
    let r = import(&app, CSV.as_bytes(), json!({})).unwrap();
    // Rows 2–5 merge; row 6 is still the same conflict (with the store row 3 created).
    assert_eq!(
        (r["imported"].as_i64(), r["merged"].as_i64()),
        (Some(0), Some(4))
    );
    assert_eq!(r["conflicts"][0]["with_row"], Value::Null);
    assert_eq!(dump(&app), before);
}

#[test]
fn preview_shows_merges_and_writes_nothing() {
    let app = crate::support::app();
    let before = dump(&app);
    let p = call(
        &app,
        "imports.preview",
        json!({"file_name": "a.csv", "data_base64": b64(CSV.as_bytes())}),
    )
    .unwrap();
    assert_eq!(dump(&app), before);
    assert_eq!(p["format"], "csv (UTF-8)");
    assert_eq!(p["mapping_complete"], true);
    assert_eq!(p["new_stores"], 3);
    assert_eq!(p["landlines"], 1);
    let merges = p["merges"].as_array().unwrap();
    assert_eq!(merges[0]["row"], 4);
    assert_eq!(merges[0]["first_row"], 2);
    assert_eq!(merges[0]["reason"], "name_city");
    assert_eq!(merges[0]["adds_contact"], true);
    assert_eq!(merges.len(), 1, "{p}");
    assert_eq!(p["merged"], 1);
    assert_eq!(
        p["conflicts"],
        json!([{"row": 6, "with_row": 3, "with_store_id": null, "phone": "13900001111",
                "names": ["美丽人生（分店）", "美丽人生美容院"], "people": ["张敏", "张敏"],
                "resolution": "skip"}])
    );
}

fn store_id(app: &App, name: &str) -> i64 {
    app.db
        .conn()
        .query_row("SELECT id FROM stores WHERE name = ?1", [name], |r| {
            r.get(0)
        })
        .unwrap()
}

#[test]
fn another_store_name_on_a_known_phone_is_a_conflict_never_a_silent_merge() {
    // Without a decision: skipped, both sides listed, and the row is in the skipped-rows file.
    let app = crate::support::app();
    let r = import(&app, CSV.as_bytes(), json!({})).unwrap();
    let c = &r["conflicts"][0];
    assert_eq!(
        (&c["row"], &c["with_row"], &c["phone"]),
        (&json!(6), &json!(3), &json!("13900001111"))
    );
    assert_eq!(c["names"], json!(["美丽人生（分店）", "美丽人生美容院"]));
    assert_eq!(c["resolution"], "skip");
    let csv = r["skipped_csv"].as_str().expect("a skipped-rows file");
    assert!(
        csv.contains("美丽人生（分店）,张敏") && csv.contains("第 3 行"),
        "{csv}"
    );
    assert_eq!(count(&app, "stores"), 3);

    // Kept apart: two stores, one person (no second copy of the phone), who belongs to both.
    let app = crate::support::app();
    let r = import(
        &app,
        CSV.as_bytes(),
        json!({"decisions": [{"row": 6, "resolution": "apart"}]}),
    )
    .unwrap();
    assert_eq!(
        (r["imported"].as_i64(), r["merged"].as_i64()),
        (Some(4), Some(1)),
        "{r}"
    );
    assert_eq!(r["skipped_csv"], Value::Null);
    assert_eq!(count(&app, "stores"), 4);
    assert_eq!(count(&app, "contacts"), 4, "the phone is one person");
    let branch = store_id(&app, "美丽人生（分店）");
    let detail = call(&app, "stores.get", json!({"id": branch})).unwrap();
    assert_eq!(detail["store"]["contact_count"], 1);
    assert_eq!(detail["contacts"][0]["name"], "张敏");
    assert_eq!(
        detail["contacts"][0]["role"], "owner_spouse",
        "her role in this store"
    );
    let main = store_id(&app, "美丽人生美容院");
    let detail = call(&app, "stores.get", json!({"id": main})).unwrap();
    assert_eq!(detail["contacts"][0]["role"], "owner");
    // Importing the same file again with the same decision changes nothing: both stores match.
    let before = dump(&app);
    let r = import(&app, CSV.as_bytes(), json!({"on_conflict": "apart"})).unwrap();
    assert_eq!(r["conflicts"], json!([]), "{r}");
    assert_eq!(r["merged"], 5);
    assert_eq!(dump(&app), before);

    // Merged on purpose: counted as merged, the branch's name dropped.
    let app = crate::support::app();
    let r = import(&app, CSV.as_bytes(), json!({"on_conflict": "merge"})).unwrap();
    assert_eq!(
        (r["imported"].as_i64(), r["merged"].as_i64()),
        (Some(3), Some(2)),
        "{r}"
    );
    assert_eq!(r["conflicts"][0]["resolution"], "merge");
    assert_eq!(count(&app, "stores"), 3);
}

#[test]
fn a_conflict_with_a_store_in_the_database_names_it() {
    let app = crate::support::app();
    import(
        &app,
        "门店名称,联系人,电话,城市\n美丽人生美容院,张敏,13900001111,长沙\n".as_bytes(),
        json!({}),
    )
    .unwrap();
    let r = import(
        &app,
        "门店名称,联系人,电话,城市\n丽人坊,张敏,13900001111,长沙\n".as_bytes(),
        json!({}),
    )
    .unwrap();
    let c = &r["conflicts"][0];
    assert_eq!(c["row"], 2);
    assert_eq!(c["with_row"], Value::Null);
    assert_eq!(c["with_store_id"], store_id(&app, "美丽人生美容院"));
    assert_eq!(c["names"], json!(["丽人坊", "美丽人生美容院"]));
    assert_eq!(
        (r["imported"].as_i64(), r["merged"].as_i64()),
        (Some(0), Some(0))
    );
}

#[test]
fn bom_gbk_and_gbk_mislabelled_as_utf8_read_the_same() {
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(CSV.as_bytes());
    let (gbk, _, _) = encoding_rs::GBK.encode(CSV);
    let mut lying = b"\xEF\xBB\xBF".to_vec(); // a UTF-8 BOM in front of GBK bytes
    lying.extend_from_slice(&gbk);
    for (bytes, format) in [
        (bom, "csv (UTF-8 BOM)"),
        (gbk.to_vec(), "csv (GBK)"),
        (lying, "csv (GBK)"),
    ] {
        let app = crate::support::app();
        let p = call(
            &app,
            "imports.preview",
            json!({"file_name": "名单-utf8.csv", "data_base64": b64(&bytes)}),
        )
        .unwrap();
        assert_eq!(p["format"], format);
        let r = import(&app, &bytes, json!({})).unwrap();
        assert_eq!(
            (r["imported"].as_i64(), r["merged"].as_i64()),
            (Some(3), Some(1)),
            "{format}"
        );
        let name: String = app
            .db
            .conn()
            .query_row("SELECT name FROM stores ORDER BY id LIMIT 1", [], |r| {
                r.get(0)
            })
            .unwrap();
        assert_eq!(name, "小太阳幼儿园", "{format}");
    }
}

/// An xlsx with a merged title row, a merged group header (联系人 over 姓名 + 电话), a phone
/// typed as a number, and a formula with its cached result.
fn xlsx_with_merged_headers() -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let fmt = rust_xlsxwriter::Format::new();
    ws.merge_range(0, 0, 0, 4, "2026 长沙门店名单", &fmt)
        .unwrap();
    ws.merge_range(1, 0, 2, 0, "门店名称", &fmt).unwrap();
    ws.merge_range(1, 1, 1, 2, "联系人", &fmt).unwrap();
    ws.write(2, 1, "姓名").unwrap();
    ws.write(2, 2, "电话").unwrap();
    ws.merge_range(1, 3, 2, 3, "城市", &fmt).unwrap();
    ws.merge_range(1, 4, 2, 4, "级别", &fmt).unwrap();
    ws.write(3, 0, "小太阳幼儿园").unwrap();
    ws.write(3, 1, "刘丽").unwrap();
    ws.write(3, 2, 13_800_138_001_f64).unwrap();
    ws.write(3, 3, "长沙").unwrap();
    ws.write(3, 4, "A").unwrap();
    ws.write(4, 0, "美丽人生").unwrap();
    ws.write(4, 1, "张敏").unwrap();
    ws.write_formula(
        4,
        2,
        Formula::new("=\"139\"&\"00001111\"").set_result("13900001111"),
    )
    .unwrap();
    ws.write(4, 3, "长沙").unwrap();
    wb.save_to_buffer().unwrap()
}

#[test]
fn xlsx_with_a_title_row_merged_headers_numbers_and_formula_results() {
    let app = crate::support::app();
    let bytes = xlsx_with_merged_headers();
    let p = call(
        &app,
        "imports.preview",
        json!({"file_name": "a.xlsx", "data_base64": b64(&bytes)}),
    )
    .unwrap();
    assert_eq!(p["format"], "xlsx");
    assert_eq!(p["header_row"], 3, "{p}");
    let fields: Vec<&str> = p["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap_or("-"))
        .collect();
    assert_eq!(
        fields,
        ["store_name", "contact_name", "phone", "city", "level"]
    );
    let r = import(&app, &bytes, json!({})).unwrap();
    assert_eq!(r["errors"], json!([]), "{r}");
    assert_eq!(r["imported"], 2);
    let phones: Vec<String> = app
        .db
        .conn()
        .prepare("SELECT phone FROM contacts ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(phones, ["13800138001", "13900001111"]);
}

/// Imports `bytes`, expects it refused as a whole with the given (row, column) errors, and the
/// database unchanged.
fn refused_rows(bytes: &[u8], expect: &[(u32, &str, &str)]) -> Value {
    let app = crate::support::app();
    import(
        &app,
        "门店名称,电话\n小太阳幼儿园,13700000000\n".as_bytes(),
        json!({}),
    )
    .unwrap();
    let before = dump(&app);
    let r = import(&app, bytes, json!({})).unwrap();
    assert_eq!(r["written"], false, "{r}");
    assert_eq!(r["imported"], 0);
    assert_eq!(dump(&app), before, "nothing may be written");
    let errors = r["errors"].as_array().unwrap();
    assert_eq!(errors.len(), expect.len(), "{r}");
    for (e, (row, column, part)) in errors.iter().zip(expect) {
        assert_eq!(e["row"], *row, "{e}");
        assert_eq!(e["column"], *column, "{e}");
        let zh = e["zh"].as_str().unwrap();
        assert!(zh.contains(part), "«{zh}» should mention «{part}»");
        assert!(!e["en"].as_str().unwrap().is_empty());
    }
    r
}

const HEAD: &str = "门店名称,联系人,电话,角色,城市\n";

#[test]
fn rows_with_missing_or_malformed_phones_unknown_roles_and_no_store_name() {
    let csv = format!(
        "{HEAD}好运超市,李四,,老板,长沙\n\
         好运二店,李五,1380013800,老板,长沙\n\
         好运三店,李六,13600000000,老板爹,长沙\n\
         ,李七,13600000001,老板,长沙\n\
         好运五店,李八,1.38001E+10,老板,长沙\n\
         好运六店,李九,0731-88886666,老板,长沙\n"
    );
    let r = refused_rows(
        csv.as_bytes(),
        &[
            (2, "电话", "缺少电话"),
            (3, "电话", "手机号应为 11 位"),
            (4, "角色", "角色“老板爹”无法识别"),
            (5, "门店名称", "缺少门店名称"),
            (6, "电话", "科学计数法"),
        ],
    );
    assert_eq!(r["errors"][1]["letter"], "C");
    assert_eq!(r["rows"], 6);
}

#[test]
fn formulas_without_results_and_error_values_are_refused_with_their_cell() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    for (c, h) in ["门店名称", "电话", "城市"].iter().enumerate() {
        ws.write(0, c as u16, *h).unwrap();
    }
    ws.write(1, 0, "好运超市").unwrap();
    ws.write_formula(1, 1, "=A9&B9").unwrap();
    ws.write(1, 2, "长沙").unwrap();
    ws.write(2, 0, "好运二店").unwrap();
    ws.write_formula(2, 1, Formula::new("=1/0").set_result("#DIV/0!"))
        .unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    refused_rows(&bytes, &[(2, "电话", "公式"), (3, "电话", "#DIV/0!")]);
    // In a CSV a formula is only its text.
    refused_rows(
        "门店名称,电话\n好运超市,=A1&B1\n".as_bytes(),
        &[(2, "电话", "公式")],
    );
}

fn refused_file(bytes: &[u8], zh_part: &str, en_part: &str) {
    let app = crate::support::app();
    let before = dump(&app);
    for op in ["imports.preview", "imports.stores"] {
        let err = call(
            &app,
            op,
            json!({"file_name": "x.xlsx", "data_base64": b64(bytes)}),
        )
        .expect_err("must be refused");
        assert_eq!(err.code(), "validation");
        assert!(
            err.message(Lang::Zh).contains(zh_part),
            "{}",
            err.message(Lang::Zh)
        );
        assert!(
            err.message(Lang::En).contains(en_part),
            "{}",
            err.message(Lang::En)
        );
    }
    assert_eq!(dump(&app), before);
}

#[test]
fn files_that_are_not_spreadsheets_empty_or_too_large() {
    refused_file(
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
        "不是表格",
        "not a spreadsheet",
    );
    refused_file(
        b"PK\x03\x04 not really a zip",
        "不是表格",
        "not a spreadsheet",
    );
    refused_file(
        b"%PDF-1.7\n\xff\xfe\xfd\x80\x81\0",
        "不是表格",
        "not a spreadsheet",
    );
    refused_file(b"", "文件是空的", "empty");
    refused_file("门店名称,电话\n\n,\n".as_bytes(), "文件是空的", "empty");
    let mut big = vec![b'a'; huixiao::import::read::MAX_BYTES + 1];
    big[0] = b'x';
    refused_file(&big, "文件太大", "too large");
}

#[test]
fn unknown_headers_need_a_mapping_then_import() {
    let app = crate::support::app();
    let csv = "店,号码,地方\n好运超市,13600000000,长沙\n";
    let p = call(
        &app,
        "imports.preview",
        json!({"file_name": "a.csv", "data_base64": b64(csv.as_bytes())}),
    )
    .unwrap();
    assert_eq!(p["mapping_complete"], false);
    assert_eq!(p["missing"], json!(["store_name", "phone"]));
    let err = import(&app, csv.as_bytes(), json!({})).unwrap_err();
    assert_eq!(err.field(), Some("mapping"));
    let r = import(
        &app,
        csv.as_bytes(),
        json!({"mapping": ["store_name", "phone", "city"], "header_row": 1}),
    )
    .unwrap();
    assert_eq!(r["imported"], 1, "{r}");
}

#[test]
fn skip_invalid_writes_the_valid_rows_and_returns_the_others_to_fix() {
    let app = crate::support::app();
    let csv = format!(
        "{HEAD}好运超市,李四,13600000000,老板,长沙\n\
         坏店,李五,123,老板,长沙\n\
         好运二店,李六,13600000001,老板娘,长沙\n"
    );
    let r = import(&app, csv.as_bytes(), json!({"skip_invalid": true})).unwrap();
    assert_eq!(
        (r["imported"].as_i64(), r["written"].as_bool()),
        (Some(2), Some(true))
    );
    assert_eq!(r["errors"][0]["row"], 3);
    let skipped = r["skipped_csv"].as_str().unwrap();
    let lines: Vec<&str> = skipped.trim_start_matches('\u{feff}').lines().collect();
    assert_eq!(lines.len(), 2, "{skipped}");
    assert!(
        lines[0].starts_with("门店名称,联系人,电话,角色,城市,"),
        "{skipped}"
    );
    assert!(
        lines[1].starts_with("坏店,李五,123,老板,长沙,") && lines[1].contains("C3"),
        "{skipped}"
    );
    assert_eq!(count(&app, "stores"), 2);
}

#[test]
fn a_dry_run_counts_and_writes_nothing() {
    let app = crate::support::app();
    let before = dump(&app);
    let r = import(&app, CSV.as_bytes(), json!({"dry_run": true})).unwrap();
    assert_eq!(
        (r["imported"].as_i64(), r["written"].as_bool()),
        (Some(3), Some(false))
    );
    assert_eq!(dump(&app), before);
}

#[test]
fn english_headers() {
    let app = crate::support::app();
    let csv = "Store name,Contact,Mobile,Role,City,Level,Referred by,Commission\n\
               Sunny Kids,Liu Li,13800138001,owner's spouse,Changsha,a,,\n\
               Bloom Salon,Zhang Min,13900001111,manager,Changsha,C,Sunny Kids,0.1\n";
    let r = import(&app, csv.as_bytes(), json!({})).unwrap();
    assert_eq!(r["errors"], json!([]), "{r}");
    assert_eq!(r["imported"], 2);
    let bp: i64 = app
        .db
        .conn()
        .query_row(
            "SELECT referral_commission_bp FROM stores WHERE name = 'Bloom Salon'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(bp, 1000);
}

/// An `.xls` (the old binary Excel format) written by another program (Python's xlwt): the same
/// reader, the same checks — a bad phone is refused on its row and column, nothing written.
#[test]
fn a_legacy_xls_file_reads_like_xlsx() {
    let bytes = include_bytes!("../fixtures/stores.xls");
    let app = crate::support::app();
    let before = dump(&app);
    let input = |extra: Value| {
        let mut v = json!({"file_name": "名单.xls", "data_base64": b64(bytes)});
        v.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        v
    };
    let r = call(&app, "imports.stores", input(json!({}))).unwrap();
    assert_eq!(r["rows"], 3, "{r}");
    assert_eq!(r["written"], false, "{r}");
    assert_eq!(dump(&app), before);
    let errors = r["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{r}");
    assert_eq!(
        (errors[0]["row"].as_i64(), errors[0]["column"].as_str()),
        (Some(4), Some("电话"))
    );
    let r = call(&app, "imports.stores", input(json!({"skip_invalid": true}))).unwrap();
    assert_eq!(r["imported"], 2, "{r}");
    assert_eq!(count(&app, "stores"), 2);
}
