//! Syncing while the app runs, so an organizer never has to remember: every few minutes once this
//! laptop has joined head office — but never while one of its seminars is live (the venue's
//! network belongs to the door then, and nothing at the venue waits on head office). A failure is
//! kept in the status for 总部同步 to show, and the next round tries again.

use std::time::Duration;

use super::{block_on, link, sync};
use crate::app::App;
use crate::replica::capture;

/// How often the app syncs in the background.
pub const EVERY: Duration = Duration::from_secs(5 * 60);

/// Starts the background sync on a thread of its own (it ends with the process).
pub fn start(app: App, every: Duration) {
    let Some(path) = app.db.path().map(ToOwned::to_owned) else {
        return;
    };
    let spawned = std::thread::Builder::new()
        .name("huixiao-sync".into())
        .spawn(move || loop {
            std::thread::sleep(every);
            if !due(&app) {
                continue;
            }
            let Ok(Some(link)) = link::load(&path) else {
                continue;
            };
            match block_on(sync::sync(&app, &link)) {
                Ok(report) => tracing::info!(?report, "background sync"),
                Err(e) => tracing::warn!(code = e.code(), "background sync failed"),
            }
        });
    if let Err(e) = spawned {
        tracing::warn!("cannot start the background sync: {e}");
    }
}

/// Joined, and no seminar live.
fn due(app: &App) -> bool {
    let conn = app.db.conn();
    let live: bool = conn
        .query_row(
            "SELECT EXISTS (SELECT 1 FROM seminars WHERE status = 'live')",
            [],
            |r| r.get(0),
        )
        .unwrap_or(true);
    capture::joined(&conn).unwrap_or(false) && !live
}
