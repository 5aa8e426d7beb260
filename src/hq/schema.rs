//! `hq init`: prepares an empty PostgreSQL database for the organisation, or brings an older one up
//! to this version. Idempotent; refuses a database that holds tables that are not ours, and one set
//! up by a newer Huixiao. Each version is a file in `pg/`, applied in one transaction.

use serde::Serialize;
use tokio_postgres::{Client, GenericClient};

use super::connect::failure;
use crate::api::Failure;

/// The schema versions this build knows, in order. A released one is never edited.
const VERSIONS: &[(i32, &str)] = &[
    (1, include_str!("../../pg/0001_organisation.sql")),
    (2, include_str!("../../pg/0002_holders.sql")),
    (5, include_str!("../../pg/0005_lists_by_name.sql")),
    (6, include_str!("../../pg/0006_store_merge.sql")),
    (7, include_str!("../../pg/0007_pull_speed.sql")),
    (8, include_str!("../../pg/0008_clashes_since.sql")),
    (10, include_str!("../../pg/0010_staff_review.sql")),
    (11, include_str!("../../pg/0011_snapshot.sql")),
    (12, include_str!("../../pg/0012_store_proposals_since.sql")),
];

/// The version this build of the app speaks.
pub const VERSION: i32 = VERSIONS[VERSIONS.len() - 1].0;

/// Any lock id of our own: two `hq init` at once take turns.
const INIT_LOCK: i64 = 0x6875_6978_6961_6f01;

#[derive(Debug, Serialize)]
pub struct Initialised {
    /// The organisation's id (a UUID); join links carry it.
    pub organisation: String,
    pub schema_version: i32,
    /// False when the database was already prepared (nothing was changed).
    pub created: bool,
}

pub async fn init(client: &mut Client, place: &str) -> Result<Initialised, Failure> {
    let e = |err| failure(err, place);
    let server: i32 = client
        .query_one("SELECT current_setting('server_version_num')::int", &[])
        .await
        .map_err(e)?
        .get(0);
    if server < 150000 {
        return Err(Failure::remote(
            format!(
                "总部数据库需要 PostgreSQL 15 或更新的版本，这台服务器是 {}。",
                server / 10000
            ),
            format!(
                "The organisation database needs PostgreSQL 15 or newer; this server is {}.",
                server / 10000
            ),
        ));
    }
    let tx = client.transaction().await.map_err(e)?;
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&INIT_LOCK])
        .await
        .map_err(e)?;
    let foreign: Vec<String> = tx
        .query(
            "SELECT n.nspname || '.' || c.relname FROM pg_class c
               JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
                AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'hq', 'org')
                AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'
              ORDER BY 1 LIMIT 6",
            &[],
        )
        .await
        .map_err(e)?
        .iter()
        .map(|r| r.get(0))
        .collect();
    if !foreign.is_empty() {
        let names = foreign.join(", ");
        return Err(Failure::remote(
            format!("这个数据库里已有不属于会销助手的表（{names}），不能用作总部数据库。请新建一个空数据库。"),
            format!("This database already holds tables that are not Huixiao's ({names}); it cannot be the organisation database. Create an empty database."),
        ));
    }
    let current = version(&tx).await.map_err(e)?;
    if let Some(v) = current {
        if v > VERSION {
            return Err(newer(v));
        }
    } else if schema_exists(&tx, "hq").await.map_err(e)? {
        return Err(Failure::remote(
            "这个数据库里有名为 hq 的模式，但不是会销助手建的。请新建一个空数据库。",
            "This database has a schema named hq that Huixiao did not create. Create an empty database.",
        ));
    }
    let from = current.unwrap_or(0);
    for (v, sql) in VERSIONS.iter().filter(|(v, _)| *v > from) {
        tx.batch_execute(sql).await.map_err(|err| {
            tracing::error!("applying organisation schema {v}: {err}");
            e(err)
        })?;
    }
    // Who owns each replicated table's rows comes from the app's one list, never from a laptop.
    for table in crate::replica::tables::TABLES {
        tx.execute(
            "INSERT INTO hq.tables (tbl, kind) VALUES ($1, $2)
             ON CONFLICT (tbl) DO UPDATE SET kind = EXCLUDED.kind",
            &[&table.name, &table.owner.as_str()],
        )
        .await
        .map_err(e)?;
    }
    keys_of_lists(&tx).await.map_err(e)?;
    let organisation: String = tx
        .query_one("SELECT id::text FROM hq.organisation", &[])
        .await
        .map_err(e)?
        .get(0);
    tx.commit().await.map_err(e)?;
    Ok(Initialised {
        organisation,
        schema_version: VERSION,
        created: from < VERSION,
    })
}

/// Head office's rows of its own lists (staff, products, price tiers, templates) that have no
/// matching key yet — written before version 5, when they were not matched — get the one the
/// laptops' rule gives them ([`crate::replica::outbox::list_key`]), unless another row holds it.
/// Nothing to do the second time.
async fn keys_of_lists(tx: &tokio_postgres::Transaction<'_>) -> Result<(), tokio_postgres::Error> {
    // By table (the primary key's first column), never a scan of every store and invitation.
    use crate::replica::tables::{Owner, TABLES};
    let lists: Vec<&str> = TABLES
        .iter()
        .filter(|t| matches!(t.owner, Owner::HeadOffice | Owner::SeminarOrHeadOffice))
        .map(|t| t.name)
        .collect();
    let rows = tx
        .query(
            "SELECT r.tbl, r.gid::text, r.data::text FROM hq.rows r
              WHERE r.tbl = ANY ($1) AND r.kind = 'head_office' AND r.match_key IS NULL
                AND NOT r.deleted
              ORDER BY r.tbl, r.gid",
            &[&lists],
        )
        .await?;
    for row in rows {
        let (tbl, gid, data): (String, String, String) = (row.get(0), row.get(1), row.get(2));
        let change = serde_json::json!({
            "tbl": tbl,
            "row": serde_json::from_str::<serde_json::Value>(&data).unwrap_or_default(),
        });
        let Some(listed) = crate::replica::outbox::list_key(&change) else {
            continue;
        };
        tx.execute(
            "UPDATE hq.rows r SET match_key = k.key
               FROM (SELECT hq.match_of($1, true, $3, $4, data) AS key FROM hq.rows
                      WHERE tbl = $1 AND gid = $2::text::uuid) k
              WHERE r.tbl = $1 AND r.gid = $2::text::uuid
                AND NOT EXISTS (SELECT 1 FROM hq.rows o WHERE o.tbl = $1 AND o.match_key = k.key
                                   AND NOT o.deleted)",
            &[&tbl, &gid, &listed.key, &listed.tag],
        )
        .await?;
    }
    Ok(())
}

/// The prepared schema's version, or none when the database is not (yet) an organisation's.
pub async fn version(c: &impl GenericClient) -> Result<Option<i32>, tokio_postgres::Error> {
    let table: Option<String> = c
        .query_one("SELECT to_regclass('hq.schema_version')::text", &[])
        .await?
        .get(0);
    if table.is_none() {
        return Ok(None);
    }
    c.query_one("SELECT max(version) FROM hq.schema_version", &[])
        .await
        .map(|r| r.get(0))
}

/// Refuses unless the database is an organisation's at this app's version.
pub async fn ensure_current(c: &impl GenericClient, place: &str) -> Result<(), Failure> {
    match version(c).await.map_err(|e| failure(e, place))? {
        None => Err(Failure::remote(
            format!("{place} 还不是总部数据库：请先运行 huixiao hq init。"),
            format!("{place} is not an organisation database yet: run huixiao hq init first."),
        )),
        Some(v) if v > VERSION => Err(newer(v)),
        Some(v) if v < VERSION => Err(Failure::remote(
            format!("总部数据库的版本（{v}）比这个应用旧：请在总部运行 huixiao hq init 升级它。"),
            format!("The organisation database (version {v}) is older than this app: run huixiao hq init at head office to upgrade it."),
        )),
        Some(_) => Ok(()),
    }
}

fn newer(v: i32) -> Failure {
    Failure::remote(
        format!("总部数据库由更新版本的会销助手建立（版本 {v}，本应用只认识到 {VERSION}）。请先升级本应用。"),
        format!("The organisation database was set up by a newer Huixiao (version {v}; this app knows up to {VERSION}). Update this app first."),
    )
}

async fn schema_exists(c: &impl GenericClient, name: &str) -> Result<bool, tokio_postgres::Error> {
    c.query_one(
        "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)",
        &[&name],
    )
    .await
    .map(|r| r.get(0))
}
