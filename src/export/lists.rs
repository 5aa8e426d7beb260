//! The plain lists: stores, staff, seminars and referral commissions.

use super::names::{layout_name, staff_role_name, status_name};
use super::sheet::{date, heads, local, text, Cell, Sheet};
use super::ExportQuery;
use crate::app::App;
use crate::conversion::Measure;
use crate::error::Result;
use crate::i18n::Lang;
use crate::store::StoreQuery;
use crate::venue;
use crate::{referral, seminar, staff, store};

/// Every store the store list's filter finds (all pages).
pub(super) fn stores(app: &App, q: &ExportQuery, lang: Lang) -> Result<Sheet> {
    // A store belongs to no seminar: its dates read in the organisation's time zone.
    let tz = venue::zone(&app.db.conn(), None)?;
    let mut rows = Vec::new();
    for page in 1.. {
        let p = store::list(
            app,
            StoreQuery {
                q: q.q.clone(),
                city: q.city.clone(),
                segment_id: q.segment_id,
                stage: q.stage,
                quiet: q.quiet,
                sort: q.sort,
                page: Some(page),
                page_size: Some(500),
            },
        )?;
        let done = p.items.len() < 500 || page * 500 >= p.total;
        for listed in p.items {
            let s = listed.store;
            rows.push(vec![
                text(s.name),
                text(s.city),
                text(s.district),
                text(s.address),
                text(s.industry),
                text(s.level.as_str()),
                text(if s.key_customer {
                    lang.pick("是", "yes")
                } else {
                    ""
                }),
                text(s.referrer_name.unwrap_or_default()),
                Cell::Rate(
                    (s.referral_commission_bp > 0)
                        .then(|| s.referral_commission_bp as f64 / 10_000.0),
                ),
                text(s.source),
                Cell::Int(s.contact_count),
                text(s.note),
                local(&s.created_at, tz),
                Cell::Num(Some(listed.score)),
            ]);
        }
        if done {
            break;
        }
    }
    Ok(Sheet::new(
        lang.pick("门店", "Stores"),
        &heads(
            lang,
            &[
                ("门店名称", "Store"),
                ("城市", "City"),
                ("区县", "District"),
                ("地址", "Address"),
                ("行业", "Industry"),
                ("级别", "Level"),
                ("重点客户", "Key customer"),
                ("介绍人", "Referred by"),
                ("佣金比例", "Commission"),
                ("来源", "Source"),
                ("联系人数", "Contacts"),
                ("备注", "Note"),
                ("录入时间", "Added"),
                ("评分", "Score"),
            ],
        ),
        rows,
    ))
}

pub(super) fn staff(app: &App, lang: Lang) -> Result<Sheet> {
    let rows = staff::list(app)?
        .into_iter()
        .map(|s| {
            let roles: Vec<&str> = s.roles.iter().map(|r| staff_role_name(*r, lang)).collect();
            vec![
                text(s.name),
                text(s.phone.unwrap_or_default()),
                text(roles.join(lang.pick("、", ", "))),
                text(if s.active {
                    lang.pick("在职", "active")
                } else {
                    lang.pick("停用", "inactive")
                }),
            ]
        })
        .collect();
    Ok(Sheet::new(
        lang.pick("员工", "Staff"),
        &heads(
            lang,
            &[
                ("姓名", "Name"),
                ("电话", "Phone"),
                ("角色", "Roles"),
                ("状态", "Status"),
            ],
        ),
        rows,
    ))
}

pub(super) fn seminars(app: &App, lang: Lang) -> Result<Sheet> {
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
                text(layout_name(s.layout.as_str(), lang)),
                text(status_name(s.status, lang)),
                Cell::Int(s.capacity),
                Cell::Int(s.invited),
                Cell::Int(s.confirmed),
                Cell::Int(s.attended),
            ]
        })
        .collect();
    Ok(Sheet::new(
        lang.pick("会销", "Seminars"),
        &heads(
            lang,
            &[
                ("会销", "Seminar"),
                ("日期", "Date"),
                ("开始时间", "Starts"),
                ("城市", "City"),
                ("场地", "Venue"),
                ("讲师", "Lecturer"),
                ("座位布局", "Seating layout"),
                ("状态", "Status"),
                ("容量", "Capacity"),
                Measure::Invited.name(),
                Measure::Confirmed.name(),
                Measure::Attended.name(),
            ],
        ),
        rows,
    ))
}

pub(super) fn commissions(app: &App, lang: Lang) -> Result<Sheet> {
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
        lang.pick("介绍佣金", "Commissions"),
        &heads(
            lang,
            &[
                ("介绍人", "Partner"),
                ("介绍门店", "Referred stores"),
                ("成交门店", "Stores closed"),
                ("成交单数", "Closed deals"),
                ("成交金额", "Amount"),
                ("应付佣金", "Commission owed"),
            ],
        ),
        rows,
    ))
}
