//! Conversion as sheets: the funnel's columns, the dashboard (seminars compared, the medians, by
//! seating layout and by lecturer) and a city's territory rates.

use super::names::{layout_name, or_unnamed, status_name};
use super::sheet::{date, heads, text, Cell, Sheet};
use crate::app::App;
use crate::conversion::{
    self, CompareFilter, Counts, Group, Measure, Phase, TerritoryGroup, TerritoryRates,
};
use crate::error::Result;
use crate::i18n::Lang;

/// The funnel's columns: a group's name, then every count and rate.
pub(super) fn counts_headers(lang: Lang) -> Vec<&'static str> {
    std::iter::once(lang.pick("分组", "Group"))
        .chain(Measure::ALL.map(|m| lang.pick(m.name().0, m.name().1)))
        .collect()
}

fn counts_cells(c: &Counts) -> Vec<Cell> {
    vec![
        Cell::Int(c.invited),
        Cell::Int(c.confirmed),
        Cell::Int(c.attended),
        Cell::Int(c.closed_at_event),
        Cell::Int(c.closed_in_followup),
        Cell::Int(c.closed_deals),
        Cell::Rate(c.confirm_rate),
        Cell::Rate(c.show_rate),
        Cell::Rate(c.event_close_rate),
        Cell::Rate(c.followup_close_rate),
        Cell::Rate(c.session_conversion),
        Cell::Rate(c.deal_ratio),
    ]
}

pub(super) fn counts_row(name: String, c: &Counts) -> Vec<Cell> {
    let mut row = vec![text(name)];
    row.extend(counts_cells(c));
    row
}

/// The dashboard as filtered on screen: the seminars of a city, of a laptop (head office).
pub(super) fn sheets(app: &App, filter: &CompareFilter, lang: Lang) -> Result<Vec<Sheet>> {
    let c = conversion::compare_today_filtered(app, lang, filter)?;
    let phase = |p: conversion::Phase| lang.pick(p.short().0, p.short().1);
    let mut headers = heads(
        lang,
        &[
            ("日期", "Date"),
            ("会销", "Seminar"),
            ("城市", "City"),
            ("电脑（团队）", "Laptop (team)"),
            ("状态", "Status"),
        ],
    );
    headers.extend(Measure::ALL.map(|m| lang.pick(m.name().0, m.name().1)));
    headers.extend(heads(
        lang,
        &[("损失最多", "Lost most"), ("结论", "Verdict")],
    ));
    let rows = c
        .seminars
        .iter()
        .map(|s| {
            let mut row = vec![
                date(&s.date),
                text(&s.title),
                text(&s.city),
                text(s.laptop.clone().unwrap_or_default()),
                text(status_name(s.status, lang)),
            ];
            row.extend(counts_cells(&s.counts));
            row.push(text(s.weakest.map(phase).unwrap_or_default()));
            row.push(text(s.verdict.clone().unwrap_or_default()));
            row
        })
        .collect();
    let compare = Sheet {
        name: lang.pick("会销对比", "Seminars compared").into(),
        headers,
        rows,
    };
    let m = &c.medians;
    let phase_measure = |p: Phase| {
        text(match lang {
            Lang::Zh => format!("{}：{}", p.short().0, p.measure(lang)),
            Lang::En => format!("{}: {}", p.short().1, p.measure(lang)),
        })
    };
    let measure = |m: Measure| text(lang.pick(m.name().0, m.name().1));
    let medians = Sheet::new(
        lang.pick("机构中位数", "Medians"),
        &heads(lang, &[("指标", "Measure"), ("中位数", "Median")]),
        vec![
            vec![phase_measure(Phase::PreEvent), Cell::Rate(m.pre_event)],
            vec![phase_measure(Phase::InEvent), Cell::Rate(m.in_event)],
            vec![phase_measure(Phase::PostEvent), Cell::Rate(m.post_event)],
            vec![
                measure(Measure::SessionConversion),
                Cell::Rate(m.session_conversion),
            ],
            vec![measure(Measure::DealRatio), Cell::Rate(m.deal_ratio)],
        ],
    );
    let groups = |name: &str, list: &[Group], label: &dyn Fn(&Group) -> String| {
        Sheet::new(
            name,
            &counts_headers(lang),
            list.iter()
                .map(|g| counts_row(label(g), &g.counts))
                .collect(),
        )
    };
    Ok(vec![
        compare,
        medians,
        groups(
            lang.pick("按座位布局", "By seating layout"),
            &c.by_layout,
            &|g| layout_name(&g.key, lang),
        ),
        groups(
            lang.pick("按讲师", "By lecturer"),
            &c.by_lecturer,
            &|g| or_unnamed(&g.label, lang),
        ),
    ])
}

fn territory_headers(lang: Lang) -> Vec<&'static str> {
    heads(
        lang,
        &[
            ("分组", "Group"),
            ("门店数", "Stores"),
            ("已覆盖", "Covered"),
            ("已转化", "Converted"),
            ("复购", "Repurchased"),
            ("覆盖率", "Coverage"),
            ("转化率", "Conversion"),
            ("复购率", "Repurchase"),
            ("渗透率", "Penetration"),
        ],
    )
}

fn territory_row(name: String, r: &TerritoryRates) -> Vec<Cell> {
    vec![
        text(name),
        Cell::Int(r.stores),
        Cell::Int(r.covered),
        Cell::Int(r.converted),
        Cell::Int(r.repurchased),
        Cell::Rate(r.coverage),
        Cell::Rate(r.territory_conversion),
        Cell::Rate(r.repurchase),
        Cell::Rate(r.penetration),
    ]
}

pub(super) fn territory(
    app: &App,
    city: &str,
    laptop: Option<&str>,
    lang: Lang,
) -> Result<Vec<Sheet>> {
    let t = conversion::territory_of(&app.db.conn(), city, laptop)?;
    let groups = |list: &[TerritoryGroup]| -> Vec<Vec<Cell>> {
        list.iter()
            .map(|g| territory_row(or_unnamed(&g.label, lang), &g.rates))
            .collect()
    };
    let mut districts = vec![territory_row(t.city.clone(), &t.rates)];
    districts.extend(groups(&t.by_district));
    Ok(vec![
        Sheet::new(
            lang.pick("按区县", "By district"),
            &territory_headers(lang),
            districts,
        ),
        Sheet::new(
            lang.pick("按邀约员", "By inviter"),
            &territory_headers(lang),
            groups(&t.by_inviter),
        ),
    ])
}
