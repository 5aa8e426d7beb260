//! Deals (成交): what a store bought, at which tier, how it paid. A deal is *closed* when a
//! deposit or full payment is recorded; promised-only deals are open; cancelled or refunded
//! deals do not count.

use rusqlite::{params, Connection, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::app::App;
use crate::caller::Caller;
use crate::error::{found, invalid, Error, Result, Thing};
use crate::i18n::Lang;
use crate::input::IdInput;
use crate::input::SeminarScope;
use crate::{product, seminar, store, validate};

/// The payment methods the deal form offers: the code a deal stores, and its name (Chinese,
/// English). A method typed by hand is stored and shown as typed.
pub const METHODS: [(&str, &str, &str); 5] = [
    ("wechat", "微信", "WeChat"),
    ("alipay", "支付宝", "Alipay"),
    ("cash", "现金", "Cash"),
    ("card", "刷卡", "Card"),
    ("transfer", "转账", "Bank transfer"),
];

/// A deal's payment method as a person reads it.
pub fn method_name(method: &str, lang: Lang) -> &str {
    match METHODS.iter().find(|(code, _, _)| *code == method) {
        Some((_, zh, en)) => lang.pick(zh, en),
        None => method,
    }
}

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

/// What a seminar does with a deal at a limited tier whose quota is taken: refuse it, or record
/// it with a warning (the lecturer promised the price to everyone in the room, say).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuotaPolicy {
    #[default]
    Refuse,
    Warn,
}

impl QuotaPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            QuotaPolicy::Refuse => "refuse",
            QuotaPolicy::Warn => "warn",
        }
    }
    pub fn parse(s: &str) -> QuotaPolicy {
        if s == "warn" {
            QuotaPolicy::Warn
        } else {
            QuotaPolicy::Refuse
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
    /// Why a deal was recorded for a store that did not attend.
    pub reason: String,
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
    /// Required when the store did not check in to the seminar (e.g. it came later).
    #[serde(default)]
    pub reason: String,
}

fn one() -> i64 {
    1
}

const SELECT: &str = "SELECT d.id, d.seminar_id, d.store_id, s.name, d.contact_id, d.product_id, d.tier_id, d.quantity,
        d.amount_fen, d.payment, d.method, d.state, d.assistant_id, d.note, d.reason, d.at
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
        reason: r.get(14)?,
        at: r.get(15)?,
    })
}

pub fn get_in(conn: &Connection, id: i64) -> Result<Deal> {
    found(
        conn.query_row(&format!("{SELECT} WHERE d.id = ?1"), [id], from_row),
        Thing::Deal,
        id,
    )
}

pub fn list(app: &App, caller: &Caller, scope: SeminarScope) -> Result<Vec<Deal>> {
    caller.check_seminar(scope.seminar_id)?;
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

/// The places of a tier a seminar has used: its deals that are not cancelled or refunded
/// (promised ones included: the price was given). The quota and the lecturer's ticker count these.
pub fn taken(conn: &Connection, seminar_id: i64, tier_id: i64) -> Result<i64> {
    Ok(conn.query_row(
        "SELECT count(*) FROM deals WHERE seminar_id = ?1 AND tier_id = ?2 AND state = 'active'",
        [seminar_id, tier_id],
        |r| r.get(0),
    )?)
}

/// A deal of a seminar counts at the event on the seminar's day (venue time) and in follow-up
/// after it; one dated before that day would count nowhere, so it is refused with why.
fn refuse_before_the_day(seminar: &seminar::Seminar, at: &str) -> Result<()> {
    let Ok(at) = chrono::DateTime::parse_from_rfc3339(at) else {
        return Ok(());
    };
    if !seminar.before_its_day(at.with_timezone(&chrono::Utc)) {
        return Ok(());
    }
    let day = seminar.local_date(at.with_timezone(&chrono::Utc));
    Err(invalid(
        "seminar_id",
        format!(
            "“{}”在 {} 举行，而这笔成交的日期是 {day}（会场时间），在会销之前：会上的成交从会销当天算起，提前记的成交哪里都不算。请在会销当天再记；若会销已改期到今天，请先改会销日期。",
            seminar.title, seminar.date
        ),
        format!(
            "“{}” takes place on {}, and this deal is dated {day} (venue time), before it: deals count at the event from the seminar's day on, and one recorded earlier would count nowhere. Record it on the seminar's day; if the seminar moved to today, change its date first.",
            seminar.title, seminar.date
        ),
    ))
}

/// A deal as recorded, with what the recorder should know (the limited offer is over its quota
/// and the seminar only warns).
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Recorded {
    pub deal: Deal,
    pub warnings: Vec<String>,
}

/// Validates and writes a deal inside the caller's transaction, with its first audit entry.
/// Returns its id and warnings in both languages (zh, en).
pub fn insert(
    conn: &Connection,
    d: &DealInput,
    at: &str,
    actor: &str,
) -> Result<(i64, Vec<(String, String)>)> {
    let mut warnings = Vec::new();
    store::get_in(conn, d.store_id)?;
    let product = product::get_in(conn, d.product_id)?;
    let tier = match d.tier_id {
        Some(id) => Some(product.tiers.iter().find(|t| t.id == id).ok_or_else(|| {
            invalid(
                "tier_id",
                format!("价格档（编号 {id}）不属于产品“{}”。", product.name),
                format!("Price tier {id} is not a tier of “{}”.", product.name),
            )
        })?),
        None => None,
    };
    validate::range("quantity", ("数量", "quantity"), d.quantity, 1, 1000)?;
    validate::money("amount_fen", ("金额", "amount"), d.amount_fen)?;
    let method = validate::optional_text("method", ("付款方式", "payment method"), &d.method, 40)?;
    let note = validate::optional_text("note", ("备注", "note"), &d.note, 2000)?;
    let reason = validate::optional_text("reason", ("原因", "reason"), &d.reason, 500)?;
    if let Some(sid) = d.seminar_id {
        let seminar = seminar::get_in(conn, sid)?;
        refuse_before_the_day(&seminar, at)?;
        let attended: bool = conn.query_row(
            &format!(
                "SELECT EXISTS (SELECT 1 FROM invitations i WHERE i.seminar_id = ?1 AND i.store_id = ?2 AND {})",
                crate::conversion::ATTENDED_SQL
            ),
            [sid, d.store_id],
            |r| r.get(0),
        )?;
        if !attended && reason.is_empty() {
            return Err(invalid(
                "reason",
                format!("这家门店没有在“{}”签到。如果确实要记这笔成交（比如门店后来才到），请写明原因。", seminar.title),
                format!("This store did not check in to “{}”. To record the deal anyway (say the store came later), give a reason.", seminar.title),
            ));
        }
        if let Some(t) = tier {
            if let Some(quota) = t.quota {
                let taken = taken(conn, sid, t.id)?;
                if taken >= quota {
                    let zh = format!("“{}”的名额已满（{taken}/{quota}）。", t.name);
                    let en = format!("The “{}” places are all taken ({taken}/{quota}).", t.name);
                    if seminar.quota_policy == QuotaPolicy::Warn {
                        warnings.push((zh, en));
                    } else {
                        return Err(Error::Conflict { zh, en });
                    }
                }
            }
        }
    }
    conn.execute(
        "INSERT INTO deals (seminar_id, store_id, contact_id, product_id, tier_id, quantity, amount_fen, payment, method,
                            assistant_id, note, reason, at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
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
            reason,
            at
        ],
    )?;
    let id = conn.last_insert_rowid();
    let created = format!("{} {}", d.payment.as_str(), d.amount_fen);
    let change = Change {
        action: "create",
        field: "",
        old: "",
        new: &created,
    };
    audit(conn, id, at, actor, change)?;
    Ok((id, warnings))
}

/// One entry of a deal's audit trail: what was done, to which field, old → new.
struct Change<'a> {
    action: &'a str,
    field: &'a str,
    old: &'a str,
    new: &'a str,
}

fn audit(conn: &Connection, deal: i64, at: &str, actor: &str, c: Change) -> Result<()> {
    conn.execute(
        "INSERT INTO deal_changes (deal_id, at, actor, action, field, old, new) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![deal, at, actor, c.action, c.field, c.old, c.new],
    )?;
    Ok(())
}

pub fn create(app: &App, caller: &Caller, mut input: DealInput) -> Result<Recorded> {
    // An assistant's station records deals for its own seminar, as that assistant.
    if let Some(station) = &caller.station {
        let seminar = input.seminar_id.unwrap_or(station.seminar_id);
        caller.check_seminar(seminar)?;
        input.seminar_id = Some(seminar);
        input.assistant_id = Some(station.staff_id);
    }
    let now = app.now_str();
    let recorded = app.db.write(|tx| {
        let (id, warnings) = insert(tx, &input, &now, &caller.actor)?;
        Ok(Recorded {
            deal: get_in(tx, id)?,
            warnings: warnings
                .into_iter()
                .map(|(zh, en)| caller.lang.pick(&zh, &en).to_owned())
                .collect(),
        })
    })?;
    if let Some(seminar_id) = recorded.deal.seminar_id {
        app.events.publish(crate::events::Event::Deal {
            seminar_id,
            deal_id: recorded.deal.id,
        });
    }
    Ok(recorded)
}

/// What can be corrected on a recorded deal.
#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct DealUpdate {
    pub id: i64,
    pub quantity: i64,
    pub amount_fen: i64,
    pub payment: Payment,
    #[serde(default)]
    pub method: String,
    #[serde(default)]
    pub note: String,
}

/// Corrects a deal; every changed field goes to the audit trail.
pub fn update(app: &App, caller: &Caller, input: DealUpdate) -> Result<Deal> {
    validate::range("quantity", ("数量", "quantity"), input.quantity, 1, 1000)?;
    validate::money("amount_fen", ("金额", "amount"), input.amount_fen)?;
    let method =
        validate::optional_text("method", ("付款方式", "payment method"), &input.method, 40)?;
    let note = validate::optional_text("note", ("备注", "note"), &input.note, 2000)?;
    let now = app.now_str();
    app.db.write(|tx| {
        let old = get_in(tx, input.id)?;
        refuse_if_ended(&old)?;
        let changes = [
            ("quantity", old.quantity.to_string(), input.quantity.to_string()),
            ("amount_fen", old.amount_fen.to_string(), input.amount_fen.to_string()),
            ("payment", old.payment.as_str().to_owned(), input.payment.as_str().to_owned()),
            ("method", old.method.clone(), method.clone()),
            ("note", old.note.clone(), note.clone()),
        ];
        for (field, before, after) in &changes {
            if before != after {
                let change = Change { action: "update", field, old: before, new: after };
                audit(tx, input.id, &now, &caller.actor, change)?;
            }
        }
        tx.execute(
            "UPDATE deals SET quantity = ?2, amount_fen = ?3, payment = ?4, method = ?5, note = ?6 WHERE id = ?1",
            params![input.id, input.quantity, input.amount_fen, input.payment.as_str(), method, note],
        )?;
        get_in(tx, input.id)
    })
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct DealEnd {
    pub id: i64,
    pub reason: String,
}

fn refuse_if_ended(d: &Deal) -> Result<()> {
    let (zh, en) = match d.state {
        DealState::Active => return Ok(()),
        DealState::Cancelled => ("已取消", "cancelled"),
        DealState::Refunded => ("已退款", "refunded"),
    };
    Err(Error::Conflict {
        zh: format!("这笔成交{zh}，不能再修改。"),
        en: format!("This deal was {en}; it cannot be changed any more."),
    })
}

fn end(app: &App, caller: &Caller, input: DealEnd, state: DealState) -> Result<Deal> {
    let reason = validate::text("reason", ("原因", "reason"), &input.reason, 500)?;
    let now = app.now_str();
    let (action, new) = match state {
        DealState::Refunded => ("refund", "refunded"),
        _ => ("cancel", "cancelled"),
    };
    app.db.write(|tx| {
        let old = get_in(tx, input.id)?;
        refuse_if_ended(&old)?;
        tx.execute(
            "UPDATE deals SET state = ?2 WHERE id = ?1",
            params![input.id, new],
        )?;
        let ended = format!("{new}: {reason}");
        let change = Change {
            action,
            field: "state",
            old: "active",
            new: &ended,
        };
        audit(tx, input.id, &now, &caller.actor, change)?;
        get_in(tx, input.id)
    })
}

/// Cancels a deal (it no longer counts); the reason is kept.
pub fn cancel(app: &App, caller: &Caller, input: DealEnd) -> Result<Deal> {
    end(app, caller, input, DealState::Cancelled)
}

/// Marks a deal refunded (it no longer counts); the reason is kept.
pub fn refund(app: &App, caller: &Caller, input: DealEnd) -> Result<Deal> {
    end(app, caller, input, DealState::Refunded)
}

/// One change in a deal's audit trail.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct DealChange {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub field: String,
    pub old: String,
    pub new: String,
}

/// A deal's audit trail, oldest first.
pub fn history(app: &App, input: IdInput) -> Result<Vec<DealChange>> {
    let conn = app.db.conn();
    get_in(&conn, input.id)?;
    let mut stmt =
        conn.prepare("SELECT at, actor, action, field, old, new FROM deal_changes WHERE deal_id = ?1 ORDER BY id")?;
    let rows = stmt
        .query_map([input.id], |r| {
            Ok(DealChange {
                at: r.get(0)?,
                actor: r.get(1)?,
                action: r.get(2)?,
                field: r.get(3)?,
                old: r.get(4)?,
                new: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}
