//! Segments (客户分群): saved filters with a name and the count of each; the builder takes one
//! by name.

use huixiao::i18n::Lang;
use serde_json::json;

use crate::support::{app, call, dump};

#[test]
fn segments_are_saved_counted_renamed_used_and_removed() {
    let app = app();
    for (name, city, level) in [
        ("甲", "长沙", "A"),
        ("乙", "长沙", "B"),
        ("丙", "武汉", "A"),
    ] {
        let s = call(
            &app,
            "stores.create",
            json!({"name": name, "city": city, "level": level}),
        )
        .unwrap();
        call(
            &app,
            "contacts.create",
            json!({"store_id": s["id"], "name": "老板娘", "role": "owner_spouse"}),
        )
        .unwrap();
    }
    let a = call(
        &app,
        "segments.create",
        json!({"name": "长沙A级", "filter": {"city": "长沙", "level": "A"}}),
    )
    .unwrap();
    assert_eq!(a["count"], json!(1));
    assert_eq!(a["filter"], json!({"city": "长沙", "level": "A"}));
    let all = call(
        &app,
        "segments.create",
        json!({"name": "全部A级", "filter": {"level": "A"}}),
    )
    .unwrap();
    assert_eq!(all["count"], json!(2));
    let list = call(&app, "segments.list", json!({})).unwrap();
    let counts: Vec<(String, i64)> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["name"].as_str().unwrap().to_owned(),
                s["count"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        counts,
        vec![("全部A级".to_owned(), 2), ("长沙A级".to_owned(), 1)]
    );
    // The count follows the stores.
    call(
        &app,
        "stores.create",
        json!({"name": "丁", "city": "长沙", "level": "A"}),
    )
    .unwrap();
    let list = call(&app, "segments.list", json!({})).unwrap();
    assert_eq!(list[1]["count"], json!(2));
    // Renamed and changed.
    let b = call(
        &app,
        "segments.update",
        json!({"id": a["id"], "name": "长沙全部", "filter": {"city": "长沙"}}),
    )
    .unwrap();
    assert_eq!(b["count"], json!(3));
    // Used by the builder.
    let sem = call(
        &app,
        "seminars.create",
        json!({"title": "研讨会", "date": "2026-12-20", "start_time": "14:00", "capacity": 2}),
    )
    .unwrap();
    let p = call(
        &app,
        "invite_list.preview",
        json!({"seminar_id": sem["id"], "segment": "长沙全部"}),
    )
    .unwrap();
    assert_eq!(p["matched"], json!(3));
    assert_eq!(p["excluded"]["no_contact"], json!(1));
    assert_eq!(p["invited"], json!(2));
    call(&app, "segments.delete", json!({"id": a["id"]})).unwrap();
    assert_eq!(
        call(&app, "segments.list", json!({}))
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn a_bad_segment_is_refused_and_nothing_written() {
    let app = app();
    call(
        &app,
        "segments.create",
        json!({"name": "老客户", "filter": {"never_invited": false}}),
    )
    .unwrap();
    let before = dump(&app);
    let cases = [
        (json!({"name": "老客户", "filter": {}}), "已经有名为"),
        (json!({"name": "  ", "filter": {}}), "名字"),
        (
            json!({"name": "按阶段", "filter": {"stage": "bought"}}),
            "阶段",
        ),
        (
            json!({"name": "坏日期", "filter": {"last_attended_before": "上个月"}}),
            "日期",
        ),
        (
            json!({"name": "反了", "filter": {"score_min": 50, "score_max": 10}}),
            "高于",
        ),
    ];
    for (input, says) in cases {
        let err = call(&app, "segments.create", input.clone()).unwrap_err();
        assert!(
            err.message(Lang::Zh).contains(says),
            "{input}: {}",
            err.message(Lang::Zh)
        );
    }
    let err = call(
        &app,
        "segments.create",
        json!({"name": "未知字段", "filter": {"town": "长沙"}}),
    )
    .unwrap_err();
    assert!(
        err.message(Lang::En).contains("town"),
        "{}",
        err.message(Lang::En)
    );
    let err = call(&app, "segments.delete", json!({"id": 999})).unwrap_err();
    assert!(err.message(Lang::Zh).contains("客户分群"));
    assert_eq!(dump(&app), before);
}
