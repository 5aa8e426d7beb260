//! Partners' progress (介绍人): for each store that referred others, the stores it sent and where
//! each stands on the bow-tie, the commission earned on their closed deals ([`crate::referral`]),
//! what was paid (a ledger of payouts with dates) and what is still owed. The one-page statement
//! an organizer sends a partner is in [`statement`].

pub mod statement;

use chrono::NaiveDate;
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::app::App;
use crate::conversion::{self, BowStage};
use crate::error::{found, invalid, Error, Result, Thing};
use crate::i18n::Lang;
use crate::input::{Empty, IdInput};
use crate::referral;

/// A partner with their totals.
#[derive(Debug, Clone, PartialEq, Serialize, TS, ToSchema)]
pub struct Partner {
    /// The referring store.
    pub partner_id: i64,
    pub name: String,
    pub city: String,
    pub referred_stores: i64,
    /// Referred stores with at least one closed deal.
    pub converted_stores: i64,
    /// Commission on the referred stores' closed deals, in fen.
    pub earned_fen: i64,
    /// Paid out so far (the ledger), in fen.
    pub paid_fen: i64,
    /// Earned minus paid (negative when paid ahead).
    pub owed_fen: i64,
    pub last_paid_on: Option<String>,
}

/// A store a partner sent, where it stands and what it earned the partner.
#[derive(Debug, Clone, PartialEq, Serialize, TS, ToSchema)]
pub struct SentStore {
    pub store_id: i64,
    pub name: String,
    /// The furthest stage reached on the bow-tie.
    pub stage: BowStage,
    /// The day it reached that stage (none for never invited).
    pub stage_date: Option<String>,
    pub closed_deals: i64,
    pub amount_fen: i64,
    pub commission_fen: i64,
}

/// One payout to a partner.
#[derive(Debug, Clone, PartialEq, Serialize, TS, ToSchema)]
pub struct Payout {
    pub id: i64,
    pub partner_id: i64,
    pub amount_fen: i64,
    /// `YYYY-MM-DD`, venue local.
    pub paid_on: String,
    pub note: String,
}

/// One partner: totals, the stores sent, the payouts (newest first).
#[derive(Debug, Clone, PartialEq, Serialize, TS, ToSchema)]
pub struct PartnerDetail {
    pub partner: Partner,
    pub stores: Vec<SentStore>,
    pub payouts: Vec<Payout>,
}

/// Every partner with totals, the most owed first.
pub fn list_in(conn: &Connection) -> Result<Vec<Partner>> {
    let mut stmt = conn.prepare_cached(
        "SELECT s.city, coalesce(sum(p.amount_fen), 0), max(p.paid_on)
         FROM stores s LEFT JOIN partner_payouts p ON p.partner_id = s.id WHERE s.id = ?1",
    )?;
    let mut out = Vec::new();
    for c in referral::commissions_in(conn)? {
        let (city, paid, last): (String, i64, Option<String>) =
            stmt.query_row([c.partner_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        out.push(Partner {
            partner_id: c.partner_id,
            name: c.partner_name,
            city,
            referred_stores: c.referred_stores,
            converted_stores: c.converted_stores,
            earned_fen: c.commission_fen,
            paid_fen: paid,
            owed_fen: c.commission_fen - paid,
            last_paid_on: last,
        });
    }
    out.sort_by(|a, b| {
        b.owed_fen
            .cmp(&a.owed_fen)
            .then(b.earned_fen.cmp(&a.earned_fen))
            .then(a.partner_id.cmp(&b.partner_id))
    });
    Ok(out)
}

pub fn list(app: &App, _: Empty) -> Result<Vec<Partner>> {
    list_in(&app.db.conn())
}

/// The partner `id`: a store that referred at least one other.
fn partner_in(conn: &Connection, id: i64) -> Result<Partner> {
    crate::store::get_in(conn, id)?;
    list_in(conn)?
        .into_iter()
        .find(|p| p.partner_id == id)
        .ok_or_else(|| not_a_partner(id))
}

fn not_a_partner(id: i64) -> Error {
    invalid(
        "partner_id",
        format!("门店（编号 {id}）没有介绍过任何门店，不是介绍人。"),
        format!("Store {id} has not referred any store: it is not a partner."),
    )
}

pub fn get_in(conn: &Connection, id: i64) -> Result<PartnerDetail> {
    let partner = partner_in(conn, id)?;
    let stages = conversion::stages_in(conn, None)?;
    let stores = referral::referred_in(conn, id)?
        .into_iter()
        .map(|r| {
            let st = stages.get(&r.store_id);
            SentStore {
                store_id: r.store_id,
                name: r.name,
                stage: st.map_or(BowStage::NeverInvited, |s| s.stage),
                stage_date: st.and_then(|s| s.reached.last().map(|x| x.date.clone())),
                closed_deals: r.closed_deals,
                amount_fen: r.amount_fen,
                commission_fen: r.commission_fen,
            }
        })
        .collect();
    let mut stmt = conn.prepare_cached(
        "SELECT id, partner_id, amount_fen, paid_on, note FROM partner_payouts
         WHERE partner_id = ?1 ORDER BY paid_on DESC, id DESC",
    )?;
    let payouts = stmt
        .query_map([id], payout_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(PartnerDetail {
        partner,
        stores,
        payouts,
    })
}

fn payout_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Payout> {
    Ok(Payout {
        id: r.get(0)?,
        partner_id: r.get(1)?,
        amount_fen: r.get(2)?,
        paid_on: r.get(3)?,
        note: r.get(4)?,
    })
}

pub fn get(app: &App, input: IdInput) -> Result<PartnerDetail> {
    get_in(&app.db.conn(), input.id)
}

/// A payout to record.
#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct PayoutInput {
    pub partner_id: i64,
    /// In fen, more than zero.
    pub amount_fen: i64,
    /// `YYYY-MM-DD`, not after today; today when empty.
    #[serde(default)]
    pub paid_on: Option<String>,
    #[serde(default)]
    pub note: String,
}

const NOTE_MAX: usize = 200;

/// Records a payout to a partner; returns the partner with the payout in the ledger.
pub fn record_payout(app: &App, input: PayoutInput) -> Result<PartnerDetail> {
    if input.amount_fen <= 0 {
        return Err(invalid(
            "amount_fen",
            "付款金额须大于 0。",
            "The amount paid must be more than zero.",
        ));
    }
    let note = input.note.trim().to_owned();
    if note.chars().count() > NOTE_MAX {
        return Err(invalid(
            "note",
            format!("备注最多 {NOTE_MAX} 个字。"),
            format!("The note can be at most {NOTE_MAX} characters."),
        ));
    }
    let conn = app.db.conn();
    let today = crate::venue::today(app, &conn, None)?;
    drop(conn);
    let paid_on = match input.paid_on.as_deref().map(str::trim) {
        None | Some("") => today,
        Some(s) => NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| {
            invalid(
                "paid_on",
                format!("付款日期“{s}”无效，请使用 2026-11-22 这样的格式。"),
                format!("Payment date “{s}” is not valid; use the form 2026-11-22."),
            )
        })?,
    };
    if paid_on > today {
        return Err(invalid(
            "paid_on",
            format!("付款日期 {paid_on} 在今天（{today}）之后：只能记录已经付出的款项。"),
            format!("Payment date {paid_on} is after today ({today}): only money already paid can be recorded."),
        ));
    }
    let now = app.now_str();
    app.db.write(|tx| {
        partner_in(tx, input.partner_id)?;
        tx.execute(
            "INSERT INTO partner_payouts (partner_id, amount_fen, paid_on, note, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            params![
                input.partner_id,
                input.amount_fen,
                paid_on.to_string(),
                note,
                now
            ],
        )?;
        get_in(tx, input.partner_id)
    })
}

/// Removes a payout recorded by mistake; returns its partner.
pub fn delete_payout(app: &App, input: IdInput) -> Result<PartnerDetail> {
    app.db.write(|tx| {
        let partner: i64 = found(
            tx.query_row(
                "SELECT partner_id FROM partner_payouts WHERE id = ?1",
                [input.id],
                |r| r.get(0),
            ),
            Thing::Payout,
            input.id,
        )?;
        tx.execute("DELETE FROM partner_payouts WHERE id = ?1", [input.id])?;
        get_in(tx, partner)
    })
}

/// The name of a bow-tie stage in `lang`.
pub fn stage_label(stage: BowStage, lang: Lang) -> &'static str {
    let (zh, en) = match stage {
        BowStage::NeverInvited => ("未邀约", "never invited"),
        BowStage::Invited => ("已邀约", "invited"),
        BowStage::Confirmed => ("已确认", "confirmed"),
        BowStage::Attended => ("已到场", "attended"),
        BowStage::Closed => ("已成交", "closed"),
        BowStage::Repurchase => ("复购", "repurchase"),
        BowStage::Advocate => ("转介绍", "advocate"),
    };
    lang.pick(zh, en)
}
