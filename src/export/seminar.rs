//! A seminar's workbook: funnel and breakdowns, stage timing, invitations, check-ins, deals and
//! follow-ups.

use super::dashboard::{counts_headers, counts_row};
use super::followups::{followup_headers, followup_row};
use super::names::{or_unnamed, role_name};
use super::sheet::{heads, local, text, yes, Cell, Sheet};
use crate::app::App;
use crate::conversion::{self, Group};
use crate::error::Result;
use crate::i18n::Lang;
use crate::input::{IdInput, SeminarScope};
use crate::invitation::InvitationStatus;
use crate::venue;
use crate::{checkin, deal, followup, invitation, product, seminar};

/// A seminar's sheets: funnel and breakdowns, invitations, check-ins, deals, follow-ups.
pub(super) fn sheets(app: &App, id: i64, lang: Lang) -> Result<Vec<Sheet>> {
    let s = seminar::get(app, IdInput { id })?;
    let tz = venue::zone_named(&app.db.conn(), &s.timezone)?;
    let scope = || SeminarScope { seminar_id: id };
    let report = conversion::report(app, IdInput { id })?;
    let invitations = invitation::list(app, scope().into())?;
    let checkins = checkin::list(app, scope())?;
    // Exports are the organizer's alone, in their language.
    let organizer = crate::caller::Caller::organizer(lang);
    let deals = deal::list(app, &organizer, scope())?;
    let followups = followup::list(app, scope())?;
    let products = product::list(app)?;

    let title = match lang {
        Lang::Zh => format!("{}（{}）", s.title, s.date),
        Lang::En => format!("{} ({})", s.title, s.date),
    };
    let mut summary = vec![counts_row(title, &report.funnel.counts)];
    let mut add = |(zh, en): (&str, &str), list: &[Group], name: &dyn Fn(&Group) -> String| {
        for g in list {
            let label = match lang {
                Lang::Zh => format!("{zh}：{}", name(g)),
                Lang::En => format!("{en}: {}", name(g)),
            };
            summary.push(counts_row(label, &g.counts));
        }
    };
    add(("邀约员", "Inviter"), &report.by_inviter, &|g| {
        or_unnamed(&g.label, lang)
    });
    add(("参会人角色", "Invitee role"), &report.by_role, &|g| {
        role_name(&g.key, lang)
    });
    add(("城市", "City"), &report.by_city, &|g| {
        or_unnamed(&g.label, lang)
    });
    add(
        ("桌号", "Table"),
        &report.by_table,
        &|g| match (g.key.as_str(), lang) {
            ("none", _) => lang.pick("未入座", "not seated").into(),
            (n, Lang::Zh) => format!("{n} 号桌"),
            (n, Lang::En) => format!("table {n}"),
        },
    );
    add(("助教", "Assistant"), &report.by_assistant, &|g| {
        or_unnamed(&g.label, lang)
    });
    let mut sheets = vec![Sheet::new(
        lang.pick("转化", "Conversion"),
        &counts_headers(lang),
        summary,
    )];
    let timing = report
        .stage_timing
        .iter()
        .map(|k| {
            vec![
                text(lang.pick(k.kind.label().0, k.kind.label().1)),
                Cell::Int(k.planned_minutes),
                Cell::Num(k.actual_minutes),
                Cell::Num(k.difference_minutes),
                Cell::Int(k.runs),
            ]
        })
        .collect();
    sheets.push(Sheet::new(
        lang.pick("环节用时", "Stage timing"),
        &heads(
            lang,
            &[
                ("环节", "Stage"),
                ("计划（分钟）", "Planned (min)"),
                ("实际（分钟）", "Actual (min)"),
                ("差值（分钟）", "Difference (min)"),
                ("次数", "Runs"),
            ],
        ),
        timing,
    ));

    let status = |st: InvitationStatus| lang.pick(st.label().0, st.label().1);
    let came: std::collections::HashSet<i64> = checkins.iter().map(|c| c.invitation_id).collect();
    let rows = invitations
        .iter()
        .map(|i| {
            let guests: Vec<String> = i
                .guests
                .iter()
                .map(|g| match lang {
                    Lang::Zh => format!("{}（{}）", g.name, g.role.label().0),
                    Lang::En => format!("{} ({})", g.name, g.role.label().1),
                })
                .collect();
            vec![
                text(&i.store_name),
                text(guests.join(lang.pick("、", ", "))),
                text(i.inviter_name.clone().unwrap_or_default()),
                text(status(i.status)),
                text(if i.walk_in {
                    lang.pick("是", "yes")
                } else {
                    ""
                }),
                yes(came.contains(&i.id), lang),
                text(&i.decline_reason),
                text(&i.note),
            ]
        })
        .collect();
    sheets.push(Sheet::new(
        lang.pick("邀约", "Invitations"),
        &heads(
            lang,
            &[
                ("门店", "Store"),
                ("参会人", "Guests"),
                ("邀约员", "Inviter"),
                ("状态", "Status"),
                ("现场登记", "Walk-in"),
                ("到场", "Attended"),
                ("拒绝原因", "Declined because"),
                ("备注", "Note"),
            ],
        ),
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
        lang.pick("签到", "Check-ins"),
        &heads(
            lang,
            &[
                ("门店", "Store"),
                ("参会人", "Guest"),
                ("签到时间", "Checked in"),
                ("工作站", "Station"),
                ("同行人数", "Companions"),
            ],
        ),
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
                    deal::Payment::Deposit => lang.pick("定金", "deposit"),
                    deal::Payment::Full => lang.pick("全款", "paid in full"),
                    deal::Payment::Promised => lang.pick("意向（未付款）", "promised (not paid)"),
                }),
                text(deal::method_name(&d.method, lang)),
                text(match d.state {
                    deal::DealState::Active => lang.pick("有效", "active"),
                    deal::DealState::Cancelled => lang.pick("已取消", "cancelled"),
                    deal::DealState::Refunded => lang.pick("已退款", "refunded"),
                }),
                yes(d.closed, lang),
                local(&d.at, tz),
                text(&d.reason),
                text(&d.note),
            ]
        })
        .collect();
    sheets.push(Sheet::new(
        lang.pick("成交", "Deals"),
        &heads(
            lang,
            &[
                ("门店", "Store"),
                ("产品", "Product"),
                ("价格档", "Tier"),
                ("数量", "Quantity"),
                ("金额", "Amount"),
                ("付款", "Payment"),
                ("方式", "Method"),
                ("状态", "State"),
                ("计入成交", "Counts as closed"),
                ("时间", "Time"),
                ("补录原因", "Why recorded later"),
                ("备注", "Note"),
            ],
        ),
        rows,
    ));
    sheets.push(Sheet::new(
        lang.pick("跟进", "Follow-ups"),
        &followup_headers(lang),
        followups.iter().map(|f| followup_row(f, lang)).collect(),
    ));
    Ok(sheets)
}
