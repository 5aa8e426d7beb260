//! The four rates of field sales over a territory: coverage, territory conversion, repurchase
//! and penetration.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use super::attribution::{by_store, credit, seminar_days};
use super::compare::LAPTOP_SQL;
use super::counts::rate;
use super::{ATTENDED_SQL, CLOSED_DEAL_SQL};
use crate::app::App;
use crate::error::Result;

/// The four rates of field sales over a territory (never to be confused with session conversion).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
pub struct TerritoryRates {
    /// Imported stores in the territory.
    pub stores: i64,
    /// Stores ever invited.
    pub covered: i64,
    /// Stores with a closed deal.
    pub converted: i64,
    /// Converted stores with a closed deal credited to a later seminar than their first.
    pub repurchased: i64,
    /// covered / stores
    pub coverage: Option<f64>,
    /// converted / covered
    pub territory_conversion: Option<f64>,
    /// repurchased / converted
    pub repurchase: Option<f64>,
    /// Distinct products bought / products in the catalogue, averaged over converted stores.
    pub penetration: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
pub struct TerritoryGroup {
    pub key: String,
    pub label: String,
    #[serde(flatten)]
    #[ts(flatten)]
    pub rates: TerritoryRates,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
pub struct Territory {
    pub city: String,
    #[serde(flatten)]
    #[ts(flatten)]
    pub rates: TerritoryRates,
    pub by_district: Vec<TerritoryGroup>,
    /// By inviter: the stores each inviter ever invited, against all the territory's stores.
    pub by_inviter: Vec<TerritoryGroup>,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct TerritoryQuery {
    pub city: String,
    /// One laptop's (team's) work in the city, as head office's dashboard filters it: only the
    /// stores that laptop's seminars invited are covered, and only those count as converted,
    /// against all the city's stores. None: every laptop's.
    #[serde(default)]
    #[ts(optional)]
    pub laptop: Option<String>,
}

/// What the four rates need to know of one store.
#[derive(Debug, Default)]
struct StoreFacts {
    district: String,
    inviters: Vec<(i64, String)>,
    covered: bool,
    products: std::collections::HashSet<i64>,
    credited_seminars: std::collections::HashSet<i64>,
}

fn territory_rates<'a>(
    stores: impl IntoIterator<Item = &'a StoreFacts>,
    all: i64,
    catalogue: i64,
) -> TerritoryRates {
    let (mut n, mut covered, mut converted, mut repurchased, mut share) = (0, 0, 0, 0, 0.0);
    for s in stores {
        n += 1;
        covered += s.covered as i64;
        if !s.products.is_empty() {
            converted += 1;
            repurchased += (s.credited_seminars.len() >= 2) as i64;
            share += s.products.len() as f64 / catalogue.max(1) as f64;
        }
    }
    let denominator = if all > 0 { all } else { n };
    TerritoryRates {
        stores: denominator,
        covered,
        converted,
        repurchased,
        coverage: rate(covered, denominator),
        territory_conversion: rate(converted, covered),
        repurchase: rate(repurchased, converted),
        penetration: (converted > 0 && catalogue > 0).then(|| share / converted as f64),
    }
}

pub fn territory_in(conn: &Connection, city: &str) -> Result<Territory> {
    territory_of(conn, city, None)
}

/// A city's territory as one laptop (team) worked it, or as every laptop did (`None`): a store is
/// covered when a seminar of that laptop invited it (the laptop that runs a seminar, as the
/// dashboard's filter says), converted when, covered so, it has a closed deal. The city's stores
/// are the denominator either way, as for an inviter.
pub fn territory_of(conn: &Connection, city: &str, laptop: Option<&str>) -> Result<Territory> {
    let city = city.trim();
    let laptop = laptop.map(str::trim).filter(|l| !l.is_empty());
    let mut stores: HashMap<i64, StoreFacts> = HashMap::new();
    let mut stmt = conn.prepare("SELECT id, district FROM stores WHERE city = ?1")?;
    for row in stmt.query_map([city], |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?))
    })? {
        let (id, district) = row?;
        stores.insert(
            id,
            StoreFacts {
                district,
                ..StoreFacts::default()
            },
        );
    }
    if stores.is_empty() {
        return Err(crate::error::invalid(
            "city",
            format!("没有城市为“{city}”的门店。"),
            format!("There are no stores in “{city}”."),
        ));
    }
    let mut stmt = conn.prepare(&format!(
        "SELECT i.store_id, i.inviter_id, f.name FROM invitations i JOIN stores s ON s.id = i.store_id
         JOIN seminars m ON m.id = i.seminar_id LEFT JOIN staff f ON f.id = i.inviter_id
         WHERE s.city = ?1 AND (?2 IS NULL OR {LAPTOP_SQL} = ?2)"
    ))?;
    for row in stmt.query_map(rusqlite::params![city, laptop], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, Option<i64>>(1)?,
            r.get::<_, Option<String>>(2)?,
        ))
    })? {
        let (store, inviter, name) = row?;
        if let Some(s) = stores.get_mut(&store) {
            s.covered = true;
            if let Some(id) = inviter {
                if !s.inviters.iter().any(|(i, _)| *i == id) {
                    s.inviters.push((id, name.unwrap_or_default()));
                }
            }
        }
    }
    let mut stmt = conn.prepare_cached(&format!(
        "SELECT i.store_id, i.seminar_id FROM invitations i JOIN stores s ON s.id = i.store_id
         WHERE s.city = ?1 AND {ATTENDED_SQL}"
    ))?;
    let pairs = stmt
        .query_map([city], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<Vec<(i64, i64)>>>()?;
    let attendances = by_store(pairs, &seminar_days(conn)?);
    let mut stmt = conn.prepare(&format!(
        "SELECT d.store_id, d.product_id, d.at FROM deals d JOIN stores s ON s.id = d.store_id
         WHERE s.city = ?1 AND {CLOSED_DEAL_SQL}"
    ))?;
    for row in stmt.query_map([city], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, i64>(1)?,
            r.get::<_, String>(2)?,
        ))
    })? {
        let (store, product, at) = row?;
        let Some(s) = stores.get_mut(&store) else {
            continue;
        };
        s.products.insert(product);
        if let Ok(at) = DateTime::parse_from_rfc3339(&at) {
            let attended = attendances
                .get(&store)
                .map(Vec::as_slice)
                .unwrap_or_default();
            if let Some((seminar, _)) = credit(attended, at.with_timezone(&Utc)) {
                s.credited_seminars.insert(seminar);
            }
        }
    }
    if laptop.is_some() {
        // Another laptop's customers are not this team's conversions.
        for s in stores.values_mut().filter(|s| !s.covered) {
            s.products.clear();
            s.credited_seminars.clear();
        }
    }
    let catalogue: i64 = conn.query_row("SELECT count(*) FROM products WHERE active", [], |r| {
        r.get(0)
    })?;
    let all = stores.len() as i64;
    let mut by_district: HashMap<String, Vec<&StoreFacts>> = HashMap::new();
    let mut by_inviter: HashMap<(i64, String), Vec<&StoreFacts>> = HashMap::new();
    for s in stores.values() {
        by_district.entry(s.district.clone()).or_default().push(s);
        for inviter in &s.inviters {
            by_inviter.entry(inviter.clone()).or_default().push(s);
        }
    }
    let mut by_district: Vec<TerritoryGroup> = by_district
        .into_iter()
        .map(|(d, members)| TerritoryGroup {
            key: d.clone(),
            label: d,
            rates: territory_rates(members, 0, catalogue),
        })
        .collect();
    by_district.sort_by(|a, b| {
        b.rates
            .stores
            .cmp(&a.rates.stores)
            .then_with(|| a.key.cmp(&b.key))
    });
    let mut by_inviter: Vec<TerritoryGroup> = by_inviter
        .into_iter()
        .map(|((id, name), members)| TerritoryGroup {
            key: id.to_string(),
            label: name,
            rates: territory_rates(members, all, catalogue),
        })
        .collect();
    by_inviter.sort_by(|a, b| {
        b.rates
            .covered
            .cmp(&a.rates.covered)
            .then_with(|| a.key.cmp(&b.key))
    });
    Ok(Territory {
        city: city.to_owned(),
        rates: territory_rates(stores.values(), all, catalogue),
        by_district,
        by_inviter,
    })
}

/// The four territory rates of a city, per district and per inviter; one laptop's when asked.
pub fn territory(app: &App, q: TerritoryQuery) -> Result<Territory> {
    territory_of(&app.db.conn(), &q.city, q.laptop.as_deref())
}
