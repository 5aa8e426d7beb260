//! Conflicts: a row whose phone another store already has, under another store name. Both sides
//! are shown, and a person decides (merge, keep apart, skip).

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use super::plan::{Conflict, Plan, Target};
use crate::matching::Resolution;

/// One conflict, both sides: `names[0]`/`people[0]` are the row's, `names[1]`/`people[1]` the
/// other store's. Rows are numbered as the spreadsheet numbers them (header = 1).
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ImportConflict {
    pub row: u32,
    /// The earlier row of this file with the same phone (null: the store is in the database).
    pub with_row: Option<u32>,
    /// The store in the database with the same phone.
    pub with_store_id: Option<i64>,
    pub phone: String,
    /// The store names: this row's, then the other's.
    pub names: Vec<String>,
    /// The people: this row's contact, then the other store's.
    pub people: Vec<String>,
    /// What the import does with the row.
    pub resolution: Resolution,
}

/// A person's decision on the conflict of one row.
#[derive(Debug, Clone, Copy, Deserialize, TS, ToSchema)]
pub struct ConflictDecision {
    pub row: u32,
    pub resolution: Resolution,
}

pub(super) fn conflicts_of(p: &Plan) -> Vec<ImportConflict> {
    p.conflicts.iter().map(|c| one(p, c)).collect()
}

fn one(p: &Plan, c: &Conflict) -> ImportConflict {
    let v = &p.valid[c.vi];
    ImportConflict {
        row: v.row,
        with_row: c.with_row,
        with_store_id: match c.with {
            Target::Existing(id) => Some(id),
            Target::New(_) => None,
        },
        phone: v.phone.number.clone(),
        names: vec![v.store_name.clone(), c.with_name.clone()],
        people: vec![v.contact_name.clone(), c.with_person.clone()],
        resolution: c.resolution,
    }
}

/// Why a skipped conflict's row was left out, for the skipped-rows file: (zh, en).
pub(super) fn skipped_reason(c: &ImportConflict) -> (String, String) {
    let other = &c.names[1];
    match c.with_row {
        Some(r) => (
            format!("电话与第 {r} 行「{other}」相同，但店名不同：未导入。确认是同一家店就改成相同店名，是两家店就选“分开”再导入。"),
            format!("Same phone as row {r} (\"{other}\") under another store name: not imported. If it is the same store, use the same name; if two stores, choose \"keep apart\" and import again."),
        ),
        None => (
            format!("电话已属于门店「{other}」，但店名不同：未导入。确认是同一家店就改成相同店名，是两家店就选“分开”再导入。"),
            format!("The phone already belongs to the store \"{other}\" under another name: not imported. If it is the same store, use the same name; if two stores, choose \"keep apart\" and import again."),
        ),
    }
}
