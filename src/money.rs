//! Money as people read it: amounts are kept in fen (分) and shown in yuan.

/// ¥12,800.00 from fen (a minus sign before the ¥ when negative).
pub fn yuan(fen: i64) -> String {
    let digits = (fen.abs() / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if fen < 0 { "-" } else { "" };
    format!("{sign}¥{grouped}.{:02}", fen.abs() % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_groups_thousands_and_keeps_the_sign() {
        assert_eq!(yuan(1_280_000), "¥12,800.00");
        assert_eq!(yuan(98_050), "¥980.50");
        assert_eq!(yuan(5), "¥0.05");
        assert_eq!(yuan(-123_456), "-¥1,234.56");
    }
}
