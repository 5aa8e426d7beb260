//! Products the seminars sell, each with up to three price tiers (三重报价): e.g. list price →
//! event price → limited offer with a quota. Quotas are enforced where deals are recorded (`deal`).

use rusqlite::{params, Connection};
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

pub fn list(app: &App) -> Result<Vec<Product>> {
    let conn = app.db.conn();
    let ids: Vec<i64> = conn
        .prepare("SELECT id FROM products ORDER BY active DESC, id")?
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    ids.into_iter().map(|id| get_in(&conn, id)).collect()
}

/// Validates and writes a product with its tiers inside the caller's transaction.
pub fn insert(conn: &Connection, input: &ProductInput, created_at: &str) -> Result<i64> {
    let name = validate::text("name", ("产品名称", "product name"), &input.name, 80)?;
    let description = validate::optional_text(
        "description",
        ("产品说明", "description"),
        &input.description,
        2000,
    )?;
    if input.tiers.is_empty() || input.tiers.len() > 3 {
        return Err(invalid(
            "tiers",
            "一个产品需要一到三档价格。",
            "A product needs one to three price tiers.",
        ));
    }
    for t in &input.tiers {
        validate::text("tiers", ("价格档名称", "tier name"), &t.name, 40)?;
        validate::money("price_fen", ("价格", "price"), t.price_fen)?;
        if let Some(q) = t.quota {
            validate::range("quota", ("名额", "quota"), q, 1, 100_000)?;
        }
    }
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
