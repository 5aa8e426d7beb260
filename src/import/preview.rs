//! The preview: what importing a file would do, before anything is written.

use std::collections::HashMap;

use rusqlite::Connection;
use serde::Serialize;
use ts_rs::TS;
use utoipa::ToSchema;

use super::conflict::{conflicts_of, ImportConflict};
use super::field::ImportField;
use super::layout::{missing, ColumnInfo};
use super::plan::{plan, sorted_errors, Plan, Target};
use super::read::Cell;
use super::row::RowError;
use super::{prepare, ImportFile};
use crate::app::App;
use crate::error::Result;
use crate::matching::{MatchReason, Resolution};

/// A row that joins a store instead of creating one.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Merge {
    pub row: u32,
    pub store_name: String,
    pub reason: MatchReason,
    /// The store already in the database it joins…
    pub store_id: Option<i64>,
    /// …or the earlier row of this file that creates it.
    pub first_row: Option<u32>,
    /// Whether the row adds a new contact to the store (a phone the store does not have yet).
    pub adds_contact: bool,
}

/// What the import would do, before anything is written.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ImportPreview {
    /// "xlsx", "xls", "csv (UTF-8)", "csv (UTF-8 BOM)", "csv (GBK)".
    pub format: String,
    pub header_row: u32,
    pub columns: Vec<ColumnInfo>,
    /// Store name and phone have a column: the import can run. Otherwise the user maps columns.
    pub mapping_complete: bool,
    pub missing: Vec<ImportField>,
    /// Data rows (blank rows not counted).
    pub rows: u32,
    pub new_stores: u32,
    pub merged: u32,
    pub invalid_rows: u32,
    pub landlines: u32,
    pub errors: Vec<RowError>,
    pub merges: Vec<Merge>,
    /// Rows whose phone another store has under another store name: for the person to decide
    /// (each shown here as skipped, until decided).
    pub conflicts: Vec<ImportConflict>,
    /// The first data rows as text, for the preview table.
    pub sample: Vec<SampleRow>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct SampleRow {
    pub row: u32,
    pub cells: Vec<String>,
}

const MAX_LISTED: usize = 1000;

/// Checks a file and says what importing it would do. Writes nothing.
pub fn preview(app: &App, file: ImportFile) -> Result<ImportPreview> {
    let prep = prepare(&file)?;
    let (grid, layout) = (&prep.grid, &prep.layout);
    let missing = missing(layout);
    let sample: Vec<SampleRow> = grid
        .rows
        .iter()
        .skip(layout.header_row_index + 1)
        .filter(|(_, c)| !c.iter().all(Cell::is_blank))
        .take(20)
        .map(|(row, cells)| SampleRow {
            row: *row,
            cells: cells
                .iter()
                .map(|c| match c {
                    Cell::Formula(f) => f.clone(),
                    Cell::Error(e) => e.clone(),
                    c => c.text().to_owned(),
                })
                .collect(),
        })
        .collect();
    let mut out = ImportPreview {
        format: grid.format.label().into(),
        header_row: layout.header_row,
        columns: layout.columns.clone(),
        mapping_complete: missing.is_empty(),
        missing,
        rows: 0,
        new_stores: 0,
        merged: 0,
        invalid_rows: 0,
        landlines: 0,
        errors: Vec::new(),
        merges: Vec::new(),
        conflicts: Vec::new(),
        sample,
    };
    if !out.mapping_complete {
        return Ok(out);
    }
    let conn = app.db.conn();
    let p = plan(&conn, grid, layout, &|_| Resolution::Skip)?;
    let names = store_names(&conn, &p)?;
    out.rows = p.rows;
    out.new_stores = p.new_stores.len() as u32;
    out.merged = p.merged();
    out.invalid_rows = p.invalid_rows.len() as u32;
    out.landlines = p.landlines;
    out.merges = merges_of(&p, &names);
    out.conflicts = conflicts_of(&p);
    out.conflicts.truncate(MAX_LISTED);
    out.errors = sorted_errors(p.errors);
    out.errors.truncate(MAX_LISTED);
    Ok(out)
}

fn store_names(conn: &Connection, p: &Plan) -> Result<HashMap<i64, String>> {
    let mut names = HashMap::new();
    let mut stmt = conn.prepare_cached("SELECT name FROM stores WHERE id = ?1")?;
    for (_, t, _, _) in p.merges.iter().take(MAX_LISTED) {
        if let Target::Existing(id) = t {
            if !names.contains_key(id) {
                names.insert(*id, stmt.query_row([id], |r| r.get(0))?);
            }
        }
    }
    Ok(names)
}

fn merges_of(p: &Plan, names: &HashMap<i64, String>) -> Vec<Merge> {
    p.merges
        .iter()
        .take(MAX_LISTED)
        .map(|(vi, t, adds, reason)| {
            let v = &p.valid[*vi];
            let (store_id, first_row, store_name) = match t {
                Target::Existing(id) => (
                    Some(*id),
                    None,
                    names
                        .get(id)
                        .cloned()
                        .unwrap_or_else(|| v.store_name.clone()),
                ),
                Target::New(s) => {
                    let first = &p.valid[p.new_stores[*s].row_index];
                    (None, Some(first.row), first.store_name.clone())
                }
            };
            Merge {
                row: v.row,
                store_name,
                reason: *reason,
                store_id,
                first_row,
                adds_contact: *adds,
            }
        })
        .collect()
}
