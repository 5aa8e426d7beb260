//! Time at the venue: the time zone a date or an hour is read in, and what "today" is there.
//! A seminar's own zone; without a seminar, the organisation's (its settings). The clock is the
//! app's ([`App::now`]: fixed in tests, set by `serve --clock`). The one place that decides, so
//! no module falls back to a zone of its own.

use chrono::NaiveDate;
use chrono_tz::Tz;
use rusqlite::{Connection, OptionalExtension};

use crate::app::App;
use crate::error::Result;
use crate::settings;

/// Today at the venue: the date in a seminar's zone, or in the organisation's without one.
pub fn today(app: &App, conn: &Connection, seminar_id: Option<i64>) -> Result<NaiveDate> {
    Ok(today_in(app, zone(conn, seminar_id)?))
}

/// Today's date in `tz` by the app's clock.
pub fn today_in(app: &App, tz: Tz) -> NaiveDate {
    app.now().with_timezone(&tz).date_naive()
}

/// The time zone of a seminar's venue, or the organisation's without a seminar (or for an id
/// that names none).
pub fn zone(conn: &Connection, seminar_id: Option<i64>) -> Result<Tz> {
    let stored: Option<String> = match seminar_id {
        Some(id) => conn
            .query_row("SELECT timezone FROM seminars WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()?,
        None => None,
    };
    match stored {
        Some(name) => zone_named(conn, &name),
        None => settings::timezone(conn),
    }
}

/// A seminar's stored zone name as a time zone; the organisation's if it cannot be read.
pub fn zone_named(conn: &Connection, name: &str) -> Result<Tz> {
    match name.parse() {
        Ok(tz) => Ok(tz),
        Err(_) => settings::timezone(conn),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::Clock;

    #[test]
    fn a_seminar_has_its_zone_and_everything_else_the_organisations() {
        let app = App::in_memory().unwrap();
        let conn = app.db.conn();
        assert_eq!(settings::DEFAULT_ZONE.name(), settings::DEFAULT_TIMEZONE);
        assert_eq!(zone(&conn, None).unwrap(), settings::DEFAULT_ZONE);
        conn.execute(
            "INSERT INTO settings (key, value) VALUES ('timezone', 'Asia/Urumqi')",
            [],
        )
        .unwrap();
        assert_eq!(zone(&conn, None).unwrap(), chrono_tz::Asia::Urumqi);
        assert_eq!(zone(&conn, Some(42)).unwrap(), chrono_tz::Asia::Urumqi);
        assert_eq!(
            zone_named(&conn, "Europe/Berlin").unwrap(),
            chrono_tz::Europe::Berlin
        );
        assert_eq!(zone_named(&conn, "").unwrap(), chrono_tz::Asia::Urumqi);
    }

    #[test]
    fn today_turns_at_the_venues_midnight() {
        // 18:30 UTC is 00:30 the next day in Urumqi (UTC+6) and 02:30 in Shanghai.
        let at = chrono::DateTime::parse_from_rfc3339("2026-12-01T18:30:00Z").unwrap();
        let app = App::in_memory()
            .unwrap()
            .with_clock(Clock::Fixed(at.to_utc()));
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(today_in(&app, chrono_tz::Asia::Urumqi), day("2026-12-02"));
        assert_eq!(today_in(&app, chrono_tz::Europe::Berlin), day("2026-12-01"));
    }
}
