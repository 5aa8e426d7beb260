//! Deals (成交): what a store bought, at which tier, how it paid. A deal is *closed* when a
//! deposit or full payment is recorded; promised-only deals are open; cancelled or refunded
//! deals do not count.

use rusqlite::{params, Connection, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::app::App;
use crate::error::{found, invalid, Result, Thing};
use crate::invitation::SeminarScope;
use crate::{product, seminar, store, validate};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Payment {
    Deposit,
    Full,
    Promised,
}

impl Payment {
    pub fn as_str(self) -> &'static str {
        match self {
            Payment::Deposit => "deposit",
            Payment::Full => "full",
            Payment::Promised => "promised",
        }
    }
    fn parse(s: &str) -> Payment {
        match s {
            "deposit" => Payment::Deposit,
            "full" => Payment::Full,
            _ => Payment::Promised,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DealState {
    Active,
    Cancelled,
    Refunded,
}

impl DealState {
    fn parse(s: &str) -> DealState {
        match s {
            "cancelled" => DealState::Cancelled,
            "refunded" => DealState::Refunded,
            _ => DealState::Active,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Deal {
    pub id: i64,
    pub seminar_id: Option<i64>,
    pub store_id: i64,
    pub store_name: String,
    pub contact_id: Option<i64>,
    pub product_id: i64,
    pub tier_id: Option<i64>,
    pub quantity: i64,
    pub amount_fen: i64,
    pub payment: Payment,
    pub method: String,
    pub state: DealState,
    /// Deposit or full payment recorded and not cancelled or refunded.
    pub closed: bool,
    pub assistant_id: Option<i64>,
    pub note: String,
    pub at: String,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct DealInput {
    pub seminar_id: Option<i64>,
    pub store_id: i64,
    #[serde(default)]
    pub contact_id: Option<i64>,
    pub product_id: i64,
    #[serde(default)]
    pub tier_id: Option<i64>,
    #[serde(default = "one")]
    pub quantity: i64,
    pub amount_fen: i64,
    pub payment: Payment,
    #[serde(default)]
    pub method: String,
    #[serde(default)]
    pub assistant_id: Option<i64>,
    #[serde(default)]
    pub note: String,
}

fn one() -> i64 {
    1
}

const SELECT: &str = "SELECT d.id, d.seminar_id, d.store_id, s.name, d.contact_id, d.product_id, d.tier_id, d.quantity,
        d.amount_fen, d.payment, d.method, d.state, d.assistant_id, d.note, d.at
    FROM deals d JOIN stores s ON s.id = d.store_id";

fn from_row(r: &Row) -> rusqlite::Result<Deal> {
    let payment = Payment::parse(&r.get::<_, String>(9)?);
    let state = DealState::parse(&r.get::<_, String>(11)?);
    Ok(Deal {
        id: r.get(0)?,
        seminar_id: r.get(1)?,
        store_id: r.get(2)?,
        store_name: r.get(3)?,
        contact_id: r.get(4)?,
        product_id: r.get(5)?,
        tier_id: r.get(6)?,
        quantity: r.get(7)?,
        amount_fen: r.get(8)?,
        payment,
        method: r.get(10)?,
        state,
        closed: state == DealState::Active && payment != Payment::Promised,
        assistant_id: r.get(12)?,
        note: r.get(13)?,
        at: r.get(14)?,
    })
}

pub fn get_in(conn: &Connection, id: i64) -> Result<Deal> {
    found(
        conn.query_row(&format!("{SELECT} WHERE d.id = ?1"), [id], from_row),
        Thing::Deal,
        id,
    )
}

pub fn list(app: &App, scope: SeminarScope) -> Result<Vec<Deal>> {
    let conn = app.db.conn();
    seminar::get_in(&conn, scope.seminar_id)?;
    let mut stmt = conn.prepare(&format!(
        "{SELECT} WHERE d.seminar_id = ?1 ORDER BY d.at, d.id"
    ))?;
    let rows = stmt
        .query_map([scope.seminar_id], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Validates and writes a deal inside the caller's transaction.
pub fn insert(conn: &Connection, d: &DealInput, at: &str) -> Result<i64> {
    if let Some(sid) = d.seminar_id {
        seminar::get_in(conn, sid)?;
    }
    store::get_in(conn, d.store_id)?;
    let product = product::get_in(conn, d.product_id)?;
    if let Some(tier) = d.tier_id {
        if !product.tiers.iter().any(|t| t.id == tier) {
            return Err(invalid(
                "tier_id",
                format!("价格档（编号 {tier}）不属于产品“{}”。", product.name),
                format!("Price tier {tier} is not a tier of “{}”.", product.name),
            ));
        }
    }
    validate::range("quantity", ("数量", "quantity"), d.quantity, 1, 1000)?;
    validate::money("amount_fen", ("金额", "amount"), d.amount_fen)?;
    let method = validate::optional_text("method", ("付款方式", "payment method"), &d.method, 40)?;
    let note = validate::optional_text("note", ("备注", "note"), &d.note, 2000)?;
    conn.execute(
        "INSERT INTO deals (seminar_id, store_id, contact_id, product_id, tier_id, quantity, amount_fen, payment, method,
                            assistant_id, note, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            d.seminar_id,
            d.store_id,
            d.contact_id,
            d.product_id,
            d.tier_id,
            d.quantity,
            d.amount_fen,
            d.payment.as_str(),
            method,
            d.assistant_id,
            note,
            at
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn create(app: &App, input: DealInput) -> Result<Deal> {
    let now = app.now_str();
    app.db.write(|tx| {
        let id = insert(tx, &input, &now)?;
        get_in(tx, id)
    })
}
