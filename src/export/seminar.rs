//! A seminar's workbook: funnel and breakdowns, stage timing, invitations, check-ins, deals and
//! follow-ups.

use super::dashboard::{counts_headers, counts_row};
use super::followups::{followup_row, FOLLOWUP_HEADERS};
use super::names::{or_unnamed, role_name};
use super::sheet::{local, text, yes, Cell, Sheet};
use crate::app::App;
use crate::conversion::{self, Group};
use crate::error::Result;
use crate::i18n::Lang;
use crate::input::{IdInput, SeminarScope};
use crate::invitation::InvitationStatus;
use crate::venue;
use crate::{checkin, deal, followup, invitation, product, seminar};

/// A seminar's sheets: funnel and breakdowns, invitations, check-ins, deals, follow-ups.
pub(super) fn sheets(app: &App, id: i64) -> Result<Vec<Sheet>> {
    let s = seminar::get(app, IdInput { id })?;
    let tz = venue::zone_named(&app.db.conn(), &s.timezone)?;
    let scope = || SeminarScope { seminar_id: id };
    let report = conversion::report(app, IdInput { id })?;
    let invitations = invitation::list(app, scope().into())?;
    let checkins = checkin::list(app, scope())?;
    // Exports are the organizer's alone, and the workbook is in Chinese.
    let organizer = crate::caller::Caller::organizer(crate::i18n::Lang::Zh);
    let deals = deal::list(app, &organizer, scope())?;
    let followups = followup::list(app, scope())?;
    let products = product::list(app)?;

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
    add("桌号", &report.by_table, &|g| {
        if g.key == "none" {
            "未入座".into()
        } else {
            format!("{} 号桌", g.key)
        }
    });
    add("助教", &report.by_assistant, &|g| or_unnamed(&g.label));
    let mut sheets = vec![Sheet::new("转化", &counts_headers(), summary)];
    let timing = report
        .stage_timing
        .iter()
        .map(|k| {
            vec![
                text(k.kind.label().0),
                Cell::Int(k.planned_minutes),
                Cell::Num(k.actual_minutes),
                Cell::Num(k.difference_minutes),
                Cell::Int(k.runs),
            ]
        })
        .collect();
    sheets.push(Sheet::new(
        "环节用时",
        &[
            "环节",
            "计划（分钟）",
            "实际（分钟）",
            "差值（分钟）",
            "次数",
        ],
        timing,
    ));

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
                yes(came.contains(&i.id)),
                text(&i.decline_reason),
                text(&i.note),
            ]
        })
        .collect();
    sheets.push(Sheet::new(
        "邀约",
        &[
            "门店",
            "参会人",
            "邀约员",
            "状态",
            "现场登记",
            "到场",
            "拒绝原因",
            "备注",
        ],
        rows,
    ));

    let rows = checkins
        .iter()
        .map(|c| {
            vec![
                text(&c.store_name),
                text(c.guest_name.clone().unwrap_or_default()),
                local(&c.at, tz),
                text(&c.station),
                Cell::Int(c.companions),
            ]
        })
        .collect();
    sheets.push(Sheet::new(
        "签到",
        &["门店", "参会人", "签到时间", "工作站", "同行人数"],
        rows,
    ));

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
                text(deal::method_name(&d.method, Lang::Zh)),
                text(match d.state {
                    deal::DealState::Active => "有效",
                    deal::DealState::Cancelled => "已取消",
                    deal::DealState::Refunded => "已退款",
                }),
                yes(d.closed),
                local(&d.at, tz),
                text(&d.reason),
                text(&d.note),
            ]
        })
        .collect();
    sheets.push(Sheet::new(
        "成交",
        &[
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
        ],
        rows,
    ));
    sheets.push(Sheet::new(
        "跟进",
        &FOLLOWUP_HEADERS,
        followups.iter().map(followup_row).collect(),
    ));
    Ok(sheets)
}
