//! Excel exports (xlsx, Chinese headers): a seminar's funnel, invitations, check-ins, deals and
//! follow-ups, one sheet each. Exports are the organizer's alone (admin operations only).

use chrono::DateTime;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use crate::app::App;
use crate::contact::ContactRole;
use crate::conversion::{self, Counts, Group};
use crate::error::{Error, Result};
use crate::invitation::{InvitationStatus, SeminarScope};
use crate::store::IdInput;
use crate::{checkin, deal, followup, invitation, product, seminar};

/// One cell of an exported row.
enum Cell {
    Text(String),
    Int(i64),
    /// Fen, shown in yuan.
    Money(i64),
    /// A fraction shown as a percentage; `None` is "—".
    Rate(Option<f64>),
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

/// Writes a sheet: a bold header row, frozen, then the rows; columns fitted to their content.
fn sheet(
    wb: &mut Workbook,
    name: &str,
    headers: &[&str],
    rows: Vec<Vec<Cell>>,
) -> Result<(), XlsxError> {
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("¥#,##0.00");
    let pct = Format::new().set_num_format("0.0%");
    let ws: &mut Worksheet = wb.add_worksheet();
    ws.set_name(name)?;
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            let c = c as u16;
            match cell {
                Cell::Text(s) => ws.write_string(r, c, s)?,
                Cell::Int(n) => ws.write_number(r, c, *n as f64)?,
                Cell::Money(fen) => {
                    ws.write_number_with_format(r, c, *fen as f64 / 100.0, &money)?
                }
                Cell::Rate(Some(x)) => ws.write_number_with_format(r, c, *x, &pct)?,
                Cell::Rate(None) => ws.write_string(r, c, "—")?,
            };
        }
    }
    ws.set_freeze_panes(1, 0)?;
    ws.autofit();
    Ok(())
}

fn counts_row(name: String, c: &Counts) -> Vec<Cell> {
    vec![
        text(name),
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

const COUNTS_HEADERS: [&str; 13] = [
    "分组",
    "邀约门店",
    "确认门店",
    "到场门店",
    "现场成交门店",
    "会后成交门店",
    "成交单数",
    "确认率",
    "到场率",
    "现场成交率",
    "会后成交率",
    "场次转化率",
    "成交比",
];

fn role_name(key: &str) -> String {
    ContactRole::parse(key)
        .map(|r| r.label().0.to_owned())
        .unwrap_or_else(|| "未指定".into())
}

fn or_unnamed(label: &str) -> String {
    if label.is_empty() {
        "未指定".into()
    } else {
        label.to_owned()
    }
}

/// A timestamp as the venue's local `YYYY-MM-DD HH:MM`.
fn local(at: &str, tz: chrono_tz::Tz) -> String {
    DateTime::parse_from_rfc3339(at)
        .map(|t| t.with_timezone(&tz).format("%Y-%m-%d %H:%M").to_string())
        .unwrap_or_else(|_| at.to_owned())
}

/// The seminar as an xlsx workbook.
pub fn seminar_xlsx(app: &App, id: i64) -> Result<Vec<u8>> {
    let s = seminar::get(app, IdInput { id })?;
    let tz: chrono_tz::Tz = s.timezone.parse().unwrap_or(chrono_tz::Asia::Shanghai);
    let scope = || SeminarScope { seminar_id: id };
    let report = conversion::report(app, IdInput { id })?;
    let invitations = invitation::list(app, scope())?;
    let checkins = checkin::list(app, scope())?;
    let deals = deal::list(app, &crate::api::Caller::default(), scope())?;
    let followups = followup::list(app, scope())?;
    let products = product::list(app)?;

    let mut wb = Workbook::new();
    let xlsx = |e: XlsxError| Error::BadInput(format!("xlsx: {e}"));
    let mut summary = vec![counts_row(
        format!("{}（{}）", s.title, s.date),
        &report.funnel.counts,
    )];
    let mut add = |kind: &str, list: &[Group], name: &dyn Fn(&Group) -> String| {
        for g in list {
            summary.push(counts_row(format!("{kind}：{}", name(g)), &g.counts));
        }
    };
    add("邀约员", &report.by_inviter, &|g| or_unnamed(&g.label));
    add("参会人角色", &report.by_role, &|g| role_name(&g.key));
    add("城市", &report.by_city, &|g| or_unnamed(&g.label));
    sheet(&mut wb, "转化", &COUNTS_HEADERS, summary).map_err(xlsx)?;

    let status = |st: InvitationStatus| match st {
        InvitationStatus::Invited => "已邀约",
        InvitationStatus::Confirmed => "已确认",
        InvitationStatus::Declined => "已拒绝",
        InvitationStatus::Cancelled => "已取消",
    };
    let came: std::collections::HashSet<i64> = checkins.iter().map(|c| c.invitation_id).collect();
    let rows = invitations
        .iter()
        .map(|i| {
            let guests: Vec<String> = i
                .guests
                .iter()
                .map(|g| format!("{}（{}）", g.name, g.role.label().0))
                .collect();
            vec![
                text(&i.store_name),
                text(guests.join("、")),
                text(i.inviter_name.clone().unwrap_or_default()),
                text(status(i.status)),
                text(if i.walk_in { "是" } else { "" }),
                text(if came.contains(&i.id) { "是" } else { "否" }),
                text(&i.decline_reason),
                text(&i.note),
            ]
        })
        .collect();
    let headers = [
        "门店",
        "参会人",
        "邀约员",
        "状态",
        "现场登记",
        "到场",
        "拒绝原因",
        "备注",
    ];
    sheet(&mut wb, "邀约", &headers, rows).map_err(xlsx)?;

    let rows = checkins
        .iter()
        .map(|c| {
            vec![
                text(&c.store_name),
                text(c.guest_name.clone().unwrap_or_default()),
                text(local(&c.at, tz)),
                text(&c.station),
                Cell::Int(c.companions),
            ]
        })
        .collect();
    sheet(
        &mut wb,
        "签到",
        &["门店", "参会人", "签到时间", "工作站", "同行人数"],
        rows,
    )
    .map_err(xlsx)?;

    let tier_name = |tier: Option<i64>| {
        products
            .iter()
            .flat_map(|p| p.tiers.iter())
            .find(|t| Some(t.id) == tier)
            .map(|t| t.name.clone())
            .unwrap_or_default()
    };
    let product_name = |id: i64| {
        products
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.name.clone())
            .unwrap_or_default()
    };
    let rows = deals
        .iter()
        .map(|d| {
            vec![
                text(&d.store_name),
                text(product_name(d.product_id)),
                text(tier_name(d.tier_id)),
                Cell::Int(d.quantity),
                Cell::Money(d.amount_fen),
                text(match d.payment {
                    deal::Payment::Deposit => "定金",
                    deal::Payment::Full => "全款",
                    deal::Payment::Promised => "意向（未付款）",
                }),
                text(&d.method),
                text(match d.state {
                    deal::DealState::Active => "有效",
                    deal::DealState::Cancelled => "已取消",
                    deal::DealState::Refunded => "已退款",
                }),
                text(if d.closed { "是" } else { "否" }),
                text(local(&d.at, tz)),
                text(&d.reason),
                text(&d.note),
            ]
        })
        .collect();
    let headers = [
        "门店",
        "产品",
        "价格档",
        "数量",
        "金额",
        "付款",
        "方式",
        "状态",
        "计入成交",
        "时间",
        "补录原因",
        "备注",
    ];
    sheet(&mut wb, "成交", &headers, rows).map_err(xlsx)?;

    let rows = followups
        .iter()
        .map(|f| {
            vec![
                text(&f.store_name),
                text(f.owner_name.clone().unwrap_or_default()),
                text(match f.channel {
                    followup::Channel::Call => "电话",
                    followup::Channel::Message => "微信/短信",
                    followup::Channel::Visit => "拜访",
                }),
                text(&f.due_date),
                text(match f.outcome {
                    Some(followup::FollowUpOutcome::Closed) => "成交",
                    Some(followup::FollowUpOutcome::Deposit) => "交定金",
                    Some(followup::FollowUpOutcome::Thinking) => "考虑中",
                    Some(followup::FollowUpOutcome::Lost) => "流失",
                    None => "待跟进",
                }),
                text(&f.note),
            ]
        })
        .collect();
    sheet(
        &mut wb,
        "跟进",
        &["门店", "负责人", "方式", "日期", "结果", "备注"],
        rows,
    )
    .map_err(xlsx)?;
    wb.save_to_buffer().map_err(xlsx)
}
