//! Bad input gets a clear message naming the field, in the user's language, and writes nothing.

use huixiao::i18n::Lang;
use serde_json::{json, Value};

use crate::support::{app, app_on_the_day, call, dump, world};

/// Calls `op`, expects a validation error on `field`, and checks the database did not change.
fn refused(op: &str, input: Value, field: &str, zh_part: &str, en_part: &str) {
    let app = app();
    let w = world(&app);
    let input = substitute(input, &w);
    let before = dump(&app);
    let err = call(&app, op, input.clone()).expect_err(&format!("{op} {input} must be refused"));
    assert_eq!(err.code(), "validation", "{op}: {err}");
    assert_eq!(err.field(), Some(field), "{op}: {err}");
    let zh = err.message(Lang::Zh);
    let en = err.message(Lang::En);
    assert!(
        zh.contains(zh_part),
        "{op}: «{zh}» should mention «{zh_part}»"
    );
    assert!(
        en.contains(en_part),
        "{op}: «{en}» should mention «{en_part}»"
    );
    assert_eq!(dump(&app), before, "{op}: nothing may be written");
}

/// `"$store"`, `"$seminar"`… in the input become the world's ids.
fn substitute(v: Value, w: &crate::support::World) -> Value {
    match v {
        Value::String(s) => match s.as_str() {
            "$store" => json!(w.store),
            "$seminar" => json!(w.seminar),
            "$spouse" => json!(w.spouse),
            "$inviter" => json!(w.inviter),
            "$assistant" => json!(w.assistant),
            "$lecturer" => json!(w.lecturer),
            _ => Value::String(s),
        },
        Value::Object(m) => {
            Value::Object(m.into_iter().map(|(k, v)| (k, substitute(v, w))).collect())
        }
        Value::Array(a) => Value::Array(a.into_iter().map(|v| substitute(v, w)).collect()),
        other => other,
    }
}

#[test]
fn invalid_phone_numbers() {
    for phone in ["1380013800", "23800138000", "138-0013-800a", "0755-123"] {
        refused(
            "contacts.create",
            json!({"store_id": "$store", "name": "周红", "role": "owner_spouse", "phone": phone}),
            "phone",
            "手机号应为 11 位",
            "a mobile has 11 digits",
        );
    }
    refused(
        "staff.create",
        json!({"name": "孙强", "roles": ["inviter"], "phone": "12345"}),
        "phone",
        "电话“12345”无效",
        "Phone “12345” is not valid",
    );
}

#[test]
fn empty_titles_and_names() {
    let seminar =
        json!({"title": "   ", "date": "2026-12-01", "start_time": "14:00", "capacity": 100});
    refused(
        "seminars.create",
        seminar,
        "title",
        "请填写会销标题",
        "Please enter the title",
    );
    refused(
        "stores.create",
        json!({"name": ""}),
        "name",
        "请填写门店名称",
        "store name",
    );
    refused(
        "staff.create",
        json!({"name": "", "roles": ["assistant"]}),
        "name",
        "请填写姓名",
        "name",
    );
}

#[test]
fn a_new_seminar_dated_in_the_past() {
    // The fixed clock says 2026-11-22 09:00 in Shanghai.
    let past =
        json!({"title": "回顾会", "date": "2026-11-22", "start_time": "08:30", "capacity": 50});
    refused("seminars.create", past, "date", "已经过去", "in the past");
    let moved = json!({"id": "$seminar", "title": "幼儿园招生增长研讨会", "date": "2025-01-01", "start_time": "14:00", "capacity": 120});
    refused("seminars.update", moved, "date", "已经过去", "in the past");
}

#[test]
fn malformed_dates_times_and_counts() {
    let base = |date: &str, time: &str, cap: i64| json!({"title": "研讨会", "date": date, "start_time": time, "capacity": cap});
    refused(
        "seminars.create",
        base("2026/12/01", "14:00", 10),
        "date",
        "2026-11-22 这样的格式",
        "use the form 2026-11-22",
    );
    refused(
        "seminars.create",
        base("2026-02-30", "14:00", 10),
        "date",
        "日期",
        "Date",
    );
    refused(
        "seminars.create",
        base("2026-12-01", "25:00", 10),
        "start_time",
        "开始时间",
        "Start time",
    );
    refused(
        "seminars.create",
        base("2026-12-01", "14:00", 0),
        "capacity",
        "容纳人数",
        "capacity",
    );
    let tz = json!({"title": "研讨会", "date": "2026-12-01", "start_time": "14:00", "capacity": 10, "timezone": "Mars/Olympus"});
    refused("seminars.create", tz, "timezone", "时区", "Time zone");
}

#[test]
fn the_lecturer_must_be_a_lecturer() {
    let s = json!({"title": "研讨会", "date": "2026-12-01", "start_time": "14:00", "capacity": 10, "lecturer_id": "$inviter"});
    refused(
        "seminars.create",
        s,
        "lecturer_id",
        "不是讲师",
        "does not have the lecturer role",
    );
}

#[test]
fn a_table_with_zero_seats() {
    refused(
        "tables.create",
        json!({"seminar_id": "$seminar", "number": 3, "seats": 0}),
        "seats",
        "3 号桌的座位数必须至少为 1",
        "Table 3 needs at least 1 seat",
    );
}

#[test]
fn negative_money() {
    let product = json!({"name": "招生系统", "tiers": [
        {"name": "原价", "price_fen": 1_980_000},
        {"name": "会场价", "price_fen": -100}
    ]});
    refused(
        "products.create",
        product,
        "price_fen",
        "价格不能为负数",
        "price cannot be negative",
    );
}

#[test]
fn an_invitation_must_name_who_comes() {
    refused(
        "invitations.create",
        json!({"seminar_id": "$seminar", "store_id": "$store", "contact_ids": []}),
        "contact_ids",
        "老板娘",
        "owner's spouse",
    );
}

#[test]
fn valid_input_is_stored_normalised() {
    let app = app();
    let w = world(&app);
    let store = call(&app, "stores.get", json!({"id": w.store})).unwrap();
    let spouse = &store["contacts"][1];
    assert_eq!(spouse["phone"], "13800138001", "spaces removed");
    assert_eq!(spouse["phone_kind"], "mobile");
    let landline = call(
        &app,
        "contacts.create",
        json!({"store_id": w.store, "name": "前台", "role": "staff", "phone": "(0731) 8888 6666"}),
    )
    .unwrap();
    assert_eq!(
        (landline["phone"].as_str(), landline["phone_kind"].as_str()),
        (Some("0731-88886666"), Some("landline"))
    );
    let inv = call(
        &app,
        "invitations.create",
        json!({"seminar_id": w.seminar, "store_id": w.store, "inviter_id": w.inviter, "contact_ids": [w.spouse]}),
    )
    .unwrap();
    assert_eq!(inv["guests"][0]["role"], "owner_spouse");
    let seminar = call(&app, "seminars.get", json!({"id": w.seminar})).unwrap();
    assert_eq!(
        (seminar["invited"].as_i64(), seminar["status"].as_str()),
        (Some(1), Some("planning"))
    );
}

#[test]
fn erasing_a_contact_removes_personal_data_and_keeps_counts() {
    let app = app();
    let w = world(&app);
    call(
        &app,
        "invitations.create",
        json!({"seminar_id": w.seminar, "store_id": w.store, "contact_ids": [w.spouse]}),
    )
    .unwrap();
    let erased = call(&app, "contacts.erase", json!({"id": w.spouse})).unwrap();
    assert_eq!(erased["name"], "已删除");
    assert_eq!(erased["phone"], Value::Null);
    assert_eq!(erased["erased"], true);
    assert_eq!(
        erased["opted_out"], true,
        "an erased person gets no messages"
    );
    assert!(
        !dump(&app).contains("13800138001"),
        "the phone is gone from every table"
    );
    assert!(
        !dump(&app).contains("刘丽"),
        "the name is gone from every table"
    );
    let inv = call(&app, "invitations.list", json!({"seminar_id": w.seminar})).unwrap();
    assert_eq!(
        inv[0]["guests"][0]["role"], "owner_spouse",
        "the anonymous role still counts"
    );
    let edit = call(
        &app,
        "contacts.update",
        json!({"id": w.spouse, "name": "刘丽", "role": "owner_spouse"}),
    );
    assert_eq!(edit.unwrap_err().code(), "conflict");
}

#[test]
fn a_closed_seminar_cannot_be_reopened() {
    let app = app_on_the_day();
    let w = world(&app);
    for status in ["inviting", "live", "closed"] {
        call(
            &app,
            "seminars.set_status",
            json!({"id": w.seminar, "status": status}),
        )
        .unwrap();
    }
    let before = dump(&app);
    let err = call(
        &app,
        "seminars.set_status",
        json!({"id": w.seminar, "status": "live"}),
    )
    .unwrap_err();
    assert_eq!(err.code(), "conflict");
    assert!(err.message(Lang::Zh).contains("不能从“已结束”改回“进行中”"));
    assert_eq!(dump(&app), before);
}

#[test]
fn unknown_ids_and_malformed_requests() {
    let app = app();
    let err = call(&app, "seminars.get", json!({"id": 404})).unwrap_err();
    assert_eq!(err.code(), "not_found");
    assert!(err.message(Lang::Zh).contains("找不到会销"));
    let err = call(&app, "seminars.create", json!({"title": "x"})).unwrap_err();
    assert_eq!(err.code(), "bad_request");
    assert_eq!(
        call(&app, "no.such.op", json!({})).unwrap_err().code(),
        "unknown_operation"
    );
}
