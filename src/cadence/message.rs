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

/// The values of a message's variables.
pub struct Vars<'a> {
    pub name: &'a str,
    pub store: &'a str,
    pub time: &'a str,
    pub address: &'a str,
    pub table: Option<i64>,
    pub code: Option<&'a str>,
    pub industry: &'a str,
    pub inviter: &'a str,
}

/// Fills a template's variables. A table not yet assigned reads "签到时安排"; a ticket not yet
/// issued "确认后发送".
pub fn fill(template: &str, v: &Vars) -> String {
    let table = match v.table {
        Some(n) => format!("{n}号桌"),
        None => "签到时安排".to_owned(),
    };
    let industry = if v.industry.is_empty() {
        "门店"
    } else {
        v.industry
    };
    // One pass over the template (today's list fills thousands of messages).
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let end = tail.find('}').map(|e| e + 1).unwrap_or(tail.len());
        let value = match &tail[..end] {
            "{姓名}" => v.name,
            "{店名}" => v.store,
            "{时间}" => v.time,
            "{地址}" => v.address,
            "{桌号}" => table.as_str(),
            "{票码}" => v.code.unwrap_or("确认后发送"),
            "{行业}" => industry,
            "{邀约人}" => v.inviter,
            other => other,
        };
        out.push_str(value);
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
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
            time: "11月29日（周日）14:00",
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
}
