//! Which automatic backups are kept. The rule, in the backups folder beside the database:
//!
//! - every backup taken when a seminar was closed, before a migration, and by hand (`manual`);
//! - the last 5 taken before a restore;
//! - daily backups: the newest of each of the 14 most recent days that have one, and the newest
//!   of each of the 8 most recent weeks (ISO weeks, Monday first) that have one — days and weeks
//!   at the venue (the organisation's time zone);
//! - and, whatever the above says, the newest backup of all.
//!
//! Backups written elsewhere (`--to` a folder or USB stick) are the user's: never deleted.

use std::collections::BTreeSet;

use chrono::{DateTime, Datelike, Utc};
use chrono_tz::Tz;

use super::BackupReason;

pub const DAILY_DAYS: usize = 14;
pub const DAILY_WEEKS: usize = 8;
pub const BEFORE_RESTORE: usize = 5;

/// For each backup (when, why), whether the rule keeps it.
pub fn keep(backups: &[(DateTime<Utc>, BackupReason)], tz: Tz) -> Vec<bool> {
    let mut order: Vec<usize> = (0..backups.len()).collect();
    // Newest first; equal instants by position (later written, later listed).
    order.sort_by(|&a, &b| backups[b].0.cmp(&backups[a].0).then(b.cmp(&a)));
    let mut kept = vec![false; backups.len()];
    let (mut days, mut weeks) = (BTreeSet::new(), BTreeSet::new());
    let mut restores = 0;
    for (rank, &i) in order.iter().enumerate() {
        let (at, reason) = backups[i];
        let by_reason = match reason {
            BackupReason::Closed | BackupReason::Migration | BackupReason::Manual => true,
            BackupReason::BeforeRestore => {
                restores += 1;
                restores <= BEFORE_RESTORE
            }
            BackupReason::Daily => {
                let date = at.with_timezone(&tz).date_naive();
                let week = date.iso_week();
                // The newest of a day (week) is the first one met; older ones of it are not.
                let new_day = days.len() < DAILY_DAYS && days.insert(date);
                let new_week =
                    weeks.len() < DAILY_WEEKS && weeks.insert((week.year(), week.week()));
                new_day || new_week
            }
        };
        kept[i] = rank == 0 || by_reason;
    }
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const SHANGHAI: Tz = chrono_tz::Asia::Shanghai;

    fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        SHANGHAI
            .with_ymd_and_hms(y, m, d, h, 0, 0)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn the_newest_backup_is_kept_whatever_its_reason() {
        let list: Vec<_> = (0..8)
            .map(|i| (at(2026, 11, 1, 9 + i), BackupReason::BeforeRestore))
            .collect();
        let kept = keep(&list, SHANGHAI);
        assert_eq!(kept.iter().filter(|k| **k).count(), BEFORE_RESTORE);
        assert!(kept[7], "the newest");
        assert!(!kept[0] && !kept[1] && !kept[2]);
    }

    #[test]
    fn two_dailies_on_one_day_keep_the_newer() {
        let list = [
            (at(2026, 11, 2, 9), BackupReason::Daily),
            (at(2026, 11, 2, 20), BackupReason::Daily),
            (at(2026, 11, 3, 9), BackupReason::Daily),
        ];
        assert_eq!(keep(&list, SHANGHAI), [false, true, true]);
    }

    #[test]
    fn a_day_is_the_venues() {
        // 23:30 and 01:00 the next day in Shanghai are one UTC day but two venue days.
        let list = [
            (at(2026, 11, 2, 23), BackupReason::Daily),
            (at(2026, 11, 3, 1), BackupReason::Daily),
        ];
        assert_eq!(keep(&list, SHANGHAI), [true, true]);
    }
}
