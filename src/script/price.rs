//! The price plan (三重报价) of a seminar's talk and the live sales ticker the prompter shows in
//! the price stage: deals so far per tier and the limited places left, counted by the `deal`
//! module exactly as the quota counts them.

use serde::Serialize;
use ts_rs::TS;
use utoipa::ToSchema;

use crate::app::App;
use crate::deal;
use crate::error::Result;
use crate::input::SeminarScope;
use crate::product::{self, PriceTier};
use crate::seminar;

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct TierTicker {
    pub tier: PriceTier,
    /// Deals at this tier so far (not cancelled or refunded).
    pub deals: i64,
    /// Places left at a limited tier; None when unlimited.
    pub places_left: Option<i64>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Ticker {
    pub seminar_id: i64,
    pub product_id: Option<i64>,
    pub product_name: String,
    /// The tiers in the order of the reveal.
    pub tiers: Vec<TierTicker>,
    pub deals: i64,
}

pub fn ticker(app: &App, scope: SeminarScope) -> Result<Ticker> {
    let conn = app.db.conn();
    seminar::get_in(&conn, scope.seminar_id)?;
    let product_id = super::load(&conn, scope.seminar_id)?.and_then(|(_, _, p)| p);
    let Some(pid) = product_id else {
        return Ok(Ticker {
            seminar_id: scope.seminar_id,
            product_id: None,
            product_name: String::new(),
            tiers: Vec::new(),
            deals: 0,
        });
    };
    let product = product::get_in(&conn, pid)?;
    let mut tiers = Vec::new();
    for t in product.tiers {
        let deals = deal::taken(&conn, scope.seminar_id, t.id)?;
        tiers.push(TierTicker {
            places_left: t.quota.map(|q| (q - deals).max(0)),
            deals,
            tier: t,
        });
    }
    Ok(Ticker {
        seminar_id: scope.seminar_id,
        product_id: Some(pid),
        product_name: product.name,
        deals: tiers.iter().map(|t| t.deals).sum(),
        tiers,
    })
}
