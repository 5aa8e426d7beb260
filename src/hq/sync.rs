//! `huixiao sync`: a laptop joins its organisation, sends the changes made here and receives what
//! it may read, until nothing is waiting. The laptop's store is only touched in short local steps
//! (stamp a batch, take its answer, apply a page): no lock is held across the network, so the door
//! never waits on a sync.
//!
//! Exactly once: a batch is stamped before it is sent and leaves the outbox only when head office
//! has answered; a retry sends the same batch id and `hq.push` answers what it answered then. The
//! pull position moves in the same transaction as the page it read.

use serde::Serialize;
use serde_json::Value;
use tokio_postgres::Client;

use super::connect::{connect, failure};
use super::link::{redact, Link};
use super::schema::ensure_current;
use crate::api::Failure;
use crate::app::App;
use crate::replica::apply::{apply_page, door_open, Origin, Pulled, Pulling};
use crate::replica::clash::{self, Asked, Candidate};
use crate::replica::outbox::{self, Refused};
use crate::replica::status::Position;
use crate::replica::tables::TABLES;
use crate::replica::{capture, status};

/// Changes in one batch sent to head office.
pub const BATCH: usize = 500;
/// Changes in one page read from head office while a seminar of this laptop's is live: a page is
/// applied in one transaction, which the door's writes wait for.
pub const PAGE: i64 = 1000;
/// Changes in one page otherwise: each commit writes every database page it touched to the WAL,
/// and a first pull's rows land in random places of the tables' gid indexes, so larger commits
/// write far less per change (a third on a tenth of the organisation), and head office is
/// asked fewer times.
pub const PAGE_CATCHING_UP: i64 = 5000;

/// What one sync did (the CLI's contract: four integers).
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq, ts_rs::TS, utoipa::ToSchema)]
pub struct SyncReport {
    /// Changes head office took from this laptop (applied or refused).
    pub pushed: i64,
    /// Changes received from head office.
    pub pulled: i64,
    /// Conflicts waiting for a person.
    pub conflicts: i64,
    /// Changes made here still waiting to go out.
    pub pending: i64,
}

/// Joins the organisation of a join link (nothing happens when the laptop has joined it already):
/// checks that the link's organisation is the database's and that the link signs in as its
/// laptop, then starts capturing, with everything this laptop holds put in the outbox.
pub async fn join(app: &App, link: &Link) -> Result<usize, Failure> {
    let (Some(org), Some(laptop)) = (link.org.as_deref(), link.laptop.as_deref()) else {
        return Err(Failure::remote(
            format!("这不是加入链接（缺少 org 和 laptop）：{}。请用总部运行 huixiao hq laptop add 给出的链接。", redact(&link.pg)),
            format!("This is not a join link (org and laptop are missing): {}. Use the link head office got from huixiao hq laptop add.", redact(&link.pg)),
        ));
    };
    let place = redact(&link.pg);
    let client = connect(link).await?;
    ensure_current(&client, &place).await?;
    let row = client
        .query_one("SELECT id::text, (hq.me()).name FROM hq.organisation", &[])
        .await
        .map_err(|e| failure(e, &place))?;
    let (actual, me): (String, Option<String>) = (row.get(0), row.get(1));
    if actual != org {
        return Err(Failure::remote(
            format!("加入链接里的组织（{org}）不是这个数据库的组织（{actual}）。请向总部要正确的链接。"),
            format!("The join link's organisation ({org}) is not this database's ({actual}). Ask head office for the right link."),
        ));
    }
    if me.as_deref() != Some(laptop) {
        return Err(Failure::remote(
            format!("这个加入链接不能以“{laptop}”登录（可能已被总部撤销）。请向总部要新的加入链接。"),
            format!("This join link does not sign in as \"{laptop}\" (head office may have revoked it). Ask head office for a new join link."),
        ));
    }
    let mut conn = app.db.conn();
    Ok(capture::join(&mut conn, org, laptop)?.snapshot)
}

/// Pushes every waiting change, then pulls until head office has nothing more for this laptop.
/// A failure is kept in the status for the organizer to see, and the next sync goes on from where
/// this one stopped.
pub async fn sync(app: &App, link: &Link) -> Result<SyncReport, Failure> {
    let result = run(app, link).await;
    if let Err(e) = &result {
        let conn = app.db.conn();
        status::record_error(&conn, &e.message(crate::settings::language(&conn)?))?;
    }
    result
}

async fn run(app: &App, link: &Link) -> Result<SyncReport, Failure> {
    {
        let conn = app.db.conn();
        if !capture::joined(&conn)? {
            return Err(Failure::remote(
                "这台电脑还没有加入总部：请用总部给的加入链接运行 huixiao sync --join 链接。",
                "This laptop has not joined head office yet: run huixiao sync --join LINK with the link head office gave you.",
            ));
        }
    }
    let place = redact(&link.pg);
    let client = connect(link).await?;
    ensure_current(&client, &place).await?;
    let pushed = push(app, &client, &place).await?;
    super::staff::propose(app, &client, &place).await?;
    let pairs_from = super::stores::horizon(&client, &place).await?;
    let mut report = SyncReport {
        pushed,
        pulled: pull(app, &client, &place).await?,
        ..SyncReport::default()
    };
    clashes(app, &client, &place).await?;
    super::stores::proposals(app, &client, &place, &pairs_from).await?;
    super::staff::proposals(app, &client, &place).await?;
    let now = status::status(&app.db.conn())?;
    report.conflicts = now.conflicts;
    report.pending = now.pending;
    Ok(report)
}

async fn push(app: &App, client: &Client, place: &str) -> Result<i64, Failure> {
    let mut pushed = 0;
    loop {
        let Some(batch) = outbox::next(&app.db.conn(), BATCH)? else {
            return Ok(pushed);
        };
        let changes = Value::Array(batch.changes.clone()).to_string();
        let answer: String = client
            .query_one(
                "SELECT hq.push($1::text::uuid, $2::text::jsonb)::text",
                &[&batch.id, &changes],
            )
            .await
            .map_err(|e| failure(e, place))?
            .get(0);
        let answer: Value = serde_json::from_str(&answer).unwrap_or_default();
        let mut refused = Vec::new();
        for r in answer["refused"].as_array().into_iter().flatten() {
            let (tbl, gid) = (
                r["tbl"].as_str().unwrap_or_default(),
                r["gid"].as_str().unwrap_or_default(),
            );
            refused.push(Refused {
                tbl: tbl.to_string(),
                gid: gid.to_string(),
                reason: r["reason"].as_str().unwrap_or_default().to_string(),
                theirs: row_of(client, tbl, gid).await.map(|v| v.to_string()),
            });
        }
        outbox::acknowledge(&mut app.db.conn(), &batch, &refused, &app.now_str())?;
        let aliases: Vec<(String, String, String)> = answer["aliases"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| {
                Some((
                    a["tbl"].as_str()?.to_string(),
                    a["gid"].as_str()?.to_string(),
                    a["canonical"].as_str()?.to_string(),
                ))
            })
            .collect();
        for (tbl, gid, canonical) in outbox::take_aliases(&mut app.db.conn(), &aliases)? {
            tracing::warn!(%tbl, %gid, %canonical, "head office matched a row that is here twice");
        }
        pushed += batch.changes.len() as i64;
    }
}

/// How long a pull waits for transactions that were open when it began (another laptop's push).
const OPEN_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// Pages read from head office ahead of the one being applied: the next page is read while one
/// is written here, so the two sides work at the same time instead of in turns.
const AHEAD: usize = 1;

/// How long the applier steps aside between two pages, so that a write waiting for the database
/// (the door, the window) takes it before the next page: a `Mutex` is not fair, and the next page
/// is usually there already.
const STEP_ASIDE: std::time::Duration = std::time::Duration::from_millis(1);

/// A page read from head office: its changes, where the pull stands before it and after it.
struct Read {
    from: Position,
    to: Position,
    page: Vec<Pulled>,
    origins: Vec<Origin>,
}

/// Reads pages on this task and applies them on a thread of their own, one page behind. The
/// position moves only with an applied page, in its transaction: a sync stopped anywhere (killed,
/// the network cut) goes on from the last page applied, and a page read but not applied is read
/// again. A first pull reads head office's rows as they stand ([`read_picture`]), then the log.
async fn pull(app: &App, client: &Client, place: &str) -> Result<i64, Failure> {
    let (at, page_rows) = {
        let conn = app.db.conn();
        let rows = if door_open(&conn)? {
            PAGE
        } else {
            PAGE_CATCHING_UP
        };
        (status::position(&conn)?, rows)
    };
    let (pages, inbox) = tokio::sync::mpsc::channel(AHEAD);
    let applier = {
        let app = app.clone();
        tokio::task::spawn_blocking(move || apply_pages(&app, inbox))
    };
    let reading = async {
        let at = match at {
            Position::Log(..) if at != Position::start() => at,
            first => match read_picture(client, place, first, page_rows, &pages).await? {
                Some(log) => log,
                None => return Ok(()),
            },
        };
        read_pages(client, place, at, page_rows, &pages).await
    }
    .await;
    drop(pages);
    let applied = match applier.await {
        Ok(applied) => applied,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(e) => return Err(std::io::Error::other(e).into()),
    };
    // When the applier stopped, reading stopped too: its error is the one to say.
    let pulled = applied?;
    reading?;
    Ok(pulled)
}

/// The gid before every other: a table's picture is read from after it.
const BEFORE_ALL: &str = "00000000-0000-0000-0000-000000000000";

/// A first pull: head office's rows as they stand, table by table in the app's order (parents
/// first, so no row waits for its references), each in gid order, from one consistent picture
/// (a REPEATABLE READ transaction), instead of every change of the organisation's history. The
/// picture's horizon is kept with the first page; once the last table is applied, the pull stands
/// in the log at that horizon, and what committed since comes from there. A first pull stopped
/// part-way goes on from the last row applied in a new picture, still from the first horizon.
/// Answers that position, or None when the applier stopped.
async fn read_picture(
    client: &Client,
    place: &str,
    from: Position,
    page_rows: i64,
    pages: &tokio::sync::mpsc::Sender<Read>,
) -> Result<Option<Position>, Failure> {
    client
        .batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        .await
        .map_err(|e| failure(e, place))?;
    let read = read_picture_pages(client, place, from, page_rows, pages).await;
    let end = if read.is_ok() { "COMMIT" } else { "ROLLBACK" };
    let ended = client.batch_execute(end).await;
    let log = read?;
    ended.map_err(|e| failure(e, place))?;
    Ok(log)
}

async fn read_picture_pages(
    client: &Client,
    place: &str,
    mut from: Position,
    page_rows: i64,
    pages: &tokio::sync::mpsc::Sender<Read>,
) -> Result<Option<Position>, Failure> {
    // The transaction's first statement takes its picture: every transaction older than this
    // horizon had ended, and is in it.
    let now: String = client
        .query_one("SELECT pg_snapshot_xmin(pg_current_snapshot())::text", &[])
        .await
        .map_err(|e| failure(e, place))?
        .get(0);
    let (horizon, first, mut after) = match &from {
        Position::Picture { horizon, tbl, gid } => (
            horizon.clone(),
            TABLES.iter().position(|t| t.name == tbl).unwrap_or(0),
            gid.clone(),
        ),
        Position::Log(..) => (now, 0, BEFORE_ALL.to_owned()),
    };
    for table in &TABLES[first..] {
        loop {
            let rows = client
                .query(
                    "SELECT gid::text, hlc, data::text, deleted, owner_name, writer
                       FROM hq.snapshot($1, $2::text::uuid, $3::integer)",
                    &[&table.name, &after, &(page_rows as i32)],
                )
                .await
                .map_err(|e| failure(e, place))?;
            let Some(last) = rows.last() else { break };
            after = last.get(0);
            let to = Position::Picture {
                horizon: horizon.clone(),
                tbl: table.name.to_owned(),
                gid: after.clone(),
            };
            let page = rows
                .iter()
                .map(|r| Pulled {
                    tbl: table.name.to_owned(),
                    gid: r.get(0),
                    hlc: r.get(1),
                    data: serde_json::from_str(r.get(2)).ok(),
                    deleted: r.get(3),
                })
                .collect();
            let origins = rows
                .iter()
                .map(|r| Origin {
                    owner: r.get(4),
                    writer: r.get(5),
                })
                .collect();
            let full = rows.len() as i64 == page_rows;
            let read = Read {
                from: std::mem::replace(&mut from, to.clone()),
                to,
                page,
                origins,
            };
            if pages.send(read).await.is_err() {
                return Ok(None);
            }
            if !full {
                break;
            }
        }
        after = BEFORE_ALL.to_owned();
    }
    let log = Position::Log(horizon, 0);
    let read = Read {
        from,
        to: log.clone(),
        page: Vec::new(),
        origins: Vec::new(),
    };
    Ok(pages.send(read).await.ok().map(|()| log))
}

/// Reads pages of the log from `at` until head office has nothing more for this laptop, and
/// hands them to the applier; stops early when the applier has stopped.
async fn read_pages(
    client: &Client,
    place: &str,
    at: Position,
    page_rows: i64,
    pages: &tokio::sync::mpsc::Sender<Read>,
) -> Result<(), Failure> {
    let Position::Log(xid, pos) = at else {
        return Ok(());
    };
    // A change is readable only once every older transaction on the server has ended (hq.pull's
    // rule, so that none is ever skipped). So that a sync brings everything committed before it
    // began, even while another laptop's push is still open, it waits for the transactions open at
    // its start to end — a few seconds at most; what is still open then comes with the next sync.
    let horizon: String = client
        .query_one("SELECT pg_snapshot_xmax(pg_current_snapshot())::text", &[])
        .await
        .map_err(|e| failure(e, place))?
        .get(0);
    let started = std::time::Instant::now();
    let mut at = (xid, pos);
    loop {
        let rows = client
            .query(
                "SELECT xid::text, pos, tbl, gid::text, hlc, data::text, deleted, owner_name, writer
                   FROM hq.pull($1::text::xid8, $2, $3::integer)",
                &[&at.0, &at.1, &(page_rows as i32)],
            )
            .await
            .map_err(|e| failure(e, place))?;
        let Some(last) = rows.last() else {
            if started.elapsed() > OPEN_WAIT || all_ended_before(client, &horizon, place).await? {
                return Ok(());
            }
            continue;
        };
        let to: (String, i64) = (last.get(0), last.get(1));
        let page: Vec<Pulled> = rows
            .iter()
            .map(|r| Pulled {
                tbl: r.get(2),
                gid: r.get(3),
                hlc: r.get(4),
                data: r
                    .get::<_, Option<String>>(5)
                    .and_then(|s| serde_json::from_str(&s).ok()),
                deleted: r.get(6),
            })
            .collect();
        let origins: Vec<Origin> = rows
            .iter()
            .map(|r| Origin {
                owner: r.get(7),
                writer: r.get(8),
            })
            .collect();
        let from = std::mem::replace(&mut at, to.clone());
        let read = Read {
            from: Position::Log(from.0, from.1),
            to: Position::Log(to.0, to.1),
            page,
            origins,
        };
        if pages.send(read).await.is_err() {
            return Ok(());
        }
        if (rows.len() as i64) < page_rows
            && (started.elapsed() > OPEN_WAIT || all_ended_before(client, &horizon, place).await?)
        {
            return Ok(());
        }
    }
}

/// Applies the pages read, each with the position after it, under a larger page cache; stops at
/// a page whose starting position is no longer this laptop's (another sync, a restore moved it).
fn apply_pages(app: &App, mut inbox: tokio::sync::mpsc::Receiver<Read>) -> Result<i64, Failure> {
    let _cache = Pulling::start(&app.db)?;
    let mut pulled = 0;
    while let Some(read) = inbox.blocking_recv() {
        let applied = apply_page(
            &mut app.db.conn(),
            &read.page,
            &read.origins,
            &read.from,
            &read.to,
            &app.now_str(),
        )?;
        if applied.is_none() {
            tracing::info!("the pull position moved meanwhile: this sync stops pulling");
            break;
        }
        pulled += read.page.len() as i64;
        std::thread::sleep(STEP_ASIDE);
    }
    Ok(pulled)
}

/// Whether every transaction older than `horizon` has ended, so their changes are readable;
/// when not, it waits 50 ms on the server before answering.
async fn all_ended_before(client: &Client, horizon: &str, place: &str) -> Result<bool, Failure> {
    let ended: bool = client
        .query_one(
            "SELECT pg_snapshot_xmin(pg_current_snapshot()) >= $1::text::xid8",
            &[&horizon],
        )
        .await
        .map_err(|e| failure(e, place))?
        .get(0);
    if !ended {
        client
            .execute("SELECT pg_sleep(0.05)", &[])
            .await
            .map_err(|e| failure(e, place))?;
    }
    Ok(ended)
}

/// Stores this laptop invited that another laptop invited too: head office gathers the
/// candidates, the laptop keeps those whose attribution windows overlap as conflicts. Only the
/// invitations written since the last check are asked about (this laptop's and other laptops',
/// and those of seminars written since), with the open clashes' invitations again; the first
/// check asks about all. The position moves only with the answer recorded.
async fn clashes(app: &App, client: &Client, place: &str) -> Result<usize, Failure> {
    let (since, again) = {
        let conn = app.db.conn();
        (clash::position(&conn)?, clash::open_invitations(&conn)?)
    };
    // Everything written before the oldest transaction still running now is readable by the
    // question below; what commits later is asked about next time.
    let horizon: String = client
        .query_one("SELECT pg_snapshot_xmin(pg_current_snapshot())::text", &[])
        .await
        .map_err(|e| failure(e, place))?
        .get(0);
    let rows = client
        .query(
            "SELECT invitation::text, store::text, seminar_date, seminar_days, other_invitation::text,
                    other_title, other_date, other_days, other_laptop
               FROM hq.clashes_since($1::text::xid8, $2::text[]::uuid[])",
            &[&since, &again],
        )
        .await
        .map_err(|e| failure(e, place))?;
    let candidates: Vec<Candidate> = rows
        .iter()
        .map(|r| Candidate {
            invitation: r.get(0),
            store: r.get(1),
            seminar_date: r.get(2),
            seminar_days: r.get(3),
            other_invitation: r.get(4),
            other_title: r.get(5),
            other_date: r.get(6),
            other_days: r.get(7),
            other_laptop: r.get(8),
        })
        .collect();
    let asked = match since {
        None => Asked::All,
        Some(_) => Asked::Since(&again),
    };
    Ok(clash::record_checked(
        &mut app.db.conn(),
        &candidates,
        asked,
        &horizon,
        &app.now_str(),
    )?)
}

/// Head office's current version of a row, when this laptop may read it.
pub async fn row_of(client: &Client, tbl: &str, gid: &str) -> Option<Value> {
    let row = client
        .query_opt(
            "SELECT data::text FROM hq.rows WHERE tbl = $1 AND gid = $2::text::uuid AND NOT deleted",
            &[&tbl, &gid],
        )
        .await
        .ok()??;
    serde_json::from_str(row.get::<_, &str>(0)).ok()
}
