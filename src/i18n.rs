//! The two languages of the app. The UI has its own catalogues; the core only needs to speak
//! its error messages and CLI output in the user's language.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS, ToSchema)]
pub enum Lang {
    #[default]
    #[serde(rename = "zh-CN")]
    Zh,
    #[serde(rename = "en")]
    En,
}

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Parses `zh-CN`, `zh`, `en`, `en-US`, or an `Accept-Language` header / `LANG` value.
    pub fn parse(s: &str) -> Option<Lang> {
        let first = s.split([',', ';', '.']).next()?.trim().to_ascii_lowercase();
        if first.starts_with("zh") {
            Some(Lang::Zh)
        } else if first.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// Picks Chinese or English text.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// `2026-11-22` → `2026年11月22日` in Chinese, unchanged in English.
pub fn format_date(iso: &str, lang: Lang) -> String {
    match (lang, chrono::NaiveDate::parse_from_str(iso, "%Y-%m-%d")) {
        (Lang::Zh, Ok(d)) => d.format("%Y年%m月%d日").to_string(),
        _ => iso.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_headers_and_locale_names() {
        assert_eq!(Lang::parse("zh-CN,zh;q=0.9"), Some(Lang::Zh));
        assert_eq!(Lang::parse("en-US,en;q=0.8"), Some(Lang::En));
        assert_eq!(Lang::parse("en_US.UTF-8"), Some(Lang::En));
        assert_eq!(Lang::parse("fr"), None);
    }
}
