//! Staff a city laptop added, at head office: the proposals a head-office laptop's sync brings
//! back ([`crate::replica::newstaff`] keeps them on 同步问题), and head office's answer — approve,
//! retire (`hq.review_staff`) or merge into a staff member it has (`hq.merge_staff`: one
//! transaction at head office, pulled by every laptop).

use tokio_postgres::Client;

use super::connect::{failure, settle, Refusals};
use crate::api::Failure;
use crate::app::App;
use crate::replica::newstaff::{self, Proposal};

/// Tells head office which staff this laptop added once it had joined, now that their rows have
/// been pushed (head office ignores those it matched to its own, and a head-office laptop's own).
/// Those told leave the list here only once head office answered, so a sync cut off in between
/// tells it again (which changes nothing there).
pub async fn propose(app: &App, client: &Client, place: &str) -> Result<usize, Failure> {
    let added = newstaff::added_here(&app.db.conn())?;
    if added.is_empty() {
        return Ok(0);
    }
    let new: i32 = client
        .query_one("SELECT hq.propose_staff($1::text[]::uuid[])", &[&added])
        .await
        .map_err(|e| failure(e, place))?
        .get(0);
    newstaff::told(&app.db.conn(), &added)?;
    Ok(new as usize)
}

/// Asks head office for the staff city laptops added that nobody settled (a head-office laptop
/// gets them; any other, none) and keeps them as proposals.
pub async fn proposals(app: &App, client: &Client, place: &str) -> Result<usize, Failure> {
    let rows = client
        .query(
            "SELECT staff::text, name, phone, laptop, created_at FROM hq.staff_proposals()",
            &[],
        )
        .await
        .map_err(|e| failure(e, place))?;
    let found: Vec<Proposal> = rows
        .iter()
        .map(|r| Proposal {
            staff: r.get(0),
            name: r.get::<_, Option<String>>(1).unwrap_or_default(),
            phone: r.get(2),
            laptop: r.get(3),
            created_at: r.get::<_, Option<String>>(4).unwrap_or_default(),
        })
        .collect();
    Ok(newstaff::record(&app.db.conn(), &found, &app.now_str())?)
}

/// Head office's refusals, as a person can act on them.
const REFUSALS: &Refusals = &[
    (
        "HX001",
        "这位员工已不在总部的名单上（可能已在另一台电脑上被合并）。请先同步再看。",
        "This staff member is no longer on head office's list (another laptop may have merged them). Sync, then look again.",
    ),
    (
        "HX003",
        "只有总部的电脑能确认新员工。",
        "Only a head-office laptop can settle new staff.",
    ),
];

/// Approves (`approved`) or retires (`retired`) a staff member a laptop added.
pub async fn review(
    client: &Client,
    place: &str,
    staff: &str,
    settled: &str,
) -> Result<(), Failure> {
    let sql = "SELECT hq.review_staff($1::text::uuid, $2)";
    settle(client, place, sql, &[&staff, &settled], REFUSALS).await
}

/// Merges staff member `gone` into `keep` at head office.
pub async fn merge(client: &Client, place: &str, keep: &str, gone: &str) -> Result<(), Failure> {
    let sql = "SELECT hq.merge_staff($1::text::uuid, $2::text::uuid)";
    settle(client, place, sql, &[&keep, &gone], REFUSALS).await
}
