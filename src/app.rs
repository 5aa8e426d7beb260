//! The application context every operation receives: the store and the clock.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::db::Db;
use crate::error::Result;
use crate::events::Bus;

/// Cheap to clone: every clone shares the store and the bus.
#[derive(Clone)]
pub struct App {
    pub db: Arc<Db>,
    /// Changes stations hear about at once (see [`crate::events`]).
    pub events: Bus,
    clock: Clock,
}

/// Wall-clock time, a fixed instant (tests, demo data, reproducible CLI runs), or wall-clock
/// time shifted by an offset: a clock set to another instant that runs on from there
/// (`huixiao serve --clock`, for journeys through a seminar's days).
#[derive(Debug, Clone, Copy)]
pub enum Clock {
    System,
    Fixed(DateTime<Utc>),
    Offset(chrono::TimeDelta),
}

impl Clock {
    /// A clock that reads `start` now and runs forward in real time.
    pub fn starting_at(start: DateTime<Utc>) -> Clock {
        Clock::Offset(start - Utc::now())
    }
}

impl App {
    /// Opens the database at `path` (see [`Db::open`]) and, the first time on a venue day, backs
    /// it up ([`crate::backup::daily`]; a new, empty file is not).
    pub fn open(path: &Path) -> Result<App> {
        let existed = path.is_file();
        let app = App {
            db: Arc::new(Db::open(path)?),
            events: Bus::default(),
            clock: Clock::System,
        };
        if existed {
            crate::backup::daily(&app)?;
        }
        // A joined laptop's capture triggers follow the tables' current columns.
        crate::replica::capture::refresh(&app.db.conn())?;
        Ok(app)
    }

    pub fn in_memory() -> Result<App> {
        Ok(App {
            db: Arc::new(Db::in_memory()?),
            events: Bus::default(),
            clock: Clock::System,
        })
    }

    pub fn with_clock(mut self, clock: Clock) -> App {
        self.clock = clock;
        self
    }

    pub fn now(&self) -> DateTime<Utc> {
        match self.clock {
            Clock::System => Utc::now(),
            Clock::Fixed(t) => t,
            Clock::Offset(d) => Utc::now() + d,
        }
    }

    /// RFC 3339 timestamp of now, as stored in the database.
    pub fn now_str(&self) -> String {
        self.now()
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
    }
}

/// Where the app keeps its files: `$HUIXIAO_DATA_DIR`, else the OS data directory
/// (`~/.local/share/huixiao` on Linux, `%APPDATA%\huixiao\huixiao\data` on Windows,
/// `~/Library/Application Support/com.huixiao.huixiao` on macOS).
pub fn data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("HUIXIAO_DATA_DIR") {
        return PathBuf::from(dir);
    }
    directories::ProjectDirs::from("com", "huixiao", "huixiao")
        .map(|d| d.data_dir().to_owned())
        .unwrap_or_else(|| PathBuf::from(".huixiao"))
}

/// The default database file, used unless `--db PATH` says otherwise.
pub fn default_db_path() -> PathBuf {
    data_dir().join("huixiao.db")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clock_set_to_an_instant_starts_there_and_runs_on() {
        let start = DateTime::parse_from_rfc3339("2026-12-10T09:00:00+08:00")
            .unwrap()
            .with_timezone(&Utc);
        let app = App::in_memory()
            .unwrap()
            .with_clock(Clock::starting_at(start));
        let first = app.now();
        assert!((first - start).num_seconds().abs() < 5, "{first}");
        std::thread::sleep(std::time::Duration::from_millis(20));
        assert!(app.now() > first, "the clock runs on");
    }
}
