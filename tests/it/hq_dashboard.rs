//! Head office's dashboard filtered by laptop (issue #14): the territory follows the laptop too
//! (a team's coverage is the stores its seminars invited, against all the city's stores), and the
//! dashboard's Excel export holds what the screen shows under its filters. Real SQLite files
//! against a real PostgreSQL; the workbooks read back with calamine.

use std::io::Cursor;

use base64::Engine;
use calamine::{Data, Reader, Xlsx};
use huixiao::app::Clock;
use huixiao::App;
use serde_json::{json, Value};

use crate::deals::{deal, setup};
use crate::hq_laptops::{laptop, Laptop};
use crate::hq_sync::org;
use crate::support::{call, on_the_day};

/// 长沙's laptop invited 小太阳幼儿园 (inviter 王芳), which came and bought; head office's own
/// seminar in 长沙 invited 长沙二店, which did not buy. 株洲's store is elsewhere.
fn two_teams_in_changsha() -> (Laptop, Laptop) {
    let o = org();
    let mut changsha = laptop(&o.changsha);
    changsha.app = App::open(&changsha.path)
        .unwrap()
        .with_clock(Clock::Fixed(on_the_day()));
    let (w, product, tier) = setup(&changsha.app, 10);
    let invitation = changsha
        .app
        .db
        .conn()
        .query_row("SELECT id FROM invitations", [], |r| r.get::<_, i64>(0))
        .unwrap();
    call(
        &changsha.app,
        "invitations.update",
        json!({"id": invitation, "inviter_id": w.inviter, "contact_ids": [w.spouse]}),
    )
    .unwrap();
    call(&changsha.app, "deals.create", deal(&w, product, tier)).unwrap();
    call(
        &changsha.app,
        "stores.create",
        json!({"name": "长沙二店", "city": "长沙", "district": "芙蓉区", "level": "B"}),
    )
    .unwrap();
    changsha.join();
    changsha.sync();

    let head = laptop(&o.hq);
    head.join();
    head.sync();
    let seminar = call(
        &head.app,
        "seminars.create",
        json!({"title": "总部大课", "date": "2026-12-05", "start_time": "14:00", "capacity": 200, "city": "长沙"}),
    )
    .unwrap()["id"]
        .as_i64()
        .unwrap();
    let store: i64 = head
        .app
        .db
        .conn()
        .query_row(
            "SELECT id FROM stores WHERE name = '长沙二店'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let owner = call(
        &head.app,
        "contacts.create",
        json!({"store_id": store, "name": "周老板", "role": "owner", "phone": "13600001111"}),
    )
    .unwrap()["id"]
        .clone();
    call(
        &head.app,
        "invitations.create",
        json!({"seminar_id": seminar, "store_id": store, "contact_ids": [owner]}),
    )
    .unwrap();
    (changsha, head)
}

fn rates(t: &Value) -> (i64, i64, i64, Value, Value) {
    (
        t["stores"].as_i64().unwrap(),
        t["covered"].as_i64().unwrap(),
        t["converted"].as_i64().unwrap(),
        t["coverage"].clone(),
        t["territory_conversion"].clone(),
    )
}

#[test]
fn head_offices_territory_follows_the_laptop_filter() {
    let (_changsha, head) = two_teams_in_changsha();
    let territory = |filter: Value| call(&head.app, "territory.report", filter).unwrap();

    let all = territory(json!({"city": "长沙"}));
    assert_eq!(rates(&all), (2, 2, 1, json!(1.0), json!(0.5)), "{all}");

    // 长沙's team: the store its seminar invited, which bought, out of the city's two.
    let changsha = territory(json!({"city": "长沙", "laptop": "长沙"}));
    assert_eq!(
        rates(&changsha),
        (2, 1, 1, json!(0.5), json!(1.0)),
        "{changsha}"
    );
    assert_eq!(changsha["by_inviter"][0]["label"], "王芳");
    assert_eq!(changsha["by_inviter"].as_array().unwrap().len(), 1);
    // Head office's own team: its store did not buy, and 长沙's customer is not its conversion.
    let own = territory(json!({"city": "长沙", "laptop": "总部"}));
    assert_eq!(rates(&own), (2, 1, 0, json!(0.5), json!(0.0)), "{own}");
    assert_eq!(
        own["by_inviter"],
        json!([]),
        "长沙's inviter is not head office's"
    );
    let district = own["by_district"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["key"] == "岳麓区")
        .unwrap();
    assert_eq!(
        (district["covered"].as_i64(), district["converted"].as_i64()),
        (Some(0), Some(0))
    );
    // A laptop that ran nothing here covered nothing.
    let none = territory(json!({"city": "长沙", "laptop": "株洲"}));
    assert_eq!(rates(&none), (2, 0, 0, json!(0.0), Value::Null));
}

type Book = Xlsx<Cursor<Vec<u8>>>;

fn export(app: &App, input: Value) -> (String, Book) {
    let out = call(app, "exports.xlsx", input).unwrap();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(out["data_base64"].as_str().unwrap())
        .unwrap();
    (
        out["file_name"].as_str().unwrap().to_owned(),
        Xlsx::new(Cursor::new(bytes)).unwrap(),
    )
}

/// The seminars of the 会销对比 sheet: (title, city, laptop).
fn compared(book: &mut Book) -> Vec<(String, String, String)> {
    let sheet = book.worksheet_range("会销对比").unwrap();
    let mut rows = sheet.rows();
    let head: Vec<String> = rows.next().unwrap().iter().map(Data::to_string).collect();
    let col = |h: &str| head.iter().position(|x| x == h).unwrap();
    let (title, city, laptop) = (col("会销"), col("城市"), col("电脑（团队）"));
    let mut out: Vec<_> = rows
        .map(|r| {
            (
                r[title].to_string(),
                r[city].to_string(),
                r[laptop].to_string(),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn the_dashboards_excel_export_follows_the_filters_on_screen() {
    let (_changsha, head) = two_teams_in_changsha();
    let (name, mut book) = export(&head.app, json!({"list": "dashboard"}));
    assert_eq!(name, "会销对比.xlsx");
    assert_eq!(
        compared(&mut book),
        [
            ("幼儿园招生增长研讨会".into(), "长沙".into(), "长沙".into()),
            ("总部大课".into(), "长沙".into(), "总部".into()),
        ]
    );

    let (name, mut book) = export(
        &head.app,
        json!({"list": "dashboard", "city": "长沙", "laptop": "长沙"}),
    );
    assert_eq!(
        name, "会销对比-长沙-长沙.xlsx",
        "the file says what it holds"
    );
    assert_eq!(
        compared(&mut book),
        [("幼儿园招生增长研讨会".into(), "长沙".into(), "长沙".into())]
    );
    // The medians are those of the seminars kept, as on screen.
    let screen = call(
        &head.app,
        "seminars.compare",
        json!({"city": "长沙", "laptop": "长沙"}),
    )
    .unwrap();
    let medians = book.worksheet_range("机构中位数").unwrap();
    let conversion = medians.rows().find(|r| r[0] == *"场次转化率").unwrap()[1].clone();
    let expected = &screen["medians"]["session_conversion"];
    assert_eq!(
        conversion,
        expected
            .as_f64()
            .map_or(Data::String("—".into()), Data::Float),
        "{screen}"
    );

    let (_, mut book) = export(&head.app, json!({"list": "dashboard", "laptop": "总部"}));
    assert_eq!(
        compared(&mut book),
        [("总部大课".into(), "长沙".into(), "总部".into())]
    );
    let (_, mut book) = export(&head.app, json!({"list": "dashboard", "city": "株洲"}));
    assert!(compared(&mut book).is_empty());

    // The territory's export follows the laptop too.
    let (name, mut book) = export(
        &head.app,
        json!({"list": "territory", "city": "长沙", "laptop": "长沙"}),
    );
    assert_eq!(name, "区域-长沙-长沙.xlsx");
    let districts = book.worksheet_range("按区县").unwrap();
    let first = districts.rows().nth(1).unwrap();
    assert_eq!(
        (first[0].to_string(), first[2].clone(), first[5].clone()),
        ("长沙".to_string(), Data::Float(1.0), Data::Float(0.5))
    );
}
