//! Check-in at the door (签到迎宾): a scanned, typed or searched ticket becomes one of five typed
//! outcomes, and the greeter learns at once where to take the guest. Walk-ins register and take
//! the best free seat; a check-in can be undone; offline stations sync their queue later.
//!
//! Every scan may carry a nonce: the hub answers a replayed nonce with its first answer, so an
//! upload retried after a Wi-Fi drop or a crash never checks anyone in twice. A partial unique
//! index keeps one live check-in per ticket whatever the order of requests.
//!
//! The parts: the scan and its outcomes (`scan`), the ticket and the person it is for
//! (`lookup`), the answer the door screen shows (`answer`), walk-ins (`walk_in`), the guests a
//! station knows and finds (`guests`) and the check-ins as recorded (`record`).

mod answer;
mod guests;
mod lookup;
mod record;
mod scan;
mod walk_in;

pub use guests::{code_sha256, roster, search, DoorGuest, Roster, SearchInput};
pub use record::{list, record, set_companions, undo, CheckIn, CompanionsInput};
pub use scan::{scan, sync, ScanInput, ScanOutcome, ScanResult, SyncInput, Via};
pub use walk_in::{walk_in, WalkInInput};
