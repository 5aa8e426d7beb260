//! `huixiao import stores`: a spreadsheet of stores, all or nothing (or the valid rows).

use serde_json::json;

use super::Result;
use crate::app::App;
use crate::i18n::Lang;

pub(super) fn stores(
    app: &App,
    file: &std::path::Path,
    (dry_run, skip_invalid, json): (bool, bool, bool),
    on_conflict: &str,
    lang: Lang,
) -> Result {
    use crate::import;
    let on_conflict = match on_conflict {
        "apart" => import::Resolution::Apart,
        "merge" => import::Resolution::Merge,
        _ => import::Resolution::Skip,
    };
    let size = std::fs::metadata(file)?.len();
    if size > import::read::MAX_BYTES as u64 {
        return Err(import::read::too_large(size).into());
    }
    let bytes = std::fs::read(file)?;
    let req = import::ImportRequest {
        file: import::ImportFile {
            file_name: file.display().to_string(),
            data_base64: String::new(),
            mapping: None,
            header_row: None,
        },
        skip_invalid,
        dry_run,
        decisions: Vec::new(),
        on_conflict,
    };
    let report = import::import_bytes(app, &bytes, &req)?;
    let pick = |e: &import::RowError| lang.pick(&e.zh, &e.en).to_owned();
    if json {
        let errors: Vec<_> = report
            .errors
            .iter()
            .map(|e| json!({"row": e.row, "column": e.column, "message": pick(e)}))
            .collect();
        let out = json!({
            "rows": report.rows,
            "imported": report.imported,
            "merged": report.merged,
            "conflicts": report.conflicts,
            "errors": errors,
        });
        println!("{}", serde_json::to_string_pretty(&out).expect("json"));
    } else {
        println!(
            "{}",
            match lang {
                Lang::Zh => format!(
                    "共 {} 行：{} 家新门店，{} 行合并到已有门店，{} 个错误。",
                    report.rows,
                    report.imported,
                    report.merged,
                    report.errors.len()
                ),
                Lang::En => format!(
                    "{} rows: {} new stores, {} merged into existing stores, {} errors.",
                    report.rows,
                    report.imported,
                    report.merged,
                    report.errors.len()
                ),
            }
        );
        for c in &report.conflicts {
            println!("  {}", conflict_line(c, lang));
        }
        for e in report.errors.iter().take(50) {
            let col = if e.column.is_empty() {
                e.letter.clone()
            } else {
                format!("{} {}", e.letter, e.column)
            };
            println!("  {} {}, {col}: {}", lang.pick("第", "row"), e.row, pick(e));
        }
    }
    if let Some(csv) = &report.skipped_csv {
        let out = file.with_extension("skipped.csv");
        std::fs::write(&out, csv)?;
        eprintln!(
            "{}{}",
            lang.pick(
                "跳过的行（有错误或冲突）写入了：",
                "Skipped rows (errors or conflicts) were written to: "
            ),
            out.display()
        );
    }
    if !report.written && !report.errors.is_empty() && !dry_run {
        let n = report.errors.len();
        return Err(crate::error::invalid(
            "file",
            format!("有 {n} 个错误，没有导入任何门店（全部导入或全部不导入）。改正后重试，或用 --skip-invalid 只导入正确的行。"),
            format!("{n} errors: no store was imported (all or nothing). Fix them and try again, or use --skip-invalid to import the valid rows only."),
        )
        .into());
    }
    if dry_run {
        eprintln!(
            "{}",
            lang.pick(
                "试运行：没有写入任何数据。",
                "Dry run: nothing was written."
            )
        );
    }
    Ok(())
}

/// One conflict, both sides and what was done: "第 6 行「美丽人生（分店）」张敏 与 第 3 行「美丽人生美容院」张敏 电话相同（13900001111）：跳过".
fn conflict_line(c: &crate::import::ImportConflict, lang: Lang) -> String {
    use crate::import::Resolution;
    let other = match (c.with_row, lang) {
        (Some(r), Lang::Zh) => format!("第 {r} 行"),
        (Some(r), Lang::En) => format!("row {r}"),
        (None, Lang::Zh) => "已有门店".to_owned(),
        (None, Lang::En) => "existing store".to_owned(),
    };
    let what = match c.resolution {
        Resolution::Skip => lang.pick("跳过（未导入）", "skipped (not imported)"),
        Resolution::Apart => lang.pick(
            "分开（两家店，同一个人）",
            "kept apart (two stores, one person)",
        ),
        Resolution::Merge => lang.pick("合并", "merged"),
    };
    match lang {
        Lang::Zh => format!(
            "冲突：第 {} 行「{}」{} 与 {other}「{}」{} 电话相同（{}）：{what}",
            c.row, c.names[0], c.people[0], c.names[1], c.people[1], c.phone
        ),
        Lang::En => format!(
            "conflict: row {} \"{}\" {} and {other} \"{}\" {} share the phone {}: {what}",
            c.row, c.names[0], c.people[0], c.names[1], c.people[1], c.phone
        ),
    }
}
