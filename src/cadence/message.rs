//! A touch's message: its variables filled in.

use chrono::Datelike;

use super::step::parse_date;

/// `2026-11-29` + `14:00` → `11月29日（周日）14:00`.
pub fn zh_time(date: &str, time: &str) -> String {
    const WEEK: [&str; 7] = ["一", "二", "三", "四", "五", "六", "日"];
    match parse_date(date) {
        Some(d) => format!(
            "{}月{}日（周{}）{time}",
            d.month(),
            d.day(),
            WEEK[d.weekday().num_days_from_monday() as usize]
        ),
        None => format!("{date} {time}"),
    }
}

/// `2026-11-29` + `14:00` → `Sunday 29 November at 14:00`.
pub fn en_time(date: &str, time: &str) -> String {
    match parse_date(date) {
        Some(d) => format!("{} at {time}", d.format("%A %-d %B")),
        None => format!("{date} {time}"),
    }
}

/// The values of a message's variables.
pub struct Vars<'a> {
    pub name: &'a str,
    pub store: &'a str,
    /// The seminar's time as Chinese and English sentences say it ([`zh_time`], [`en_time`]).
    pub time: (&'a str, &'a str),
    pub address: &'a str,
    pub table: Option<i64>,
    pub code: Option<&'a str>,
    pub industry: &'a str,
    /// Who calls: the inviter's name, else the organisation's; empty for neither.
    pub inviter: &'a str,
}

/// Fills a template's variables, each in the language it is written in: `{桌号}` of a table not yet
/// assigned reads "签到时安排", `{table}` "assigned at check-in"; a ticket not yet issued "确认后发送"
/// or "sent once you confirm".
pub fn fill(template: &str, v: &Vars) -> String {
    let (table_zh, table_en) = match v.table {
        Some(n) => (format!("{n}号桌"), format!("table {n}")),
        None => ("签到时安排".to_owned(), "assigned at check-in".to_owned()),
    };

    // One pass over the template (today's list fills thousands of messages).
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let end = tail.find('}').map(|e| e + 1).unwrap_or(tail.len());
        let value = match &tail[..end] {
            "{姓名}" | "{name}" => v.name,
            "{店名}" | "{store}" => v.store,
            "{时间}" => v.time.0,
            "{time}" => v.time.1,
            "{地址}" | "{address}" => v.address,
            "{桌号}" => table_zh.as_str(),
            "{table}" => table_en.as_str(),
            "{票码}" => v.code.unwrap_or("确认后发送"),
            "{code}" => v.code.unwrap_or("sent once you confirm"),
            "{行业}" => or(v.industry, "门店"),
            "{industry}" => or(v.industry, "store"),
            "{邀约人}" => or(v.inviter, "会务组"),
            "{inviter}" => or(v.inviter, "the events team"),
            other => other,
        };
        out.push_str(value);
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// `value`, or `fallback` when it is blank.
fn or<'a>(value: &'a str, fallback: &'a str) -> &'a str {
    if value.trim().is_empty() {
        fallback
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cadence::VARIABLES;

    #[test]
    fn templates_fill_every_variable() {
        let v = Vars {
            name: "刘丽",
            store: "小太阳幼儿园",
            time: ("11月29日（周日）14:00", "Sunday 29 November at 14:00"),
            address: "长沙 华天大酒店",
            table: Some(3),
            code: Some("ABC"),
            industry: "幼儿园",
            inviter: "王芳",
        };
        let all = VARIABLES.join("|");
        assert_eq!(
            fill(&all, &v),
            "刘丽|小太阳幼儿园|11月29日（周日）14:00|长沙 华天大酒店|3号桌|ABC|幼儿园|王芳"
        );
        assert_eq!(zh_time("2027-01-01", "09:30"), "1月1日（周五）09:30");
    }

    #[test]
    fn english_variables_fill_in_english() {
        let v = Vars {
            name: "Lily Liu",
            store: "Sunshine Kindergarten",
            time: ("1月1日（周五）09:30", &en_time("2027-01-01", "09:30")),
            address: "Changsha Grand Hotel",
            table: None,
            code: None,
            industry: "",
            inviter: "",
        };
        assert_eq!(
            fill(&crate::cadence::VARIABLES_EN.join("|"), &v),
            "Lily Liu|Sunshine Kindergarten|Friday 1 January at 09:30|Changsha Grand Hotel|assigned at check-in|sent once you confirm|store|the events team"
        );
    }
}
