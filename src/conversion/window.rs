//! A seminar's attribution window: from its day to `attribution_days` after it, the days in which
//! a closed deal of a store that attended is credited to it (see [`super`]). Two seminars whose
//! windows overlap compete for the same stores' deals: the invitation-list builder leaves out a
//! store already invited to one, and the organisation's sync uses the same test.

use chrono::{Days, NaiveDate};

/// The days a seminar's deals are credited to it: its day through `days` days after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: NaiveDate,
    pub days: i64,
}

impl Window {
    pub fn new(start: NaiveDate, days: i64) -> Window {
        Window {
            start,
            days: days.max(0),
        }
    }

    /// The last day of the window (included).
    pub fn end(self) -> NaiveDate {
        self.start
            .checked_add_days(Days::new(self.days as u64))
            .unwrap_or(NaiveDate::MAX)
    }
}

/// Whether two seminars' attribution windows share at least one day.
pub fn overlap(a: Window, b: Window) -> bool {
    a.start <= b.end() && b.start <= a.end()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(start: &str, days: i64) -> Window {
        Window::new(NaiveDate::parse_from_str(start, "%Y-%m-%d").unwrap(), days)
    }

    #[test]
    fn windows_that_share_a_day_overlap_in_either_order() {
        // 11-01 + 30 days ends 12-01: a seminar on 12-01 shares its last day, 12-02 does not.
        assert!(overlap(w("2026-11-01", 30), w("2026-12-01", 30)));
        assert!(overlap(w("2026-12-01", 30), w("2026-11-01", 30)));
        assert!(!overlap(w("2026-11-01", 30), w("2026-12-02", 30)));
        assert!(!overlap(w("2026-12-02", 30), w("2026-11-01", 30)));
        // A window of 0 days is the seminar's day alone.
        assert!(overlap(w("2026-11-01", 0), w("2026-11-01", 0)));
        assert!(!overlap(w("2026-11-01", 0), w("2026-11-02", 0)));
        // One inside the other.
        assert!(overlap(w("2026-11-01", 60), w("2026-11-10", 3)));
    }
}
