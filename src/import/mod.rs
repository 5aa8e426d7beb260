//! Importing the store list (门店名单) from Excel or CSV.
//!
//! One handler serves the CLI (`huixiao import stores FILE`) and the UI's wizard: the file's bytes
//! are read ([`read`]), columns are mapped by header (Chinese or English, or a mapping the user
//! chose), every row is checked, rows are deduplicated against the database and against earlier
//! rows (same normalised phone, or same store name in the same city), and — only when the whole
//! file is valid, or the user chose to import the valid rows only — everything is written in one
//! transaction.
//!
//! Counting: every non-blank data row is exactly one of `imported` (it creates a new store),
//! `merged` (it joins a store that already exists or that an earlier row creates; a new phone
//! adds a contact to it) or has errors.

pub mod read;

use std::collections::{HashMap, HashSet};

use base64::Engine;
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::app::App;
use crate::contact::ContactRole;
use crate::error::{invalid, Result};
use crate::phone;
use crate::store::StoreLevel;
use read::{column_letter, Cell, Grid};

/// What a column of the file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ImportField {
    StoreName,
    ContactName,
    Phone,
    Role,
    City,
    District,
    Address,
    Industry,
    Level,
    Source,
    Referrer,
    Commission,
    Note,
}

impl ImportField {
    pub const ALL: [ImportField; 13] = [
        ImportField::StoreName,
        ImportField::ContactName,
        ImportField::Phone,
        ImportField::Role,
        ImportField::City,
        ImportField::District,
        ImportField::Address,
        ImportField::Industry,
        ImportField::Level,
        ImportField::Source,
        ImportField::Referrer,
        ImportField::Commission,
        ImportField::Note,
    ];

    /// The Chinese and English header a template uses.
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            ImportField::StoreName => ("门店名称", "Store"),
            ImportField::ContactName => ("联系人", "Contact"),
            ImportField::Phone => ("电话", "Phone"),
            ImportField::Role => ("角色", "Role"),
            ImportField::City => ("城市", "City"),
            ImportField::District => ("区县", "District"),
            ImportField::Address => ("地址", "Address"),
            ImportField::Industry => ("行业", "Industry"),
            ImportField::Level => ("级别", "Level"),
            ImportField::Source => ("来源", "Source"),
            ImportField::Referrer => ("介绍人", "Referrer"),
            ImportField::Commission => ("佣金比例", "Commission"),
            ImportField::Note => ("备注", "Note"),
        }
    }
}

/// Header text → field. Exact names first (after dropping spaces, `*`, brackets and case), then
/// parts of a name, most specific first ("门店地址" is an address, "联系人电话" a phone).
pub fn guess_field(header: &str) -> Option<ImportField> {
    use ImportField::*;
    let mut h = String::new();
    let mut depth = 0;
    for c in header.chars() {
        match c {
            '(' | '（' | '[' | '【' => depth += 1,
            ')' | '）' | ']' | '】' => depth = (depth as i32 - 1).max(0) as usize,
            _ if depth > 0 => {}
            c if c.is_whitespace() || matches!(c, '*' | '_' | '-' | ':' | '：' | '.' | '/') => {}
            c => h.extend(c.to_lowercase()),
        }
    }
    if h.is_empty() {
        return None;
    }
    let exact: &[(&[&str], ImportField)] = &[
        (
            &[
                "门店名称",
                "店名",
                "门店",
                "商户名称",
                "商户",
                "店铺名称",
                "店铺",
                "名称",
                "客户名称",
                "store",
                "storename",
                "shop",
                "shopname",
                "business",
            ],
            StoreName,
        ),
        (
            &[
                "联系人",
                "姓名",
                "联系人姓名",
                "客户姓名",
                "contact",
                "contactname",
                "person",
            ],
            ContactName,
        ),
        (
            &[
                "电话",
                "手机",
                "手机号",
                "手机号码",
                "联系电话",
                "电话号码",
                "phone",
                "mobile",
                "tel",
                "telephone",
                "cell",
                "phonenumber",
            ],
            Phone,
        ),
        (&["角色", "身份", "职务", "role", "position"], Role),
        (&["城市", "市", "city"], City),
        (
            &["区县", "区", "县", "区域", "district", "county", "area"],
            District,
        ),
        (&["地址", "详细地址", "门店地址", "address"], Address),
        (
            &["行业", "业态", "类型", "industry", "type", "category"],
            Industry,
        ),
        (&["级别", "等级", "客户级别", "level", "grade"], Level),
        (&["来源", "渠道", "source", "channel"], Source),
        (
            &[
                "介绍人",
                "推荐人",
                "转介绍",
                "referrer",
                "referredby",
                "partner",
            ],
            Referrer,
        ),
        (
            &[
                "佣金",
                "佣金比例",
                "提成",
                "提成比例",
                "commission",
                "commissionrate",
            ],
            Commission,
        ),
        (
            &[
                "备注", "说明", "note", "notes", "remark", "remarks", "comment",
            ],
            Note,
        ),
    ];
    for (names, field) in exact {
        if names.contains(&h.as_str()) {
            return Some(*field);
        }
    }
    let parts: &[(&[&str], ImportField)] = &[
        (&["电话", "手机", "phone", "mobile", "tel"], Phone),
        (&["佣金", "提成", "commission"], Commission),
        (&["介绍", "推荐", "referr"], Referrer),
        (&["地址", "address"], Address),
        (&["角色", "身份", "role"], Role),
        (&["级别", "等级", "level"], Level),
        (&["来源", "渠道", "source"], Source),
        (&["备注", "note", "remark"], Note),
        (&["行业", "industry"], Industry),
        (&["城市", "city"], City),
        (&["区县", "district"], District),
        (&["联系人", "姓名", "contact"], ContactName),
        (
            &["门店", "店名", "商户", "店铺", "store", "shop"],
            StoreName,
        ),
    ];
    for (keys, field) in parts {
        if keys.iter().any(|k| h.contains(k)) {
            return Some(*field);
        }
    }
    None
}

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
}

/// A problem in one cell (or row) of the file: `row` as the spreadsheet shows it (header = 1 in
/// a plain list), `column` the header of the column as written in the file.
#[derive(Debug, Clone, Serialize, TS, ToSchema, PartialEq)]
pub struct RowError {
    pub row: u32,
    pub column: String,
    /// The column's letter (A, B, … AA).
    pub letter: String,
    pub zh: String,
    pub en: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MergeReason {
    /// The same (normalised) phone number.
    Phone,
    /// The same store name in the same city.
    NameCity,
}

/// A row that joins a store instead of creating one.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Merge {
    pub row: u32,
    pub store_name: String,
    pub reason: MergeReason,
    /// The store already in the database it joins…
    pub store_id: Option<i64>,
    /// …or the earlier row of this file that creates it.
    pub first_row: Option<u32>,
    /// Whether the row adds a new contact to the store (a phone the store does not have yet).
    pub adds_contact: bool,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ColumnInfo {
    pub index: u32,
    pub letter: String,
    pub header: String,
    pub field: Option<ImportField>,
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
    /// The first data rows as text, for the preview table.
    pub sample: Vec<SampleRow>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct SampleRow {
    pub row: u32,
    pub cells: Vec<String>,
}

/// The result of an import (or a dry run).
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ImportReport {
    pub rows: u32,
    /// Rows that created a store (in a dry run: that would).
    pub imported: u32,
    /// Rows merged into an existing store or one created by an earlier row.
    pub merged: u32,
    pub errors: Vec<RowError>,
    /// Whether anything was written.
    pub written: bool,
    /// Rows skipped for errors, as a CSV (UTF-8 with BOM) to fix and import again.
    pub skipped_csv: Option<String>,
}

const MAX_LISTED: usize = 1000;

/// A checked row, ready to write.
struct Valid {
    row: u32,
    store_name: String,
    city: String,
    district: String,
    address: String,
    industry: String,
    level: StoreLevel,
    source: String,
    note: String,
    referrer: Option<String>,
    commission_bp: i64,
    contact_name: String,
    role: ContactRole,
    phone: phone::Phone,
}

enum Target {
    Existing(i64),
    /// Index in `Plan::new_stores`.
    New(usize),
}

struct NewStore {
    row_index: usize,
    contacts: Vec<usize>,
}

struct Plan {
    grid_rows: Vec<usize>,
    valid: Vec<Valid>,
    new_stores: Vec<NewStore>,
    /// (valid index, target, adds a contact)
    merges: Vec<(usize, Target, bool, MergeReason)>,
    errors: Vec<RowError>,
    invalid_rows: Vec<usize>,
    landlines: u32,
    rows: u32,
}

struct Layout {
    header_row_index: usize,
    header_row: u32,
    columns: Vec<ColumnInfo>,
    by_field: HashMap<ImportField, usize>,
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

fn layout(
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

fn missing(layout: &Layout) -> Vec<ImportField> {
    [ImportField::StoreName, ImportField::Phone]
        .into_iter()
        .filter(|f| !layout.by_field.contains_key(f))
        .collect()
}

/// Normalises for matching: no spaces, lower case, full-width letters/digits as ASCII.
fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '！'..='～' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

fn parse_role(s: &str) -> Option<ContactRole> {
    let t = s.trim();
    if t.is_empty() {
        return Some(ContactRole::Owner);
    }
    ContactRole::parse(t).or_else(|| match norm(t).as_str() {
        "老板" | "店主" | "负责人" | "法人" | "园长" | "owner" | "boss" => {
            Some(ContactRole::Owner)
        }
        "老板娘" | "owner'sspouse" | "ownerspouse" | "spouse" | "wife" | "老板太太" => {
            Some(ContactRole::OwnerSpouse)
        }
        "店长" | "经理" | "manager" => Some(ContactRole::Manager),
        "店员" | "员工" | "staff" | "employee" | "老师" => Some(ContactRole::Staff),
        _ => None,
    })
}

/// What a contact without a name is called: by their role, as people do (“老板娘”).
fn role_name(role: ContactRole) -> &'static str {
    match role {
        ContactRole::Owner => "老板",
        ContactRole::OwnerSpouse => "老板娘",
        ContactRole::Manager => "店长",
        ContactRole::Staff => "店员",
    }
}

fn parse_level(s: &str) -> Option<StoreLevel> {
    let t = s.trim().trim_end_matches(['类', '级']);
    if t.is_empty() {
        return Some(StoreLevel::B);
    }
    StoreLevel::parse(t)
}

/// "5%", "5", "0.05", "５％" → basis points.
fn parse_commission(s: &str) -> Option<i64> {
    let t = norm(s);
    if t.is_empty() {
        return Some(0);
    }
    let (num, pct) = match t.strip_suffix('%') {
        Some(n) => (n, true),
        None => (t.as_str(), false),
    };
    let v: f64 = num.parse().ok()?;
    let percent = if pct || v > 1.0 { v } else { v * 100.0 };
    if !(0.0..=100.0).contains(&percent) {
        return None;
    }
    Some((percent * 100.0).round() as i64)
}

struct RowCtx<'a> {
    layout: &'a Layout,
    cells: &'a [Cell],
    row: u32,
    errors: Vec<RowError>,
}

impl RowCtx<'_> {
    fn err(&mut self, col: usize, zh: String, en: String) {
        let (header, letter) = self
            .layout
            .columns
            .get(col)
            .map(|c| (c.header.clone(), c.letter.clone()))
            .unwrap_or_default();
        self.errors.push(RowError {
            row: self.row,
            column: header,
            letter,
            zh,
            en,
        });
    }

    /// The cell of `field` as text; formulas without a result and error values are reported.
    fn get(&mut self, field: ImportField) -> Option<(usize, String)> {
        let col = *self.layout.by_field.get(&field)?;
        match self.cells.get(col).unwrap_or(&Cell::Empty) {
            Cell::Empty => Some((col, String::new())),
            Cell::Text(s) => Some((col, s.trim().to_owned())),
            Cell::Formula(f) => {
                let f = f.clone();
                self.err(
                    col,
                    format!("单元格是公式（{f}），文件里没有它的计算结果：请在 Excel 中打开并保存，或把这一列复制后“粘贴为数值”。"),
                    format!("The cell holds a formula ({f}) without a calculated result: open and save the file in Excel, or paste the column as values."),
                );
                None
            }
            Cell::Error(e) => {
                let e = e.clone();
                self.err(
                    col,
                    format!("单元格显示错误值 {e}：请在 Excel 中修正公式。"),
                    format!("The cell shows the error value {e}: fix its formula in Excel."),
                );
                None
            }
        }
    }

    fn text(&mut self, field: ImportField, max: usize) -> String {
        let Some((col, v)) = self.get(field) else {
            return String::new();
        };
        if v.chars().count() > max {
            let (zh, en) = field.label();
            self.err(
                col,
                format!("{zh}太长了（最多 {max} 个字）。"),
                format!(
                    "The {} is too long (at most {max} characters).",
                    en.to_lowercase()
                ),
            );
        }
        v
    }
}

fn check_row(layout: &Layout, row: u32, cells: &[Cell]) -> (Option<Valid>, Vec<RowError>) {
    use ImportField::*;
    let mut cx = RowCtx {
        layout,
        cells,
        row,
        errors: Vec::new(),
    };
    let store_name = cx.text(StoreName, 80);
    if store_name.is_empty() {
        if let Some(&col) = layout.by_field.get(&StoreName) {
            if matches!(
                cells.get(col),
                None | Some(Cell::Empty) | Some(Cell::Text(_))
            ) {
                cx.err(
                    col,
                    "缺少门店名称。".into(),
                    "The store name is missing.".into(),
                );
            }
        }
    }
    let phone = match cx.get(Phone) {
        Some((col, raw)) if raw.is_empty() => {
            cx.err(
                col,
                "缺少电话：每家门店至少要有一个能联系到的电话。".into(),
                "The phone is missing: every store needs a number to reach it.".into(),
            );
            None
        }
        Some((col, raw)) => {
            match phone::parse(&raw, "phone") {
                Ok(p) => Some(p),
                Err(e) => {
                    let (mut zh, mut en) = (
                        e.message(crate::i18n::Lang::Zh),
                        e.message(crate::i18n::Lang::En),
                    );
                    if raw.contains(['E', 'e']) && raw.contains('+') {
                        zh.push_str("（Excel 把号码变成了科学计数法：请把这一列设为“文本”格式后重新填写。）");
                        en.push_str(" (Excel turned the number into scientific notation: format the column as text and type it again.)");
                    }
                    cx.err(col, zh, en);
                    None
                }
            }
        }
        None => None,
    };
    let role = match cx.get(Role) {
        Some((col, raw)) => match parse_role(&raw) {
            Some(r) => r,
            None => {
                cx.err(
                    col,
                    format!("角色“{raw}”无法识别：请填 老板、老板娘、店长 或 店员。"),
                    format!("Unknown role “{raw}”: use owner, owner's spouse (老板娘), manager or staff."),
                );
                ContactRole::Owner
            }
        },
        None => ContactRole::Owner,
    };
    let level = match cx.get(Level) {
        Some((col, raw)) => parse_level(&raw).unwrap_or_else(|| {
            cx.err(
                col,
                format!("级别“{raw}”无法识别：请填 A、B 或 C。"),
                format!("Unknown level “{raw}”: use A, B or C."),
            );
            StoreLevel::B
        }),
        None => StoreLevel::B,
    };
    let referrer = cx.text(Referrer, 80);
    let commission_bp = match cx.get(Commission) {
        Some((col, raw)) => {
            match parse_commission(&raw) {
                Some(bp) if bp > 0 && referrer.is_empty() => {
                    cx.err(
                        col,
                        "填了佣金比例却没有介绍人：佣金是给介绍人的。".into(),
                        "A commission without a referrer: the commission is the referrer's.".into(),
                    );
                    0
                }
                Some(bp) => bp,
                None => {
                    cx.err(
                    col,
                    format!("佣金比例“{raw}”无效：请填 0–100 之间的百分比，如 5%。"),
                    format!("Commission “{raw}” is not valid: use a percentage from 0 to 100, e.g. 5%."),
                );
                    0
                }
            }
        }
        None => 0,
    };
    let contact_name = cx.text(ContactName, 40);
    let city = cx.text(City, 40);
    let district = cx.text(District, 40);
    let address = cx.text(Address, 200);
    let industry = cx.text(Industry, 40);
    let source = cx.text(Source, 40);
    let note = cx.text(Note, 2000);
    let errors = cx.errors;
    match phone {
        Some(phone) if errors.is_empty() => {
            let contact_name = if contact_name.is_empty() {
                role_name(role).to_owned()
            } else {
                contact_name
            };
            (
                Some(Valid {
                    row,
                    store_name,
                    city,
                    district,
                    address,
                    industry,
                    level,
                    source,
                    note,
                    referrer: (!referrer.is_empty()).then_some(referrer),
                    commission_bp,
                    contact_name,
                    role,
                    phone,
                }),
                errors,
            )
        }
        _ => (None, errors),
    }
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

fn plan(conn: &Connection, grid: &Grid, layout: &Layout) -> Result<Plan> {
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

fn sorted_errors(mut errors: Vec<RowError>) -> Vec<RowError> {
    errors.sort_by(|a, b| {
        a.row
            .cmp(&b.row)
            .then(a.letter.len().cmp(&b.letter.len()))
            .then(a.letter.cmp(&b.letter))
    });
    errors
}

struct Prepared {
    grid: Grid,
    layout: Layout,
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

fn require_mapping(layout: &Layout) -> Result<()> {
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
        sample,
    };
    if !out.mapping_complete {
        return Ok(out);
    }
    let conn = app.db.conn();
    let p = plan(&conn, grid, layout)?;
    let names = store_names(&conn, &p)?;
    out.rows = p.rows;
    out.new_stores = p.new_stores.len() as u32;
    out.merged = p.merges.len() as u32;
    out.invalid_rows = p.invalid_rows.len() as u32;
    out.landlines = p.landlines;
    out.merges = merges_of(&p, &names);
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
    let p = plan(&tx, &prep.grid, &prep.layout)?;
    let refused = !p.errors.is_empty() && !req.skip_invalid;
    let skipped_csv =
        (req.skip_invalid && !p.invalid_rows.is_empty()).then(|| skipped_csv(&prep, &p));
    let mut report = ImportReport {
        rows: p.rows,
        imported: if refused {
            0
        } else {
            p.new_stores.len() as u32
        },
        merged: if refused { 0 } else { p.merges.len() as u32 },
        errors: sorted_errors(p.errors.clone()),
        written: false,
        skipped_csv,
    };
    if refused || req.dry_run {
        return Ok(report);
    }
    write(&tx, &p, &now)?;
    tx.commit()?;
    report.written = true;
    tracing::info!(
        rows = report.rows,
        imported = report.imported,
        merged = report.merged,
        skipped = p.invalid_rows.len(),
        "stores imported"
    );
    Ok(report)
}

fn write(tx: &Connection, p: &Plan, now: &str) -> Result<()> {
    let mut add_store = tx.prepare_cached(
        "INSERT INTO stores (name, city, district, address, industry, level, note, source,
                             referral_commission_bp, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    let mut add_contact = tx.prepare_cached(
        "INSERT INTO contacts (store_id, name, role, phone, phone_kind, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut ids = Vec::with_capacity(p.new_stores.len());
    let mut by_name: HashMap<String, i64> = HashMap::new();
    for s in &p.new_stores {
        let v = &p.valid[s.row_index];
        add_store.execute(params![
            v.store_name,
            v.city,
            v.district,
            v.address,
            v.industry,
            v.level.as_str(),
            v.note,
            v.source,
            v.commission_bp,
            now
        ])?;
        let id = tx.last_insert_rowid();
        ids.push(id);
        by_name.entry(norm(&v.store_name)).or_insert(id);
        for &ci in &s.contacts {
            let c = &p.valid[ci];
            add_contact.execute(params![
                id,
                c.contact_name,
                c.role.as_str(),
                c.phone.number,
                c.phone.kind.as_str(),
                now
            ])?;
        }
    }
    for (vi, t, adds, _) in &p.merges {
        if let (Target::Existing(id), true) = (t, adds) {
            let c = &p.valid[*vi];
            add_contact.execute(params![
                id,
                c.contact_name,
                c.role.as_str(),
                c.phone.number,
                c.phone.kind.as_str(),
                now
            ])?;
        }
    }
    // Referrers: a store of this file, or one already in the database, by name.
    let mut find =
        tx.prepare_cached("SELECT id FROM stores WHERE name = ?1 ORDER BY id LIMIT 1")?;
    let mut set =
        tx.prepare_cached("UPDATE stores SET referrer_id = ?2 WHERE id = ?1 AND id <> ?2")?;
    for (s, id) in p.new_stores.iter().zip(&ids) {
        let v = &p.valid[s.row_index];
        let Some(name) = &v.referrer else { continue };
        let rid = match by_name.get(&norm(name)) {
            Some(r) => Some(*r),
            None => find
                .query_row([name.trim()], |r| r.get::<_, i64>(0))
                .map(Some)
                .or_else(|e| match e {
                    rusqlite::Error::QueryReturnedNoRows => Ok(None),
                    e => Err(e),
                })?,
        };
        if let Some(rid) = rid {
            set.execute([id, &rid])?;
        } else {
            // A partner who is not a store: keep the name with the store for the reports.
            tx.execute(
                "UPDATE stores SET note = trim(note || char(10) || ?2) WHERE id = ?1",
                params![id, format!("介绍人：{name}")],
            )?;
        }
    }
    Ok(())
}

/// The skipped rows as a CSV (UTF-8 with a BOM, so Excel opens it right): the header row, then
/// each skipped row with what is wrong in a last column.
fn skipped_csv(prep: &Prepared, p: &Plan) -> String {
    let mut by_row: HashMap<u32, Vec<String>> = HashMap::new();
    for e in &p.errors {
        by_row
            .entry(e.row)
            .or_default()
            .push(format!("{}{}: {}", e.letter, e.row, e.zh));
    }
    let mut out = String::from("\u{FEFF}");
    let header = &prep.grid.rows[prep.layout.header_row_index].1;
    let mut line: Vec<String> = header.iter().map(|c| csv_field(c.text())).collect();
    line.push(csv_field("错误 / Errors"));
    out.push_str(&line.join(","));
    out.push_str("\r\n");
    for &gi in &p.invalid_rows {
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
            &by_row.get(row).map(|v| v.join("；")).unwrap_or_default(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_in_chinese_and_english() {
        use ImportField::*;
        for (h, f) in [
            ("门店名称", StoreName),
            ("店名", StoreName),
            ("联系人", ContactName),
            ("姓名", ContactName),
            ("电话", Phone),
            ("手机", Phone),
            ("联系人电话", Phone),
            ("手机号码（必填）", Phone),
            ("角色", Role),
            ("城市", City),
            ("区县", District),
            ("门店地址", Address),
            ("行业", Industry),
            ("级别", Level),
            ("来源", Source),
            ("介绍人", Referrer),
            ("佣金比例", Commission),
            ("Store Name", StoreName),
            ("Contact", ContactName),
            ("Mobile", Phone),
            ("Phone number", Phone),
            ("Referred by", Referrer),
            ("Commission rate", Commission),
        ] {
            assert_eq!(guess_field(h), Some(f), "{h}");
        }
        assert_eq!(guess_field("长沙门店名单 2026"), Some(StoreName));
        assert_eq!(guess_field("生日"), None);
    }

    #[test]
    fn commissions() {
        assert_eq!(parse_commission("5%"), Some(500));
        assert_eq!(parse_commission("５％"), Some(500));
        assert_eq!(parse_commission("0.05"), Some(500));
        assert_eq!(parse_commission("12.5"), Some(1250));
        assert_eq!(parse_commission(""), Some(0));
        assert_eq!(parse_commission("150%"), None);
        assert_eq!(parse_commission("abc"), None);
    }
}
