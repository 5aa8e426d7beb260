//! Who else holds a store, asked of head office at the moment a store is invited (issue #14, item
//! 7): the op layer asks here and hands the answer to the domain ([`crate::replica::clash`]),
//! which refuses a single invitation, skips a store in a batch and leaves it out of the builder's
//! list with who holds it. Asked only briefly: offline or slow, the answer is empty and the
//! invitation is made — the clash then comes back at the next sync as a conflict.

use std::time::Duration;

use super::connect::connect_within;
use super::link;
use crate::api::Failure;
use crate::app::App;
use crate::replica::clash::{self, Held, Holder};

/// How long the organizer may wait for head office before inviting anyway.
pub const ASK_WITHIN: Duration = Duration::from_secs(2);

/// Head office's live invitations by other laptops of `stores` (None: every store, the builder's
/// list) in seminars that may overlap seminar `seminar_id`. Empty when this laptop has not joined,
/// has no saved join link, or head office does not answer within [`ASK_WITHIN`].
pub fn ask(app: &App, seminar_id: i64, stores: Option<&[i64]>) -> Held {
    match try_ask(app, seminar_id, stores) {
        Ok(held) => held,
        Err(e) => {
            tracing::info!(
                "head office not asked who holds the stores: {}",
                e.message(crate::i18n::Lang::En)
            );
            Held::default()
        }
    }
}

fn try_ask(app: &App, seminar_id: i64, stores: Option<&[i64]>) -> Result<Held, Failure> {
    let Some(path) = app.db.path() else {
        return Ok(Held::default());
    };
    let Some(link) = link::load(path)? else {
        return Ok(Held::default());
    };
    let Some((window, gids)) = clash::question(&app.db.conn(), seminar_id, stores)? else {
        return Ok(Held::default());
    };
    if gids.as_ref().is_some_and(Vec::is_empty) {
        return Ok(Held::default());
    }
    let place = link::redact(&link.pg);
    super::block_on(async move {
        let asked = async {
            let client = connect_within(&link, ASK_WITHIN).await?;
            client
                .query(
                    "SELECT store::text, title, date, days, laptop
                       FROM hq.holders($1::text[]::uuid[], $2::text::date, $3::text::date)",
                    &[&gids, &window.start.to_string(), &window.end().to_string()],
                )
                .await
                .map_err(|e| super::connect::failure(e, &place))
        };
        let rows = tokio::time::timeout(ASK_WITHIN, asked)
            .await
            .map_err(|_| {
                Failure::remote("总部没有及时回答。", "Head office did not answer in time.")
            })??;
        Ok(Held {
            holders: rows
                .iter()
                .map(|r| Holder {
                    store: r.get(0),
                    title: r.get(1),
                    date: r.get(2),
                    days: r.get(3),
                    laptop: r.get(4),
                })
                .collect(),
        })
    })
}
