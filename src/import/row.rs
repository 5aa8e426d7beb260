//! Checking one row: every cell read, parsed and reported where it is wrong.

use serde::Serialize;
use ts_rs::TS;
use utoipa::ToSchema;

use super::field::ImportField;
use super::layout::Layout;
use super::read::Cell;
use crate::contact::ContactRole;
use crate::phone;
use crate::store::StoreLevel;

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

/// A checked row, ready to write.
pub(super) struct Valid {
    pub(super) row: u32,
    pub(super) store_name: String,
    pub(super) city: String,
    pub(super) district: String,
    pub(super) address: String,
    pub(super) industry: String,
    pub(super) level: StoreLevel,
    pub(super) source: String,
    pub(super) note: String,
    pub(super) referrer: Option<String>,
    pub(super) commission_bp: i64,
    pub(super) contact_name: String,
    pub(super) role: ContactRole,
    pub(super) phone: phone::Phone,
}

pub(super) use crate::matching::norm;

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

pub(super) fn check_row(
    layout: &Layout,
    row: u32,
    cells: &[Cell],
) -> (Option<Valid>, Vec<RowError>) {
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

#[cfg(test)]
mod tests {
    use super::*;

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
