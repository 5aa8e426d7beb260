//! Cadences (邀约节奏) and touches: the calls, messages and visits due on day N before (or after)
//! a seminar, with a message template, an outcome, and the sequence advancing or ending with it.
//!
//! Shared piece: the invitation sequence before the event uses it now; the closing issue's
//! follow-ups after the event can use positive offsets.
//!
//! Dates are venue-local calendar dates (`YYYY-MM-DD` in the seminar's time zone): "D-3" of a
//! seminar on 2027-01-02 is 2026-12-30 whatever the organizer's laptop clock zone is.

mod message;
mod plan;
mod progress;
mod record;
mod schedule;
mod step;
mod today;
mod today_fill;

pub use message::{en_time, fill, zh_time, Vars};
pub use plan::{get, set, templates, CadenceInput, CadenceTemplate, CadenceView};
pub use progress::{progress, InviterProgress, Progress};
pub use record::{record, record_for, Outcome, TouchOutcome, TouchRecorded};
pub use schedule::{close_open, schedule, skip_until_confirmed};
pub use step::{
    default_name, default_steps, step_date, variables, Channel, Step, TouchKind, OFFSET_DAYS,
    VARIABLES, VARIABLES_EN,
};
pub use today::{
    today, today_for, today_page, today_page_for, TodayPage, TodayQuery, TodayTouch, MAX_PAGE, PAGE,
};
