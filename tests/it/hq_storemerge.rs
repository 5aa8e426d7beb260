//! The same mobile under two store names on two laptops (issue #14, item 4): after a sync both
//! laptops list the pair for a person (the import's rule: merge or keep apart, never a silent
//! merge). Kept apart on one laptop, it leaves both lists; merged, there is one store everywhere
//! with both laptops' invitations and deals under it and the person once — a change still
//! waiting on a laptop under the merged store included — and each laptop mirrors head office.

use serde_json::{json, Value};

use crate::hq::json_of;
use crate::hq_laptops::{laptop, Laptop};
use crate::hq_mirror::assert_mirrors;
use crate::hq_sync::org;
use crate::pg::cluster;
use crate::support::{call, world};

fn id(v: Value) -> i64 {
    v["id"].as_i64().unwrap()
}

fn gid(l: &Laptop, store: &str) -> String {
    l.app
        .db
        .conn()
        .query_row("SELECT gid FROM stores WHERE name = ?1", [store], |r| {
            r.get(0)
        })
        .unwrap()
}

/// A store with its owner's mobile, invited to `seminar` with the owner, and a later purchase
/// (a deal outside the seminar, the laptop's own).
fn store_with_deal(
    l: &Laptop,
    name: &str,
    owner: &str,
    mobile: &str,
    seminar: i64,
    product: (i64, i64),
) {
    let store = id(call(
        &l.app,
        "stores.create",
        json!({"name": name, "city": "长沙", "district": "岳麓区", "level": "A"}),
    )
    .unwrap());
    let person = id(call(
        &l.app,
        "contacts.create",
        json!({"store_id": store, "name": owner, "role": "owner", "phone": mobile}),
    )
    .unwrap());
    call(
        &l.app,
        "invitations.create",
        json!({"seminar_id": seminar, "store_id": store, "contact_ids": [person]}),
    )
    .unwrap();
    call(
        &l.app,
        "deals.create",
        json!({"seminar_id": null, "store_id": store, "product_id": product.0, "tier_id": product.1,
               "amount_fen": 980_000, "payment": "deposit", "method": "微信"}),
    )
    .unwrap();
}

fn one(l: &Laptop, sql: &str) -> i64 {
    l.app.db.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

#[test]
fn the_same_mobile_under_two_store_names_is_proposed_kept_apart_or_merged_everywhere() {
    let o = org();
    let admin = cluster().url(&o.db);
    let second = json_of(&crate::hq::huixiao(&[
        "hq",
        "laptop",
        "add",
        "--pg",
        &admin,
        "--name",
        "长沙二组",
        "--cities",
        "长沙",
        "--json",
    ]))["join_url"]
        .as_str()
        .unwrap()
        .to_string();

    // 长沙 types 美丽人生美容院 with 13900001111 and invites it; a second 长沙 team types
    // 美丽人生（分店） with the same mobile and invites it to its own seminar.
    let a = laptop(&o.changsha);
    let w = world(&a.app);
    let product = call(
        &a.app,
        "products.create",
        json!({"name": "招生系统", "tiers": [{"name": "会场价", "price_fen": 980_000}]}),
    )
    .unwrap();
    let tier = product["tiers"][0]["id"].as_i64().unwrap();
    let product = product["id"].as_i64().unwrap();
    store_with_deal(
        &a,
        "美丽人生美容院",
        "张美丽",
        "13900001111",
        w.seminar,
        (product, tier),
    );
    call(
        &a.app,
        "stores.create",
        json!({"name": "阳光瑜伽馆", "city": "长沙", "level": "B"}),
    )
    .unwrap();
    let yoga = one(&a, "SELECT id FROM stores WHERE name = '阳光瑜伽馆'");
    call(
        &a.app,
        "contacts.create",
        json!({"store_id": yoga, "name": "刘阳", "role": "owner", "phone": "13700002222"}),
    )
    .unwrap();
    a.join_in_window(&o.changsha);

    let b = laptop(&second);
    b.join_in_window(&second);
    let lecturer = one(&b, "SELECT id FROM staff WHERE name = '李明'");
    let seminar_b = id(call(
        &b.app,
        "seminars.create",
        json!({"title": "美业拓客研讨会", "date": "2026-12-06", "start_time": "14:00", "capacity": 80,
               "lecturer_id": lecturer, "city": "长沙"}),
    )
    .unwrap());
    let product_b = one(&b, "SELECT id FROM products WHERE name = '招生系统'");
    let tier_b = one(&b, "SELECT id FROM price_tiers WHERE product_id = (SELECT id FROM products WHERE name = '招生系统')");
    store_with_deal(
        &b,
        "美丽人生（分店）",
        "张美丽",
        "139 0000 1111",
        seminar_b,
        (product_b, tier_b),
    );
    let yoga_b = id(call(
        &b.app,
        "stores.create",
        json!({"name": "阳光瑜伽（二店）", "city": "长沙", "level": "B"}),
    )
    .unwrap());
    call(
        &b.app,
        "contacts.create",
        json!({"store_id": yoga_b, "name": "刘阳", "role": "owner", "phone": "13700002222"}),
    )
    .unwrap();
    b.sync_in_window();
    a.sync_in_window();

    // Both laptops list both pairs, each with both stores as a person knows them.
    for l in [&a, &b] {
        let pairs = l.open_conflicts("store_merge");
        assert_eq!(pairs.len(), 2, "{pairs:#?}");
        let beauty = pairs
            .iter()
            .find(|p| p["mine"]["store"].as_str().unwrap().starts_with("美丽人生"))
            .unwrap();
        let names = [&beauty["mine"]["store"], &beauty["theirs"]["store"]];
        assert!(
            names.contains(&&json!("美丽人生美容院"))
                && names.contains(&&json!("美丽人生（分店）")),
            "{beauty}"
        );
        let laptops = [&beauty["mine"]["laptop"], &beauty["theirs"]["laptop"]];
        assert!(
            laptops.contains(&&json!("长沙")) && laptops.contains(&&json!("长沙二组")),
            "{beauty}"
        );
        assert_eq!(
            beauty["mine"]["contacts"][0]["phone"], "139****1111",
            "masked: {beauty}"
        );
        assert_eq!(beauty["mine"]["city"], "长沙");
        assert_eq!(beauty["mine"]["level"], "A");
    }

    // Dismissing is no answer for a pair: it would come back at the next sync.
    let dismissed = call(
        &b.app,
        "sync.resolve",
        json!({"id": b.open_conflicts("store_merge")[0]["id"], "resolution": "dismiss"}),
    )
    .unwrap_err();
    assert!(dismissed
        .message(huixiao::i18n::Lang::Zh)
        .contains("分开保留"));

    // Kept apart on the second laptop: gone from both lists after a sync, and it stays gone.
    let yoga_pair = b
        .open_conflicts("store_merge")
        .into_iter()
        .find(|p| p["mine"]["store"].as_str().unwrap().starts_with("阳光"))
        .unwrap();
    let left = call(
        &b.app,
        "sync.resolve",
        json!({"id": yoga_pair["id"], "resolution": "keep_apart"}),
    )
    .unwrap();
    let open: Vec<&Value> = left
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["kind"] == "store_merge")
        .collect();
    assert_eq!(open.len(), 1, "{left}");
    a.sync_in_window();
    b.sync_in_window();
    assert_eq!(a.open_conflicts("store_merge").len(), 1);
    assert_eq!(b.open_conflicts("store_merge").len(), 1);
    assert_eq!(
        one(
            &a,
            "SELECT count(*) FROM stores WHERE name LIKE '阳光瑜伽%'"
        ),
        2,
        "kept apart: two stores"
    );

    // The second laptop adds a manager to its 美丽人生（分店） and does not sync yet.
    let branch = one(&b, "SELECT id FROM stores WHERE name = '美丽人生（分店）'");
    call(
        &b.app,
        "contacts.create",
        json!({"store_id": branch, "name": "王店长", "role": "manager", "phone": "13500003333"}),
    )
    .unwrap();

    // 长沙 merges the pair, keeping its own 美丽人生美容院: one store at once on 长沙.
    let beauty = a.open_conflicts("store_merge").remove(0);
    let kept = gid(&a, "美丽人生美容院");
    let wrong = call(
        &a.app,
        "sync.merge_stores",
        json!({"id": beauty["id"], "keep": "00000000-0000-4000-8000-000000000000"}),
    );
    assert!(
        wrong.is_err(),
        "a store that is not one of the two cannot stay"
    );
    let left = call(
        &a.app,
        "sync.merge_stores",
        json!({"id": beauty["id"], "keep": kept}),
    )
    .unwrap();
    assert!(
        left.as_array()
            .unwrap()
            .iter()
            .all(|c| c["kind"] != "store_merge"),
        "{left}"
    );
    assert_eq!(
        one(
            &a,
            "SELECT count(*) FROM stores WHERE name LIKE '美丽人生%'"
        ),
        1
    );

    // The second laptop syncs: its waiting manager goes to the kept store, the branch is gone.
    b.sync_in_window();
    a.sync_in_window();
    for (who, l) in [("长沙", &a), ("长沙二组", &b)] {
        assert_eq!(
            l.names("SELECT name FROM stores WHERE name LIKE '美丽人生%'"),
            ["美丽人生美容院"],
            "{who}"
        );
        assert_eq!(
            one(
                l,
                "SELECT count(*) FROM contacts WHERE phone = '13900001111'"
            ),
            1,
            "{who}: the person once"
        );
        assert_eq!(
            l.names(
                "SELECT c.name FROM contacts c JOIN stores s ON s.id = c.store_id
                  WHERE s.name = '美丽人生美容院'"
            ),
            ["张美丽", "王店长"],
            "{who}: the manager typed under the branch, not yet pushed, is under the kept store"
        );
        let note: String = l
            .app
            .db
            .conn()
            .query_row(
                "SELECT note FROM stores WHERE name = '美丽人生美容院'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert!(
            note.contains("美丽人生（分店）"),
            "{who}: the other name is kept: {note}"
        );
        assert!(l.open_conflicts("store_merge").is_empty(), "{who}");
    }
    // Each laptop's own invitation and deal now under the kept store, the person invited the one.
    for l in [&a, &b] {
        assert_eq!(
            one(l, "SELECT count(*) FROM invitations i JOIN stores s ON s.id = i.store_id WHERE s.name = '美丽人生美容院'"),
            1
        );
        assert_eq!(
            one(l, "SELECT count(*) FROM deals d JOIN stores s ON s.id = d.store_id WHERE s.name = '美丽人生美容院'"),
            1
        );
        assert_eq!(
            one(l, "SELECT count(*) FROM invitation_guests g JOIN contacts c ON c.id = g.contact_id WHERE c.phone = '13900001111'"),
            1
        );
    }
    // One store now invited by both laptops to overlapping seminars: a double invitation on both.
    for l in [&a, &b] {
        let clashes: Vec<Value> = call(&l.app, "sync.conflicts", json!({}))
            .unwrap()
            .as_array()
            .unwrap()
            .iter()
            .filter(|c| c["kind"] == "double_invitation")
            .cloned()
            .collect();
        assert_eq!(clashes.len(), 1, "{clashes:#?}");
        assert_eq!(clashes[0]["label"], "美丽人生美容院");
    }
    // Head office: both laptops' invitations and deals under one store.
    let at_hq = |sql: &str| cluster().psql(&o.db, sql).trim().to_string();
    let store = format!("'{kept}'");
    assert_eq!(at_hq(&format!("SELECT count(*) FROM hq.rows WHERE tbl = 'invitations' AND NOT deleted AND data ->> 'store_id' = {store}")), "2");
    assert_eq!(at_hq(&format!("SELECT count(*) FROM hq.rows WHERE tbl = 'deals' AND NOT deleted AND data ->> 'store_id' = {store}")), "2");
    assert_eq!(at_hq("SELECT count(*) FROM hq.rows WHERE tbl = 'contacts' AND NOT deleted AND data ->> 'phone' = '13900001111'"), "1");
    assert_eq!(
        at_hq("SELECT count(*) FROM org.stores WHERE name LIKE '美丽人生%'"),
        "1"
    );

    assert_mirrors("长沙", &a.app.db.conn(), &a.link, &admin);
    assert_mirrors("长沙二组", &b.app.db.conn(), &b.link, &admin);
}

#[test]
fn a_pair_across_two_cities_is_head_offices_and_two_stores_of_one_seminar_are_not_merged() {
    let o = org();
    let admin = cluster().url(&o.db);
    let (changsha, zhuzhou, head) = (laptop(&o.changsha), laptop(&o.zhuzhou), laptop(&o.hq));
    for (l, url, city, name) in [
        (&changsha, &o.changsha, "长沙", "美丽人生美容院"),
        (&zhuzhou, &o.zhuzhou, "株洲", "美丽人生（株洲店）"),
    ] {
        let store = id(call(&l.app, "stores.create", json!({"name": name, "city": city})).unwrap());
        call(
            &l.app,
            "contacts.create",
            json!({"store_id": store, "name": "张美丽", "role": "owner", "phone": "13900001111"}),
        )
        .unwrap();
        l.join_in_window(url);
    }
    head.join_in_window(&o.hq);
    changsha.sync_in_window();
    zhuzhou.sync_in_window();

    // Neither city laptop may read the other's store: the pair is head office's to settle.
    assert!(changsha.open_conflicts("store_merge").is_empty());
    assert!(zhuzhou.open_conflicts("store_merge").is_empty());
    let pair = head.open_conflicts("store_merge");
    assert_eq!(pair.len(), 1, "{pair:#?}");

    // Both stores invited to one seminar: merged, one store would be invited twice.
    let lecturer = id(call(
        &head.app,
        "staff.create",
        json!({"name": "李明", "roles": ["lecturer"]}),
    )
    .unwrap());
    let seminar = id(call(
        &head.app,
        "seminars.create",
        json!({"title": "美业大课", "date": "2026-12-06", "start_time": "14:00", "capacity": 200,
               "lecturer_id": lecturer, "city": "长沙"}),
    )
    .unwrap());
    for name in ["美丽人生美容院", "美丽人生（株洲店）"] {
        let store = one(
            &head,
            &format!("SELECT id FROM stores WHERE name = '{name}'"),
        );
        let person = one(
            &head,
            &format!("SELECT id FROM contacts WHERE store_id = {store}"),
        );
        call(
            &head.app,
            "invitations.create",
            json!({"seminar_id": seminar, "store_id": store, "contact_ids": [person]}),
        )
        .unwrap();
    }
    head.sync_in_window();
    let refused = call(
        &head.app,
        "sync.merge_stores",
        json!({"id": pair[0]["id"], "keep": gid(&head, "美丽人生美容院")}),
    )
    .unwrap_err();
    assert!(
        refused
            .message(huixiao::i18n::Lang::Zh)
            .contains("同一场会销"),
        "{}",
        refused.message(huixiao::i18n::Lang::Zh)
    );
    assert!(refused
        .message(huixiao::i18n::Lang::En)
        .contains("invited to the same seminar"));
    assert_eq!(
        cluster().psql(
            &o.db,
            "SELECT count(*) FROM org.stores WHERE name LIKE '美丽人生%'"
        ),
        "2",
        "nothing merged"
    );
    assert_eq!(
        cluster().psql(&o.db, "SELECT count(*) FROM hq.aliases"),
        "0"
    );
    assert_eq!(
        head.open_conflicts("store_merge").len(),
        1,
        "still for a person to settle"
    );

    // Kept apart by head office: the pair is gone, and comes back on no laptop.
    call(
        &head.app,
        "sync.resolve",
        json!({"id": pair[0]["id"], "resolution": "keep_apart"}),
    )
    .unwrap();
    for l in [&head, &changsha, &zhuzhou] {
        l.sync_in_window();
        assert!(l.open_conflicts("store_merge").is_empty());
    }
    assert_mirrors("总部", &head.app.db.conn(), &head.link, &admin);
}

#[test]
fn a_person_erased_on_a_laptop_while_another_merged_their_store_is_erased_everywhere() {
    let o = org();
    let admin = cluster().url(&o.db);
    let second = json_of(&crate::hq::huixiao(&[
        "hq",
        "laptop",
        "add",
        "--pg",
        &admin,
        "--name",
        "长沙二组",
        "--cities",
        "长沙",
        "--json",
    ]))["join_url"]
        .as_str()
        .unwrap()
        .to_string();
    let (a, b) = (laptop(&o.changsha), laptop(&second));
    for (l, url, name) in [
        (&a, &o.changsha, "美丽人生美容院"),
        (&b, &second, "美丽人生（分店）"),
    ] {
        l.join_in_window(url);
        let store = id(call(
            &l.app,
            "stores.create",
            json!({"name": name, "city": "长沙"}),
        )
        .unwrap());
        call(
            &l.app,
            "contacts.create",
            json!({"store_id": store, "name": "张美丽", "role": "owner", "phone": "13900001111"}),
        )
        .unwrap();
        l.sync_in_window();
    }
    a.sync_in_window();
    b.sync_in_window();
    assert_eq!(a.open_conflicts("store_merge").len(), 1);

    // 张美丽 asks the second laptop to erase her; it does, offline. 长沙 merges the two stores
    // meanwhile, keeping its own (and its 张美丽, the same person).
    let person = one(&b, "SELECT id FROM contacts WHERE phone = '13900001111'");
    call(&b.app, "contacts.erase", json!({ "id": person })).unwrap();
    let pair = a.open_conflicts("store_merge").remove(0);
    call(
        &a.app,
        "sync.merge_stores",
        json!({"id": pair["id"], "keep": gid(&a, "美丽人生美容院")}),
    )
    .unwrap();

    // The erasure reaches head office after the merge: it is of the person who stayed.
    b.sync_in_window();
    a.sync_in_window();
    for (who, l) in [("长沙", &a), ("长沙二组", &b)] {
        assert_eq!(
            l.names("SELECT name FROM stores WHERE name LIKE '美丽人生%'"),
            ["美丽人生美容院"],
            "{who}"
        );
        assert_eq!(
            one(
                l,
                "SELECT count(*) FROM contacts WHERE phone = '13900001111'"
            ),
            0,
            "{who}: her mobile is nowhere"
        );
        assert_eq!(
            one(
                l,
                "SELECT count(*) FROM contacts WHERE erased_at IS NOT NULL"
            ),
            1,
            "{who}: one person, erased"
        );
        assert_eq!(status_pending(l), 0, "{who}");
    }
    assert_eq!(
        cluster().psql(&o.db, "SELECT count(*) FROM hq.rows WHERE tbl = 'contacts' AND data::text LIKE '%13900001111%'"),
        "0",
        "nor at head office"
    );
    assert_mirrors("长沙", &a.app.db.conn(), &a.link, &admin);
    assert_mirrors("长沙二组", &b.app.db.conn(), &b.link, &admin);
}

fn status_pending(l: &Laptop) -> i64 {
    call(&l.app, "sync.status", json!({})).unwrap()["pending"]
        .as_i64()
        .unwrap()
}
