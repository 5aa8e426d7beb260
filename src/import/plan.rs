//! The plan: each valid row creates a store or joins one (by phone, or by name in the same
//! city), against the database and the earlier rows.

use std::collections::HashMap;

use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;
use utoipa::ToSchema;

use super::layout::Layout;
use super::read::{Cell, Grid};
use super::row::{check_row, norm, RowError, Valid};
use crate::error::Result;
use crate::phone;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MergeReason {
    /// The same (normalised) phone number.
    Phone,
    /// The same store name in the same city.
    NameCity,
}

pub(super) enum Target {
    Existing(i64),
    /// Index in `Plan::new_stores`.
    New(usize),
}

pub(super) struct NewStore {
    pub(super) row_index: usize,
    pub(super) contacts: Vec<usize>,
}

pub(super) struct Plan {
    pub(super) grid_rows: Vec<usize>,
    pub(super) valid: Vec<Valid>,
    pub(super) new_stores: Vec<NewStore>,
    /// (valid index, target, adds a contact)
    pub(super) merges: Vec<(usize, Target, bool, MergeReason)>,
    pub(super) errors: Vec<RowError>,
    pub(super) invalid_rows: Vec<usize>,
    pub(super) landlines: u32,
    pub(super) rows: u32,
}

/// Phones and name+city keys of the stores already in the database.
struct Existing {
    phones: HashMap<String, i64>,
    names: HashMap<String, i64>,
}

fn existing(conn: &Connection) -> Result<Existing> {
    let mut phones = HashMap::new();
    let mut stmt = conn.prepare(
        "SELECT phone, store_id FROM contacts WHERE phone IS NOT NULL AND erased_at IS NULL",
    )?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        phones.entry(r.get::<_, String>(0)?).or_insert(r.get(1)?);
    }
    let mut names = HashMap::new();
    let mut stmt = conn.prepare("SELECT id, name, city FROM stores")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let id: i64 = r.get(0)?;
        let name: String = r.get(1)?;
        let city: String = r.get(2)?;
        names.entry(name_key(&name, &city)).or_insert(id);
    }
    Ok(Existing { phones, names })
}

fn name_key(name: &str, city: &str) -> String {
    format!("{}\u{1}{}", norm(name), norm(city))
}

pub(super) fn plan(conn: &Connection, grid: &Grid, layout: &Layout) -> Result<Plan> {
    let mut db = existing(conn)?;
    let mut p = Plan {
        grid_rows: Vec::new(),
        valid: Vec::new(),
        new_stores: Vec::new(),
        merges: Vec::new(),
        errors: Vec::new(),
        invalid_rows: Vec::new(),
        landlines: 0,
        rows: 0,
    };
    let mut file_phones: HashMap<String, usize> = HashMap::new();
    let mut file_names: HashMap<String, usize> = HashMap::new();
    for (gi, (row, cells)) in grid
        .rows
        .iter()
        .enumerate()
        .skip(layout.header_row_index + 1)
    {
        if cells.iter().all(Cell::is_blank) {
            continue;
        }
        p.rows += 1;
        let (valid, errors) = check_row(layout, *row, cells);
        let Some(v) = valid else {
            p.errors.extend(errors);
            p.invalid_rows.push(gi);
            continue;
        };
        if v.phone.kind == phone::PhoneKind::Landline {
            p.landlines += 1;
        }
        let vi = p.valid.len();
        let key = name_key(&v.store_name, &v.city);
        let target = if let Some(&id) = db.phones.get(&v.phone.number) {
            Some((Target::Existing(id), MergeReason::Phone, false))
        } else if let Some(&s) = file_phones.get(&v.phone.number) {
            Some((Target::New(s), MergeReason::Phone, false))
        } else if let Some(&id) = db.names.get(&key) {
            Some((Target::Existing(id), MergeReason::NameCity, true))
        } else if let Some(&s) = file_names.get(&key) {
            Some((Target::New(s), MergeReason::NameCity, true))
        } else {
            None
        };
        match target {
            Some((t, reason, adds)) => {
                if adds {
                    match t {
                        Target::New(s) => {
                            p.new_stores[s].contacts.push(vi);
                            file_phones.insert(v.phone.number.clone(), s);
                        }
                        Target::Existing(id) => {
                            db.phones.insert(v.phone.number.clone(), id);
                        }
                    }
                }
                p.merges.push((vi, t, adds, reason));
            }
            None => {
                let s = p.new_stores.len();
                p.new_stores.push(NewStore {
                    row_index: vi,
                    contacts: vec![vi],
                });
                file_phones.insert(v.phone.number.clone(), s);
                file_names.insert(key, s);
            }
        }
        p.grid_rows.push(gi);
        p.valid.push(v);
    }
    Ok(p)
}

pub(super) fn sorted_errors(mut errors: Vec<RowError>) -> Vec<RowError> {
    errors.sort_by(|a, b| {
        a.row
            .cmp(&b.row)
            .then(a.letter.len().cmp(&b.letter.len()))
            .then(a.letter.cmp(&b.letter))
    });
    errors
}
