//! Excel exports (xlsx, Chinese headers): every list the app shows, one workbook per list, written
//! by one sheet writer. Money is a number in yuan with the ¥ format, rates are percentages, dates
//! and times are Excel dates (venue time). Exports are the organizer's alone (admin operations only).
//!
//! - a seminar: its funnel with every breakdown, invitations, check-ins, deals and follow-ups;
//! - the stores (as filtered on the store list), the staff, the seminars;
//! - the dashboard: seminars compared, the medians, conversion by seating layout and by lecturer;
//! - a city's territory rates per district and per inviter;
//! - referral commissions;
//! - the follow-ups due today (for one staff member or everyone).

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::app::App;
use crate::contact::ContactRole;
use crate::conversion::{self, Counts, Group, TerritoryGroup, TerritoryRates};
use crate::error::{invalid, Error, Result};
use crate::i18n::Lang;
use crate::input::{IdInput, SeminarScope};
use crate::invitation::InvitationStatus;
use crate::seminar::{SeatingLayout, SeminarStatus};
use crate::staff::StaffRole;
use crate::store::StoreQuery;
use crate::ticket::FileOut;
use crate::venue;
use crate::{checkin, deal, followup, invitation, product, referral, seminar, staff, store};

/// One cell of an exported row.
pub enum Cell {
    Text(String),
    Int(i64),
    /// Fen, shown in yuan with the ¥ format.
    Money(i64),
    /// A fraction shown as a percentage; `None` is "—".
    Rate(Option<f64>),
    /// A plain number (minutes with a decimal…); `None` is "—".
    Num(Option<f64>),
    /// A calendar date.
    Date(NaiveDate),
    /// A local date and time.
    DateTime(NaiveDateTime),
}

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

/// A venue-local `YYYY-MM-DD` as a date cell (text when it cannot be read).
fn date(s: &str) -> Cell {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(Cell::Date)
        .unwrap_or_else(|_| text(s))
}

/// An RFC 3339 timestamp as a date-and-time cell in the venue's zone (text when it cannot be read).
fn local(at: &str, tz: chrono_tz::Tz) -> Cell {
    DateTime::parse_from_rfc3339(at)
        .map(|t| Cell::DateTime(t.with_timezone(&tz).naive_local()))
        .unwrap_or_else(|_| text(at))
}

fn yes(b: bool) -> Cell {
    text(if b { "是" } else { "否" })
}

/// One sheet: a name, the header row and the rows.
pub struct Sheet {
    pub name: String,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

impl Sheet {
    fn new(name: &str, headers: &[&'static str], rows: Vec<Vec<Cell>>) -> Sheet {
        Sheet {
            name: name.to_owned(),
            headers: headers.to_vec(),
            rows,
        }
    }
}

/// Excel's serial number of a date and time (days since 1899-12-30, the fraction is the time).
fn serial(t: NaiveDateTime) -> f64 {
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)
        .expect("valid date")
        .and_hms_opt(0, 0, 0)
        .expect("valid time");
    (t - epoch).num_seconds() as f64 / 86_400.0
}

/// The workbook's bytes: each sheet with a bold, frozen header row and columns fitted to their
/// content. The one place that writes sheets.
pub fn workbook(sheets: Vec<Sheet>) -> Result<Vec<u8>> {
    let xlsx = |e: XlsxError| Error::Io(std::io::Error::other(format!("xlsx: {e}")));
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("¥#,##0.00");
    let pct = Format::new().set_num_format("0.0%");
    let day = Format::new().set_num_format("yyyy-mm-dd");
    let minute = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    let mut wb = Workbook::new();
    for sheet in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(&sheet.name).map_err(xlsx)?;
        for (c, h) in sheet.headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &bold)
                .map_err(xlsx)?;
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Text(s) => ws.write_string(r, c, s),
                    Cell::Int(n) => ws.write_number(r, c, *n as f64),
                    Cell::Money(fen) => {
                        ws.write_number_with_format(r, c, *fen as f64 / 100.0, &money)
                    }
                    Cell::Rate(Some(x)) => ws.write_number_with_format(r, c, *x, &pct),
                    Cell::Rate(None) | Cell::Num(None) => ws.write_string(r, c, "—"),
                    Cell::Num(Some(x)) => ws.write_number(r, c, *x),
                    Cell::Date(d) => ws.write_datetime_with_format(
                        r,
                        c,
                        ExcelDateTime::from_serial_datetime(serial(d.and_time(Default::default())))
                            .map_err(xlsx)?,
                        &day,
                    ),
                    Cell::DateTime(t) => ws.write_datetime_with_format(
                        r,
                        c,
                        ExcelDateTime::from_serial_datetime(serial(*t)).map_err(xlsx)?,
                        &minute,
                    ),
                }
                .map_err(xlsx)?;
            }
        }
        ws.set_freeze_panes(1, 0).map_err(xlsx)?;
        ws.autofit();
    }
    wb.save_to_buffer().map_err(xlsx)
}

/// Which list to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExportList {
    /// One seminar: funnel and breakdowns, invitations, check-ins, deals, follow-ups (needs `seminar_id`).
    Seminar,
    /// The stores, filtered like the store list (`q`, `city`).
    Stores,
    Staff,
    Seminars,
    /// The dashboard: seminars compared, medians, by seating layout and by lecturer.
    Dashboard,
    /// A city's four territory rates per district and inviter (needs `city`).
    Territory,
    /// Referral commissions per partner.
    Commissions,
    /// Open follow-ups due by `date` (today when null), for `owner_id` or everyone.
    FollowupsToday,
}

impl ExportList {
    pub const ALL: [ExportList; 8] = [
        ExportList::Seminar,
        ExportList::Stores,
        ExportList::Staff,
        ExportList::Seminars,
        ExportList::Dashboard,
        ExportList::Territory,
        ExportList::Commissions,
        ExportList::FollowupsToday,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ExportList::Seminar => "seminar",
            ExportList::Stores => "stores",
            ExportList::Staff => "staff",
            ExportList::Seminars => "seminars",
            ExportList::Dashboard => "dashboard",
            ExportList::Territory => "territory",
            ExportList::Commissions => "commissions",
            ExportList::FollowupsToday => "followups_today",
        }
    }

    pub fn parse(s: &str) -> Option<ExportList> {
        ExportList::ALL.into_iter().find(|l| l.as_str() == s)
    }
}

/// What to export, and the filters of the list it comes from.
#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct ExportQuery {
    pub list: ExportList,
    #[serde(default)]
    pub seminar_id: Option<i64>,
    #[serde(default)]
    pub city: Option<String>,
    /// The store list's search text.
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub owner_id: Option<i64>,
    /// `YYYY-MM-DD` for today's follow-ups.
    #[serde(default)]
    pub date: Option<String>,
}

impl ExportQuery {
    pub fn of(list: ExportList) -> ExportQuery {
        ExportQuery {
            list,
            seminar_id: None,
            city: None,
            q: None,
            owner_id: None,
            date: None,
        }
    }
}

/// A list as an xlsx workbook: its file name and bytes.
pub fn export(app: &App, q: &ExportQuery) -> Result<(String, Vec<u8>)> {
    let (name, sheets) = match q.list {
        ExportList::Seminar => {
            let Some(id) = q.seminar_id else {
                return Err(invalid(
                    "seminar_id",
                    "请指定要导出的会销。",
                    "Say which seminar to export.",
                ));
            };
            (format!("会销{id}.xlsx"), seminar_sheets(app, id)?)
        }
        ExportList::Stores => ("门店.xlsx".into(), vec![stores_sheet(app, q)?]),
        ExportList::Staff => ("员工.xlsx".into(), vec![staff_sheet(app)?]),
        ExportList::Seminars => ("会销列表.xlsx".into(), vec![seminars_sheet(app)?]),
        ExportList::Dashboard => ("会销对比.xlsx".into(), dashboard_sheets(app)?),
        ExportList::Territory => {
            let city = q.city.as_deref().map(str::trim).unwrap_or_default();
            if city.is_empty() {
                return Err(invalid(
                    "city",
                    "请指定要导出的城市。",
                    "Say which city to export.",
                ));
            }
            (format!("区域-{city}.xlsx"), territory_sheets(app, city)?)
        }
        ExportList::Commissions => ("介绍佣金.xlsx".into(), vec![commissions_sheet(app)?]),
        ExportList::FollowupsToday => {
            ("今日跟进.xlsx".into(), vec![followups_today_sheet(app, q)?])
        }
    };
    Ok((name, workbook(sheets)?))
}

/// The `exports.xlsx` operation: the workbook as base64, for a download in the UI.
pub fn xlsx(app: &App, q: ExportQuery) -> Result<FileOut> {
    use base64::Engine;
    let (file_name, bytes) = export(app, &q)?;
    Ok(FileOut {
        file_name,
        mime: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".into(),
        data_base64: base64::engine::general_purpose::STANDARD.encode(bytes),
    })
}

/// Writes `bytes` to `path` through a temporary file in the same folder renamed into place: a
/// failed write leaves an existing file as it was.
pub fn write_file(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => std::path::Path::new("."),
    };
    let mut tmp = tempfile_in(dir)?;
    let result = std::io::Write::write_all(&mut tmp.1, bytes)
        .and_then(|_| tmp.1.sync_all())
        .and_then(|_| std::fs::rename(&tmp.0, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp.0);
    }
    result.map_err(Error::from)
}

/// A new file next to the target, named so it cannot clash with another export running at once.
fn tempfile_in(dir: &std::path::Path) -> Result<(std::path::PathBuf, std::fs::File)> {
    for _ in 0..16 {
        let name = format!(".huixiao-export-{:016x}.tmp", rand::random::<u64>());
        let path = dir.join(name);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(f) => return Ok((path, f)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(std::io::Error::other("no temporary file name left").into())
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

fn counts_row(name: String, c: &Counts) -> Vec<Cell> {
    let mut row = vec![text(name)];
    row.extend(counts_cells(c));
    row
}

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

fn layout_name(key: &str) -> String {
    if key == SeatingLayout::RoundTables.as_str() {
        "圆桌".into()
    } else if key == SeatingLayout::Classroom.as_str() {
        "课桌式".into()
    } else {
        or_unnamed(key)
    }
}

fn status_name(s: SeminarStatus) -> &'static str {
    s.label().0
}

/// A seminar's sheets: funnel and breakdowns, invitations, check-ins, deals, follow-ups.
fn seminar_sheets(app: &App, id: i64) -> Result<Vec<Sheet>> {
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
    let mut sheets = vec![Sheet::new("转化", &COUNTS_HEADERS, summary)];
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
                text(&d.method),
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

const FOLLOWUP_HEADERS: [&str; 8] = [
    "门店",
    "负责人",
    "类型",
    "方式",
    "日期",
    "结果",
    "流失原因",
    "备注",
];

fn followup_row(f: &followup::FollowUp) -> Vec<Cell> {
    vec![
        text(&f.store_name),
        text(f.owner_name.clone().unwrap_or_default()),
        text(match f.kind {
            followup::FollowUpKind::AfterEvent => "会后跟进",
            followup::FollowUpKind::NoShow => "未到场邀约",
        }),
        text(match f.channel {
            followup::Channel::Call => "电话",
            followup::Channel::Message => "微信/短信",
            followup::Channel::Visit => "拜访",
        }),
        date(&f.due_date),
        text(match f.outcome {
            Some(followup::FollowUpOutcome::Closed) => "成交",
            Some(followup::FollowUpOutcome::Deposit) => "交定金",
            Some(followup::FollowUpOutcome::Thinking) => "考虑中",
            Some(followup::FollowUpOutcome::Lost) => "流失",
            None => "待跟进",
        }),
        text(&f.lost_reason),
        text(&f.note),
    ]
}

/// Every store the store list's filter finds (all pages).
fn stores_sheet(app: &App, q: &ExportQuery) -> Result<Sheet> {
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

fn staff_role_name(r: StaffRole) -> &'static str {
    match r {
        StaffRole::Organizer => "组织者",
        StaffRole::Inviter => "邀约员",
        StaffRole::Assistant => "助教",
        StaffRole::Lecturer => "讲师",
        StaffRole::Checkin => "签到",
    }
}

fn staff_sheet(app: &App) -> Result<Sheet> {
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

fn seminars_sheet(app: &App) -> Result<Sheet> {
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
            "邀约门店",
            "确认门店",
            "到场门店",
        ],
        rows,
    ))
}

fn dashboard_sheets(app: &App) -> Result<Vec<Sheet>> {
    let c = conversion::compare_in(&app.db.conn(), Lang::Zh)?;
    let phase = |p: conversion::Phase| match p {
        conversion::Phase::PreEvent => "会前",
        conversion::Phase::InEvent => "会中",
        conversion::Phase::PostEvent => "会后",
    };
    let mut headers = vec!["日期", "会销", "城市", "状态"];
    headers.extend_from_slice(&COUNTS_HEADERS[1..]);
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
    let medians = Sheet::new(
        "机构中位数",
        &["指标", "中位数"],
        vec![
            vec![text("会前：到场/邀约"), Cell::Rate(m.pre_event)],
            vec![text("会中：现场成交率"), Cell::Rate(m.in_event)],
            vec![text("会后：会后成交率"), Cell::Rate(m.post_event)],
            vec![text("场次转化率"), Cell::Rate(m.session_conversion)],
            vec![text("成交比"), Cell::Rate(m.deal_ratio)],
        ],
    );
    let groups = |name: &str, list: &[Group], label: &dyn Fn(&Group) -> String| {
        Sheet::new(
            name,
            &COUNTS_HEADERS,
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

fn territory_sheets(app: &App, city: &str) -> Result<Vec<Sheet>> {
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

fn commissions_sheet(app: &App) -> Result<Sheet> {
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

fn followups_today_sheet(app: &App, q: &ExportQuery) -> Result<Sheet> {
    let list = followup::today(
        app,
        followup::FollowUpTodayQuery {
            owner_id: q.owner_id,
            date: q.date.clone(),
        },
    )?;
    Ok(Sheet::new(
        "今日跟进",
        &FOLLOWUP_HEADERS,
        list.iter().map(followup_row).collect(),
    ))
}

/// The seminar as an xlsx workbook (`huixiao export --seminar ID`).
pub fn seminar_xlsx(app: &App, id: i64) -> Result<Vec<u8>> {
    workbook(seminar_sheets(app, id)?)
}
