//! Excel exports (xlsx, headers and words in the caller's language): every list the app shows, one workbook per list, written
//! by one sheet writer. Money is a number in yuan with the ¥ format, rates are percentages, dates
//! and times are Excel dates (venue time). Exports are the organizer's alone (admin operations only).
//!
//! - a seminar: its funnel with every breakdown, invitations, check-ins, deals and follow-ups;
//! - the stores (as filtered on the store list), the staff, the seminars;
//! - the dashboard: seminars compared, the medians, conversion by seating layout and by lecturer,
//!   of the seminars its filters keep (city, laptop);
//! - a city's territory rates per district and per inviter (one laptop's, when filtered);
//! - referral commissions;
//! - the follow-ups due today (for one staff member or everyone).

mod dashboard;
mod file;
mod followups;
mod lists;
mod names;
mod seminar;
mod sheet;

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::app::App;
use crate::caller::Caller;
use crate::error::{invalid, Result};
use crate::i18n::Lang;
use crate::output::FileOut;

pub use file::write_file;
pub use sheet::{workbook, Cell, Sheet};

/// Which list to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExportList {
    /// One seminar: funnel and breakdowns, invitations, check-ins, deals, follow-ups (needs `seminar_id`).
    Seminar,
    /// The stores, filtered and ordered like the store list (`q`, `city`, `segment_id`, `stage`,
    /// `quiet`, `sort`).
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
    /// The laptop (team) whose seminars count, as head office's dashboard filters them
    /// (dashboard, territory).
    #[serde(default)]
    #[ts(optional)]
    pub laptop: Option<String>,
    /// The store list's search text.
    #[serde(default)]
    pub q: Option<String>,
    #[serde(default)]
    pub owner_id: Option<i64>,
    /// `YYYY-MM-DD` for today's follow-ups.
    #[serde(default)]
    pub date: Option<String>,
    /// The store list's segment, stage, quiet flag and order (see [`crate::store::StoreQuery`]).
    #[serde(default)]
    #[ts(optional)]
    pub segment_id: Option<i64>,
    #[serde(default)]
    #[ts(optional)]
    pub stage: Option<crate::conversion::BowStage>,
    #[serde(default)]
    #[ts(optional)]
    pub quiet: Option<bool>,
    #[serde(default)]
    #[ts(optional)]
    pub sort: Option<crate::store::StoreSort>,
}

impl ExportQuery {
    pub fn of(list: ExportList) -> ExportQuery {
        ExportQuery {
            list,
            seminar_id: None,
            city: None,
            laptop: None,
            q: None,
            owner_id: None,
            date: None,
            segment_id: None,
            stage: None,
            quiet: None,
            sort: None,
        }
    }
}

/// A list as an xlsx workbook in `lang`: its file name and bytes.
pub fn export(app: &App, q: &ExportQuery, lang: Lang) -> Result<(String, Vec<u8>)> {
    let name = |zh: &str, en: &str| format!("{}.xlsx", lang.pick(zh, en));
    let (name, sheets) = match q.list {
        ExportList::Seminar => {
            let Some(id) = q.seminar_id else {
                return Err(invalid(
                    "seminar_id",
                    "请指定要导出的会销。",
                    "Say which seminar to export.",
                ));
            };
            (
                name(&format!("会销{id}"), &format!("seminar-{id}")),
                seminar::sheets(app, id, lang)?,
            )
        }
        ExportList::Stores => (name("门店", "stores"), vec![lists::stores(app, q, lang)?]),
        ExportList::Staff => (name("员工", "staff"), vec![lists::staff(app, lang)?]),
        ExportList::Seminars => (
            name("会销列表", "seminars"),
            vec![lists::seminars(app, lang)?],
        ),
        ExportList::Dashboard => {
            let filter = crate::conversion::CompareFilter {
                city: q.city.clone(),
                laptop: q.laptop.clone(),
            };
            // The file says what it holds: 会销对比-长沙-长沙1号.xlsx.
            let filtered: Vec<&str> = [&filter.city, &filter.laptop]
                .into_iter()
                .filter_map(|v| v.as_deref().map(str::trim).filter(|v| !v.is_empty()))
                .collect();
            let suffix: String = filtered.iter().map(|v| format!("-{v}")).collect();
            (
                name(
                    &format!("会销对比{suffix}"),
                    &format!("seminars-compared{suffix}"),
                ),
                dashboard::sheets(app, &filter, lang)?,
            )
        }
        ExportList::Territory => {
            let city = q.city.as_deref().map(str::trim).unwrap_or_default();
            if city.is_empty() {
                return Err(invalid(
                    "city",
                    "请指定要导出的城市。",
                    "Say which city to export.",
                ));
            }
            let laptop = q.laptop.as_deref().map(str::trim).filter(|l| !l.is_empty());
            let suffix = laptop.map(|l| format!("-{l}")).unwrap_or_default();
            (
                name(
                    &format!("区域-{city}{suffix}"),
                    &format!("territory-{city}{suffix}"),
                ),
                dashboard::territory(app, city, laptop, lang)?,
            )
        }
        ExportList::Commissions => (
            name("介绍佣金", "commissions"),
            vec![lists::commissions(app, lang)?],
        ),
        ExportList::FollowupsToday => (
            name("今日跟进", "followups-today"),
            vec![followups::today(app, q, lang)?],
        ),
    };
    Ok((name, workbook(sheets)?))
}

/// The `exports.xlsx` operation: the workbook as base64, for a download in the UI, in the
/// caller's language.
pub fn xlsx(app: &App, caller: &Caller, q: ExportQuery) -> Result<FileOut> {
    let (file_name, bytes) = export(app, &q, caller.lang)?;
    Ok(FileOut::new(
        file_name,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        &bytes,
    ))
}
