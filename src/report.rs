//! The session report as a PDF: a one-page summary (the funnel and bar charts drawn as vectors,
//! the key figures, where the seminar lost most) and a page of tables by inviter, role and city.

use crate::app::App;
use crate::caller::Caller;
use crate::contact::ContactRole;
use crate::conversion::{self, Counts, Group, Measure};
use crate::error::Result;
use crate::i18n::Lang;
use crate::input::IdInput;
use crate::output::FileOut;
use crate::pdf::{black, rgb, Align, Doc, Page, Style, A4};
use crate::{i18n::format_date, seminar};

pub(crate) const MARGIN: f32 = 18.0;
const BLUE: (u8, u8, u8) = (91, 143, 249);
const COLORS: [(u8, u8, u8); 4] = [
    (91, 143, 249),
    (246, 189, 22),
    (90, 216, 166),
    (232, 104, 74),
];

use crate::conversion::percent as pct;

pub(crate) fn grey() -> printpdf::Color {
    rgb(110, 110, 110)
}

/// The funnel as stacked trapezoids, widths proportional to the counts.
fn funnel(p: &mut Page, top: f32, c: &Counts, lang: Lang) -> f32 {
    let steps = [
        (Measure::Invited.label(lang), c.invited, None),
        (
            Measure::Confirmed.label(lang),
            c.confirmed,
            Some((Measure::ConfirmRate, c.confirm_rate)),
        ),
        (
            Measure::Attended.label(lang),
            c.attended,
            Some((Measure::ShowRate, c.show_rate)),
        ),
        (
            lang.pick("成交门店", "Closed"),
            c.closed_at_event + c.closed_in_followup,
            Some((Measure::SessionConversion, c.session_conversion)),
        ),
    ];
    let (cx, full, h) = (A4.0 / 2.0 - 20.0, 110.0, 14.0);
    let max = c.invited.max(1) as f32;
    let width = |n: i64| (n as f32 / max).max(0.18) * full;
    for (i, (label, n, rate)) in steps.iter().enumerate() {
        let y = top + i as f32 * (h + 2.0);
        let w_top = width(*n);
        let w_bottom = steps.get(i + 1).map(|s| width(s.1)).unwrap_or(w_top * 0.8);
        let (r, g, b) = COLORS[i];
        p.polygon(
            &[
                (cx - w_top / 2.0, y),
                (cx + w_top / 2.0, y),
                (cx + w_bottom / 2.0, y + h),
                (cx - w_bottom / 2.0, y + h),
            ],
            Some(rgb(r, g, b)),
            None,
        );
        p.text(
            cx,
            y + h / 2.0 + 1.8,
            &Style::new(11.0, Align::Center).color(rgb(255, 255, 255)),
            &format!("{label} {n}"),
        );
        if let Some((what, rate)) = rate {
            let what = what.in_text(lang);
            p.text(
                cx + full / 2.0 + 8.0,
                y + h / 2.0 + 1.5,
                &Style::new(10.0, Align::Left).color(grey()),
                &format!("{what} {}", pct(*rate)),
            );
        }
    }
    top + steps.len() as f32 * (h + 2.0)
}

/// Horizontal bars of session conversion for each group, with its count of attending stores.
fn bars(
    p: &mut Page,
    top: f32,
    title: &str,
    groups: &[Group],
    name: &dyn Fn(&Group) -> String,
    lang: Lang,
) -> f32 {
    p.text(MARGIN, top, &Style::new(12.0, Align::Left), title);
    let (label_w, bar_x, bar_w) = (34.0, MARGIN + 36.0, 80.0);
    let mut y = top + 6.0;
    for g in groups.iter().filter(|g| g.counts.attended > 0).take(8) {
        let v = g.counts.session_conversion.unwrap_or(0.0) as f32;
        p.text_fit(
            MARGIN,
            y + 4.0,
            &Style::new(9.5, Align::Left),
            7.0,
            label_w,
            &name(g),
        );
        p.rect(bar_x, y, bar_w, 5.5, Some(rgb(238, 241, 246)), None);
        p.rect(
            bar_x,
            y,
            bar_w * v.clamp(0.0, 1.0),
            5.5,
            Some(rgb(BLUE.0, BLUE.1, BLUE.2)),
            None,
        );
        p.text(
            bar_x + bar_w + 3.0,
            y + 4.2,
            &Style::new(9.0, Align::Left).color(grey()),
            &match lang {
                Lang::Zh => format!(
                    "{}  （到场 {} 家，成交比 {}）",
                    pct(g.counts.session_conversion),
                    g.counts.attended,
                    pct(g.counts.deal_ratio)
                ),
                Lang::En => format!(
                    "{}  ({} attended, deal ratio {})",
                    pct(g.counts.session_conversion),
                    g.counts.attended,
                    pct(g.counts.deal_ratio)
                ),
            },
        );
        y += 8.0;
    }
    y + 4.0
}

/// A table of groups with their counts and rates.
fn table(
    p: &mut Page,
    top: f32,
    title: &str,
    groups: &[Group],
    name: &dyn Fn(&Group) -> String,
    lang: Lang,
) -> f32 {
    p.text(MARGIN, top, &Style::new(12.0, Align::Left), title);
    let cols: [(&str, f32); 8] = [
        (lang.pick("分组", "Group"), 34.0),
        (Measure::Invited.short_label(lang), 16.0),
        (Measure::Confirmed.short_label(lang), 16.0),
        (Measure::Attended.short_label(lang), 16.0),
        (Measure::ClosedAtEvent.short_label(lang), 20.0),
        (Measure::ClosedInFollowup.short_label(lang), 20.0),
        (Measure::SessionConversion.short_label(lang), 24.0),
        (Measure::DealRatio.short_label(lang), 20.0),
    ];
    let mut y = top + 7.0;
    table_head(p, y, &cols);
    const ROWS: usize = 24;
    for g in groups.iter().take(ROWS) {
        y += 6.5;
        let c = &g.counts;
        let cells = [
            name(g),
            c.invited.to_string(),
            c.confirmed.to_string(),
            c.attended.to_string(),
            c.closed_at_event.to_string(),
            c.closed_in_followup.to_string(),
            pct(c.session_conversion),
            pct(c.deal_ratio),
        ];
        table_row(p, y, &cols, &cells);
    }
    y + 10.0
}

fn role_name(g: &Group, lang: Lang) -> String {
    ContactRole::parse(&g.key)
        .map(|r| lang.pick(r.label().0, r.label().1).to_owned())
        .unwrap_or_else(|| lang.pick("未指定", "not named").into())
}

fn label_or_none(g: &Group, lang: Lang) -> String {
    if g.label.is_empty() {
        lang.pick("未指定", "not named").into()
    } else {
        g.label.clone()
    }
}

/// The session report as a file for the caller (`seminars.report_pdf`), in their language.
pub fn pdf_op(app: &App, caller: &Caller, input: IdInput) -> Result<FileOut> {
    let bytes = seminar_pdf_in(app, input.id, caller.lang)?;
    Ok(FileOut::new(
        format!("seminar-{}-report.pdf", input.id),
        "application/pdf",
        &bytes,
    ))
}

/// The session report of a seminar in `lang` (names and titles stay as entered), for the caller
/// (`seminars.report_pdf`) or the CLI (`huixiao report --pdf`, in `--lang`).
pub fn seminar_pdf_in(app: &App, id: i64, lang: Lang) -> Result<Vec<u8>> {
    let s = seminar::get(app, IdInput { id })?;
    let r = conversion::report(app, IdInput { id })?;
    let by_role = |g: &Group| role_name(g, lang);
    let by_label = |g: &Group| label_or_none(g, lang);
    let verdict = conversion::compare_today(app, lang)?
        .seminars
        .into_iter()
        .find(|row| row.seminar_id == id)
        .and_then(|row| row.verdict);
    let c = &r.funnel.counts;
    let mut doc = Doc::new(&format!(
        "{}{}",
        lang.pick("会销报告：", "Seminar report: "),
        s.title
    ));

    let mut p = doc.page(A4.0, A4.1);
    p.rect(0.0, 0.0, A4.0, 8.0, Some(rgb(192, 57, 43)), None);
    p.text(
        MARGIN,
        24.0,
        &Style::new(18.0, Align::Left),
        lang.pick("会销报告", "Seminar report"),
    );
    p.text_fit(
        MARGIN,
        34.0,
        &Style::new(14.0, Align::Left),
        9.0,
        A4.0 - 2.0 * MARGIN,
        &s.title,
    );
    let place = format!(
        "{} {} · {} {} · {} {}",
        format_date(&s.date, lang),
        s.start_time,
        s.city,
        s.venue,
        lang.pick("讲师", "lecturer"),
        s.lecturer_name.clone().unwrap_or_else(|| "—".into())
    );
    p.text_fit(
        MARGIN,
        42.0,
        &Style::new(10.0, Align::Left).color(grey()),
        7.0,
        A4.0 - 2.0 * MARGIN,
        &place,
    );

    // Key figures.
    let figures = [
        (
            Measure::SessionConversion.label(lang),
            pct(c.session_conversion),
        ),
        (Measure::DealRatio.label(lang), pct(c.deal_ratio)),
        (Measure::ClosedDeals.label(lang), c.closed_deals.to_string()),
        (Measure::Attended.label(lang), c.attended.to_string()),
    ];
    let box_w = (A4.0 - 2.0 * MARGIN - 3.0 * 4.0) / 4.0;
    for (i, (label, value)) in figures.iter().enumerate() {
        let x = MARGIN + i as f32 * (box_w + 4.0);
        p.rect(x, 50.0, box_w, 20.0, Some(rgb(245, 247, 250)), None);
        p.text(
            x + box_w / 2.0,
            61.0,
            &Style::new(16.0, Align::Center).color(rgb(BLUE.0, BLUE.1, BLUE.2)),
            value,
        );
        p.text(
            x + box_w / 2.0,
            67.5,
            &Style::new(9.0, Align::Center).color(grey()),
            label,
        );
    }

    let title = lang.pick("转化漏斗", "Conversion funnel");
    p.text(MARGIN, 82.0, &Style::new(12.0, Align::Left), title);
    let mut y = funnel(&mut p, 87.0, c, lang) + 4.0;
    let (e_rate, f_rate) = (pct(c.event_close_rate), pct(c.followup_close_rate));
    let (e, f) = (c.closed_at_event, c.closed_in_followup);
    let rates = match lang {
        Lang::Zh => format!(
            "现场成交率 {e_rate} · 会后成交率 {f_rate} · 现场成交 {e} 家，会后成交 {f} 家"
        ),
        Lang::En => format!(
            "Event close rate {e_rate} · follow-up close rate {f_rate} · {e} closed at the event, {f} in follow-up"
        ),
    };
    p.text(
        MARGIN,
        y,
        &Style::new(10.0, Align::Left).color(grey()),
        &rates,
    );
    y += 8.0;
    if let Some(v) = verdict {
        p.rect(
            MARGIN,
            y - 5.0,
            A4.0 - 2.0 * MARGIN,
            9.0,
            Some(rgb(253, 246, 236)),
            None,
        );
        p.text_fit(
            MARGIN + 3.0,
            y + 1.0,
            &Style::new(10.0, Align::Left),
            7.0,
            A4.0 - 2.0 * MARGIN - 6.0,
            &v,
        );
        y += 12.0;
    }
    if r.funnel.credited_elsewhere > 0 {
        let n = r.funnel.credited_elsewhere;
        let note = match lang {
            Lang::Zh => format!("另有 {n} 单成交归属于这些门店之后参加的会销。"),
            Lang::En => {
                format!("{n} more deal(s) are credited to seminars these stores attended later.")
            }
        };
        p.text(
            MARGIN,
            y,
            &Style::new(9.0, Align::Left).color(grey()),
            &note,
        );
        y += 8.0;
    }
    y = bars(
        &mut p,
        y + 4.0,
        lang.pick(
            "按参会人角色：场次转化率",
            "Session conversion by invitee role",
        ),
        &r.by_role,
        &by_role,
        lang,
    );
    bars(
        &mut p,
        y + 2.0,
        lang.pick("按邀约员：场次转化率", "Session conversion by inviter"),
        &r.by_inviter,
        &by_label,
        lang,
    );
    footer(&mut p, 1, lang);
    doc.push(p);

    let mut p = doc.page(A4.0, A4.1);
    let by_inviter = lang.pick("按邀约员", "By inviter");
    let mut y = table(&mut p, 22.0, by_inviter, &r.by_inviter, &by_label, lang);
    let role = lang.pick("按参会人角色", "By invitee role");
    y = table(&mut p, y + 4.0, role, &r.by_role, &by_role, lang);
    let city = lang.pick("按城市", "By city");
    y = table(&mut p, y + 4.0, city, &r.by_city, &by_label, lang);
    let timing_height = 17.0 + 6.5 * r.stage_timing.len() as f32;
    let mut page_no = 2;
    if !r.stage_timing.is_empty() && y + 4.0 + timing_height > A4.1 - 30.0 {
        footer(&mut p, page_no, lang);
        doc.push(p);
        p = doc.page(A4.0, A4.1);
        page_no += 1;
        y = 18.0;
    }
    if !r.stage_timing.is_empty() {
        timing_table(&mut p, y + 4.0, &r.stage_timing, lang);
    }
    p.text(
        MARGIN,
        A4.1 - 24.0,
        &Style::new(8.5, Align::Left).color(grey()),
        lang.pick(
            "口径：到场 = 至少一人签到的门店；成交 = 已付定金或全款且未取消、未退款；会后成交计入归因期内最后一次到场的会销。",
            "Definitions: attended = a store with at least one check-in; closed = deposit or full payment, not cancelled or refunded; a follow-up deal counts for the last seminar attended within the attribution window.",
        ),
    );
    footer(&mut p, page_no, lang);
    doc.push(p);
    Ok(doc.finish())
}

/// The talk's stage timing: planned vs actual minutes per stage kind.
/// A table's header band: the column names on a light grey band.
pub(crate) fn table_head(p: &mut Page, y: f32, cols: &[(&str, f32)]) {
    p.rect(
        MARGIN,
        y - 4.5,
        A4.0 - 2.0 * MARGIN,
        6.5,
        Some(rgb(242, 244, 247)),
        None,
    );
    let mut x = MARGIN;
    for (h, w) in cols {
        p.text(x + 1.0, y, &Style::new(9.0, Align::Left).color(grey()), h);
        x += w;
    }
}

/// One row of a table, each cell fitted to its column, with a hairline below.
pub(crate) fn table_row(p: &mut Page, y: f32, cols: &[(&str, f32)], cells: &[String]) {
    let mut x = MARGIN;
    for ((_, w), v) in cols.iter().zip(cells) {
        p.text_fit(x + 1.0, y, &Style::new(9.5, Align::Left), 7.0, w - 2.0, v);
        x += w;
    }
    p.line(
        (MARGIN, y + 2.0),
        (A4.0 - MARGIN, y + 2.0),
        rgb(230, 230, 230),
        0.4,
    );
}

fn timing_table(
    p: &mut Page,
    top: f32,
    timing: &[crate::conversion::StageTiming],
    lang: Lang,
) -> f32 {
    p.text(
        MARGIN,
        top,
        &Style::new(12.0, Align::Left),
        lang.pick(
            "环节用时（计划与实际，分钟）",
            "Stage timing (planned and actual, minutes)",
        ),
    );
    let cols: [(&str, f32); 5] = [
        (lang.pick("环节", "Stage"), 40.0),
        (lang.pick("计划", "Planned"), 24.0),
        (lang.pick("实际", "Actual"), 24.0),
        (lang.pick("差值", "Difference"), 24.0),
        (lang.pick("次数", "Runs"), 20.0),
    ];
    let mut y = top + 7.0;
    table_head(p, y, &cols);
    let num = |v: Option<f64>| v.map_or("—".to_owned(), |m| format!("{m:.1}"));
    for k in timing {
        y += 6.5;
        let cells = [
            lang.pick(k.kind.label().0, k.kind.label().1).to_owned(),
            k.planned_minutes.to_string(),
            num(k.actual_minutes),
            k.difference_minutes
                .map_or("—".to_owned(), |m| format!("{m:+.1}")),
            k.runs.to_string(),
        ];
        table_row(p, y, &cols, &cells);
    }
    y + 10.0
}

fn footer(p: &mut Page, n: u32, lang: Lang) {
    p.line(
        (MARGIN, A4.1 - 14.0),
        (A4.0 - MARGIN, A4.1 - 14.0),
        rgb(220, 220, 220),
        0.5,
    );
    p.text(
        MARGIN,
        A4.1 - 9.0,
        &Style::new(8.0, Align::Left).color(grey()),
        lang.pick("会销助手 Huixiao", "Huixiao"),
    );
    p.text(
        A4.0 - MARGIN,
        A4.1 - 9.0,
        &Style::new(8.0, Align::Right).color(black()),
        &match lang {
            Lang::Zh => format!("第 {n} 页"),
            Lang::En => format!("Page {n}"),
        },
    );
}
