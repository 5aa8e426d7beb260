//! The indexes a first pull puts off. A first pull's picture fills each table in gid order; into a
//! table that was empty here, every row would land in a random place of each of its other indexes
//! (by store, by seminar, by phone…), and each page's commit would write those pages again. So
//! those indexes are dropped as the table begins and built once it is read: sorted, in one go.
//! Unique indexes stay (they are rules, and the gid's finds the rows). What was put off is written
//! down in the same transaction as the drop, so a pull stopped part-way builds it later.

use rusqlite::{params, Connection};

use crate::error::Result;

/// Puts off `table`'s non-unique indexes when the table is empty here, inside the caller's
/// transaction.
pub(super) fn put_off(tx: &Connection, table: &str) -> Result<()> {
    let empty: bool = tx.query_row(
        &format!("SELECT NOT EXISTS (SELECT 1 FROM \"{table}\")"),
        [],
        |r| r.get(0),
    )?;
    if !empty {
        return Ok(());
    }
    let indexes: Vec<(String, String)> = tx
        .prepare(
            "SELECT name, sql FROM sqlite_master
              WHERE type = 'index' AND tbl_name = ?1 AND sql IS NOT NULL
                AND sql NOT LIKE 'CREATE UNIQUE %'",
        )?
        .query_map([table], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (name, sql) in indexes {
        tx.execute(
            "INSERT INTO sync_put_off_indexes (name, tbl, sql) VALUES (?1, ?2, ?3)",
            params![name, table, sql],
        )?;
        tx.execute_batch(&format!("DROP INDEX \"{name}\""))?;
    }
    Ok(())
}

/// Builds every index put off, inside the caller's transaction.
pub(super) fn build_put_off(tx: &Connection) -> Result<()> {
    let put_off: Vec<(String, String)> = tx
        .prepare("SELECT name, sql FROM sync_put_off_indexes ORDER BY name")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<_>>()?;
    for (name, sql) in put_off {
        let exists: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?1)",
            [&name],
            |r| r.get(0),
        )?;
        if !exists {
            tx.execute_batch(&sql)?;
        }
        tx.execute("DELETE FROM sync_put_off_indexes WHERE name = ?1", [&name])?;
    }
    Ok(())
}
