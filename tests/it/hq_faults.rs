//! Faults while syncing (issue #14): `huixiao sync` killed with SIGKILL at many points of a push
//! and of a pull loses nothing and applies nothing twice — the next sync finishes the job.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use huixiao::hq::{self, link::Link};
use huixiao::App;
use rusqlite::params;

use crate::hq_sync::org;
use crate::pg::cluster;

const STORES: usize = 2500;

/// A laptop holding `STORES` stores with a contact each, joined (its join link kept) but not synced.
fn joined_laptop(dir: &Path, join_url: &str, stores: usize) -> std::path::PathBuf {
    let path = dir.join("huixiao.db");
    let app = App::open(&path).unwrap();
    {
        let mut conn = app.db.conn();
        let tx = conn.transaction().unwrap();
        for i in 0..stores {
            tx.execute(
                "INSERT INTO stores (name, city, level, created_at) VALUES (?1, '长沙', 'B', '2026-11-01T00:00:00Z')",
                [format!("门店{i}")],
            )
            .unwrap();
            tx.execute(
                "INSERT INTO contacts (store_id, name, role, phone, phone_kind, created_at)
                 VALUES (?1, ?2, 'owner', ?3, 'mobile', '2026-11-01T00:00:00Z')",
                params![
                    tx.last_insert_rowid(),
                    format!("老板{i}"),
                    format!("139{i:08}")
                ],
            )
            .unwrap();
        }
        tx.commit().unwrap();
    }
    let link = Link::parse(join_url).unwrap();
    hq::block_on(hq::sync::join(&app, &link)).unwrap();
    hq::link::save(&path, join_url).unwrap();
    path
}

/// Runs `huixiao sync` on `db` and kills it with SIGKILL after `ms` milliseconds (if still running).
fn sync_killed_after(db: &Path, ms: u64) -> bool {
    let mut child = Command::new(env!("CARGO_BIN_EXE_huixiao"))
        .args(["sync", "--db", db.to_str().unwrap()])
        .env("HUIXIAO_DATA_DIR", db.parent().unwrap())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(ms));
    let killed = child.try_wait().unwrap().is_none();
    let _ = child.kill();
    let _ = child.wait();
    killed
}

fn count(db: &Path, sql: &str) -> i64 {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(sql, [], |r| r.get(0))
        .unwrap()
}

#[test]
fn a_sync_killed_anywhere_loses_nothing_and_applies_nothing_twice() {
    let o = org();
    let dir = tempfile::tempdir().unwrap();
    let changsha = joined_laptop(dir.path(), &o.changsha, STORES);
    let sent = count(&changsha, "SELECT count(*) FROM sync_outbox");
    assert_eq!(sent, 2 * STORES as i64);

    // Killed at growing delays: before connecting, mid-batch, between batches.
    let mut killed = 0;
    for ms in [5, 40, 80, 120, 160, 200, 260, 320, 400, 500, 650, 800] {
        if sync_killed_after(&changsha, ms) {
            killed += 1;
        }
    }
    assert!(
        killed >= 3,
        "the sync was killed mid-way at least a few times ({killed})"
    );
    let out = crate::hq::huixiao(&["sync", "--db", changsha.to_str().unwrap(), "--json"]);
    let done = crate::hq::json_of(&out);
    assert_eq!(done["pending"], 0);
    assert_eq!(count(&changsha, "SELECT count(*) FROM sync_outbox"), 0);
    // Every change applied once: one entry in head office's log per change sent.
    assert_eq!(
        cluster().psql(&o.db, "SELECT count(*) FROM hq.changes"),
        sent.to_string()
    );
    assert_eq!(
        cluster().psql(&o.db, "SELECT count(*) FROM hq.rows WHERE tbl = 'stores'"),
        STORES.to_string()
    );

    // Head office pulls it all, killed mid-pull many times: every row once, nothing missing.
    let hq_dir = tempfile::tempdir().unwrap();
    let head = joined_laptop(hq_dir.path(), &o.hq, 0);
    let mut killed = 0;
    for ms in [30, 90, 150, 220, 300, 400, 520, 700] {
        if sync_killed_after(&head, ms) {
            killed += 1;
        }
    }
    let done = crate::hq::json_of(&crate::hq::huixiao(&[
        "sync",
        "--db",
        head.to_str().unwrap(),
        "--json",
    ]));
    assert_eq!(done["pending"], 0, "{done}");
    assert_eq!(count(&head, "SELECT count(*) FROM stores"), STORES as i64);
    assert_eq!(
        count(&head, "SELECT count(DISTINCT phone) FROM contacts"),
        STORES as i64
    );
    assert_eq!(
        count(&head, "SELECT count(*) FROM sync_outbox"),
        0,
        "pulled rows are not sent back"
    );
    eprintln!("killed mid-pull {killed} times");
}

/// Every live store as `gid=name`, in gid order: on a laptop, and at head office.
fn stores_here(db: &Path) -> String {
    rusqlite::Connection::open(db)
        .unwrap()
        .query_row(
            "SELECT group_concat(gid || '=' || name, ',') FROM (SELECT gid, name FROM stores ORDER BY gid)",
            [],
            |r| r.get(0),
        )
        .unwrap()
}

fn stores_at_head_office(o: &crate::hq_sync::Org) -> String {
    cluster().psql(
        &o.db,
        "SELECT string_agg(gid::text || '=' || (data ->> 'name'), ',' ORDER BY gid::text)
           FROM hq.rows WHERE tbl = 'stores' AND NOT deleted",
    )
}

#[test]
fn a_first_pull_stopped_part_way_goes_on_and_brings_what_changed_meanwhile() {
    let o = org();
    let dir = tempfile::tempdir().unwrap();
    let changsha = joined_laptop(dir.path(), &o.changsha, STORES);
    crate::hq::huixiao(&["sync", "--db", changsha.to_str().unwrap()]);

    // Head office's new laptop, with a seminar live (pages of 1,000 rows), is stopped part-way
    // through the stores of its first pull.
    let hq_dir = tempfile::tempdir().unwrap();
    let head = joined_laptop(hq_dir.path(), &o.hq, 0);
    rusqlite::Connection::open(&head)
        .unwrap()
        .execute(
            "INSERT INTO seminars (title, date, start_time, capacity, status, created_at)
             VALUES ('今天的会', '2026-11-30', '09:00', 100, 'live', '2026-11-30T00:00:00Z')",
            [],
        )
        .unwrap();
    let part_way = |db: &Path| {
        let c = rusqlite::Connection::open(db).unwrap();
        let tbl: Option<String> = c
            .query_row("SELECT picture_tbl FROM sync_state", [], |r| r.get(0))
            .unwrap();
        tbl.as_deref() == Some("stores") && count(db, "SELECT count(*) FROM stores") < STORES as i64
    };
    let stopped = (1..60).any(|i| sync_killed_after(&head, 20 * i) && part_way(&head));
    assert!(stopped, "the first pull was never stopped among the stores");
    let held = count(&head, "SELECT count(*) FROM stores");
    assert!(held > 0 && held < STORES as i64, "{held} stores held");

    // Meanwhile 长沙 renames a store head office's laptop holds and one it does not hold yet,
    // and adds one.
    let (got, not_yet): (String, String) = {
        let h = rusqlite::Connection::open(&head).unwrap();
        let last: String = h
            .query_row("SELECT max(gid) FROM stores", [], |r| r.get(0))
            .unwrap();
        let c = rusqlite::Connection::open(&changsha).unwrap();
        let pick = |sql: &str| -> String { c.query_row(sql, [&last], |r| r.get(0)).unwrap() };
        (
            pick("SELECT gid FROM stores WHERE gid <= ?1 ORDER BY gid LIMIT 1"),
            pick("SELECT gid FROM stores WHERE gid > ?1 ORDER BY gid DESC LIMIT 1"),
        )
    };
    let app = App::open(&changsha).unwrap();
    app.db
        .write(|tx| {
            tx.execute("UPDATE stores SET name = '改名甲' WHERE gid = ?1", [&got])?;
            tx.execute("UPDATE stores SET name = '改名乙' WHERE gid = ?1", [&not_yet])?;
            tx.execute(
                "INSERT INTO stores (name, city, level, created_at) VALUES ('新开的店', '长沙', 'A', '2026-11-30T00:00:00Z')",
                [],
            )?;
            Ok(())
        })
        .unwrap();
    drop(app);
    crate::hq::huixiao(&["sync", "--db", changsha.to_str().unwrap()]);

    // The next sync goes on from where it stopped and ends with head office's stores, each once.
    let done = crate::hq::json_of(&crate::hq::huixiao(&[
        "sync",
        "--db",
        head.to_str().unwrap(),
        "--json",
    ]));
    assert_eq!(done["conflicts"], 0, "{done}");
    let here = stores_here(&head);
    let there = stores_at_head_office(&o);
    let (mine, theirs): (std::collections::BTreeSet<_>, std::collections::BTreeSet<_>) =
        (here.split(',').collect(), there.split(',').collect());
    assert!(
        mine == theirs,
        "head office's laptop holds {:?} that head office does not, and lacks {:?}",
        mine.difference(&theirs).collect::<Vec<_>>(),
        theirs.difference(&mine).collect::<Vec<_>>()
    );
    assert!(here.contains(&format!("{got}=改名甲")), "{here}");
    assert!(here.contains(&format!("{not_yet}=改名乙")), "{here}");
    assert!(here.contains("=新开的店"), "{here}");
    assert_eq!(
        count(&head, "SELECT count(*) FROM stores"),
        STORES as i64 + 1
    );
    assert_eq!(
        count(
            &head,
            "SELECT count(*) FROM sync_state WHERE picture_xid IS NULL AND pulled_xid <> '0'"
        ),
        1,
        "the first pull ended in head office's log"
    );
}

/// A TCP proxy in front of PostgreSQL that holds every chunk `delay` before passing it on: a slow
/// network. Answers the port to connect to.
fn slow_proxy(to: u16, delay: Duration) -> u16 {
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let Ok(server) = TcpStream::connect(("127.0.0.1", to)) else {
                continue;
            };
            for (mut from, mut into) in [
                (client.try_clone().unwrap(), server.try_clone().unwrap()),
                (server, client),
            ] {
                std::thread::spawn(move || {
                    let mut buf = [0u8; 16384];
                    while let Ok(n) = from.read(&mut buf) {
                        if n == 0 {
                            break;
                        }
                        std::thread::sleep(delay);
                        if into.write_all(&buf[..n]).is_err() {
                            break;
                        }
                    }
                    let _ = into.shutdown(std::net::Shutdown::Both);
                });
            }
        }
    });
    port
}

#[test]
fn the_door_never_waits_on_a_sync_over_a_slow_network() {
    let o = org();
    let dir = tempfile::tempdir().unwrap();
    let path = joined_laptop(dir.path(), &o.changsha, 600);
    // The same laptop, reaching head office through a network that holds each packet 400 ms.
    let proxy = slow_proxy(cluster().port, Duration::from_millis(400));
    let slow = o
        .changsha
        .replace(&format!(":{}/", cluster().port), &format!(":{proxy}/"));
    let app = App::open(&path).unwrap();
    let link = Link::parse(&slow).unwrap();
    let syncing = {
        let app = app.clone();
        std::thread::spawn(move || hq::block_on(hq::sync::sync(&app, &link)))
    };
    // Meanwhile the door writes, as check-ins do: each write takes the database in turn.
    std::thread::sleep(Duration::from_millis(300));
    let mut slowest = Duration::ZERO;
    let mut writes = 0;
    while !syncing.is_finished() && writes < 100 {
        let t = std::time::Instant::now();
        app.db
            .write(|tx| {
                tx.execute(
                    "INSERT INTO stores (name, city, level, created_at) VALUES (?1, '长沙', 'B', '2026-11-30T00:00:00Z')",
                    [format!("门口{writes}")],
                )?;
                Ok(())
            })
            .unwrap();
        slowest = slowest.max(t.elapsed());
        writes += 1;
        std::thread::sleep(Duration::from_millis(20));
    }
    let report = syncing.join().unwrap().unwrap();
    assert!(report.pushed >= 1200, "{report:?}");
    assert!(
        writes >= 20,
        "the sync ran long enough to overlap the writes ({writes})"
    );
    // A round trip to head office takes ≥ 800 ms here; a write never waited for one (it waits
    // at most for the sync's own short local steps: stamping a batch, applying a page).
    assert!(
        slowest < Duration::from_millis(600),
        "the slowest write waited {slowest:?} while the sync talked to head office"
    );
    eprintln!("{writes} writes during the sync, the slowest {slowest:?}");
}

#[test]
fn during_a_live_seminar_the_door_gets_in_between_the_pages_of_a_pull() {
    let o = org();
    let dir = tempfile::tempdir().unwrap();
    let changsha = joined_laptop(dir.path(), &o.changsha, STORES);
    let done = crate::hq::json_of(&crate::hq::huixiao(&[
        "sync",
        "--db",
        changsha.to_str().unwrap(),
        "--json",
    ]));
    assert_eq!(done["pending"], 0, "{done}");
    // A laptop with a seminar live pulls those 5,000 changes over loopback, in pages of 1,000:
    // the next page is read while one is applied, so a page is nearly always waiting.
    let hq_dir = tempfile::tempdir().unwrap();
    let head = joined_laptop(hq_dir.path(), &o.hq, 0);
    let app = App::open(&head).unwrap();
    app.db
        .write(|tx| {
            tx.execute(
                "INSERT INTO seminars (title, date, start_time, capacity, status, created_at)
                 VALUES ('今天的会', '2026-11-30', '09:00', 100, 'live', '2026-11-30T00:00:00Z')",
                [],
            )?;
            Ok(())
        })
        .unwrap();
    let link = Link::parse(&o.hq).unwrap();
    let started = std::time::Instant::now();
    let syncing = {
        let app = app.clone();
        std::thread::spawn(move || hq::block_on(hq::sync::sync(&app, &link)))
    };
    // Meanwhile the door writes, as check-ins do.
    let mut slowest = Duration::ZERO;
    let mut writes = 0;
    while !syncing.is_finished() {
        let t = std::time::Instant::now();
        app.db
            .write(|tx| {
                tx.execute(
                    "INSERT INTO stores (name, city, level, created_at) VALUES (?1, '长沙', 'B', '2026-11-30T00:00:00Z')",
                    [format!("门口{writes}")],
                )?;
                Ok(())
            })
            .unwrap();
        slowest = slowest.max(t.elapsed());
        writes += 1;
        std::thread::sleep(Duration::from_millis(2));
    }
    let report = syncing.join().unwrap().unwrap();
    let took = started.elapsed();
    eprintln!(
        "{writes} writes during a pull of {} changes in {took:?}, the slowest {slowest:?}",
        report.pulled
    );
    assert!(report.pulled >= 2 * STORES as i64, "{report:?}");
    assert_eq!(
        count(&head, "SELECT count(*) FROM stores WHERE name LIKE '门店%'"),
        STORES as i64
    );
    // Five pages: a write waits for about one of them at most, never for the whole pull.
    assert!(
        writes >= 5 && slowest * 2 < took,
        "{writes} writes, the slowest waited {slowest:?} of a pull of {took:?}"
    );
}

#[test]
fn postgresql_crashing_mid_push_loses_nothing_and_applies_nothing_twice() {
    use crate::pg::Cluster;
    let pg = Cluster::private();
    let admin = pg.database();
    let db = Cluster::db_name(&admin);
    crate::hq::json_of(&crate::hq::huixiao(&[
        "hq", "init", "--pg", &admin, "--json",
    ]));
    let join = crate::hq::json_of(&crate::hq::huixiao(&[
        "hq", "laptop", "add", "--pg", &admin, "--name", "长沙", "--cities", "长沙", "--json",
    ]))["join_url"]
        .as_str()
        .unwrap()
        .to_string();
    let dir = tempfile::tempdir().unwrap();
    let changsha = joined_laptop(dir.path(), &join, STORES);
    let sent = count(&changsha, "SELECT count(*) FROM sync_outbox");

    // The sync pushes; PostgreSQL crashes once part of it is in.
    let child = Command::new(env!("CARGO_BIN_EXE_huixiao"))
        .args(["sync", "--db", changsha.to_str().unwrap(), "--lang", "en"])
        .env("HUIXIAO_DATA_DIR", dir.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while pg.psql(&db, "SELECT count(*) FROM hq.changes") == "0"
        && std::time::Instant::now() < deadline
    {
        std::thread::sleep(Duration::from_millis(10));
    }
    pg.crash();
    let out = child.wait_with_output().unwrap();
    let midway = count(&changsha, "SELECT count(*) FROM sync_outbox");
    pg.launch();
    assert!(!out.status.success(), "the crash came mid-push");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("organisation database"),
        "said in words: {err}"
    );
    assert!(
        midway > 0 && midway < sent,
        "part sent, the rest kept ({midway} of {sent})"
    );
    let done = crate::hq::json_of(&crate::hq::huixiao(&[
        "sync",
        "--db",
        changsha.to_str().unwrap(),
        "--json",
    ]));
    assert_eq!(done["pending"], 0);
    assert_eq!(
        pg.psql(&db, "SELECT count(*) FROM hq.changes"),
        sent.to_string(),
        "each change once"
    );
    assert_eq!(
        pg.psql(&db, "SELECT count(*) FROM hq.rows WHERE tbl = 'contacts'"),
        STORES.to_string()
    );
}

/// A TCP proxy in front of PostgreSQL that cuts one connection — the first to send more than
/// `after` bytes towards the server — there and then; every other connection passes. Answers the
/// port to connect to.
fn cutting_proxy(to: u16, after: usize) -> u16 {
    use std::io::{Read, Write};
    use std::net::{TcpListener, TcpStream};
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let cut = Arc::new(AtomicBool::new(false));
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let Ok(server) = TcpStream::connect(("127.0.0.1", to)) else {
                continue;
            };
            let ends = (client.try_clone().unwrap(), server.try_clone().unwrap());
            for (towards_server, mut from, mut into) in [
                (
                    true,
                    client.try_clone().unwrap(),
                    server.try_clone().unwrap(),
                ),
                (false, server, client),
            ] {
                let cut = cut.clone();
                let ends = (ends.0.try_clone().unwrap(), ends.1.try_clone().unwrap());
                std::thread::spawn(move || {
                    let mut buf = [0u8; 16384];
                    let mut sent = 0;
                    while let Ok(n) = from.read(&mut buf) {
                        if n == 0 {
                            break;
                        }
                        if towards_server && sent + n > after && !cut.swap(true, Ordering::SeqCst) {
                            // The cable is pulled: part of this chunk goes, then nothing.
                            let _ = into.write_all(&buf[..after - sent]);
                            let _ = ends.0.shutdown(std::net::Shutdown::Both);
                            let _ = ends.1.shutdown(std::net::Shutdown::Both);
                            return;
                        }
                        sent += n;
                        if into.write_all(&buf[..n]).is_err() {
                            break;
                        }
                    }
                    let _ = into.shutdown(std::net::Shutdown::Both);
                });
            }
        }
    });
    port
}

#[test]
fn a_network_cut_mid_push_is_said_in_words_and_the_next_sync_applies_each_change_once() {
    let o = org();
    let dir = tempfile::tempdir().unwrap();
    // 长沙 reaches head office through a line that is cut once 400 KB have gone out.
    let proxy = cutting_proxy(cluster().port, 400_000);
    let through = o
        .changsha
        .replace(&format!(":{}/", cluster().port), &format!(":{proxy}/"));
    let changsha = joined_laptop(dir.path(), &through, STORES);
    let sent = count(&changsha, "SELECT count(*) FROM sync_outbox");

    let out = Command::new(env!("CARGO_BIN_EXE_huixiao"))
        .args(["sync", "--db", changsha.to_str().unwrap(), "--lang", "en"])
        .env("HUIXIAO_DATA_DIR", dir.path())
        .output()
        .unwrap();
    assert!(!out.status.success(), "the cut came mid-push");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("Cannot reach the organisation database") && err.contains("sync again later"),
        "said in words: {err}"
    );
    let midway = count(&changsha, "SELECT count(*) FROM sync_outbox");
    assert!(
        midway > 0 && midway < sent,
        "part sent, the rest kept ({midway} of {sent})"
    );
    let status = crate::hq::json_of(&crate::hq::huixiao(&[
        "sync",
        "status",
        "--db",
        changsha.to_str().unwrap(),
        "--json",
    ]));
    assert_eq!(status["pending"], midway, "{status}");

    // The line is back: the next sync finishes, and every change is in once.
    let done = crate::hq::json_of(&crate::hq::huixiao(&[
        "sync",
        "--db",
        changsha.to_str().unwrap(),
        "--json",
    ]));
    assert_eq!(done["pending"], 0);
    assert_eq!(
        cluster().psql(
            &o.db,
            "SELECT count(*) FROM hq.changes c JOIN hq.laptops l ON l.id = c.laptop WHERE l.name = '长沙'"
        ),
        sent.to_string(),
        "each change once"
    );
    assert_eq!(
        cluster().psql(&o.db, "SELECT count(*) FROM hq.rows WHERE tbl = 'stores'"),
        STORES.to_string()
    );
}
