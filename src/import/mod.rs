//! Importing the store list (门店名单) from Excel or CSV.
//!
//! One handler serves the CLI (`huixiao import stores FILE`) and the UI's wizard: the file's bytes
//! are read ([`read`]), columns are mapped by header (Chinese or English, or a mapping the user
//! chose), every row is checked, rows are deduplicated against the database and against earlier
//! rows (same normalised phone, or same store name in the same city), and — only when the whole
//! file is valid, or the user chose to import the valid rows only — everything is written in one
//! transaction.
//!
//! Matching follows [`crate::matching`]: a row whose phone another store already has under
//! another store name is a *conflict* — shown with both sides, and merged, kept apart (the
//! person belongs to both stores) or skipped as a person decides; without a decision it is
//! skipped, and listed with the skipped rows.
//!
//! Counting: every non-blank data row is exactly one of `imported` (it creates a new store),
//! `merged` (it joins a store that already exists or that an earlier row creates; a new phone
//! adds a contact to it; or a person chose to merge its conflict), a conflict kept apart on an
//! existing store or skipped, or has errors.

pub mod read;

mod conflict;
mod field;
mod layout;
mod plan;
mod preview;
mod row;
mod skipped;
mod write;

use base64::Engine;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::app::App;
use crate::error::{invalid, Result};
use conflict::conflicts_of;
use layout::{layout, require_mapping, Layout};
use plan::{plan, sorted_errors};
use read::{Cell, Grid};
use skipped::skipped_csv;

pub use crate::matching::{MatchReason as MergeReason, Resolution};
pub use conflict::{ConflictDecision, ImportConflict};
pub use field::{guess_field, ImportField};
pub use layout::ColumnInfo;
pub use preview::{preview, ImportPreview, Merge, SampleRow};
pub use row::RowError;

/// The file as the user chose it: its name (for messages) and its bytes, base64-encoded so that
/// the same JSON input travels over IPC, HTTP and the CLI.
#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct ImportFile {
    pub file_name: String,
    pub data_base64: String,
    /// The user's column mapping, one entry per column (null: ignore the column). Without it the
    /// headers decide.
    #[serde(default)]
    pub mapping: Option<Vec<Option<ImportField>>>,
    /// Which row holds the headers (as the spreadsheet numbers it). Without it, found by content.
    #[serde(default)]
    pub header_row: Option<u32>,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct ImportRequest {
    #[serde(flatten)]
    #[ts(flatten)]
    pub file: ImportFile,
    /// Write the valid rows and skip the others (default: nothing is written unless all are valid).
    #[serde(default)]
    pub skip_invalid: bool,
    /// Check everything, write nothing.
    #[serde(default)]
    pub dry_run: bool,
    /// A person's decision on each conflict (a row whose phone another store has, under another
    /// store name), by row.
    #[serde(default)]
    pub decisions: Vec<ConflictDecision>,
    /// What happens to a conflict without a decision (default: skip, and list it).
    #[serde(default)]
    pub on_conflict: Resolution,
}

impl ImportRequest {
    fn resolution(&self, row: u32) -> Resolution {
        self.decisions
            .iter()
            .find(|d| d.row == row)
            .map_or(self.on_conflict, |d| d.resolution)
    }
}

/// The result of an import (or a dry run).
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ImportReport {
    pub rows: u32,
    /// Rows that created a store (in a dry run: that would).
    pub imported: u32,
    /// Rows merged into an existing store or one created by an earlier row (by the matching
    /// rule, or a conflict a person chose to merge).
    pub merged: u32,
    /// Rows whose phone another store has under another store name, with what was done.
    pub conflicts: Vec<ImportConflict>,
    pub errors: Vec<RowError>,
    /// Whether anything was written.
    pub written: bool,
    /// Rows skipped (for errors, or conflicts to skip), as a CSV (UTF-8 with BOM) to fix and
    /// import again.
    pub skipped_csv: Option<String>,
}

fn decode_file(file: &ImportFile) -> Result<Vec<u8>> {
    // Base64 is 4 characters per 3 bytes: refuse before decoding anything too large.
    let approx = file.data_base64.len() as u64 / 4 * 3;
    if approx > read::MAX_BYTES as u64 + 3 {
        return Err(read::too_large(approx));
    }
    base64::engine::general_purpose::STANDARD
        .decode(file.data_base64.trim())
        .map_err(|_| {
            invalid(
                "data_base64",
                "文件内容没有正确上传（base64 编码无效），请重新选择文件。",
                "The file's content did not arrive intact (invalid base64); choose the file again.",
            )
        })
}

struct Prepared {
    pub(super) grid: Grid,
    pub(super) layout: Layout,
}

fn prepare(file: &ImportFile) -> Result<Prepared> {
    let bytes = decode_file(file)?;
    prepare_bytes(&bytes, file.mapping.as_deref(), file.header_row)
}

fn prepare_bytes(
    bytes: &[u8],
    mapping: Option<&[Option<ImportField>]>,
    header_row: Option<u32>,
) -> Result<Prepared> {
    let grid = read::read(bytes)?;
    let layout = layout(&grid, mapping, header_row)?;
    let has_data = grid
        .rows
        .iter()
        .skip(layout.header_row_index + 1)
        .any(|(_, c)| !c.iter().all(Cell::is_blank));
    if !has_data {
        return Err(read::empty_file());
    }
    Ok(Prepared { grid, layout })
}

/// Imports a file: all of it, or (with `skip_invalid`) its valid rows; nothing in a dry run.
pub fn import(app: &App, req: ImportRequest) -> Result<ImportReport> {
    let bytes = decode_file(&req.file)?;
    import_bytes(app, &bytes, &req)
}

/// [`import`] on bytes the caller has already (the CLI reads the file itself).
pub fn import_bytes(app: &App, bytes: &[u8], req: &ImportRequest) -> Result<ImportReport> {
    let prep = prepare_bytes(bytes, req.file.mapping.as_deref(), req.file.header_row)?;
    require_mapping(&prep.layout)?;
    let now = app.now_str();
    let mut conn = app.db.conn();
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let p = plan(&tx, &prep.grid, &prep.layout, &|row| req.resolution(row))?;
    let refused = !p.errors.is_empty() && !req.skip_invalid;
    let conflicts = conflicts_of(&p);
    let left_out = !refused && !p.left_out().is_empty();
    // The skipped-rows file speaks the organisation's language.
    let lang = crate::settings::language(&tx)?;
    let skipped_csv = left_out.then(|| skipped_csv(&prep, &p, &conflicts, lang));
    let mut report = ImportReport {
        rows: p.rows,
        imported: if refused {
            0
        } else {
            p.new_stores.len() as u32
        },
        merged: if refused { 0 } else { p.merged() },
        conflicts,
        errors: sorted_errors(p.errors.clone()),
        written: false,
        skipped_csv,
    };
    if refused || req.dry_run {
        return Ok(report);
    }
    write::write(&tx, &p, &now)?;
    tx.commit()?;
    report.written = true;
    tracing::info!(
        rows = report.rows,
        imported = report.imported,
        merged = report.merged,
        conflicts = report.conflicts.len(),
        skipped = p.left_out().len(),
        "stores imported"
    );
    Ok(report)
}
