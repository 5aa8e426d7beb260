//! A seminar's seating plan in the store: settings (stage, assistants), grouping rules, seat
//! assignments with locks, and the operations on them (automatic seating, manual moves, locks,
//! day-of re-seating).
//!
//! The parts: the plan's settings (`settings`) and rules (`rules`), everything read in one go
//! (`load`), the plan as the UI and the printouts see it (`view`), automatic seating (`auto`),
//! moves and locks by hand (`moves`) and the day-of re-seating (`reseat`).

mod auto;
mod load;
mod moves;
mod reseat;
mod rules;
mod settings;
mod view;

pub use auto::{auto, AutoResult, BadGuest};
pub use load::street_of;
pub(crate) use load::{load, Loaded};
pub use moves::{lock, move_guest, LockInput, MoveInput, MoveResult};
pub use reseat::{
    close_doors, decide_reseat, propose_reseat, DecideInput, Proposal, ProposalStatus, ReseatMove,
};
pub use rules::{default_rules, update_rules, RulesInput, SeatingRule};
pub use settings::{update_settings, SeatingSettings, SeatingSettingsInput};
pub(crate) use view::view_of;
pub use view::{get, SeatedGuest, SeatingView, TableView};
