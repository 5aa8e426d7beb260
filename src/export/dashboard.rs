//! Conversion as sheets: the funnel's columns, the dashboard (seminars compared, the medians, by
//! seating layout and by lecturer) and a city's territory rates.

use super::names::{layout_name, or_unnamed, status_name};
use super::sheet::{date, text, Cell, Sheet};
use crate::app::App;
use crate::conversion::{self, Counts, Group, Measure, Phase, TerritoryGroup, TerritoryRates};
use crate::error::Result;
use crate::i18n::Lang;

/// The funnel's columns: a group's name, then every count and rate.
pub(super) fn counts_headers() -> Vec<&'static str> {
    std::iter::once("分组")
        .chain(Measure::ALL.map(|m| m.name().0))
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

pub(super) fn sheets(app: &App) -> Result<Vec<Sheet>> {
    let c = conversion::compare_today(app, Lang::Zh)?;
    let phase = |p: conversion::Phase| p.short().0;
    let mut headers = vec!["日期", "会销", "城市", "状态"];
    headers.extend(Measure::ALL.map(|m| m.name().0));
    headers.extend_from_slice(&["损失最多", "结论"]);
    let rows = c
        .seminars
        .iter()
        .map(|s| {
            let mut row = vec![
                date(&s.date),
                text(&s.title),
                text(&s.city),
                text(status_name(s.status)),
            ];
            row.extend(counts_cells(&s.counts));
            row.push(text(s.weakest.map(phase).unwrap_or_default()));
            row.push(text(s.verdict.clone().unwrap_or_default()));
            row
        })
        .collect();
    let compare = Sheet {
        name: "会销对比".into(),
        headers,
        rows,
    };
    let m = &c.medians;
    let phase_measure = |p: Phase| text(format!("{}：{}", p.short().0, p.measure(Lang::Zh)));
    let medians = Sheet::new(
        "机构中位数",
        &["指标", "中位数"],
        vec![
            vec![phase_measure(Phase::PreEvent), Cell::Rate(m.pre_event)],
            vec![phase_measure(Phase::InEvent), Cell::Rate(m.in_event)],
            vec![phase_measure(Phase::PostEvent), Cell::Rate(m.post_event)],
            vec![
                text(Measure::SessionConversion.name().0),
                Cell::Rate(m.session_conversion),
            ],
            vec![text(Measure::DealRatio.name().0), Cell::Rate(m.deal_ratio)],
        ],
    );
    let groups = |name: &str, list: &[Group], label: &dyn Fn(&Group) -> String| {
        Sheet::new(
            name,
            &counts_headers(),
            list.iter()
                .map(|g| counts_row(label(g), &g.counts))
                .collect(),
        )
    };
    Ok(vec![
        compare,
        medians,
        groups("按座位布局", &c.by_layout, &|g| layout_name(&g.key)),
        groups("按讲师", &c.by_lecturer, &|g| or_unnamed(&g.label)),
    ])
}

const TERRITORY_HEADERS: [&str; 9] = [
    "分组",
    "门店数",
    "已覆盖",
    "已转化",
    "复购",
    "覆盖率",
    "转化率",
    "复购率",
    "渗透率",
];

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

pub(super) fn territory(app: &App, city: &str) -> Result<Vec<Sheet>> {
    let t = conversion::territory_in(&app.db.conn(), city)?;
    let groups = |list: &[TerritoryGroup]| -> Vec<Vec<Cell>> {
        list.iter()
            .map(|g| territory_row(or_unnamed(&g.label), &g.rates))
            .collect()
    };
    let mut districts = vec![territory_row(t.city.clone(), &t.rates)];
    districts.extend(groups(&t.by_district));
    Ok(vec![
        Sheet::new("按区县", &TERRITORY_HEADERS, districts),
        Sheet::new("按邀约员", &TERRITORY_HEADERS, groups(&t.by_inviter)),
    ])
}
