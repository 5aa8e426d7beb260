//! What a column holds: the fields of a store list, and guessing them from a header.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

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
}
