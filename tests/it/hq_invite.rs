//! No double inviting, online (issue #14, item 7): when team office is reachable, a store another
//! laptop holds for a seminar whose attribution window overlaps is refused at once — a single
//! invitation with who holds it and for which seminar, a batch and the builder's list leaving it
//! out under `held_by_other_laptop`. Offline the invitation is made, and the clash comes back at
//! the next sync as a conflict.

use std::time::{Duration, Instant};

use huixiao::hq;
use huixiao::i18n::Lang;
use serde_json::json;

use crate::hq_laptops::{changsha_with_data, laptop, Laptop};
use crate::hq_sync::org;
use crate::pg::cluster;
use crate::support::call;

fn id(l: &Laptop, sql: &str) -> i64 {
    l.app.db.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

/// 长沙 invited 小太阳幼儿园 to its seminar (2026-11-29, 30 days); a second team in 长沙, on a laptop
/// of its own (joined and synced: it holds 长沙's stores, not 长沙's seminars), plans a seminar six
/// days later. Answers that laptop, its seminar, the store and the store's contact there, and its
/// join link.
fn two_laptops() -> (Laptop, Laptop, i64, i64, i64, String) {
    let o = org();
    let changsha = changsha_with_data(&o);
    let store = id(
        &changsha,
        "SELECT id FROM stores WHERE name = '小太阳幼儿园'",
    );
    let seminar = id(&changsha, "SELECT id FROM seminars");
    call(
        &changsha.app,
        "invitations.create_many",
        json!({"seminar_id": seminar, "store_ids": [store]}),
    )
    .unwrap();
    changsha.join();
    changsha.sync();
    let admin = cluster().url(&o.db);
    let join = crate::hq::json_of(&crate::hq::huixiao(&[
        "hq",
        "laptop",
        "add",
        "--pg",
        &admin,
        "--name",
        "长沙二队",
        "--cities",
        "长沙",
        "--json",
    ]))["join_url"]
        .as_str()
        .unwrap()
        .to_string();
    let team = laptop(&join);
    team.join();
    team.sync();
    hq::link::save(&team.path, &join).unwrap();
    let lecturer = id(&team, "SELECT id FROM staff WHERE name = '李明'");
    let own = call(
        &team.app,
        "seminars.create",
        json!({"title": "二队大课", "date": "2026-12-05", "start_time": "14:00", "capacity": 200, "lecturer_id": lecturer, "city": "长沙"}),
    )
    .unwrap()["id"]
        .as_i64()
        .unwrap();
    let store = id(&team, "SELECT id FROM stores WHERE name = '小太阳幼儿园'");
    let contact = id(
        &team,
        &format!("SELECT contact_id FROM store_contacts WHERE store_id = {store} LIMIT 1"),
    );
    (changsha, team, own, store, contact, join)
}

#[test]
fn online_a_store_another_laptop_holds_is_refused_at_once_with_who_and_which_seminar() {
    let (_changsha, team, own, store, contact, _) = two_laptops();
    let refused = call(
        &team.app,
        "invitations.create",
        json!({"seminar_id": own, "store_id": store, "contact_ids": [contact]}),
    )
    .unwrap_err();
    let zh = refused.message(Lang::Zh);
    assert!(
        zh.contains("小太阳幼儿园")
            && zh.contains("“长沙”")
            && zh.contains("幼儿园招生增长研讨会")
            && zh.contains("2026年11月29日"),
        "who holds the store and for which seminar: {zh}"
    );
    let en = refused.message(Lang::En);
    assert!(
        en.contains("already invited by “长沙” to the seminar “幼儿园招生增长研讨会” (2026-11-29)"),
        "{en}"
    );
    let made = id(
        &team,
        &format!("SELECT count(*) FROM invitations WHERE seminar_id = {own}"),
    );
    assert_eq!(made, 0, "nothing written");

    // In a batch the store is skipped with the reason, not a failure of the batch.
    let batch = call(
        &team.app,
        "invitations.create_many",
        json!({"seminar_id": own, "store_ids": [store]}),
    )
    .unwrap();
    assert_eq!(batch["created"], json!([]));
    assert_eq!(batch["skipped"][0]["reason"], "held_by_other_laptop");
    assert!(batch["skipped"][0]["held_by"]
        .as_str()
        .unwrap()
        .contains("幼儿园招生增长研讨会"));
    // Asked in English, who holds it is said in English.
    let batch = huixiao::api::dispatch(
        &huixiao::api::Host::new(team.app.clone()),
        &huixiao::caller::Caller::organizer(huixiao::i18n::Lang::En),
        "invitations.create_many",
        json!({"seminar_id": own, "store_ids": [store]}),
    )
    .unwrap();
    let held_by = batch["skipped"][0]["held_by"].as_str().unwrap();
    assert!(
        held_by.starts_with("The store") && held_by.contains("幼儿园招生增长研讨会"),
        "{held_by}"
    );

    // The builder leaves it out under its own reason.
    let list = call(
        &team.app,
        "invite_list.preview",
        json!({"seminar_id": own, "filter": {"city": "长沙"}}),
    )
    .unwrap();
    assert_eq!(list["excluded"]["held_by_other_laptop"], 1, "{list}");
    assert!(list["stores"]
        .as_array()
        .unwrap()
        .iter()
        .all(|s| s["store_id"] != store));

    // A seminar two months later does not overlap: the store may be invited.
    let lecturer = id(&team, "SELECT id FROM staff WHERE name = '李明'");
    let later = call(
        &team.app,
        "seminars.create",
        json!({"title": "春季大课", "date": "2027-02-01", "start_time": "14:00", "capacity": 200, "lecturer_id": lecturer, "city": "长沙"}),
    )
    .unwrap()["id"]
        .as_i64()
        .unwrap();
    call(
        &team.app,
        "invitations.create",
        json!({"seminar_id": later, "store_id": store, "contact_ids": [contact]}),
    )
    .unwrap();
}

#[test]
fn offline_the_invitation_is_made_at_once_and_the_clash_comes_back_at_sync() {
    let (changsha, team, own, store, contact, join_url) = two_laptops();
    // Head office cannot be reached: a port where nothing listens.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_port = closed.local_addr().unwrap().port();
    drop(closed);
    let offline = join_url.replace(&format!(":{}/", cluster().port), &format!(":{dead_port}/"));
    hq::link::save(&team.path, &offline).unwrap();
    let t = Instant::now();
    call(
        &team.app,
        "invitations.create",
        json!({"seminar_id": own, "store_id": store, "contact_ids": [contact]}),
    )
    .unwrap();
    assert!(
        t.elapsed() < Duration::from_secs(3),
        "offline, the invitation does not wait on team office: {:?}",
        t.elapsed()
    );
    // Back online, the next sync brings the clash on both laptops.
    hq::link::save(&team.path, &join_url).unwrap();
    assert_eq!(team.sync().conflicts, 1);
    let clash = call(&team.app, "sync.conflicts", json!({})).unwrap();
    assert_eq!(clash[0]["kind"], "double_invitation");
    assert_eq!(clash[0]["theirs"]["laptop"], "长沙");
    assert_eq!(changsha.sync().conflicts, 1);
}

/// Where a laptop's clash check got to in head office's log (None: it has not checked yet).
fn clash_position(l: &Laptop) -> Option<String> {
    l.app
        .db
        .conn()
        .query_row("SELECT clashes_xid FROM sync_state", [], |r| r.get(0))
        .unwrap()
}

#[test]
fn after_both_laptops_checked_another_laptops_new_invitation_or_moved_seminar_still_clashes_on_both(
) {
    let (changsha, team, own, store, contact, join_url) = two_laptops();
    // Both laptops have checked for clashes once: each asks next only about what changed since.
    team.sync();
    changsha.sync();
    let (team_at, changsha_at) = (clash_position(&team), clash_position(&changsha));
    assert!(team_at.is_some() && changsha_at.is_some());

    // The second team invites the store to a seminar two months later (no overlap: allowed).
    let lecturer = id(&team, "SELECT id FROM staff WHERE name = '李明'");
    let spring = json!({"title": "春季大课", "date": "2027-02-01", "start_time": "14:00", "capacity": 200, "lecturer_id": lecturer, "city": "长沙"});
    let later = call(&team.app, "seminars.create", spring.clone()).unwrap()["id"]
        .as_i64()
        .unwrap();
    call(
        &team.app,
        "invitations.create",
        json!({"seminar_id": later, "store_id": store, "contact_ids": [contact]}),
    )
    .unwrap();
    assert_eq!(team.sync().conflicts, 0);
    assert_eq!(changsha.sync().conflicts, 0);
    assert_ne!(
        clash_position(&changsha),
        changsha_at,
        "长沙's position moved"
    );

    // Offline, it invites the store again to its seminar six days after 长沙's: a new invitation
    // of another laptop against 长沙's older one, which changed nowhere since 长沙 last checked.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_port = closed.local_addr().unwrap().port();
    drop(closed);
    let offline = join_url.replace(&format!(":{}/", cluster().port), &format!(":{dead_port}/"));
    hq::link::save(&team.path, &offline).unwrap();
    call(
        &team.app,
        "invitations.create",
        json!({"seminar_id": own, "store_id": store, "contact_ids": [contact]}),
    )
    .unwrap();
    hq::link::save(&team.path, &join_url).unwrap();
    assert_eq!(team.sync().conflicts, 1);
    assert_eq!(
        changsha.sync().conflicts,
        1,
        "长沙 sees the new invitation against its own"
    );
    let clash = call(&changsha.app, "sync.conflicts", json!({})).unwrap();
    assert_eq!(clash[0]["kind"], "double_invitation");
    assert_eq!(clash[0]["theirs"]["laptop"], "长沙二队");
    assert_eq!(clash[0]["theirs"]["title"], "二队大课");
    // Asked again at every sync, an open clash neither duplicates nor leaves while it holds.
    assert_eq!(changsha.sync().conflicts, 1);
    assert_eq!(team.sync().conflicts, 1);

    // The spring seminar moves to within 长沙's window: its invitation, unchanged, now clashes too,
    // on both laptops.
    let mut moved = spring;
    moved["id"] = json!(later);
    moved["date"] = json!("2026-12-10");
    call(&team.app, "seminars.update", moved).unwrap();
    assert_eq!(team.sync().conflicts, 2);
    assert_eq!(
        changsha.sync().conflicts,
        2,
        "the moved seminar's invitation"
    );

    // The second team cancels its invitation to 二队大课: that clash leaves both lists, the other
    // stays.
    let mine = call(&team.app, "sync.conflicts", json!({})).unwrap();
    let to_cancel = mine
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["mine"]["title"] == "二队大课")
        .unwrap_or_else(|| panic!("{mine:#}"))["id"]
        .clone();
    call(
        &team.app,
        "sync.resolve",
        json!({"id": to_cancel, "resolution": "cancel_mine"}),
    )
    .unwrap();
    assert_eq!(team.sync().conflicts, 1);
    assert_eq!(changsha.sync().conflicts, 1);
    let left = call(&changsha.app, "sync.conflicts", json!({})).unwrap();
    assert_eq!(left[0]["theirs"]["title"], "春季大课", "{left:#}");
}

#[test]
fn an_opt_out_made_on_one_laptop_travels_and_the_other_laptops_builder_leaves_the_store_out() {
    let o = org();
    let changsha = changsha_with_data(&o);
    changsha.join();
    changsha.sync();
    let head = laptop(&o.hq);
    head.join();
    head.sync();
    let lecturer = id(&head, "SELECT id FROM staff WHERE name = '李明'");
    let own = call(
        &head.app,
        "seminars.create",
        json!({"title": "总部大课", "date": "2026-12-05", "start_time": "14:00", "capacity": 200, "lecturer_id": lecturer, "city": "长沙"}),
    )
    .unwrap()["id"]
        .as_i64()
        .unwrap();
    let preview = || {
        call(
            &head.app,
            "invite_list.preview",
            json!({"seminar_id": own, "filter": {"city": "长沙"}}),
        )
        .unwrap()
    };
    let before = preview();
    assert_eq!(before["invited"], 1, "the store may be invited: {before}");

    // On 长沙's laptop both of the store's people ask not to be called again (the contact form).
    let store = id(
        &changsha,
        "SELECT id FROM stores WHERE name = '小太阳幼儿园'",
    );
    let people = call(&changsha.app, "stores.get", json!({"id": store})).unwrap();
    let mut opted = 0;
    for c in people["contacts"].as_array().unwrap() {
        call(
            &changsha.app,
            "contacts.update",
            json!({"id": c["id"], "name": c["name"], "role": c["role"], "phone": c["phone"], "opted_out": true}),
        )
        .unwrap();
        opted += 1;
    }
    assert_eq!(opted, 2);
    assert_eq!(changsha.sync().pending, 0);
    head.sync();
    let opted: i64 = id(
        &head,
        "SELECT count(*) FROM contacts WHERE opted_out = 1 AND name IN ('陈建国', '刘丽')",
    );
    assert_eq!(opted, 2, "the opt-outs reached head office's laptop");
    let after = preview();
    assert_eq!(after["excluded"]["opted_out"], 1, "{after}");
    assert_eq!(after["invited"], 0, "{after}");
}
