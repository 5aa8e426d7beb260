//! Referral commissions (转介绍): per referring partner, the stores they referred, those stores'
//! closed deals, and the commission owed at each referral's rate.

use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;
use utoipa::ToSchema;

use crate::app::App;
use crate::conversion::CLOSED_DEAL_SQL;
use crate::error::Result;
use crate::input::Empty;

#[derive(Debug, Clone, PartialEq, Serialize, TS, ToSchema)]
pub struct Commission {
    /// The referring store (the partner).
    pub partner_id: i64,
    pub partner_name: String,
    pub referred_stores: i64,
    /// Referred stores with at least one closed deal.
    pub converted_stores: i64,
    pub closed_deals: i64,
    /// What the referred stores paid in closed deals, in fen.
    pub amount_fen: i64,
    /// Owed to the partner: each deal's amount at its store's referral rate, rounded to the fen.
    pub commission_fen: i64,
}

/// Every referring partner, the largest commission first.
pub fn commissions(app: &App, _: Empty) -> Result<Vec<Commission>> {
    commissions_in(&app.db.conn())
}

/// [`commissions`] on a connection.
pub fn commissions_in(conn: &Connection) -> Result<Vec<Commission>> {
    let mut stmt = conn.prepare(&format!(
        "SELECT r.id, r.name, count(DISTINCT s.id),
                count(DISTINCT CASE WHEN d.id IS NOT NULL THEN s.id END),
                count(d.id), coalesce(sum(d.amount_fen), 0),
                (coalesce(sum(d.amount_fen * s.referral_commission_bp), 0) + 5000) / 10000
         FROM stores s JOIN stores r ON r.id = s.referrer_id
         LEFT JOIN deals d ON d.store_id = s.id AND {CLOSED_DEAL_SQL}
         GROUP BY r.id ORDER BY 7 DESC, r.id"
    ))?;
    let rows = stmt
        .query_map([], |r| {
            Ok(Commission {
                partner_id: r.get(0)?,
                partner_name: r.get(1)?,
                referred_stores: r.get(2)?,
                converted_stores: r.get(3)?,
                closed_deals: r.get(4)?,
                amount_fen: r.get(5)?,
                commission_fen: r.get(6)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// One store a partner referred, with its closed deals and the commission they earn.
#[derive(Debug, Clone, PartialEq, Serialize, TS, ToSchema)]
pub struct Referred {
    pub store_id: i64,
    pub name: String,
    pub closed_deals: i64,
    /// What the store paid in closed deals, in fen.
    pub amount_fen: i64,
    /// At the store's referral rate, rounded to the fen.
    pub commission_fen: i64,
}

/// The stores `partner_id` referred, by name, with their commissions (the same deals and rates
/// as [`commissions`]; each store's commission is rounded on its own, so their sum may differ
/// from the partner's total by a fen or two).
pub fn referred_in(conn: &Connection, partner_id: i64) -> Result<Vec<Referred>> {
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT s.id, s.name, count(d.id), coalesce(sum(d.amount_fen), 0),
                (coalesce(sum(d.amount_fen * s.referral_commission_bp), 0) + 5000) / 10000
         FROM stores s LEFT JOIN deals d ON d.store_id = s.id AND {CLOSED_DEAL_SQL}
         WHERE s.referrer_id = ?1 GROUP BY s.id ORDER BY s.name, s.id"
    ))?;
    let rows = stmt
        .query_map([partner_id], |r| {
            Ok(Referred {
                store_id: r.get(0)?,
                name: r.get(1)?,
                closed_deals: r.get(2)?,
                amount_fen: r.get(3)?,
                commission_fen: r.get(4)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}
