//! Reading a file into a grid of cells: xlsx/xls through calamine, CSV in UTF-8 (with or without
//! BOM) or GBK, detected from the bytes (never from the file name or a declared charset).

use std::io::Cursor;

use calamine::{Data, Reader, Sheets};

use crate::error::{invalid, Error, Result};

/// Files larger than this are refused before they are parsed.
pub const MAX_BYTES: usize = 50 * 1024 * 1024;

/// One cell as the import sees it.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Empty,
    Text(String),
    /// A formula whose result the file does not carry (never calculated): we cannot know its value.
    Formula(String),
    /// An error value such as `#REF!` or `#DIV/0!`.
    Error(String),
}

impl Cell {
    pub fn text(&self) -> &str {
        match self {
            Cell::Text(s) => s,
            _ => "",
        }
    }
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }
}

/// What kind of file it was.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Xls,
    Csv(Encoding),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Gbk,
}

impl Format {
    pub fn label(self) -> &'static str {
        match self {
            Format::Xlsx => "xlsx",
            Format::Xls => "xls",
            Format::Csv(Encoding::Utf8) => "csv (UTF-8)",
            Format::Csv(Encoding::Utf8Bom) => "csv (UTF-8 BOM)",
            Format::Csv(Encoding::Gbk) => "csv (GBK)",
        }
    }
}

/// A sheet: rows of cells with the spreadsheet's own numbering (row 1 is the first row).
#[derive(Debug, Clone)]
pub struct Grid {
    pub format: Format,
    /// (row number as the spreadsheet shows it, cells starting at column `first_col`)
    pub rows: Vec<(u32, Vec<Cell>)>,
    /// 0-based index of the first column (A = 0).
    pub first_col: u32,
}

/// `0 → A`, `25 → Z`, `26 → AA`.
pub fn column_letter(mut index: u32) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (index % 26) as u8);
        if index < 26 {
            break;
        }
        index = index / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

pub fn too_large(size: u64) -> Error {
    let mb = size as f64 / 1024.0 / 1024.0;
    invalid(
        "file",
        format!("文件太大（{mb:.1} MB）：一次最多导入 50 MB。请把名单拆成几个文件分别导入。"),
        format!("The file is too large ({mb:.1} MB): at most 50 MB can be imported at once. Split the list into several files."),
    )
}

fn not_a_spreadsheet(detail: &str) -> Error {
    invalid(
        "file",
        format!("这个文件不是表格（{detail}）：请选择 Excel（.xlsx / .xls）或 CSV 文件。"),
        format!("This file is not a spreadsheet ({detail}): choose an Excel (.xlsx / .xls) or CSV file."),
    )
}

pub fn empty_file() -> Error {
    invalid(
        "file",
        "文件是空的：里面没有任何门店。",
        "The file is empty: there are no stores in it.",
    )
}

/// Reads `bytes` as a spreadsheet, whatever its name says.
pub fn read(bytes: &[u8]) -> Result<Grid> {
    if bytes.len() > MAX_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(empty_file());
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return read_workbook(bytes, Format::Xlsx);
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        return read_workbook(bytes, Format::Xls);
    }
    read_csv(bytes)
}

fn read_workbook(bytes: &[u8], format: Format) -> Result<Grid> {
    let cursor = Cursor::new(bytes);
    let mut book: Sheets<_> = match format {
        Format::Xls => calamine::open_workbook_from_rs::<calamine::Xls<_>, _>(cursor)
            .map(Sheets::Xls)
            .map_err(|e| not_a_spreadsheet(&e.to_string()))?,
        _ => calamine::open_workbook_from_rs::<calamine::Xlsx<_>, _>(cursor)
            .map(Sheets::Xlsx)
            .map_err(|e| not_a_spreadsheet(&e.to_string()))?,
    };
    let Some(name) = book.sheet_names().first().cloned() else {
        return Err(empty_file());
    };
    let range = book
        .worksheet_range(&name)
        .map_err(|e| not_a_spreadsheet(&e.to_string()))?;
    // Reading the formulas parses the sheet a second time: only when the workbook has any.
    let formulas = if format == Format::Xls || has_formulas(bytes) {
        book.worksheet_formula(&name).ok()
    } else {
        None
    };
    let merges = match &mut book {
        Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(&name).unwrap_or_default(),
        Sheets::Xls(x) => x.merge_cells_by_sheet_name(&name).unwrap_or_default(),
        _ => Vec::new(),
    };
    let Some((r0, c0)) = range.start() else {
        return Err(empty_file());
    };
    let width = range.width();
    let mut rows = Vec::with_capacity(range.height());
    for (i, row) in range.rows().enumerate() {
        let r = r0 + i as u32;
        let cells: Vec<Cell> = row
            .iter()
            .enumerate()
            .map(|(j, d)| {
                let c = c0 + j as u32;
                let formula = formulas
                    .as_ref()
                    .and_then(|f| f.get_value((r, c)))
                    .filter(|f| !f.is_empty());
                cell(d, formula)
            })
            .collect();
        rows.push((r + 1, cells));
    }
    // A merged cell's value sits in its top-left cell; copy it over the whole region so merged
    // header cells ("联系人" over 姓名 + 电话, a title across the top) read as their parts.
    for m in merges {
        let Some(value) = rows
            .get((m.start.0.saturating_sub(r0)) as usize)
            .and_then(|(_, cells)| cells.get(m.start.1.saturating_sub(c0) as usize))
            .cloned()
        else {
            continue;
        };
        for r in m.start.0..=m.end.0 {
            for c in m.start.1..=m.end.1 {
                if r < r0 || c < c0 || (c - c0) as usize >= width {
                    continue;
                }
                if let Some((_, cells)) = rows.get_mut((r - r0) as usize) {
                    if let Some(slot) = cells.get_mut((c - c0) as usize) {
                        if slot.is_blank() {
                            *slot = value.clone();
                        }
                    }
                }
            }
        }
    }
    Ok(Grid {
        format,
        rows,
        first_col: c0,
    })
}

/// Whether a worksheet of an xlsx file holds a formula (a `<f>` element; text in the sheet is
/// escaped, so `<f` starts nothing else there but an `<filterColumn>`). When unsure: yes.
fn has_formulas(bytes: &[u8]) -> bool {
    use std::io::Read;
    let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
        return true;
    };
    let mut xml = Vec::new();
    for i in 0..zip.len() {
        let Ok(mut entry) = zip.by_index(i) else {
            return true;
        };
        let Ok(name) = entry.name() else {
            return true;
        };
        if !(name.starts_with("xl/worksheets/") && name.ends_with(".xml")) {
            continue;
        }
        xml.clear();
        if entry.read_to_end(&mut xml).is_err() {
            return true;
        }
        if xml
            .windows(3)
            .any(|w| w == b"<f>" || w == b"<f " || w == b"<f/")
        {
            return true;
        }
    }
    false
}

fn cell(d: &Data, formula: Option<&String>) -> Cell {
    let text = match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", *f as i64)
            } else {
                f.to_string()
            }
        }
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.into(),
        Data::Error(e) => return Cell::Error(e.to_string()),
        other => other.to_string(),
    };
    // A formula without a calculated result (written by a program, never opened in Excel) reads
    // as empty or 0: we cannot know what it would show.
    if let Some(f) = formula {
        if text.is_empty() || text == "0" {
            return Cell::Formula(f.clone());
        }
    }
    if text.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(text)
    }
}

/// Decodes CSV bytes: UTF-8 (BOM or not) when they are valid UTF-8, else GBK (GB18030) when they
/// decode cleanly, whatever the file claims to be; anything else is not a text spreadsheet.
pub fn decode(bytes: &[u8]) -> Result<(String, Encoding)> {
    let (body, bom) = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => (rest, true),
        None => (bytes, false),
    };
    if bytes.contains(&0) {
        return Err(not_a_spreadsheet("binary data"));
    }
    if let Ok(s) = std::str::from_utf8(body) {
        let enc = if bom {
            Encoding::Utf8Bom
        } else {
            Encoding::Utf8
        };
        return Ok((s.to_owned(), enc));
    }
    let (text, had_errors) = encoding_rs::GB18030
        .decode_without_bom_handling_and_without_replacement(body)
        .map(|s| (s.into_owned(), false))
        .unwrap_or_else(|| (String::new(), true));
    if had_errors {
        return Err(not_a_spreadsheet("neither UTF-8 nor GBK text"));
    }
    // Control characters other than tab/CR/LF mean it was binary after all.
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\r' | '\n'))
    {
        return Err(not_a_spreadsheet("binary data"));
    }
    Ok((text, Encoding::Gbk))
}

fn read_csv(bytes: &[u8]) -> Result<Grid> {
    let (text, enc) = decode(bytes)?;
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\t' | '\r' | '\n'))
    {
        return Err(not_a_spreadsheet("binary data"));
    }
    let first_line = text.lines().next().unwrap_or_default();
    let delim = if !first_line.contains(',') && first_line.contains('\t') {
        '\t'
    } else if !first_line.contains(',') && first_line.contains(';') {
        ';'
    } else {
        ','
    };
    let records = parse_csv(&text, delim);
    if records
        .iter()
        .all(|r| r.iter().all(|c| c.trim().is_empty()))
    {
        return Err(empty_file());
    }
    let rows = records
        .into_iter()
        .enumerate()
        .map(|(i, rec)| {
            let cells = rec
                .into_iter()
                .map(|s| {
                    if s.is_empty() {
                        Cell::Empty
                    } else if s.starts_with('=') && s.len() > 1 {
                        // CSV carries no results: a formula here is just its text.
                        Cell::Formula(s)
                    } else {
                        Cell::Text(s)
                    }
                })
                .collect();
            (i as u32 + 1, cells)
        })
        .collect();
    Ok(Grid {
        format: Format::Csv(enc),
        rows,
        first_col: 0,
    })
}

/// RFC 4180 records: quoted fields may hold the delimiter, doubled quotes and line breaks.
pub fn parse_csv(text: &str, delim: char) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    let mut any = false;
    while let Some(c) = chars.next() {
        any = true;
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    field.push('"');
                } else {
                    quoted = false;
                }
            } else {
                field.push(c);
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => quoted = true,
            c if c == delim => record.push(std::mem::take(&mut field)),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
                any = false;
            }
            '\n' => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
                any = false;
            }
            c => field.push(c),
        }
    }
    if any {
        record.push(field);
        records.push(record);
    }
    records
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_quotes_and_line_breaks() {
        let r = parse_csv("a,\"b,c\",\"d\"\"e\"\r\n\"x\ny\",,z\n", ',');
        assert_eq!(
            r,
            vec![
                vec!["a".to_string(), "b,c".into(), "d\"e".into()],
                vec!["x\ny".to_string(), "".into(), "z".into()]
            ]
        );
    }

    #[test]
    fn letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn gbk_is_detected_even_behind_a_utf8_bom() {
        let (gbk, _, _) = encoding_rs::GBK.encode("门店名称,电话\n小太阳,13800138000\n");
        assert_eq!(decode(&gbk).unwrap().1, Encoding::Gbk);
        let mut lying = b"\xEF\xBB\xBF".to_vec();
        lying.extend_from_slice(&gbk);
        let (text, enc) = decode(&lying).unwrap();
        assert_eq!(enc, Encoding::Gbk);
        assert!(text.contains("小太阳"), "{text}");
        assert_eq!(decode("门店".as_bytes()).unwrap().1, Encoding::Utf8);
    }
}
