//! Products the seminars sell, each with up to three price tiers (三重报价): e.g. list price →
//! event price → limited offer with a quota. Quotas are enforced where deals are recorded (`deal`).

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::app::App;
use crate::error::{found, invalid, Result, Thing};
use crate::validate;

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct PriceTier {
    pub id: i64,
    /// 1, 2, 3: the order of the reveal.
    pub rank: i64,
    pub name: String,
    pub price_fen: i64,
    /// Places at this price (the limited offer); `null` means unlimited.
    pub quota: Option<i64>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Product {
    pub id: i64,
    pub name: String,
    pub description: String,
    pub active: bool,
    pub tiers: Vec<PriceTier>,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct PriceTierInput {
    pub name: String,
    pub price_fen: i64,
    #[serde(default)]
    pub quota: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct ProductInput {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// One to three tiers, in the order they are revealed.
    pub tiers: Vec<PriceTierInput>,
}

fn tiers(conn: &Connection, product_id: i64) -> Result<Vec<PriceTier>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, rank, name, price_fen, quota FROM price_tiers WHERE product_id = ?1 ORDER BY rank",
    )?;
    let rows = stmt
        .query_map([product_id], |r| {
            Ok(PriceTier {
                id: r.get(0)?,
                rank: r.get(1)?,
                name: r.get(2)?,
                price_fen: r.get(3)?,
                quota: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

pub fn get_in(conn: &Connection, id: i64) -> Result<Product> {
    let (name, description, active) = found(
        conn.query_row(
            "SELECT name, description, active FROM products WHERE id = ?1",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        ),
        Thing::Product,
        id,
    )?;
    Ok(Product {
        id,
        name,
        description,
        active,
        tiers: tiers(conn, id)?,
    })
}

/// The product a price tier belongs to.
pub fn of_tier(conn: &Connection, tier_id: i64) -> Result<i64> {
    conn.query_row(
        "SELECT product_id FROM price_tiers WHERE id = ?1",
        [tier_id],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| {
        invalid(
            "tier",
            format!("价格档（编号 {tier_id}）不存在。"),
            format!("There is no price tier with id {tier_id}."),
        )
    })
}

pub fn list(app: &App) -> Result<Vec<Product>> {
    let conn = app.db.conn();
    let ids: Vec<i64> = conn
        .prepare("SELECT id FROM products ORDER BY active DESC, id")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    ids.into_iter().map(|id| get_in(&conn, id)).collect()
}

/// A product as edited: existing tiers name their `id` (and keep it), new ones have none.
#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct ProductUpdate {
    pub id: i64,
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub active: bool,
    /// One to three tiers, in the order they are revealed.
    pub tiers: Vec<PriceTierUpdate>,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct PriceTierUpdate {
    /// The tier's id when it exists already.
    #[serde(default)]
    pub id: Option<i64>,
    pub name: String,
    pub price_fen: i64,
    #[serde(default)]
    pub quota: Option<i64>,
}

/// Checks a product's name, description and tiers; returns the trimmed name and description.
fn check(
    name: &str,
    description: &str,
    tiers: &[(&str, i64, Option<i64>)],
) -> Result<(String, String)> {
    let name = validate::text("name", ("产品名称", "product name"), name, 80)?;
    let description = validate::optional_text(
        "description",
        ("产品说明", "description"),
        description,
        2000,
    )?;
    if tiers.is_empty() || tiers.len() > 3 {
        return Err(invalid(
            "tiers",
            "一个产品需要一到三档价格。",
            "A product needs one to three price tiers.",
        ));
    }
    for &(tier, price_fen, quota) in tiers {
        validate::text("tiers", ("价格档名称", "tier name"), tier, 40)?;
        validate::money("price_fen", ("价格", "price"), price_fen)?;
        if let Some(q) = quota {
            validate::range("quota", ("名额", "quota"), q, 1, 100_000)?;
        }
    }
    Ok((name, description))
}

/// Validates and writes a product with its tiers inside the caller's transaction.
pub fn insert(conn: &Connection, input: &ProductInput, created_at: &str) -> Result<i64> {
    let tiers: Vec<_> = input
        .tiers
        .iter()
        .map(|t| (t.name.as_str(), t.price_fen, t.quota))
        .collect();
    let (name, description) = check(&input.name, &input.description, &tiers)?;
    conn.execute(
        "INSERT INTO products (name, description, created_at) VALUES (?1, ?2, ?3)",
        params![name, description, created_at],
    )?;
    let id = conn.last_insert_rowid();
    for (i, t) in input.tiers.iter().enumerate() {
        conn.execute(
            "INSERT INTO price_tiers (product_id, rank, name, price_fen, quota) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![id, i as i64 + 1, t.name.trim(), t.price_fen, t.quota],
        )?;
    }
    Ok(id)
}

pub fn create(app: &App, input: ProductInput) -> Result<Product> {
    let now = app.now_str();
    app.db.write(|tx| {
        let id = insert(tx, &input, &now)?;
        get_in(tx, id)
    })
}

/// Edits a product and its tiers. Existing tiers keep their id (deals point at it); deals keep
/// the amounts they were recorded with; a tier that has deals cannot be removed.
pub fn update(app: &App, input: ProductUpdate) -> Result<Product> {
    let tiers: Vec<_> = input
        .tiers
        .iter()
        .map(|t| (t.name.as_str(), t.price_fen, t.quota))
        .collect();
    let (name, description) = check(&input.name, &input.description, &tiers)?;
    app.db.write(|tx| {
        let before = get_in(tx, input.id)?;
        let mut kept = std::collections::HashSet::new();
        for id in input.tiers.iter().filter_map(|t| t.id) {
            if !before.tiers.iter().any(|t| t.id == id) {
                return Err(invalid(
                    "tiers",
                    format!("价格档（编号 {id}）不属于产品“{}”。", before.name),
                    format!("Price tier {id} is not a tier of “{}”.", before.name),
                ));
            }
            if !kept.insert(id) {
                return Err(invalid(
                    "tiers",
                    format!("价格档（编号 {id}）出现了两次。"),
                    format!("Price tier {id} is listed twice."),
                ));
            }
        }
        for gone in before.tiers.iter().filter(|t| !kept.contains(&t.id)) {
            let deals: i64 = tx.query_row(
                "SELECT count(*) FROM deals WHERE tier_id = ?1",
                [gone.id],
                |r| r.get(0),
            )?;
            if deals > 0 {
                return Err(invalid(
                    "tiers",
                    format!("价格档“{}”已有 {deals} 笔成交，不能删除（可以改名或改价，已成交的金额不变）。", gone.name),
                    format!("Price tier “{}” has {deals} deal(s) and cannot be removed (rename it or change its price; recorded amounts stay).", gone.name),
                ));
            }
        }
        tx.execute(
            "UPDATE products SET name = ?2, description = ?3, active = ?4 WHERE id = ?1",
            params![input.id, name, description, input.active],
        )?;
        // Ranks are unique per product and only 1–3 exist: the tiers are written again, the
        // kept ones under their own id. Deals point at tier ids, checked at commit.
        tx.pragma_update(None, "defer_foreign_keys", true)?;
        tx.execute("DELETE FROM price_tiers WHERE product_id = ?1", [input.id])?;
        for (i, t) in input.tiers.iter().enumerate() {
            tx.execute(
                "INSERT INTO price_tiers (id, product_id, rank, name, price_fen, quota) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![t.id, input.id, i as i64 + 1, t.name.trim(), t.price_fen, t.quota],
            )?;
        }
        get_in(tx, input.id)
    })
}
