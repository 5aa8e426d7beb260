//! What the CLI prints as text: seminars, the funnel, its breakdowns, the territory.

use crate::conversion::{self, Funnel, Group};
use crate::i18n::{format_date, Lang};
use crate::seminar::Seminar;

pub(super) fn seminars(list: &[Seminar], lang: Lang) {
    if list.is_empty() {
        println!("{}", lang.pick("还没有会销。", "No seminars yet."));
        return;
    }
    let head = [
        lang.pick("编号", "ID"),
        lang.pick("日期", "Date"),
        lang.pick("时间", "Time"),
        lang.pick("状态", "Status"),
        conversion::Measure::Invited.short_label(lang),
        conversion::Measure::Confirmed.short_label(lang),
        conversion::Measure::Attended.short_label(lang),
        lang.pick("标题", "Title"),
    ];
    let widths = [5, 16, 6, 8, 5, 5, 5, 0];
    let row = |cells: [String; 8]| {
        let line: Vec<String> = cells.iter().zip(widths).map(|(c, w)| pad(c, w)).collect();
        println!("{}", line.join(" ").trim_end());
    };
    row(head.map(str::to_owned));
    for s in list {
        let status = s.status.label();
        row([
            s.id.to_string(),
            format_date(&s.date, lang),
            s.start_time.clone(),
            lang.pick(status.0, status.1).to_owned(),
            s.invited.to_string(),
            s.confirmed.to_string(),
            s.attended.to_string(),
            s.title.clone(),
        ]);
    }
}

/// Pads to a terminal width where Chinese characters take two columns.
pub(super) fn pad(s: &str, width: usize) -> String {
    let w: usize = s
        .chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6 => 2,
            _ => 1,
        })
        .sum();
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

pub(super) fn seminar(s: &Seminar, lang: Lang) {
    let status = s.status.label();
    use conversion::Measure::{Attended, Confirmed, Invited};
    let [inv, conf, att] = [Invited, Confirmed, Attended].map(conversion::Measure::name);
    let rows: [(&str, &str, String); 9] = [
        ("标题", "Title", s.title.clone()),
        (
            "日期",
            "Date",
            format!("{} {}", format_date(&s.date, lang), s.start_time),
        ),
        ("会场", "Venue", crate::seminar::address(&s.city, &s.venue)),
        ("状态", "Status", lang.pick(status.0, status.1).to_owned()),
        ("容纳", "Capacity", s.capacity.to_string()),
        (
            "讲师",
            "Lecturer",
            s.lecturer_name.clone().unwrap_or_else(|| "—".into()),
        ),
        (inv.0, inv.1, s.invited.to_string()),
        (conf.0, conf.1, s.confirmed.to_string()),
        (att.0, att.1, s.attended.to_string()),
    ];
    for (zh, en, v) in rows {
        println!("{}{v}", pad(lang.pick(zh, en), 18));
    }
}

pub(super) fn funnel(funnel: &Funnel, lang: Lang) {
    use conversion::Measure as M;
    let f = &funnel.counts;
    let pct = crate::conversion::percent;
    let rows = [
        (M::Invited, f.invited, None),
        (
            M::Confirmed,
            f.confirmed,
            Some((M::ConfirmRate, f.confirm_rate)),
        ),
        (M::Attended, f.attended, Some((M::ShowRate, f.show_rate))),
        (
            M::ClosedAtEvent,
            f.closed_at_event,
            Some((M::EventCloseRate, f.event_close_rate)),
        ),
        (
            M::ClosedInFollowup,
            f.closed_in_followup,
            Some((M::FollowupCloseRate, f.followup_close_rate)),
        ),
        (
            M::ClosedDeals,
            f.closed_deals,
            Some((M::DealRatio, f.deal_ratio)),
        ),
    ];
    for (m, n, rate) in rows {
        let r = rate.map_or(String::new(), |(m, r)| {
            format!("{} {}", m.in_text(lang), pct(r))
        });
        println!(
            "{}",
            format!("{}{}{r}", pad(m.label(lang), 22), pad(&n.to_string(), 6)).trim_end()
        );
    }
    println!(
        "{}{}",
        pad(M::SessionConversion.label(lang), 28),
        pct(f.session_conversion)
    );
    if funnel.credited_elsewhere > 0 {
        println!(
            "{}",
            match lang {
                Lang::Zh => format!(
                    "另有 {} 单成交归属于这些门店之后参加的会销。",
                    funnel.credited_elsewhere
                ),
                Lang::En => format!(
                    "{} more closed deals are credited to a later seminar these stores attended.",
                    funnel.credited_elsewhere
                ),
            }
        );
    }
}

/// The talk's stage timing: planned vs actual minutes per stage kind.
pub(super) fn stage_timing(timing: &[conversion::StageTiming], lang: Lang) {
    if timing.is_empty() {
        return;
    }
    println!();
    println!(
        "{}",
        lang.pick("环节用时（分钟）", "Stage timing (minutes)")
    );
    println!(
        "  {:<12} {:>8} {:>8} {:>8}",
        lang.pick("环节", "stage"),
        lang.pick("计划", "planned"),
        lang.pick("实际", "actual"),
        lang.pick("差值", "diff")
    );
    let num = |x: Option<f64>| x.map_or("—".to_owned(), |m| format!("{m:.1}"));
    for k in timing {
        let (zh, en) = k.kind.label();
        println!(
            "  {:<12} {:>8} {:>8} {:>8}",
            lang.pick(zh, en),
            k.planned_minutes,
            num(k.actual_minutes),
            k.difference_minutes
                .map_or("—".to_owned(), |m| format!("{m:+.1}"))
        );
    }
}

pub(super) fn groups(title: &str, groups: &[Group], lang: Lang, name: impl Fn(&Group) -> String) {
    let pct = crate::conversion::percent;
    println!();
    println!("{title}");
    println!(
        "  {}{}{}{}{}",
        pad("", 14),
        pad(conversion::Measure::Invited.short_label(lang), 7),
        pad(conversion::Measure::Attended.short_label(lang), 7),
        pad(conversion::Measure::SessionConversion.short_label(lang), 10),
        conversion::Measure::DealRatio.short_label(lang)
    );
    for g in groups {
        let c = &g.counts;
        println!(
            "  {}{}{}{}{}",
            pad(&name(g), 14),
            pad(&c.invited.to_string(), 7),
            pad(&c.attended.to_string(), 7),
            pad(&pct(c.session_conversion), 10),
            pct(c.deal_ratio)
        );
    }
}

pub(super) fn territory(t: &conversion::Territory, lang: Lang) {
    let pct = crate::conversion::percent;
    let line = |name: &str, r: &conversion::TerritoryRates| {
        println!(
            "  {}{}{}{}{}{}",
            pad(name, 14),
            pad(&r.stores.to_string(), 7),
            pad(&pct(r.coverage), 9),
            pad(&pct(r.territory_conversion), 9),
            pad(&pct(r.repurchase), 9),
            pct(r.penetration)
        );
    };
    let head = || {
        println!(
            "  {}{}{}{}{}{}",
            pad("", 14),
            pad(lang.pick("门店", "Stores"), 7),
            pad(lang.pick("覆盖率", "Cover."), 9),
            pad(lang.pick("转换率", "Conv."), 9),
            pad(lang.pick("复购率", "Repur."), 9),
            lang.pick("渗透率", "Penetr.")
        )
    };
    println!("{}", t.city);
    head();
    line(lang.pick("全部", "All"), &t.rates);
    for (title, groups) in [
        (lang.pick("按区县", "By district"), &t.by_district),
        (lang.pick("按邀约员", "By inviter"), &t.by_inviter),
    ] {
        println!();
        println!("{title}");
        head();
        for g in groups {
            line(&g.label, &g.rates);
        }
    }
}
