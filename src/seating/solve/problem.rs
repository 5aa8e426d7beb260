//! What automatic seating is given: the guests, the tables, the rules and the stage; and how
//! its sentences name them.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use super::Rule;

/// A guest to seat: a contact named by a confirmed invitation, with what the rules look at.
#[derive(Debug, Clone, Default)]
pub struct GuestIn {
    pub contact_id: i64,
    pub name: String,
    pub store_id: i64,
    pub store_name: String,
    pub inviter_id: Option<i64>,
    pub inviter_name: Option<String>,
    pub industry: String,
    pub district: String,
    pub street: String,
    pub level: String,
    pub key_customer: bool,
    /// The store that referred this guest's store.
    pub referrer_store_id: Option<i64>,
    /// Locked to (table index, seat number from 1).
    pub lock: Option<(usize, i64)>,
}

#[derive(Debug, Clone, Default)]
pub struct TableIn {
    pub id: i64,
    pub number: i64,
    pub seats: i64,
    pub x: f64,
    pub y: f64,
}

#[derive(Debug, Clone, Default)]
pub struct Problem {
    pub guests: Vec<GuestIn>,
    pub tables: Vec<TableIn>,
    pub rules: Vec<Rule>,
    pub stage: (f64, f64),
    pub seed: u64,
}

/// A sentence in both languages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
pub struct Said {
    pub zh: String,
    pub en: String,
}

pub fn said(zh: impl Into<String>, en: impl Into<String>) -> Said {
    Said {
        zh: zh.into(),
        en: en.into(),
    }
}

pub(super) fn names(p: &Problem, ids: &[usize]) -> String {
    let mut v: Vec<&str> = ids.iter().map(|&i| p.guests[i].name.as_str()).collect();
    let more = v.len().saturating_sub(8);
    v.truncate(8);
    let mut s = v.join("、");
    if more > 0 {
        s.push_str(&format!(" …(+{more})"));
    }
    s
}

pub(super) fn table_numbers(p: &Problem, ids: &[usize]) -> String {
    ids.iter()
        .map(|&t| p.tables[t].number.to_string())
        .collect::<Vec<_>>()
        .join("、")
}
