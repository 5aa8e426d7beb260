//! Attribution: which seminar a closed deal is credited to, and whether at the event or in
//! follow-up.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::Connection;

use crate::error::Result;

/// One seminar a store attended, as attribution needs it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Attendance {
    pub(super) seminar_id: i64,
    pub(super) date: NaiveDate,
    pub(super) tz: chrono_tz::Tz,
    pub(super) window_days: i64,
}

/// Which seminar a closed deal on `at` is credited to, among the store's attendances sorted by
/// (date, seminar), and whether it was at the event (same day) or in follow-up.
///
/// It is the latest attendance whose day (venue time) has begun by the deal. A venue's date is at
/// most one day off the UTC date, so a binary search skips every seminar after the next UTC day and,
/// scanning back from there, the first seminar that qualifies is the latest one.
pub(super) fn credit(attended: &[Attendance], at: DateTime<Utc>) -> Option<(i64, bool)> {
    debug_assert!(attended
        .windows(2)
        .all(|w| (w[0].date, w[0].seminar_id) <= (w[1].date, w[1].seminar_id)));
    let horizon = at.date_naive().succ_opt().unwrap_or(NaiveDate::MAX);
    let end = attended.partition_point(|a| a.date <= horizon);
    // The deal's date in a venue's zone, computed once per zone met.
    let mut zone: Option<(chrono_tz::Tz, NaiveDate)> = None;
    let mut local = |tz: chrono_tz::Tz| match zone {
        Some((z, day)) if z == tz => day,
        _ => {
            let day = at.with_timezone(&tz).date_naive();
            zone = Some((tz, day));
            day
        }
    };
    let best = attended[..end]
        .iter()
        .rev()
        .find(|a| local(a.tz) >= a.date)?;
    let day = local(best.tz);
    let within = (day - best.date).num_days() <= best.window_days;
    within.then_some((best.seminar_id, day == best.date))
}

/// Every seminar's day, time zone and attribution window, read once (seminars whose date or zone
/// cannot be read credit nothing).
pub(super) fn seminar_days(conn: &Connection) -> Result<HashMap<i64, Attendance>> {
    let mut stmt =
        conn.prepare_cached("SELECT id, date, timezone, attribution_days FROM seminars")?;
    let mut rows = stmt.query([])?;
    let mut out = HashMap::new();
    while let Some(r) = rows.next()? {
        let (date, tz): (String, String) = (r.get(1)?, r.get(2)?);
        if let (Ok(date), Ok(tz)) = (
            NaiveDate::parse_from_str(&date, "%Y-%m-%d"),
            tz.parse::<chrono_tz::Tz>(),
        ) {
            let seminar_id = r.get(0)?;
            out.insert(
                seminar_id,
                Attendance {
                    seminar_id,
                    date,
                    tz,
                    window_days: r.get(3)?,
                },
            );
        }
    }
    Ok(out)
}

/// Attendances by store, each list sorted by (date, seminar), from `(store, seminar)` pairs.
pub(super) fn by_store(
    pairs: impl IntoIterator<Item = (i64, i64)>,
    days: &HashMap<i64, Attendance>,
) -> HashMap<i64, Vec<Attendance>> {
    let mut out: HashMap<i64, Vec<Attendance>> = HashMap::new();
    for (store, seminar) in pairs {
        if let Some(a) = days.get(&seminar) {
            out.entry(store).or_default().push(*a);
        }
    }
    for list in out.values_mut() {
        list.sort_unstable_by_key(|a| (a.date, a.seminar_id));
    }
    out
}

/// A closed deal's time, as stored (RFC 3339); `None` for a value that cannot be read.
pub(super) fn deal_time(at: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(at)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn att(id: i64, date: &str, window: i64) -> Attendance {
        Attendance {
            seminar_id: id,
            date: NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap(),
            tz: chrono_tz::Asia::Shanghai,
            window_days: window,
        }
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_deal_is_credited_to_the_last_seminar_attended_within_its_window() {
        let a = [att(1, "2026-11-01", 30), att(2, "2026-11-20", 30)];
        // 2026-11-01 23:30 in Shanghai is 15:30 UTC: the event day, venue time.
        assert_eq!(credit(&a, at("2026-11-01T15:30:00Z")), Some((1, true)));
        // Next morning in Shanghai, still 2026-11-01 in UTC: follow-up.
        assert_eq!(credit(&a, at("2026-11-01T16:30:00Z")), Some((1, false)));
        assert_eq!(credit(&a, at("2026-11-10T04:00:00Z")), Some((1, false)));
        // After the second seminar, the second one gets it.
        assert_eq!(credit(&a, at("2026-11-20T06:00:00Z")), Some((2, true)));
        assert_eq!(credit(&a, at("2026-12-20T06:00:00Z")), Some((2, false)));
        // Outside the window, and before any attendance: nobody.
        assert_eq!(credit(&a, at("2026-12-21T06:00:00Z")), None);
        assert_eq!(credit(&a, at("2026-10-31T06:00:00Z")), None);
    }
}
