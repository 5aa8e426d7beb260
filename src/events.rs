//! What stations hear at once: arrivals, the start of closing, deals, the talk's stage. Each
//! change is published on the app's bus after it is committed; the HTTP transport streams it to
//! the stations whose role needs it. A leaf: the domain publishes, the transports listen.

use serde::Serialize;
use tokio::sync::broadcast;
use ts_rs::TS;
use utoipa::ToSchema;

/// Something a station may need to show at once.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// A guest was checked in (or a check-in undone): the table's assistant and the boards update.
    Arrival {
        seminar_id: i64,
        table_id: Option<i64>,
        /// The assistant of the guest's table, who is told on their station.
        assistant_id: Option<i64>,
        checkin_id: i64,
        undone: bool,
    },
    /// The lecturer reached the "start closing" cue: assistants begin at their tables.
    StartClosing { seminar_id: i64 },
    /// A deal was recorded, changed or cancelled: the lecturer's ticker and the dashboard update.
    Deal { seminar_id: i64, deal_id: i64 },
    /// The lecturer moved to another stage of the talk (the lecturer remote and boards follow).
    StageChanged { seminar_id: i64, stage_key: String },
}

impl Event {
    pub fn seminar_id(&self) -> i64 {
        match self {
            Event::Arrival { seminar_id, .. }
            | Event::StartClosing { seminar_id }
            | Event::Deal { seminar_id, .. }
            | Event::StageChanged { seminar_id, .. } => *seminar_id,
        }
    }
}

/// The bus: a bounded broadcast channel. A station that falls behind loses old events and
/// re-reads the state it shows (every event is a hint to refresh, not the state itself).
#[derive(Clone)]
pub struct Bus(broadcast::Sender<Event>);

impl Default for Bus {
    fn default() -> Bus {
        Bus(broadcast::channel(1024).0)
    }
}

impl Bus {
    pub fn subscribe(&self) -> broadcast::Receiver<Event> {
        self.0.subscribe()
    }

    /// Tells every listening station. Call it after the change is committed.
    pub fn publish(&self, event: Event) {
        // No listener is not an error: nobody has a station open.
        let _ = self.0.send(event);
    }
}
