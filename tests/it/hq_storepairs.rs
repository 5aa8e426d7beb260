//! The store-merge check at the end of a sync asks head office only about what was written since
//! the last check (`hq.store_proposals_since`, schema 12), with the open pairs' stores again: a
//! pair made after the last check — another laptop's new person against a store that did not
//! change — is proposed at the next sync; a pair another laptop kept apart (nothing written to
//! the log) or merged leaves the list at the next sync; and a sync with nothing new is answered
//! only the pairs still open, not every pair of the organisation again.

use huixiao::hq::{self, stores::Checked};
use serde_json::{json, Value};

use crate::hq_laptops::{laptop, Laptop};
use crate::hq_sync::org;
use crate::pg::cluster;
use crate::support::call;

fn id(v: Value) -> i64 {
    v["id"].as_i64().unwrap()
}

/// A store in `city` with its owner's mobile.
fn store(l: &Laptop, name: &str, city: &str, owner: &str, mobile: &str) -> i64 {
    let store = id(call(&l.app, "stores.create", json!({"name": name, "city": city})).unwrap());
    call(
        &l.app,
        "contacts.create",
        json!({"store_id": store, "name": owner, "role": "owner", "phone": mobile}),
    )
    .unwrap();
    store
}

/// The open pairs, each as its two store names (sorted).
fn pairs(l: &Laptop) -> Vec<[String; 2]> {
    let mut out: Vec<[String; 2]> = l
        .open_conflicts("store_merge")
        .iter()
        .map(|p| {
            let mut two = [
                p["mine"]["store"].as_str().unwrap().to_owned(),
                p["theirs"]["store"].as_str().unwrap().to_owned(),
            ];
            two.sort();
            two
        })
        .collect();
    out.sort();
    out
}

fn pair(a: &str, b: &str) -> [String; 2] {
    let mut two = [a.to_owned(), b.to_owned()];
    two.sort();
    two
}

/// Where the laptop's store-merge check got to (None: it has not checked yet).
fn position(l: &Laptop) -> Option<String> {
    l.app
        .db
        .conn()
        .query_row("SELECT pairs_xid FROM sync_state", [], |r| r.get(0))
        .unwrap()
}

/// The check a sync ends with, alone: what head office answered and what was new here.
fn check(l: &Laptop) -> Checked {
    hq::block_on(async {
        let client = hq::connect::connect(&l.link).await?;
        let from = hq::stores::horizon(&client, "hq").await?;
        hq::stores::proposals(&l.app, &client, "hq", &from).await
    })
    .unwrap()
}

/// How many pairs a first check (or a laptop of an older version, at every sync) is answered.
fn every_pair(l: &Laptop) -> i64 {
    hq::block_on(async {
        let client = hq::connect::connect(&l.link).await?;
        let n = client
            .query_one(
                "SELECT count(*) FROM hq.store_proposals_since(NULL, '{}')",
                &[],
            )
            .await
            .unwrap();
        Ok(n.get(0))
    })
    .unwrap()
}

#[test]
fn a_pair_made_after_the_last_check_comes_and_one_settled_on_another_laptop_goes_at_the_next_sync()
{
    let o = org();
    let second = crate::hq::json_of(&crate::hq::huixiao(&[
        "hq",
        "laptop",
        "add",
        "--pg",
        &cluster().url(&o.db),
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
    store(&a, "美丽人生美容院", "长沙", "张美丽", "13900001111");
    store(&a, "阳光瑜伽馆", "长沙", "刘阳", "13700002222");
    a.join_in_window(&o.changsha);
    b.join_in_window(&second);
    store(&b, "美丽人生（分店）", "长沙", "张美丽", "139 0000 1111");
    b.sync_in_window();
    a.sync_in_window();
    assert_eq!(pairs(&a), [pair("美丽人生美容院", "美丽人生（分店）")]);
    assert!(position(&a).is_some(), "长沙 has checked once");
    let checked_at = position(&a);

    // After both checked, the second team types 刘阳's yoga studio under another name: a new
    // person of another laptop against 长沙's store, which changed nowhere since.
    store(&b, "阳光瑜伽（二店）", "长沙", "刘阳", "13700002222");
    b.sync_in_window();
    a.sync_in_window();
    assert_ne!(position(&a), checked_at, "the position moved");
    for (who, l) in [("长沙", &a), ("长沙二组", &b)] {
        assert_eq!(
            pairs(l),
            [
                pair("美丽人生美容院", "美丽人生（分店）"),
                pair("阳光瑜伽馆", "阳光瑜伽（二店）")
            ],
            "{who}"
        );
    }
    // Asked again at every sync, an open pair neither duplicates nor leaves while it holds.
    a.sync_in_window();
    assert_eq!(pairs(&a).len(), 2);

    // The second team keeps the yoga studios apart: head office's log has nothing of it, and
    // 长沙's next sync takes it off 长沙's list.
    let yoga = b
        .open_conflicts("store_merge")
        .into_iter()
        .find(|p| p["mine"]["store"].as_str().unwrap().starts_with("阳光"))
        .unwrap();
    call(
        &b.app,
        "sync.resolve",
        json!({"id": yoga["id"], "resolution": "keep_apart"}),
    )
    .unwrap();
    a.sync_in_window();
    assert_eq!(
        pairs(&a),
        [pair("美丽人生美容院", "美丽人生（分店）")],
        "kept apart on the other laptop"
    );

    // The second team merges the other pair, keeping its own branch: gone from 长沙's list too.
    let beauty = b.open_conflicts("store_merge").remove(0);
    let kept: String = b
        .app
        .db
        .conn()
        .query_row(
            "SELECT gid FROM stores WHERE name = '美丽人生（分店）'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    call(
        &b.app,
        "sync.merge_stores",
        json!({"id": beauty["id"], "keep": kept}),
    )
    .unwrap();
    a.sync_in_window();
    assert!(pairs(&a).is_empty(), "{:?}", pairs(&a));
    let settled: Vec<String> = a.names(
        "SELECT resolution FROM sync_conflicts WHERE kind = 'store_merge' AND resolved_at IS NOT NULL",
    );
    assert_eq!(settled, ["gone", "gone"]);
}

#[test]
fn a_sync_with_nothing_new_is_answered_only_the_pairs_still_open() {
    let o = org();
    let (changsha, zhuzhou, head) = (laptop(&o.changsha), laptop(&o.zhuzhou), laptop(&o.hq));
    // The same name and mobile in two cities: one store by the import's rule, never proposed
    // (but a pair head office finds). Another mobile under two names: proposed.
    store(&changsha, "美丽人生美容院", "长沙", "张美丽", "13900001111");
    store(&zhuzhou, "美丽人生美容院", "株洲", "张美丽", "13900001111");
    store(&changsha, "丽人坊", "长沙", "王丽", "13800002222");
    store(&zhuzhou, "丽人坊（株洲店）", "株洲", "王丽", "13800002222");
    for (l, url) in [(&changsha, &o.changsha), (&zhuzhou, &o.zhuzhou)] {
        l.join_in_window(url);
        l.sync_in_window();
    }
    // Head office joins: its first check asked about every pair, found both, proposed one.
    head.join_in_window(&o.hq);
    assert!(position(&head).is_some());
    assert_eq!(pairs(&head), [pair("丽人坊", "丽人坊（株洲店）")]);
    assert_eq!(every_pair(&head), 2);
    // Nothing written since: only the open pair is asked about again.
    assert_eq!(
        check(&head),
        Checked {
            answered: 1,
            added: 0
        }
    );
    head.sync_in_window();
    assert_eq!(check(&head).answered, 1);

    // 株洲 renames its 美丽人生美容院: written since, that store's pairs are asked about again, and
    // under another name the pair is now one to propose.
    let beauty: i64 = zhuzhou
        .app
        .db
        .conn()
        .query_row(
            "SELECT id FROM stores WHERE name = '美丽人生美容院'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    call(
        &zhuzhou.app,
        "stores.update",
        json!({"id": beauty, "name": "美丽人生（株洲店）", "city": "株洲"}),
    )
    .unwrap();
    zhuzhou.sync_in_window();
    head.sync_in_window();
    assert_eq!(
        pairs(&head),
        [
            pair("丽人坊", "丽人坊（株洲店）"),
            pair("美丽人生美容院", "美丽人生（株洲店）")
        ]
    );
    assert_eq!(
        check(&head),
        Checked {
            answered: 2,
            added: 0
        },
        "both open pairs asked again, nothing else"
    );
}
