//! Two stores that may be one (the same mobile under two names), at head office: the pairs a sync
//! brings back ([`crate::replica::pairs`] keeps those the import's rule proposes), and a person's
//! answer — keep apart (`hq.keep_stores_apart`, held on every laptop) or merge
//! (`hq.merge_stores`: one transaction at head office, pulled by every laptop).

use tokio_postgres::Client;

use super::connect::{failure, settle, Refusals};
use crate::api::Failure;
use crate::app::App;
use crate::replica::pairs::{self, Asked, Pair};

/// What one store-merge check did: the pairs head office answered, and how many are new here.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Checked {
    pub answered: usize,
    pub added: usize,
}

/// Where a check made after this sync's pull may take its position: the oldest transaction still
/// running now, taken before the pull. Everything written before it is pulled by then (a pair's
/// store is here to be shown); what commits later, the pull included, is asked about next time.
pub async fn horizon(client: &Client, place: &str) -> Result<String, Failure> {
    Ok(client
        .query_one("SELECT pg_snapshot_xmin(pg_current_snapshot())::text", &[])
        .await
        .map_err(|e| failure(e, place))?
        .get(0))
}

/// Asks head office for the pairs this laptop may read and records those to propose: only the
/// pairs of the people and stores written since the last check, with the open pairs' stores
/// again; the first check asks about all. The position moves to `horizon` ([`horizon`]) only with
/// the answer recorded.
pub async fn proposals(
    app: &App,
    client: &Client,
    place: &str,
    horizon: &str,
) -> Result<Checked, Failure> {
    let (since, again) = {
        let conn = app.db.conn();
        (pairs::position(&conn)?, pairs::open_stores(&conn)?)
    };
    let rows = client
        .query(
            "SELECT store::text, name, city, laptop, other_store::text, other_name, other_city,
                    other_laptop, mobile
               FROM hq.store_proposals_since($1::text::xid8, $2::text[]::uuid[])",
            &[&since, &again],
        )
        .await
        .map_err(|e| failure(e, place))?;
    let found: Vec<Pair> = rows
        .iter()
        .map(|r| Pair {
            store: r.get(0),
            name: r.get::<_, Option<String>>(1).unwrap_or_default(),
            city: r.get::<_, Option<String>>(2).unwrap_or_default(),
            laptop: r.get(3),
            other_store: r.get(4),
            other_name: r.get::<_, Option<String>>(5).unwrap_or_default(),
            other_city: r.get::<_, Option<String>>(6).unwrap_or_default(),
            other_laptop: r.get(7),
            mobile: r.get(8),
        })
        .collect();
    let asked = match since {
        None => Asked::All,
        Some(_) => Asked::Since(&again),
    };
    let added = pairs::record_checked(&mut app.db.conn(), &found, asked, horizon, &app.now_str())?;
    Ok(Checked {
        answered: found.len(),
        added,
    })
}

/// Head office's refusals of a merge, as a person can act on them.
const REFUSALS: &Refusals = &[
    (
        "HX001",
        "两家门店中有一家已不在（可能已被其他电脑合并），或不是这台电脑能看到的门店。请先同步再看。",
        "One of the two stores is gone (another laptop may have merged it), or is not one this laptop can see. Sync, then look again.",
    ),
    (
        "HX002",
        "两家门店被邀请参加了同一场会销，合并后会是同一家门店被邀请两次。请先取消其中一个邀请，再合并。",
        "Both stores are invited to the same seminar: merged, one store would be invited twice. Cancel one of the invitations first, then merge.",
    ),
];

/// Keeps two stores apart, for the whole organisation.
pub async fn keep_apart(client: &Client, place: &str, a: &str, b: &str) -> Result<(), Failure> {
    let sql = "SELECT hq.keep_stores_apart($1::text::uuid, $2::text::uuid)";
    settle(client, place, sql, &[&a, &b], REFUSALS).await
}

/// Merges store `gone` into `keep` at head office.
pub async fn merge(client: &Client, place: &str, keep: &str, gone: &str) -> Result<(), Failure> {
    let sql = "SELECT hq.merge_stores($1::text::uuid, $2::text::uuid)";
    settle(client, place, sql, &[&keep, &gone], REFUSALS).await
}
