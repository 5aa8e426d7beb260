//! The file's layout: which row holds the headers and which column holds which field.

use std::collections::{HashMap, HashSet};

use serde::Serialize;
use ts_rs::TS;
use utoipa::ToSchema;

use super::field::{guess_field, ImportField};
use super::read::{column_letter, Grid};
use crate::error::{invalid, Result};

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ColumnInfo {
    pub index: u32,
    pub letter: String,
    pub header: String,
    pub field: Option<ImportField>,
}

pub(super) struct Layout {
    pub(super) header_row_index: usize,
    pub(super) header_row: u32,
    pub(super) columns: Vec<ColumnInfo>,
    pub(super) by_field: HashMap<ImportField, usize>,
}

pub(super) fn layout(
    grid: &Grid,
    mapping: Option<&[Option<ImportField>]>,
    header_row: Option<u32>,
) -> Result<Layout> {
    let idx = match header_row {
        Some(n) => grid.rows.iter().position(|(r, _)| *r == n).ok_or_else(|| {
            invalid(
                "header_row",
                format!("第 {n} 行不在文件里。"),
                format!("Row {n} is not in the file."),
            )
        })?,
        None => {
            // The header row is the one among the first ten that names the most known columns
            // (a title row or a merged group header above it is skipped).
            let mut best = (0usize, 0usize);
            for (i, (_, cells)) in grid.rows.iter().take(10).enumerate() {
                let distinct: HashSet<ImportField> =
                    cells.iter().filter_map(|c| guess_field(c.text())).collect();
                if distinct.len() > best.1 {
                    best = (i, distinct.len());
                }
            }
            best.0
        }
    };
    let (row_no, header_cells) = &grid.rows[idx];
    let width = grid.rows.iter().map(|(_, c)| c.len()).max().unwrap_or(0);
    let mut columns = Vec::with_capacity(width);
    let mut by_field = HashMap::new();
    for j in 0..width {
        let header = header_cells
            .get(j)
            .map(|c| c.text().trim().to_owned())
            .unwrap_or_default();
        let field = match mapping {
            Some(m) => m.get(j).copied().flatten(),
            None => guess_field(&header),
        };
        // A field claimed twice: the first column wins, the other is ignored.
        let field = field.filter(|f| !by_field.contains_key(f));
        if let Some(f) = field {
            by_field.insert(f, j);
        }
        columns.push(ColumnInfo {
            index: j as u32,
            letter: column_letter(grid.first_col + j as u32),
            header,
            field,
        });
    }
    Ok(Layout {
        header_row_index: idx,
        header_row: *row_no,
        columns,
        by_field,
    })
}

pub(super) fn missing(layout: &Layout) -> Vec<ImportField> {
    [ImportField::StoreName, ImportField::Phone]
        .into_iter()
        .filter(|f| !layout.by_field.contains_key(f))
        .collect()
}

pub(super) fn require_mapping(layout: &Layout) -> Result<()> {
    let m = missing(layout);
    if m.is_empty() {
        return Ok(());
    }
    let zh: Vec<&str> = m.iter().map(|f| f.label().0).collect();
    let en: Vec<&str> = m.iter().map(|f| f.label().1).collect();
    Err(invalid(
        "mapping",
        format!(
            "第 {} 行的表头里找不到“{}”列：请在导入向导里指定哪一列是什么，或把表头改成 门店名称、电话 等。",
            layout.header_row,
            zh.join("”、“")
        ),
        format!(
            "The headers in row {} have no {} column: map the columns in the import wizard, or name the headers Store, Phone, etc.",
            layout.header_row,
            en.join(" or ")
        ),
    ))
}
