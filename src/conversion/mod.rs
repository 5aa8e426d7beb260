//! Conversion, by the book (docs/conversion.md): one set of definitions, computed here and nowhere else.
//!
//! All counts are of stores; an invitation is one store to one seminar.
//! - **I** invited: every invitation of the seminar (walk-ins included).
//! - **C** confirmed: confirmed invitations, walk-ins, and any store that came (so A ⊆ C).
//! - **A** attended: at least one person of the store checked in (not undone).
//! - **E** attending stores with a closed deal at the event (on the seminar's day, venue time).
//! - **F** attending stores without one whose first closed deal comes in the follow-up window.
//!
//! A deal is *closed* when a deposit or full payment is recorded and it is neither cancelled nor
//! refunded. A closed deal is credited to the last seminar its store attended on or before the
//! deal's day, if the deal falls within that seminar's attribution window.

mod attribution;
mod bowtie;
mod breakdown;
mod compare;
mod counts;
mod funnel;
mod kept;
mod territory;
mod verdict;
mod vocabulary;
mod window;

pub use bowtie::{
    bowtie, bowtie_in, quiet_of, stages_in, stages_of, store_stage_of, BowStage, Bowtie,
    BowtieQuery, BowtieStage, Quiet, Reached, StoreStage, Stores, QUIET_DAYS,
};
pub use breakdown::{report, report_in, SeminarReport, StageTiming};
pub use compare::{
    compare, compare_filtered, compare_in, compare_today, compare_today_filtered, CompareFilter,
    Comparison, SeminarRow,
};
pub use counts::{percent, rate, Counts, Group};
pub use funnel::{funnel, funnel_in, outcomes_in, Funnel, Outcome};
pub use territory::{
    territory, territory_in, territory_of, Territory, TerritoryGroup, TerritoryQuery,
    TerritoryRates,
};
pub use verdict::{Medians, Phase};
pub use vocabulary::Measure;
pub use window::{overlap, Window};

/// SQL: the invitation `i` has at least one check-in that was not undone.
pub const ATTENDED_SQL: &str =
    "EXISTS (SELECT 1 FROM checkins k WHERE k.invitation_id = i.id AND k.undone_at IS NULL)";

/// SQL: the invitation `i` counts as confirmed.
pub const CONFIRMED_SQL: &str = "(i.status = 'confirmed' OR i.walk_in OR EXISTS (SELECT 1 FROM checkins k WHERE k.invitation_id = i.id AND k.undone_at IS NULL))";

/// SQL: the deal `d` is closed.
pub const CLOSED_DEAL_SQL: &str = "(d.state = 'active' AND d.payment IN ('deposit', 'full'))";

/// Calls `f` with the first row of each invitation, the rows ordered by the invitation's id (their
/// first column).
fn first_row_per_invitation(
    mut rows: rusqlite::Rows<'_>,
    mut f: impl FnMut(i64, &rusqlite::Row<'_>) -> crate::error::Result<()>,
) -> crate::error::Result<()> {
    let mut last = None;
    while let Some(r) = rows.next()? {
        let invitation: i64 = r.get(0)?;
        if last != Some(invitation) {
            last = Some(invitation);
            f(invitation, r)?;
        }
    }
    Ok(())
}
