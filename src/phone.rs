//! Phone numbers: mainland mobiles are validated and stored as 11 digits; landlines are allowed
//! and marked. Everything else is refused with a message that says what a valid number looks like.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::error::{invalid, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PhoneKind {
    Mobile,
    Landline,
}

impl PhoneKind {
    pub fn as_str(self) -> &'static str {
        match self {
            PhoneKind::Mobile => "mobile",
            PhoneKind::Landline => "landline",
        }
    }
    pub fn parse(s: &str) -> Option<PhoneKind> {
        match s {
            "mobile" => Some(PhoneKind::Mobile),
            "landline" => Some(PhoneKind::Landline),
            _ => None,
        }
    }
}

/// A normalised phone number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone {
    pub number: String,
    pub kind: PhoneKind,
}

/// Normalises a phone number as people type it: spaces, dashes, dots, brackets, full-width digits
/// and a +86 / 0086 prefix are accepted.
pub fn parse(raw: &str, field: &'static str) -> Result<Phone> {
    let mut digits = String::new();
    for c in raw.trim().chars() {
        match c {
            '0'..='9' => digits.push(c),
            '０'..='９' => digits.push(char::from(b'0' + (c as u32 - '０' as u32) as u8)),
            ' ' | '-' | '.' | '(' | ')' | '（' | '）' | '－' | '\u{3000}' => {}
            '+' if digits.is_empty() => {}
            _ => return Err(bad(raw, field)),
        }
    }
    let national = digits
        .strip_prefix("0086")
        .or_else(|| {
            (digits.len() == 13)
                .then(|| digits.strip_prefix("86"))
                .flatten()
        })
        .unwrap_or(&digits);

    let b = national.as_bytes();
    if b.len() == 11 && b[0] == b'1' && (b'3'..=b'9').contains(&b[1]) {
        return Ok(Phone {
            number: national.to_owned(),
            kind: PhoneKind::Mobile,
        });
    }
    // 400/800 service numbers: 10 digits.
    if b.len() == 10 && (national.starts_with("400") || national.starts_with("800")) {
        return Ok(Phone {
            number: format!("{}-{}-{}", &national[..3], &national[3..6], &national[6..]),
            kind: PhoneKind::Landline,
        });
    }
    // Landlines: 0 + area code (010, 02x: two digits; others three) + 7 or 8 digits.
    if b.first() == Some(&b'0') && b.len() >= 10 && b.len() <= 12 {
        let area_len = if b[1] == b'1' || b[1] == b'2' { 3 } else { 4 };
        let local = &national[area_len..];
        if (7..=8).contains(&local.len()) && local.as_bytes()[0] != b'0' {
            return Ok(Phone {
                number: format!("{}-{}", &national[..area_len], local),
                kind: PhoneKind::Landline,
            });
        }
    }
    Err(bad(raw, field))
}

/// Parses an optional phone: empty input means no phone.
pub fn parse_optional(raw: Option<&str>, field: &'static str) -> Result<Option<Phone>> {
    match raw.map(str::trim) {
        None | Some("") => Ok(None),
        Some(s) => parse(s, field).map(Some),
    }
}

/// For stations and logs: only the last four digits show.
pub fn mask(number: &str) -> String {
    let digits: Vec<char> = number.chars().filter(char::is_ascii_digit).collect();
    let tail: String = digits[digits.len().saturating_sub(4)..].iter().collect();
    format!("*******{tail}")
}

/// `text` with every run of seven or more digits hidden as `#`: what may leave the app (logs, a
/// panic's message) carries no phone number.
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run = String::new();
    let flush = |run: &mut String, out: &mut String| {
        if run.len() >= 7 {
            out.push_str(&"#".repeat(run.len()));
        } else {
            out.push_str(run);
        }
        run.clear();
    };
    for c in text.chars() {
        if c.is_ascii_digit() {
            run.push(c);
        } else {
            flush(&mut run, &mut out);
            out.push(c);
        }
    }
    flush(&mut run, &mut out);
    out
}

fn bad(raw: &str, field: &'static str) -> crate::error::Error {
    invalid(
        field,
        format!("电话“{raw}”无效：手机号应为 11 位（如 138 0013 8000），座机需带区号（如 0755-12345678）。"),
        format!("Phone “{raw}” is not valid: a mobile has 11 digits (e.g. 138 0013 8000); a landline needs its area code (e.g. 0755-12345678)."),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(raw: &str) -> (String, PhoneKind) {
        let p = parse(raw, "phone").unwrap_or_else(|e| panic!("{raw}: {e}"));
        (p.number, p.kind)
    }

    #[test]
    fn mobiles_are_normalised() {
        for raw in [
            "13800138000",
            "138 0013 8000",
            "138-0013-8000",
            "+86 138 0013 8000",
            "008613800138000",
            "8613800138000",
            "１３８００１３８０００",
        ] {
            assert_eq!(ok(raw), ("13800138000".into(), PhoneKind::Mobile), "{raw}");
        }
    }

    #[test]
    fn landlines_are_allowed_and_marked() {
        assert_eq!(
            ok("0755-12345678"),
            ("0755-12345678".into(), PhoneKind::Landline)
        );
        assert_eq!(
            ok("(010) 6552 9988"),
            ("010-65529988".into(), PhoneKind::Landline)
        );
        assert_eq!(
            ok("02887654321"),
            ("028-87654321".into(), PhoneKind::Landline)
        );
        assert_eq!(
            ok("0571-8765432"),
            ("0571-8765432".into(), PhoneKind::Landline)
        );
        assert_eq!(
            ok("400 800 1234"),
            ("400-800-1234".into(), PhoneKind::Landline)
        );
    }

    #[test]
    fn malformed_numbers_are_refused_with_the_field() {
        for raw in [
            "1380013800",
            "23800138000",
            "12800138000",
            "abc",
            "138001380001",
            "0755-0123",
            "1380013800x",
        ] {
            let e = parse(raw, "phone").unwrap_err();
            assert_eq!(e.field(), Some("phone"), "{raw}");
        }
    }

    #[test]
    fn masking_keeps_last_four() {
        assert_eq!(mask("13800138000"), "*******8000");
        assert_eq!(mask("0755-12345678"), "*******5678");
    }
}
