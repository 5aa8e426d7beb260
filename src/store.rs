//! Stores (门店): the businesses a seminar invites, with their level, industry and referrer.

use std::collections::{HashMap, HashSet};

use rusqlite::{params, Connection, OptionalExtension, Row, ToSql};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::app::App;
use crate::contact::{self, Contact};
use crate::conversion::{quiet_of, stages_of, BowStage, Stores};
use crate::error::{found, invalid, Result, Thing};
use crate::input::IdInput;
use crate::invite_list::matching;
use crate::score::{self, Day};
use crate::{segment, validate, venue};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS, ToSchema)]
pub enum StoreLevel {
    A,
    #[default]
    B,
    C,
}

impl StoreLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            StoreLevel::A => "A",
            StoreLevel::B => "B",
            StoreLevel::C => "C",
        }
    }
    pub fn parse(s: &str) -> Option<StoreLevel> {
        match s.trim().to_ascii_uppercase().as_str() {
            "A" => Some(StoreLevel::A),
            "B" => Some(StoreLevel::B),
            "C" => Some(StoreLevel::C),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Store {
    pub id: i64,
    pub name: String,
    pub city: String,
    pub district: String,
    pub address: String,
    pub industry: String,
    pub level: StoreLevel,
    pub key_customer: bool,
    pub referrer_id: Option<i64>,
    pub referrer_name: Option<String>,
    /// The referrer's commission on this store, in basis points (1% = 100).
    pub referral_commission_bp: i64,
    /// Where the store came from (来源), e.g. 地推, 转介绍, an imported list.
    pub source: String,
    pub note: String,
    pub contact_count: i64,
    pub created_at: String,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct StoreInput {
    pub name: String,
    #[serde(default)]
    pub city: String,
    #[serde(default)]
    pub district: String,
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub industry: String,
    #[serde(default)]
    pub level: StoreLevel,
    #[serde(default)]
    pub key_customer: bool,
    #[serde(default)]
    pub referrer_id: Option<i64>,
    /// The referrer's commission in basis points (1% = 100); 0 without a referrer.
    #[serde(default)]
    pub referral_commission_bp: i64,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub note: String,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct StoreUpdate {
    pub id: i64,
    #[serde(flatten)]
    #[ts(flatten)]
    pub input: StoreInput,
}

/// How the store list is ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StoreSort {
    /// The newest first.
    #[default]
    Newest,
    /// By name.
    Name,
    /// The highest lead score first (hot first).
    ScoreDesc,
    /// The lowest lead score first.
    ScoreAsc,
}

#[derive(Debug, Clone, Default, Deserialize, TS, ToSchema)]
pub struct StoreQuery {
    /// Matches the store's name, district, address, or a contact's name or phone.
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub city: Option<String>,
    /// Only the stores of this saved segment (客户分群).
    #[serde(default)]
    #[ts(optional)]
    pub segment_id: Option<i64>,
    /// Only the stores at this bow-tie stage (the furthest reached).
    #[serde(default)]
    #[ts(optional)]
    pub stage: Option<BowStage>,
    /// Only the stores that bought and then went quiet (成交后沉默).
    #[serde(default)]
    #[ts(optional)]
    pub quiet: Option<bool>,
    #[serde(default)]
    #[ts(optional)]
    pub sort: Option<StoreSort>,
    /// 1-based.
    #[serde(default)]
    pub page: Option<i64>,
    #[serde(default)]
    pub page_size: Option<i64>,
}

/// A store on the list, with its lead score and its place on the bow-tie.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct StoreListItem {
    #[serde(flatten)]
    #[ts(flatten)]
    pub store: Store,
    /// The lead score today, to one decimal.
    pub score: f64,
    /// The furthest bow-tie stage reached.
    pub stage: BowStage,
    /// It bought and then went quiet (成交后沉默 · 下场可邀).
    pub quiet: bool,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct StorePage {
    pub items: Vec<StoreListItem>,
    pub total: i64,
    pub page: i64,
    pub page_size: i64,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct StoreDetail {
    pub store: Store,
    pub contacts: Vec<Contact>,
}

/// The ids of the people of the store `s` (created in it, or shared with it), for a subquery
/// that depends on `s`: there SQLite would build the whole `store_contacts` view for every row,
/// while these two halves each use their index.
const PEOPLE_OF_S: &str = "(SELECT id FROM contacts WHERE store_id = s.id
     UNION ALL SELECT contact_id FROM contact_stores WHERE store_id = s.id)";

static SELECT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    format!(
        "SELECT s.id, s.name, s.city, s.district, s.address, s.industry, s.level, s.key_customer,
            s.referrer_id, r.name, s.note,
            (SELECT count(*) FROM contacts c WHERE c.id IN {PEOPLE_OF_S} AND c.erased_at IS NULL),
            s.created_at, s.referral_commission_bp, s.source
        FROM stores s LEFT JOIN stores r ON r.id = s.referrer_id"
    )
});

fn from_row(r: &Row) -> rusqlite::Result<Store> {
    let level: String = r.get(6)?;
    Ok(Store {
        id: r.get(0)?,
        name: r.get(1)?,
        city: r.get(2)?,
        district: r.get(3)?,
        address: r.get(4)?,
        industry: r.get(5)?,
        level: StoreLevel::parse(&level).unwrap_or_default(),
        key_customer: r.get(7)?,
        referrer_id: r.get(8)?,
        referrer_name: r.get(9)?,
        referral_commission_bp: r.get(13)?,
        source: r.get(14)?,
        note: r.get(10)?,
        contact_count: r.get(11)?,
        created_at: r.get(12)?,
    })
}

pub fn get_in(conn: &Connection, id: i64) -> Result<Store> {
    found(
        conn.query_row(&format!("{} WHERE s.id = ?1", *SELECT), [id], from_row),
        Thing::Store,
        id,
    )
}

pub fn get(app: &App, input: IdInput) -> Result<StoreDetail> {
    let conn = app.db.conn();
    let store = get_in(&conn, input.id)?;
    let contacts = contact::list_for_store(&conn, input.id)?;
    Ok(StoreDetail { store, contacts })
}

/// The stores the query finds, a page of them, each with its score and bow-tie stage. Filters
/// in SQL first (text, city), then by segment, stage and the quiet flag; the scores, stages and
/// flags of the page's rows are read for those rows only (the score from its cache).
pub fn list(app: &App, q: StoreQuery) -> Result<StorePage> {
    let page_size = q.page_size.unwrap_or(50).clamp(1, 500);
    let page = q.page.unwrap_or(1).max(1);
    let mut filters = Vec::new();
    let mut args: Vec<Box<dyn ToSql>> = Vec::new();
    let city = q.city.as_deref().map(str::trim).filter(|c| !c.is_empty());
    if let Some(city) = city {
        args.push(Box::new(city.to_owned()));
        filters.push(format!("s.city = ?{}", args.len()));
    }
    if let Some(text) = q.q.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        args.push(Box::new(format!("%{}%", text.replace(['%', '_'], ""))));
        let n = args.len();
        filters.push(format!(
            "(s.name LIKE ?{n} OR s.district LIKE ?{n} OR s.address LIKE ?{n} OR s.industry LIKE ?{n}
              OR EXISTS (SELECT 1 FROM contacts c WHERE c.id IN {PEOPLE_OF_S}
                         AND c.erased_at IS NULL AND (c.name LIKE ?{n} OR c.phone LIKE ?{n})))"
        ));
    }
    let filter = if filters.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", filters.join(" AND "))
    };
    let sort = q.sort.unwrap_or_default();
    let order = match sort {
        StoreSort::Name => "s.name, s.id",
        _ => "s.id DESC",
    };
    let conn = app.db.conn();
    let today = venue::today(app, &conn, None)?;
    let day = Day::of(&conn, today)?;
    let params: Vec<&dyn ToSql> = args.iter().map(|a| a.as_ref()).collect();
    let mut stmt = conn.prepare(&format!(
        "SELECT s.id FROM stores s{filter} ORDER BY {order}"
    ))?;
    let mut ids: Vec<i64> = stmt
        .query_map(params.as_slice(), |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    if let Some(id) = q.segment_id {
        let in_segment: HashSet<i64> = matching(&conn, &segment_filter(&conn, id)?, &day, false)?
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        ids.retain(|id| in_segment.contains(id));
    }
    if let Some(stage) = q.stage {
        let stages = stages_of(&conn, scope_of(&ids, city))?;
        ids.retain(|id| stages.get(id).is_some_and(|s| s.stage == stage));
    }
    if q.quiet == Some(true) {
        let quiet = quiet_of(&conn, scope_of(&ids, city), today)?;
        ids.retain(|id| quiet.contains_key(id));
    }
    if matches!(sort, StoreSort::ScoreDesc | StoreSort::ScoreAsc) {
        let scores = score::scores(
            &conn,
            (ids.len() <= 20_000).then_some(&ids[..]),
            &day,
            false,
        )?;
        let of = |id: &i64| score::round1(scores.get(id).copied().unwrap_or(0.0));
        ids.sort_by(|a, b| {
            let by = of(b).total_cmp(&of(a));
            let by = if sort == StoreSort::ScoreAsc {
                by.reverse()
            } else {
                by
            };
            by.then(b.cmp(a))
        });
    }
    let total = ids.len() as i64;
    let from = (((page - 1) * page_size) as usize).min(ids.len());
    let shown = &ids[from..(from + page_size as usize).min(ids.len())];
    Ok(StorePage {
        items: listed(&conn, shown, &day)?,
        total,
        page,
        page_size,
    })
}

/// Reading stages for a few stores names them; for many, their city (or all) is one pass.
fn scope_of<'a>(ids: &'a [i64], city: Option<&'a str>) -> Stores<'a> {
    if ids.len() <= 1000 {
        Stores::Ids(ids)
    } else {
        Stores::City(city)
    }
}

/// A saved segment's filter, by the segment's id.
fn segment_filter(conn: &Connection, id: i64) -> Result<crate::invite_list::StoreFilter> {
    let name: Option<String> = conn
        .query_row("SELECT name FROM segments WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?;
    let Some(name) = name else {
        return Err(invalid(
            "segment_id",
            format!("客户分群（编号 {id}）不存在。"),
            format!("The segment (id {id}) does not exist."),
        ));
    };
    Ok(segment::by_name(conn, &name)?.filter)
}

/// The stores `ids` in that order, with their scores, stages and quiet flags.
fn listed(conn: &Connection, ids: &[i64], day: &Day) -> Result<Vec<StoreListItem>> {
    let list: Vec<String> = ids.iter().map(i64::to_string).collect();
    let mut stmt = conn.prepare(&format!("{} WHERE s.id IN ({})", *SELECT, list.join(",")))?;
    let mut stores: HashMap<i64, Store> = stmt
        .query_map([], from_row)?
        .map(|r| r.map(|s| (s.id, s)))
        .collect::<rusqlite::Result<_>>()?;
    let scores = score::scores(conn, Some(ids), day, false)?;
    let mut stages = stages_of(conn, Stores::Ids(ids))?;
    let quiet = quiet_of(conn, Stores::Ids(ids), day.today)?;
    Ok(ids
        .iter()
        .filter_map(|id| {
            Some(StoreListItem {
                store: stores.remove(id)?,
                score: score::round1(scores.get(id).copied().unwrap_or(0.0)),
                stage: stages
                    .remove(id)
                    .map_or(BowStage::NeverInvited, |s| s.stage),
                quiet: quiet.contains_key(id),
            })
        })
        .collect())
}

/// The cities that have stores, for filters.
pub fn cities(app: &App) -> Result<Vec<String>> {
    let conn = app.db.conn();
    let mut stmt =
        conn.prepare("SELECT DISTINCT city FROM stores WHERE city <> '' ORDER BY city")?;
    let rows = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

struct Clean {
    name: String,
    city: String,
    district: String,
    address: String,
    industry: String,
    level: StoreLevel,
    key_customer: bool,
    referrer_id: Option<i64>,
    referral_commission_bp: i64,
    source: String,
    note: String,
}

fn clean(conn: &Connection, input: StoreInput, own_id: Option<i64>) -> Result<Clean> {
    if let Some(rid) = input.referrer_id {
        if Some(rid) == own_id {
            return Err(invalid(
                "referrer_id",
                "门店不能介绍自己。",
                "A store cannot refer itself.",
            ));
        }
        get_in(conn, rid).map_err(|_| {
            invalid(
                "referrer_id",
                format!("介绍人门店（编号 {rid}）不存在。"),
                format!("The referring store (id {rid}) does not exist."),
            )
        })?;
    }
    Ok(Clean {
        name: validate::text("name", ("门店名称", "store name"), &input.name, 80)?,
        city: validate::optional_text("city", ("城市", "city"), &input.city, 40)?,
        district: validate::optional_text("district", ("区县", "district"), &input.district, 40)?,
        address: validate::optional_text("address", ("地址", "address"), &input.address, 200)?,
        industry: validate::optional_text("industry", ("行业", "industry"), &input.industry, 40)?,
        level: input.level,
        key_customer: input.key_customer,
        referrer_id: input.referrer_id,
        referral_commission_bp: commission(&input)?,
        source: validate::optional_text("source", ("来源", "source"), &input.source, 40)?,
        note: validate::optional_text("note", ("备注", "note"), &input.note, 2000)?,
    })
}

/// The referral commission: 0–100% in basis points, and only with a referrer.
fn commission(input: &StoreInput) -> Result<i64> {
    let bp = validate::range(
        "referral_commission_bp",
        ("佣金比例（万分之）", "commission (basis points)"),
        input.referral_commission_bp,
        0,
        10_000,
    )?;
    if bp > 0 && input.referrer_id.is_none() {
        return Err(invalid(
            "referral_commission_bp",
            "没有介绍人就没有佣金：请先选择介绍人。",
            "A commission needs a referrer: choose the referring store first.",
        ));
    }
    Ok(bp)
}

/// Validates and writes a store inside the caller's transaction.
pub fn insert(conn: &Connection, input: StoreInput, created_at: &str) -> Result<i64> {
    let c = clean(conn, input, None)?;
    conn.execute(
        "INSERT INTO stores (name, city, district, address, industry, level, key_customer, referrer_id, note, created_at,
                             referral_commission_bp, source)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        params![
            c.name,
            c.city,
            c.district,
            c.address,
            c.industry,
            c.level.as_str(),
            c.key_customer,
            c.referrer_id,
            c.note,
            created_at,
            c.referral_commission_bp,
            c.source
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn create(app: &App, input: StoreInput) -> Result<Store> {
    let now = app.now_str();
    app.db.write(|tx| {
        let id = insert(tx, input, &now)?;
        get_in(tx, id)
    })
}

pub fn update(app: &App, input: StoreUpdate) -> Result<Store> {
    let id = input.id;
    app.db.write(|tx| {
        get_in(tx, id)?;
        let c = clean(tx, input.input, Some(id))?;
        tx.execute(
            "UPDATE stores SET name = ?2, city = ?3, district = ?4, address = ?5, industry = ?6, level = ?7,
                    key_customer = ?8, referrer_id = ?9, note = ?10, referral_commission_bp = ?11, source = ?12
             WHERE id = ?1",
            params![id, c.name, c.city, c.district, c.address, c.industry, c.level.as_str(), c.key_customer, c.referrer_id, c.note,
                    c.referral_commission_bp, c.source],
        )?;
        get_in(tx, id)
    })
}
