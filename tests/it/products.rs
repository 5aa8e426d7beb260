//! Editing a product: tiers keep their ids, past deals keep their amounts, a tier with deals
//! cannot be removed.

use huixiao::i18n::Lang;
use serde_json::{json, Value};

use crate::deals::{deal, setup};
use crate::support::{app_on_the_day, call, dump};

fn tier_ids(p: &Value) -> Vec<i64> {
    p["tiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_i64().unwrap())
        .collect()
}

#[test]
fn editing_a_product_keeps_tier_ids_and_past_deal_amounts() {
    let app = app_on_the_day();
    let (w, product, limited) = setup(&app, 5);
    let sold = call(&app, "deals.create", deal(&w, product, limited)).unwrap();
    let before = call(&app, "products.list", json!({})).unwrap()[0].clone();
    let ids = tier_ids(&before);

    // Renamed, re-priced, re-ordered (the limited offer first), the list price removed, a new
    // tier added, and the product set inactive.
    let r = call(
        &app,
        "products.update",
        json!({"id": product, "name": "招生系统 2.0", "description": "升级版", "active": false, "tiers": [
            {"id": limited, "name": "限时特价", "price_fen": 880_000, "quota": 8},
            {"id": ids[1], "name": "会场价", "price_fen": 1_180_000},
            {"name": "团购价", "price_fen": 800_000, "quota": 3}
        ]}),
    )
    .unwrap();
    assert_eq!(
        (r["name"].as_str(), r["active"].as_bool()),
        (Some("招生系统 2.0"), Some(false))
    );
    let after = tier_ids(&r);
    assert_eq!(
        &after[..2],
        &[limited, ids[1]],
        "existing tiers keep their ids"
    );
    assert!(!ids.contains(&after[2]), "the new tier has a new id");
    assert_eq!(r["tiers"][0]["rank"], 1);
    assert_eq!(r["tiers"][0]["price_fen"], 880_000);
    assert_eq!(r["tiers"][2]["quota"], 3);

    let deals = call(&app, "deals.list", json!({"seminar_id": w.seminar})).unwrap();
    assert_eq!(deals[0]["id"], sold["deal"]["id"]);
    assert_eq!(deals[0]["tier_id"], limited);
    assert_eq!(
        deals[0]["amount_fen"], 980_000,
        "a past deal keeps its own amount"
    );
}

#[test]
fn a_tier_with_deals_cannot_be_removed_and_bad_edits_write_nothing() {
    let app = app_on_the_day();
    let (w, product, limited) = setup(&app, 5);
    call(&app, "deals.create", deal(&w, product, limited)).unwrap();
    let p = call(&app, "products.list", json!({})).unwrap()[0].clone();
    let ids = tier_ids(&p);
    let other = call(
        &app,
        "products.create",
        json!({"name": "别的", "tiers": [{"name": "价", "price_fen": 100}]}),
    )
    .unwrap();
    let foreign = other["tiers"][0]["id"].clone();
    let before = dump(&app);

    let e = call(
        &app,
        "products.update",
        json!({"id": product, "name": "招生系统", "active": true, "tiers": [
            {"id": ids[0], "name": "原价", "price_fen": 1_980_000}
        ]}),
    )
    .unwrap_err();
    assert_eq!(e.field(), Some("tiers"));
    assert!(e.message(Lang::Zh).contains("限时价"), "{e}");
    assert!(e.message(Lang::En).contains("cannot be removed"), "{e}");

    let four = json!({"id": product, "name": "招生系统", "active": true, "tiers": [
        {"name": "一", "price_fen": 1}, {"name": "二", "price_fen": 2},
        {"name": "三", "price_fen": 3}, {"name": "四", "price_fen": 4}
    ]});
    assert_eq!(
        call(&app, "products.update", four).unwrap_err().field(),
        Some("tiers")
    );

    let e = call(
        &app,
        "products.update",
        json!({"id": product, "name": "招生系统", "active": true, "tiers": [
            {"id": limited, "name": "限时价", "price_fen": 980_000}, {"id": foreign, "name": "价", "price_fen": 100}
        ]}),
    )
    .unwrap_err();
    assert_eq!(e.field(), Some("tiers"));
    let e = call(
        &app,
        "products.update",
        json!({"id": product, "name": " ", "active": true, "tiers": [{"id": limited, "name": "限时价", "price_fen": 980_000}]}),
    )
    .unwrap_err();
    assert_eq!(e.field(), Some("name"));
    let e = call(
        &app,
        "products.update",
        json!({"id": product, "name": "招生系统", "active": true, "tiers": [{"id": limited, "name": "限时价", "price_fen": -1}]}),
    )
    .unwrap_err();
    assert_eq!(e.field(), Some("price_fen"));
    assert_eq!(dump(&app), before, "nothing was written");
}
