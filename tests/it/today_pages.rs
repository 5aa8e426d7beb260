//! Today's touches in pages: every page is the whole list sliced, the counts come with each page,
//! past the end is an empty page, a bad page is refused in both languages, and a touch marked done
//! on a later page leaves the list and its counts.

use chrono::{TimeZone, Utc};
use huixiao::api::{dispatch, Host};
use huixiao::app::Clock;
use huixiao::caller::Caller;
use huixiao::i18n::Lang;
use huixiao::station::{Identity, StationRole};
use huixiao::App;
use serde_json::{json, Value};

use crate::support::{app, call, dump};

/// The demo organisation, two days after it was made: touches overdue and touches due today.
fn demo() -> App {
    let app = app();
    call(&app, "demo.load", json!({"today": "2026-11-22"})).unwrap();
    app.with_clock(Clock::Fixed(
        Utc.with_ymd_and_hms(2026, 11, 24, 1, 0, 0).unwrap(),
    ))
}

fn list(v: Value) -> Vec<Value> {
    v.as_array().unwrap().clone()
}

#[test]
fn every_page_is_the_whole_list_sliced() {
    let app = demo();
    let whole = list(call(&app, "touches.today", json!({})).unwrap());
    let overdue = whole.iter().filter(|t| t["overdue_days"] != 0).count();
    assert!(whole.len() >= 12, "a list worth paging: {}", whole.len());
    assert!(
        overdue > 0 && overdue < whole.len(),
        "overdue and due today both: {overdue} of {}",
        whole.len()
    );
    for limit in [1, 5, 7, 50] {
        let mut pages = Vec::new();
        let mut offset = 0;
        loop {
            let page = call(
                &app,
                "touches.today_page",
                json!({"limit": limit, "offset": offset}),
            )
            .unwrap();
            assert_eq!(page["total"], json!(whole.len()), "{limit}/{offset}");
            assert_eq!(page["overdue"], json!(overdue));
            assert_eq!(page["offset"], json!(offset));
            assert_eq!(page["limit"], json!(limit));
            let items = list(page["items"].clone());
            // `touches.today` with the same paging answers the same touches.
            let same = call(
                &app,
                "touches.today",
                json!({"limit": limit, "offset": offset}),
            )
            .unwrap();
            assert_eq!(Value::Array(items.clone()), same);
            let end = (offset + limit).min(whole.len());
            assert_eq!(items, whole[offset..end], "limit {limit}, offset {offset}");
            assert_eq!(page["more"], json!(end < whole.len()));
            pages.extend(items);
            if page["more"] == json!(false) {
                break;
            }
            offset += limit;
        }
        assert_eq!(pages, whole, "limit {limit}: the pages put together");
    }
    // Without a limit the page op answers 50 at most; `touches.today` with only an offset, the rest.
    let first = call(&app, "touches.today_page", json!({})).unwrap();
    assert_eq!(first["limit"], 50);
    assert_eq!(
        first["items"].as_array().unwrap().len(),
        whole.len().min(50)
    );
    let rest = list(call(&app, "touches.today", json!({"offset": 3})).unwrap());
    assert_eq!(rest, whole[3..]);
}

#[test]
fn past_the_end_is_an_empty_page_with_the_counts() {
    let app = demo();
    let whole = list(call(&app, "touches.today", json!({})).unwrap());
    for offset in [whole.len(), whole.len() + 1, 100_000] {
        let page = call(
            &app,
            "touches.today_page",
            json!({"limit": 10, "offset": offset}),
        )
        .unwrap();
        assert_eq!(page["items"], json!([]), "{offset}");
        assert_eq!(page["total"], json!(whole.len()));
        assert_eq!(page["more"], false);
        assert_eq!(
            call(&app, "touches.today", json!({"offset": offset})).unwrap(),
            json!([])
        );
    }
}

#[test]
fn a_bad_limit_or_offset_is_refused_in_both_languages_and_writes_nothing() {
    let app = demo();
    let host = Host::new(app.clone());
    let before = dump(&app);
    for (op, input, field, zh, en) in [
        (
            "touches.today_page",
            json!({"limit": 0}),
            "limit",
            "须在 1 到 500 之间",
            "between 1 and 500",
        ),
        (
            "touches.today_page",
            json!({"limit": -5}),
            "limit",
            "收到的是 -5",
            "it was -5",
        ),
        (
            "touches.today",
            json!({"limit": 501}),
            "limit",
            "每页条数",
            "page size",
        ),
        (
            "touches.today",
            json!({"offset": -1}),
            "offset",
            "不能是负数",
            "cannot be negative",
        ),
        (
            "touches.today_page",
            json!({"limit": 10, "offset": -10}),
            "offset",
            "跳过的条数",
            "to skip",
        ),
    ] {
        for (lang, part) in [(Lang::Zh, zh), (Lang::En, en)] {
            let e = dispatch(&host, &Caller::organizer(lang), op, input.clone())
                .expect_err(&format!("{op} {input}"));
            assert_eq!(e.code(), "validation", "{op} {input}: {e}");
            assert_eq!(e.field(), Some(field), "{op} {input}");
            let message = e.message(lang);
            assert!(message.contains(part), "{op} {input}: «{message}»");
        }
    }
    // Not a number at all: the request is malformed, said in both languages.
    let e = dispatch(
        &host,
        &Caller::organizer(Lang::En),
        "touches.today_page",
        json!({"limit": "ten"}),
    )
    .unwrap_err();
    assert_eq!(e.code(), "bad_request");
    assert!(e.message(Lang::Zh).starts_with("请求格式不正确"), "{e}");
    assert_eq!(dump(&app), before, "nothing written");
}

#[test]
fn a_touch_marked_done_on_the_second_page_leaves_the_list_and_its_counts() {
    let app = demo();
    let first = call(&app, "touches.today_page", json!({"limit": 5})).unwrap();
    let total = first["total"].as_i64().unwrap();
    let second = call(&app, "touches.today_page", json!({"limit": 5, "offset": 5})).unwrap();
    let done = second["items"][0].clone();
    call(
        &app,
        "touches.record",
        json!({"id": done["touch_id"], "outcome": "reached"}),
    )
    .unwrap();
    let whole = list(call(&app, "touches.today", json!({})).unwrap());
    assert!(whole.iter().all(|t| t["touch_id"] != done["touch_id"]));
    let again = call(&app, "touches.today_page", json!({"limit": 5, "offset": 5})).unwrap();
    assert_eq!(again["total"], json!(total - 1));
    assert_eq!(again["total"], json!(whole.len()));
    assert_eq!(list(again["items"].clone()), whole[5..10.min(whole.len())]);
    assert_ne!(again["items"][0]["touch_id"], done["touch_id"]);
}

#[test]
fn an_inviters_station_pages_its_own_touches_with_phones_masked() {
    let app = demo();
    let whole = list(call(&app, "touches.today", json!({})).unwrap());
    let t = whole
        .iter()
        .find(|t| t["inviter_id"].is_i64() && t["phone"].is_string())
        .expect("a touch with an inviter and a phone");
    let (inviter, seminar) = (
        t["inviter_id"].as_i64().unwrap(),
        t["seminar_id"].as_i64().unwrap(),
    );
    let station = Caller::station(
        Lang::Zh,
        Identity {
            station_id: 1,
            seminar_id: seminar,
            staff_id: inviter,
            staff_name: String::new(),
            role: StationRole::Inviter,
            name: "手机".into(),
            expires_at: "2099-01-01T00:00:00Z".into(),
        },
    );
    let host = Host::new(app.clone());
    let mine: Vec<&Value> = whole
        .iter()
        .filter(|t| t["inviter_id"] == json!(inviter) && t["seminar_id"] == json!(seminar))
        .collect();
    let page = dispatch(
        &host,
        &station,
        "touches.today_page",
        json!({"inviter_id": null, "seminar_id": null, "limit": 2}),
    )
    .unwrap();
    assert_eq!(page["total"], json!(mine.len()));
    let items = list(page["items"].clone());
    assert_eq!(items.len(), mine.len().min(2));
    for (got, want) in items.iter().zip(&mine) {
        assert_eq!(got["touch_id"], want["touch_id"]);
        let phone = got["phone"].as_str().unwrap_or("*******");
        assert!(phone.starts_with("*******"), "{got}");
    }
}
