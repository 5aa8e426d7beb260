//! Staff added on a city laptop once it had joined (a new assistant on the day) are proposed to
//! head office (issue #14, item 5): a head-office laptop's 同步问题 shows each with the laptop that
//! added them, beside head office's staff of the same name or phone, and settles it — approved,
//! merged into the one head office has (what named the new one names them, on every laptop), or
//! retired. The staff a laptop joins with are adopted, not proposed; a city laptop cannot settle.
//! Real SQLite files against a real PostgreSQL.

use huixiao::hq;
use serde_json::{json, Value};

use crate::hq_laptops::laptop;
use crate::hq_lists::one;
use crate::hq_sync::org;
use crate::pg::cluster;
use crate::support::{call, world};

fn id(v: Value) -> i64 {
    v["id"].as_i64().unwrap()
}

fn named<'a>(proposals: &'a [Value], name: &str) -> &'a Value {
    proposals
        .iter()
        .find(|c| c["mine"]["name"] == name)
        .unwrap_or_else(|| panic!("{name} is not proposed: {proposals:?}"))
}

#[test]
fn staff_a_city_laptop_added_are_proposed_to_head_office_and_approved_merged_or_retired_everywhere()
{
    let o = org();
    let pg = |sql: &str| cluster().psql(&o.db, sql);
    let head = laptop(&o.hq);
    let wang_fang = id(call(
        &head.app,
        "staff.create",
        json!({"name": "王芳", "roles": ["inviter"], "phone": "13700001111"}),
    )
    .unwrap());
    head.join_in_window(&o.hq);

    // 长沙 joins with its seminar and its staff (李明, 王芳 with another phone, 赵磊): adopted.
    let changsha = laptop(&o.changsha);
    let w = world(&changsha.app);
    changsha.join_in_window(&o.changsha);
    head.sync_in_window();
    assert!(
        head.open_conflicts("new_staff").is_empty(),
        "the staff a laptop joins with are adopted"
    );

    // On the day, offline: two new assistants and one more 王芳, who is head office's 王芳 with her
    // new number; she is at table 1, 李娜 at table 2.
    let add = |name: &str, phone: Option<&str>| {
        id(call(
            &changsha.app,
            "staff.create",
            json!({"name": name, "roles": ["assistant"], "phone": phone}),
        )
        .unwrap())
    };
    let li_na = add("李娜", Some("13600002222"));
    let new_wang = add("王芳", Some("13700009999"));
    add("周杰", None);
    for (number, assistant) in [(1, new_wang), (2, li_na)] {
        call(
            &changsha.app,
            "tables.create",
            json!({"seminar_id": w.seminar, "number": number, "seats": 10, "assistant_id": assistant}),
        )
        .unwrap();
    }
    changsha.sync_in_window();
    assert!(
        changsha.open_conflicts("new_staff").is_empty(),
        "a city laptop is not asked"
    );
    assert_eq!(
        pg("SELECT count(*) FROM hq.staff_reviews WHERE settled = 'proposed'"),
        "3"
    );
    // Adopted meanwhile: the seminar's tables work at head office with their assistants.
    assert_eq!(
        pg("SELECT count(*) FROM hq.rows WHERE tbl = 'staff' AND data->>'name' = '王芳'"),
        "3",
        "head office's, the one 长沙 joined with, and the new one"
    );

    // Head office sees the three, who added them and what they do, and head office's 王芳s beside
    // the new one.
    head.sync_in_window();
    let proposed = head.open_conflicts("new_staff");
    assert_eq!(proposed.len(), 3, "{proposed:?}");
    let wang = named(&proposed, "王芳");
    assert_eq!(wang["mine"]["laptop"], "长沙");
    assert_eq!(wang["mine"]["phone"], "13700009999");
    assert_eq!(wang["mine"]["tables"], 1);
    assert_eq!(wang["reason"], "added_on_laptop");
    let similar: Vec<&str> = wang["theirs"]["similar"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["phone"].as_str().unwrap_or_default())
        .collect();
    assert!(
        similar.contains(&"13700001111") && similar.contains(&"13912345678"),
        "both other 王芳s: {similar:?}"
    );
    assert_eq!(
        named(&proposed, "周杰")["theirs"]["similar"],
        json!([]),
        "nobody like him"
    );

    // Left alone, a proposal would come back: it is settled, not dismissed.
    let dismissed = call(
        &head.app,
        "sync.resolve",
        json!({"id": named(&proposed, "李娜")["id"], "resolution": "dismiss"}),
    );
    assert!(dismissed.is_err());

    // A city laptop cannot settle one (head office's database refuses it).
    let refused = hq::block_on(async {
        let client = hq::connect::connect(&changsha.link).await.unwrap();
        let gid = one(&changsha, "SELECT gid FROM staff WHERE name = '李娜'");
        hq::staff::review(&client, "test", &gid, "approved").await
    });
    let message = refused.unwrap_err().message(huixiao::i18n::Lang::Zh);
    assert!(message.contains("只有总部的电脑能确认新员工"), "{message}");

    // Head office: 李娜 approved, the new 王芳 is its 王芳, 周杰 retired.
    call(
        &head.app,
        "sync.resolve",
        json!({"id": named(&proposed, "李娜")["id"], "resolution": "approve"}),
    )
    .unwrap();
    let left = call(
        &head.app,
        "sync.merge_staff",
        json!({"id": wang["id"], "into": wang_fang}),
    )
    .unwrap();
    assert!(
        left.as_array()
            .unwrap()
            .iter()
            .all(|c| c["mine"]["name"] != "王芳"),
        "{left}"
    );
    let wrong = call(
        &head.app,
        "sync.merge_staff",
        json!({"id": named(&proposed, "周杰")["id"], "into": 99_999}),
    );
    assert!(wrong.is_err(), "nobody to merge into");
    call(
        &head.app,
        "sync.resolve",
        json!({"id": named(&proposed, "周杰")["id"], "resolution": "retire"}),
    )
    .unwrap();
    assert!(head.open_conflicts("new_staff").is_empty());
    head.sync_in_window();
    assert!(
        head.open_conflicts("new_staff").is_empty(),
        "settled ones are not proposed again"
    );

    // 长沙 after its sync: one 王芳 fewer, table 1's assistant is head office's 王芳, 周杰 inactive.
    changsha.sync_in_window();
    assert_eq!(
        changsha.names("SELECT name || coalesce(' ' || phone, '') FROM staff WHERE name = '王芳'"),
        ["王芳 13700001111", "王芳 13912345678"]
    );
    assert_eq!(
        one(
            &changsha,
            "SELECT s.phone FROM venue_tables t JOIN staff s ON s.id = t.assistant_id WHERE t.number = 1"
        ),
        "13700001111"
    );
    assert_eq!(
        one(
            &changsha,
            "SELECT active || '' FROM staff WHERE name = '周杰'"
        ),
        "0"
    );
    assert_eq!(
        one(
            &changsha,
            "SELECT active || '' FROM staff WHERE name = '李娜'"
        ),
        "1"
    );
    assert_eq!(
        pg("SELECT string_agg(settled, ',' ORDER BY settled) FROM hq.staff_reviews"),
        "approved,merged,retired"
    );
}
