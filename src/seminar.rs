//! Seminars (一场会销): one session on one date at one venue, and its life cycle
//! planning → inviting → live → closed.

use chrono::{NaiveDate, NaiveTime, TimeZone};
use rusqlite::{params, Connection, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::app::App;
use crate::deal::QuotaPolicy;
use crate::error::{found, invalid, Error, Result, Thing};
use crate::input::IdInput;
use crate::settings;
use crate::staff::{self, StaffRole};
use crate::{conversion, validate};

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, TS, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SeminarStatus {
    Planning,
    Inviting,
    Live,
    Closed,
}

impl SeminarStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SeminarStatus::Planning => "planning",
            SeminarStatus::Inviting => "inviting",
            SeminarStatus::Live => "live",
            SeminarStatus::Closed => "closed",
        }
    }
    pub fn parse(s: &str) -> Option<SeminarStatus> {
        match s {
            "planning" => Some(SeminarStatus::Planning),
            "inviting" => Some(SeminarStatus::Inviting),
            "live" => Some(SeminarStatus::Live),
            "closed" => Some(SeminarStatus::Closed),
            _ => None,
        }
    }
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            SeminarStatus::Planning => ("筹备中", "planning"),
            SeminarStatus::Inviting => ("邀约中", "inviting"),
            SeminarStatus::Live => ("进行中", "live"),
            SeminarStatus::Closed => ("已结束", "closed"),
        }
    }
}

/// Round tables without desks convert best; classroom rows exist so organizers can compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum SeatingLayout {
    #[default]
    RoundTables,
    Classroom,
}

impl SeatingLayout {
    pub fn as_str(self) -> &'static str {
        match self {
            SeatingLayout::RoundTables => "round_tables",
            SeatingLayout::Classroom => "classroom",
        }
    }
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Seminar {
    pub id: i64,
    pub title: String,
    /// Venue-local date, `YYYY-MM-DD`.
    pub date: String,
    /// Venue-local start time, `HH:MM`.
    pub start_time: String,
    pub timezone: String,
    pub venue: String,
    pub city: String,
    pub capacity: i64,
    pub lecturer_id: Option<i64>,
    pub lecturer_name: Option<String>,
    pub layout: SeatingLayout,
    pub status: SeminarStatus,
    pub attribution_days: i64,
    /// What happens to a deal at a limited tier once its quota is taken.
    pub quota_policy: QuotaPolicy,
    /// Stores invited (walk-ins included).
    pub invited: i64,
    /// Stores confirmed (walk-ins count as confirmed).
    pub confirmed: i64,
    /// Stores with at least one person checked in.
    pub attended: i64,
    pub created_at: String,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct SeminarInput {
    pub title: String,
    pub date: String,
    pub start_time: String,
    /// IANA name; the organisation's time zone when empty or left out.
    #[serde(default)]
    pub timezone: String,
    #[serde(default)]
    pub venue: String,
    #[serde(default)]
    pub city: String,
    pub capacity: i64,
    #[serde(default)]
    pub lecturer_id: Option<i64>,
    #[serde(default)]
    pub layout: SeatingLayout,
    #[serde(default = "default_attribution")]
    pub attribution_days: i64,
    #[serde(default)]
    pub quota_policy: QuotaPolicy,
}

fn default_attribution() -> i64 {
    30
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct SeminarUpdate {
    pub id: i64,
    #[serde(flatten)]
    #[ts(flatten)]
    pub input: SeminarInput,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct StatusChange {
    pub id: i64,
    pub status: SeminarStatus,
    /// Going live before the seminar's day: move its date to today (venue time) first, on
    /// purpose. Without it, going live early is refused with the date.
    #[serde(default)]
    #[ts(optional)]
    pub move_to_today: Option<bool>,
}

impl Seminar {
    /// The seminar's day, venue-local (None if the stored date cannot be read).
    pub fn day(&self) -> Option<NaiveDate> {
        NaiveDate::parse_from_str(&self.date, "%Y-%m-%d").ok()
    }

    /// The date at the venue at the instant `at`.
    pub fn local_date(&self, at: chrono::DateTime<chrono::Utc>) -> NaiveDate {
        let tz: chrono_tz::Tz = self.timezone.parse().unwrap_or(chrono_tz::Asia::Shanghai);
        at.with_timezone(&tz).date_naive()
    }

    /// Whether, at the instant `at`, the seminar's day (venue time) has not come yet. A deal
    /// counts at the event on the seminar's day, so nothing of the event happens before it.
    pub fn before_its_day(&self, at: chrono::DateTime<chrono::Utc>) -> bool {
        self.day().is_some_and(|d| self.local_date(at) < d)
    }
}

/// The seminar with its counts, as defined once in [`crate::conversion`].
fn select() -> String {
    format!(
        "SELECT m.id, m.title, m.date, m.start_time, m.timezone, m.venue, m.city, m.capacity,
            m.lecturer_id, l.name, m.layout, m.status, m.attribution_days,
            (SELECT count(*) FROM invitations i WHERE i.seminar_id = m.id),
            (SELECT count(*) FROM invitations i WHERE i.seminar_id = m.id AND {confirmed}),
            (SELECT count(*) FROM invitations i WHERE i.seminar_id = m.id AND {attended}),
            m.created_at, m.quota_policy
        FROM seminars m LEFT JOIN staff l ON l.id = m.lecturer_id",
        confirmed = conversion::CONFIRMED_SQL,
        attended = conversion::ATTENDED_SQL,
    )
}

fn from_row(r: &Row) -> rusqlite::Result<Seminar> {
    let layout: String = r.get(10)?;
    let status: String = r.get(11)?;
    Ok(Seminar {
        id: r.get(0)?,
        title: r.get(1)?,
        date: r.get(2)?,
        start_time: r.get(3)?,
        timezone: r.get(4)?,
        venue: r.get(5)?,
        city: r.get(6)?,
        capacity: r.get(7)?,
        lecturer_id: r.get(8)?,
        lecturer_name: r.get(9)?,
        layout: if layout == "classroom" {
            SeatingLayout::Classroom
        } else {
            SeatingLayout::RoundTables
        },
        status: SeminarStatus::parse(&status).unwrap_or(SeminarStatus::Planning),
        attribution_days: r.get(12)?,
        invited: r.get(13)?,
        confirmed: r.get(14)?,
        attended: r.get(15)?,
        created_at: r.get(16)?,
        quota_policy: QuotaPolicy::parse(&r.get::<_, String>(17)?),
    })
}

pub fn get_in(conn: &Connection, id: i64) -> Result<Seminar> {
    found(
        conn.query_row(&format!("{} WHERE m.id = ?1", select()), [id], from_row),
        Thing::Seminar,
        id,
    )
}

/// That the seminar exists, without counting its invitations (hot paths such as a scan).
pub fn require(conn: &Connection, id: i64) -> Result<()> {
    let exists = conn
        .prepare_cached("SELECT 1 FROM seminars WHERE id = ?1")?
        .exists([id])?;
    if exists {
        Ok(())
    } else {
        Err(Error::NotFound {
            what: Thing::Seminar,
            id,
        })
    }
}

pub fn get(app: &App, input: IdInput) -> Result<Seminar> {
    get_in(&app.db.conn(), input.id)
}

/// Newest first.
pub fn list(app: &App) -> Result<Vec<Seminar>> {
    let conn = app.db.conn();
    let mut stmt = conn.prepare(&format!(
        "{} ORDER BY m.date DESC, m.start_time DESC, m.id DESC",
        select()
    ))?;
    let rows = stmt
        .query_map([], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// A validated seminar, ready to store.
pub struct Clean {
    pub title: String,
    pub date: NaiveDate,
    pub start_time: NaiveTime,
    pub timezone: chrono_tz::Tz,
    pub venue: String,
    pub city: String,
    pub capacity: i64,
    pub lecturer_id: Option<i64>,
    pub layout: SeatingLayout,
    pub attribution_days: i64,
    pub quota_policy: QuotaPolicy,
}

impl Clean {
    /// The start as an instant.
    pub fn starts_at(&self) -> chrono::DateTime<chrono::Utc> {
        let local = self.date.and_time(self.start_time);
        self.timezone
            .from_local_datetime(&local)
            .earliest()
            .unwrap_or_else(|| self.timezone.from_utc_datetime(&local))
            .with_timezone(&chrono::Utc)
    }
}

pub fn clean(conn: &Connection, input: SeminarInput) -> Result<Clean> {
    let title = validate::text("title", ("会销标题", "title"), &input.title, 80)?;
    let date = NaiveDate::parse_from_str(input.date.trim(), "%Y-%m-%d").map_err(|_| {
        invalid(
            "date",
            format!("日期“{}”无效，请使用 2026-11-22 这样的格式。", input.date),
            format!(
                "Date “{}” is not valid; use the form 2026-11-22.",
                input.date
            ),
        )
    })?;
    let start_time = NaiveTime::parse_from_str(input.start_time.trim(), "%H:%M").map_err(|_| {
        invalid(
            "start_time",
            format!(
                "开始时间“{}”无效，请使用 14:00 这样的格式。",
                input.start_time
            ),
            format!(
                "Start time “{}” is not valid; use the form 14:00.",
                input.start_time
            ),
        )
    })?;
    let timezone = match input.timezone.trim() {
        "" => settings::timezone(conn)?,
        name => settings::parse_timezone(name)?,
    };
    let capacity = validate::range(
        "capacity",
        ("容纳人数", "capacity"),
        input.capacity,
        1,
        5000,
    )?;
    let attribution_days = validate::range(
        "attribution_days",
        ("成交归属天数", "attribution window"),
        input.attribution_days,
        0,
        365,
    )?;
    if let Some(id) = input.lecturer_id {
        staff::require_role(conn, id, StaffRole::Lecturer, "lecturer_id")?;
    }
    Ok(Clean {
        title,
        date,
        start_time,
        timezone,
        venue: validate::optional_text("venue", ("会场", "venue"), &input.venue, 120)?,
        city: validate::optional_text("city", ("城市", "city"), &input.city, 40)?,
        capacity,
        lecturer_id: input.lecturer_id,
        layout: input.layout,
        attribution_days,
        quota_policy: input.quota_policy,
    })
}

fn refuse_past(app: &App, c: &Clean) -> Result<()> {
    if c.starts_at() < app.now() {
        return Err(invalid(
            "date",
            format!(
                "开始时间 {} {} 已经过去，不能新建过去的会销。",
                c.date.format("%Y-%m-%d"),
                c.start_time.format("%H:%M")
            ),
            format!(
                "The start {} {} is in the past; a new seminar cannot be dated in the past.",
                c.date.format("%Y-%m-%d"),
                c.start_time.format("%H:%M")
            ),
        ));
    }
    Ok(())
}

/// Stores a validated seminar as it is — also used for seminars imported from history.
pub fn insert(
    conn: &Connection,
    c: &Clean,
    status: SeminarStatus,
    created_at: &str,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO seminars (title, date, start_time, timezone, venue, city, capacity, lecturer_id, layout,
                               status, attribution_days, created_at, quota_policy)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)",
        params![
            c.title,
            c.date.format("%Y-%m-%d").to_string(),
            c.start_time.format("%H:%M").to_string(),
            c.timezone.name(),
            c.venue,
            c.city,
            c.capacity,
            c.lecturer_id,
            c.layout.as_str(),
            status.as_str(),
            c.attribution_days,
            created_at,
            c.quota_policy.as_str()
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Creates a new seminar in planning. One dated in the past is refused.
pub fn create(app: &App, input: SeminarInput) -> Result<Seminar> {
    let now = app.now_str();
    app.db.write(|tx| {
        let c = clean(tx, input)?;
        refuse_past(app, &c)?;
        let id = insert(tx, &c, SeminarStatus::Planning, &now)?;
        get_in(tx, id)
    })
}

pub fn update(app: &App, input: SeminarUpdate) -> Result<Seminar> {
    let id = input.id;
    app.db.write(|tx| {
        let old = get_in(tx, id)?;
        let c = clean(tx, input.input)?;
        let moved = old.date != c.date.format("%Y-%m-%d").to_string()
            || old.start_time != c.start_time.format("%H:%M").to_string()
            || old.timezone != c.timezone.name();
        if moved {
            refuse_past(app, &c)?;
        }
        tx.execute(
            "UPDATE seminars SET title = ?2, date = ?3, start_time = ?4, timezone = ?5, venue = ?6, city = ?7,
                    capacity = ?8, lecturer_id = ?9, layout = ?10, attribution_days = ?11, quota_policy = ?12
              WHERE id = ?1",
            params![
                id,
                c.title,
                c.date.format("%Y-%m-%d").to_string(),
                c.start_time.format("%H:%M").to_string(),
                c.timezone.name(),
                c.venue,
                c.city,
                c.capacity,
                c.lecturer_id,
                c.layout.as_str(),
                c.attribution_days,
                c.quota_policy.as_str()
            ],
        )?;
        get_in(tx, id)
    })
}

/// Moves a seminar along planning → inviting → live → closed. Steps forward may skip; the only
/// step back is inviting → planning. A closed seminar stays closed.
/// Closing a seminar backs the database up (reason `closed`) once the change is committed.
pub fn set_status(app: &App, input: StatusChange) -> Result<Seminar> {
    let (seminar, closed_now) = app.db.write(|tx| {
        let old = get_in(tx, input.id)?;
        let (from, to) = (old.status, input.status);
        let allowed = to > from
            || (from == SeminarStatus::Inviting && to == SeminarStatus::Planning)
            || from == to;
        if !allowed {
            return Err(Error::Conflict {
                zh: format!("会销状态不能从“{}”改回“{}”。", from.label().0, to.label().0),
                en: format!(
                    "A seminar cannot go back from {} to {}.",
                    from.label().1,
                    to.label().1
                ),
            });
        }
        if to == SeminarStatus::Live && from < to && old.before_its_day(app.now()) {
            let today = old.local_date(app.now()).format("%Y-%m-%d").to_string();
            if input.move_to_today != Some(true) {
                return Err(Error::Conflict {
                    zh: format!(
                        "这场会销定在 {}，今天（会场时间）是 {today}：还没到会销当天，不能开始。会上的成交只算在会销当天；如果会销确实改到今天，请先把日期改为今天再开始。",
                        old.date
                    ),
                    en: format!(
                        "This seminar is set for {}; today (venue time) is {today}: its day has not come, so it cannot go live. Deals count at the event on the seminar's day only; if the seminar really moved to today, change its date to today first.",
                        old.date
                    ),
                });
            }
            tx.execute(
                "UPDATE seminars SET date = ?2 WHERE id = ?1",
                params![input.id, today],
            )?;
            tracing::info!(seminar = input.id, from = %old.date, to = %today, "seminar moved to today to go live");
        }
        tx.execute(
            "UPDATE seminars SET status = ?2 WHERE id = ?1",
            params![input.id, to.as_str()],
        )?;
        if to == SeminarStatus::Closed && from != SeminarStatus::Closed {
            crate::followup::plan_after_close(tx, input.id, &app.now_str())?;
        }
        tracing::info!(
            seminar = input.id,
            from = from.as_str(),
            to = to.as_str(),
            "seminar status changed"
        );
        Ok((
            get_in(tx, input.id)?,
            to == SeminarStatus::Closed && from != to,
        ))
    })?;
    if closed_now {
        crate::backup::after_close(app, input.id);
    }
    Ok(seminar)
}
/// Where a seminar takes place, as a message says it: the city, then the venue — once, when the
/// venue's name already starts with the city (长沙 + 长沙华天大酒店 → 长沙华天大酒店).
pub fn address(city: &str, venue: &str) -> String {
    let (city, venue) = (city.trim(), venue.trim());
    if city.is_empty() || venue.starts_with(city) {
        venue.to_owned()
    } else if venue.is_empty() {
        city.to_owned()
    } else {
        format!("{city} {venue}")
    }
}

#[cfg(test)]
mod tests {
    use super::address;

    #[test]
    fn the_city_is_said_once() {
        assert_eq!(address("长沙", "长沙华天大酒店"), "长沙华天大酒店");
        assert_eq!(address("长沙", "华天大酒店 3 楼"), "长沙 华天大酒店 3 楼");
        assert_eq!(address("", "华天大酒店"), "华天大酒店");
        assert_eq!(address("长沙", ""), "长沙");
    }
}
