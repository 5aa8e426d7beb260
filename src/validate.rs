//! Small checks shared by the domain modules' inputs. Each returns a clean value or an error
//! that names the field in both languages.

use crate::error::{invalid, Result};

/// A required text: trimmed, not empty, at most `max` characters.
pub fn text(field: &'static str, label: (&str, &str), value: &str, max: usize) -> Result<String> {
    let v = value.trim();
    if v.is_empty() {
        return Err(invalid(
            field,
            format!("请填写{}。", label.0),
            format!("Please enter the {}.", label.1),
        ));
    }
    optional_text(field, label, v, max)
}

/// An optional text: trimmed, at most `max` characters (empty allowed).
pub fn optional_text(
    field: &'static str,
    label: (&str, &str),
    value: &str,
    max: usize,
) -> Result<String> {
    let v = value.trim();
    if v.chars().count() > max {
        return Err(invalid(
            field,
            format!("{}太长了（最多 {max} 个字）。", label.0),
            format!("The {} is too long (at most {max} characters).", label.1),
        ));
    }
    Ok(v.to_owned())
}

/// An integer within `lo..=hi`.
pub fn range(
    field: &'static str,
    label: (&str, &str),
    value: i64,
    lo: i64,
    hi: i64,
) -> Result<i64> {
    if value < lo || value > hi {
        return Err(invalid(
            field,
            format!("{}应在 {lo} 到 {hi} 之间（现在是 {value}）。", label.0),
            format!(
                "The {} must be between {lo} and {hi} (it is {value}).",
                label.1
            ),
        ));
    }
    Ok(value)
}

/// An amount of money in fen: not negative, below ¥100,000,000.
pub fn money(field: &'static str, label: (&str, &str), fen: i64) -> Result<i64> {
    if fen < 0 {
        return Err(invalid(
            field,
            format!("{}不能为负数。", label.0),
            format!("The {} cannot be negative.", label.1),
        ));
    }
    if fen >= 10_000_000_000 {
        return Err(invalid(
            field,
            format!("{}过大（应小于 ¥100,000,000）。", label.0),
            format!(
                "The {} is too large (it must be below ¥100,000,000).",
                label.1
            ),
        ));
    }
    Ok(fen)
}
