//! `huixiao hq handover`: head office gives a seminar to another laptop (a replacement for a lost
//! or broken one). The seminar and everything under it are the new laptop's from then on: it
//! receives them at its next sync, and the old laptop's changes to them are refused.

use serde::Serialize;
use tokio_postgres::Client;

use super::connect::failure;
use super::schema;
use crate::api::Failure;

#[derive(Debug, Serialize)]
pub struct HandedOver {
    pub seminar: String,
    pub title: Option<String>,
    pub from: Option<String>,
    pub to: String,
    /// Rows of the seminar the new laptop receives.
    pub rows: i64,
}

/// A seminar as head office holds it, with the laptop that owns it.
#[derive(Debug, Serialize)]
pub struct HeldSeminar {
    pub gid: String,
    pub title: Option<String>,
    pub date: Option<String>,
    pub city: Option<String>,
    pub laptop: Option<String>,
}

/// Every seminar head office holds, newest first (to find the one to hand over).
pub async fn seminars(client: &Client, place: &str) -> Result<Vec<HeldSeminar>, Failure> {
    schema::ensure_current(client, place).await?;
    let rows = client
        .query(
            "SELECT r.gid::text, r.data->>'title', r.data->>'date', r.data->>'city', l.name
               FROM hq.rows r JOIN hq.seminars s ON s.gid = r.gid LEFT JOIN hq.laptops l ON l.id = s.owner
              WHERE r.tbl = 'seminars' AND NOT r.deleted
              ORDER BY r.data->>'date' DESC, r.gid",
            &[],
        )
        .await
        .map_err(|e| failure(e, place))?;
    Ok(rows
        .iter()
        .map(|r| HeldSeminar {
            gid: r.get(0),
            title: r.get(1),
            date: r.get(2),
            city: r.get(3),
            laptop: r.get(4),
        })
        .collect())
}

/// Hands a seminar to the laptop named `to`, in one transaction: the owner changes and the
/// seminar's rows go into the log again, so the new laptop pulls them at its next sync.
pub async fn handover(
    client: &mut Client,
    place: &str,
    seminar: &str,
    to: &str,
) -> Result<HandedOver, Failure> {
    let e = |err| failure(err, place);
    let tx = client.transaction().await.map_err(e)?;
    schema::ensure_current(&tx, place).await?;
    let target = tx
        .query_opt(
            "SELECT id FROM hq.laptops WHERE name = $1 AND revoked_at IS NULL",
            &[&to],
        )
        .await
        .map_err(e)?
        .map(|r| r.get::<_, i32>(0))
        .ok_or_else(|| {
            Failure::remote(
                format!("没有名为“{to}”的电脑（或它已被撤销）。请先用 huixiao hq laptop add 登记它。"),
                format!("There is no laptop named \"{to}\" (or it was revoked). Register it first with huixiao hq laptop add."),
            )
        })?;
    let held = tx
        .query_opt(
            "SELECT r.data->>'title', l.name FROM hq.seminars s
               LEFT JOIN hq.rows r ON r.tbl = 'seminars' AND r.gid = s.gid
               LEFT JOIN hq.laptops l ON l.id = s.owner
              WHERE s.gid::text = $1
              FOR UPDATE OF s",
            &[&seminar],
        )
        .await
        .map_err(e)?
        .ok_or_else(|| {
            Failure::remote(
                format!("总部没有编号为 {seminar} 的会销。请用 huixiao hq seminars 查看编号。"),
                format!(
                    "Head office holds no seminar {seminar}. List them with huixiao hq seminars."
                ),
            )
        })?;
    let (title, from): (Option<String>, Option<String>) = (held.get(0), held.get(1));
    tx.execute(
        "UPDATE hq.seminars SET owner = $2 WHERE gid::text = $1",
        &[&seminar, &target],
    )
    .await
    .map_err(e)?;
    tx.execute(
        "UPDATE hq.rows SET owner = $2 WHERE kind = 'seminar' AND seminar::text = $1",
        &[&seminar, &target],
    )
    .await
    .map_err(e)?;
    let rows = tx
        .execute(
            "INSERT INTO hq.changes (laptop, tbl, gid, hlc, data, deleted, kind, owner, seminar, city)
             SELECT NULL, r.tbl, r.gid, 0, r.data, r.deleted, r.kind, r.owner, r.seminar, r.city
               FROM hq.rows r
              WHERE r.seminar::text = $1 OR (r.tbl = 'seminars' AND r.gid::text = $1)
              ORDER BY (r.tbl <> 'seminars'), r.gid",
            &[&seminar],
        )
        .await
        .map_err(e)?;
    tx.commit().await.map_err(e)?;
    Ok(HandedOver {
        seminar: seminar.to_string(),
        title,
        from,
        to: to.to_string(),
        rows: rows as i64,
    })
}
