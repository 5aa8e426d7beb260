//! The skipped rows as a CSV to fix and import again.

use std::collections::HashMap;

use super::conflict::{skipped_reason, ImportConflict};
use super::plan::Plan;
use super::read::Cell;
use super::Prepared;
use crate::i18n::Lang;
use crate::matching::Resolution;

/// The skipped rows as a CSV (UTF-8 with a BOM, so Excel opens it right): the header row, then
/// each skipped row (invalid, or a conflict to skip) with what is wrong in a last column, in `lang`.
pub(super) fn skipped_csv(
    prep: &Prepared,
    p: &Plan,
    conflicts: &[ImportConflict],
    lang: Lang,
) -> String {
    let mut by_row: HashMap<u32, Vec<String>> = HashMap::new();
    for e in &p.errors {
        by_row.entry(e.row).or_default().push(format!(
            "{}{}: {}",
            e.letter,
            e.row,
            lang.pick(&e.zh, &e.en)
        ));
    }
    for c in conflicts
        .iter()
        .filter(|c| c.resolution == Resolution::Skip)
    {
        let (zh, en) = skipped_reason(c);
        by_row
            .entry(c.row)
            .or_default()
            .push(lang.pick(&zh, &en).to_string());
    }
    let mut out = String::from("\u{FEFF}");
    let header = &prep.grid.rows[prep.layout.header_row_index].1;
    let mut line: Vec<String> = header.iter().map(|c| csv_field(c.text())).collect();
    line.push(csv_field(lang.pick("错误", "Errors")));
    out.push_str(&line.join(","));
    out.push_str("\r\n");
    for gi in p.left_out() {
        let (row, cells) = &prep.grid.rows[gi];
        let mut line: Vec<String> = cells
            .iter()
            .map(|c| match c {
                Cell::Formula(f) => csv_field(f),
                Cell::Error(e) => csv_field(e),
                c => csv_field(c.text()),
            })
            .collect();
        while line.len() < header.len() {
            line.push(String::new());
        }
        line.push(csv_field(
            &by_row
                .get(row)
                .map(|v| v.join(lang.pick("；", "; ")))
                .unwrap_or_default(),
        ));
        out.push_str(&line.join(","));
        out.push_str("\r\n");
    }
    out
}

fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) || s.starts_with('=') {
        // A leading "=" is quoted and prefixed so a spreadsheet does not run it as a formula.
        let s = if s.starts_with('=') {
            format!("'{s}")
        } else {
            s.to_owned()
        };
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_owned()
    }
}
