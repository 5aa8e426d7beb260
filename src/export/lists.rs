//! The plain lists: stores, staff, seminars and referral commissions.

use super::names::{layout_name, staff_role_name, status_name};
use super::sheet::{date, local, text, Cell, Sheet};
use super::ExportQuery;
use crate::app::App;
use crate::conversion::Measure;
use crate::error::Result;
use crate::store::StoreQuery;
use crate::venue;
use crate::{referral, seminar, staff, store};

/// Every store the store list's filter finds (all pages).
pub(super) fn stores(app: &App, q: &ExportQuery) -> Result<Sheet> {
    // A store belongs to no seminar: its dates read in the organisation's time zone.
    let tz = venue::zone(&app.db.conn(), None)?;
    let mut rows = Vec::new();
    for page in 1.. {
        let p = store::list(
            app,
            StoreQuery {
                q: q.q.clone(),
                city: q.city.clone(),
                page: Some(page),
                page_size: Some(500),
            },
        )?;
        let done = p.items.len() < 500 || page * 500 >= p.total;
        for s in p.items {
            rows.push(vec![
                text(s.name),
                text(s.city),
                text(s.district),
                text(s.address),
                text(s.industry),
                text(s.level.as_str()),
                text(if s.key_customer { "是" } else { "" }),
                text(s.referrer_name.unwrap_or_default()),
                Cell::Rate(
                    (s.referral_commission_bp > 0)
                        .then(|| s.referral_commission_bp as f64 / 10_000.0),
                ),
                text(s.source),
                Cell::Int(s.contact_count),
                text(s.note),
                local(&s.created_at, tz),
            ]);
        }
        if done {
            break;
        }
    }
    Ok(Sheet::new(
        "门店",
        &[
            "门店名称",
            "城市",
            "区县",
            "地址",
            "行业",
            "级别",
            "重点客户",
            "介绍人",
            "佣金比例",
            "来源",
            "联系人数",
            "备注",
            "录入时间",
        ],
        rows,
    ))
}

pub(super) fn staff(app: &App) -> Result<Sheet> {
    let rows = staff::list(app)?
        .into_iter()
        .map(|s| {
            let roles: Vec<&str> = s.roles.iter().map(|r| staff_role_name(*r)).collect();
            vec![
                text(s.name),
                text(s.phone.unwrap_or_default()),
                text(roles.join("、")),
                text(if s.active { "在职" } else { "停用" }),
            ]
        })
        .collect();
    Ok(Sheet::new("员工", &["姓名", "电话", "角色", "状态"], rows))
}

pub(super) fn seminars(app: &App) -> Result<Sheet> {
    let rows = seminar::list(app)?
        .into_iter()
        .map(|s| {
            vec![
                text(s.title),
                date(&s.date),
                text(s.start_time),
                text(s.city),
                text(s.venue),
                text(s.lecturer_name.unwrap_or_default()),
                text(layout_name(s.layout.as_str())),
                text(status_name(s.status)),
                Cell::Int(s.capacity),
                Cell::Int(s.invited),
                Cell::Int(s.confirmed),
                Cell::Int(s.attended),
            ]
        })
        .collect();
    Ok(Sheet::new(
        "会销",
        &[
            "会销",
            "日期",
            "开始时间",
            "城市",
            "场地",
            "讲师",
            "座位布局",
            "状态",
            "容量",
            Measure::Invited.name().0,
            Measure::Confirmed.name().0,
            Measure::Attended.name().0,
        ],
        rows,
    ))
}

pub(super) fn commissions(app: &App) -> Result<Sheet> {
    let rows = referral::commissions(app, crate::input::Empty {})?
        .into_iter()
        .map(|c| {
            vec![
                text(c.partner_name),
                Cell::Int(c.referred_stores),
                Cell::Int(c.converted_stores),
                Cell::Int(c.closed_deals),
                Cell::Money(c.amount_fen),
                Cell::Money(c.commission_fen),
            ]
        })
        .collect();
    Ok(Sheet::new(
        "介绍佣金",
        &[
            "介绍人",
            "介绍门店",
            "成交门店",
            "成交单数",
            "成交金额",
            "应付佣金",
        ],
        rows,
    ))
}
