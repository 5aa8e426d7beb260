//! Benchmarks of issue 14 (the organisation at head-office scale), printing medians:
//! - an organisation of five years generated inside PostgreSQL (200 laptops, 20,000 seminars,
//!   2,000,000 stores and their owners, 10,000,000 invitations, 3,000,000 check-ins, 1,000,000
//!   deals) in the shape a laptop's push writes (`tests/bench/hq/generate.sql`), and its size;
//! - a city laptop catching up with it, and a head-office laptop's first full pull (≤ 10 min):
//!   how long, and how large the laptop's database grows;
//! - the dashboard on that head-office laptop: seminars compared with the medians, and a city's
//!   territory (≤ 1 s);
//! - a seminar day (≈ 5,000 changes) pushed by its laptop and pulled by head office (≤ 2 s);
//! - check-in p99 at 2,000 scans/s from 16 stations over HTTPS, with and without a sync running.
//!
//! Run: `cargo bench --bench hq` (release build; PostgreSQL's server from `scripts/setup.sh test`).
//! `HQ_SCALE=1` for the size (default 0.01: 2 laptops, 200 seminars, 20,000 stores).
//! `HQ_DATA=DIR` keeps the cluster and the generated organisation in DIR and reuses them on the
//! next run of the same scale (each run adds its seminar days and check-ins to it).
//! `HQ_ONLY=pull` runs only head office's first full pull (the organisation stays as generated);
//! `HQ_ONLY` names any of `catchup,pull,dashboard,days,door`, comma-separated (the dashboard
//! needs the pull; without it the days are pulled by a head-office laptop kept from an earlier run).
//! `HQ_FIRST_PULL=picture,log` pulls head office's laptop each way in turn (`picture`, the
//! default: the rows as they stand, then the log; `log`: the whole log, as before schema 11).
//! `HQ_DAYS_ONLY=1` measures the seminar days alone: no full pull, dashboard or door; head
//! office's laptop of an earlier run kept in HQ_DATA catches up and pulls the days, and without
//! one the days are not pulled by head office.
//! `HQ_PAIRS=N`: the first N guests of each seminar day's crowd get the mobile of a generated
//! 长沙 store's owner, so each day adds N store-merge pairs for the seminar laptop to list (0 by
//! default). After each day's sync the store-merge question is asked by hand as that laptop, the
//! old one (`hq.store_proposals()`, every pair at every sync) beside the new one
//! (`hq.store_proposals_since`, from the position before that sync), and both answers recorded.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use huixiao::caller::Caller;
use huixiao::checkin::{self, ScanInput, Via};
use huixiao::conversion::{self, CompareFilter, TerritoryQuery};
use huixiao::hq::{self, laptop::NewLaptop, link::Link};
use huixiao::i18n::Lang;
use huixiao::App;
use rusqlite::params;
use serde_json::{json, Value};
use tokio_postgres::Client;

#[path = "../tests/it/door_load.rs"]
mod door_load;
#[allow(dead_code)]
#[path = "../tests/it/pg.rs"]
mod pg;

const GENERATE: &str = include_str!("../tests/bench/hq/generate.sql");

/// Cities of the generated organisation (laptop n in city n % C); 长沙 is the seminar-day laptop's.
const CITIES: [&str; 50] = [
    "长沙",
    "武汉",
    "南昌",
    "合肥",
    "郑州",
    "成都",
    "重庆",
    "西安",
    "昆明",
    "贵阳",
    "南宁",
    "广州",
    "深圳",
    "福州",
    "厦门",
    "杭州",
    "宁波",
    "南京",
    "苏州",
    "无锡",
    "济南",
    "青岛",
    "石家庄",
    "太原",
    "天津",
    "北京",
    "沈阳",
    "大连",
    "长春",
    "哈尔滨",
    "呼和浩特",
    "兰州",
    "银川",
    "西宁",
    "乌鲁木齐",
    "拉萨",
    "海口",
    "三亚",
    "珠海",
    "佛山",
    "东莞",
    "温州",
    "绍兴",
    "徐州",
    "洛阳",
    "襄阳",
    "岳阳",
    "株洲",
    "衡阳",
    "常德",
];

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    ms(sorted[i])
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// CPU seconds used so far by this process (the laptop: the app and its sync) and by the cluster
/// (its live processes, and the backends that already ended, which the postmaster reaped): on a
/// shared machine the wall-clock time is mostly the load, the CPU time is the work.
#[derive(Clone, Copy)]
struct Cpu {
    laptop: f64,
    pg: f64,
}

fn stat_fields(pid: &str) -> Option<Vec<String>> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let after = stat.rsplit_once(')')?.1;
    Some(after.split_whitespace().map(str::to_owned).collect())
}

fn cpu(pg_dir: &Path) -> Cpu {
    // SAFETY: getrusage writes into the struct it is given.
    let laptop = unsafe {
        let mut u: libc::rusage = std::mem::zeroed();
        libc::getrusage(libc::RUSAGE_SELF, &mut u);
        let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
        secs(u.ru_utime) + secs(u.ru_stime)
    };
    let tick = 100.0; // USER_HZ on Linux
    let postmaster = std::fs::read_to_string(pg_dir.join("data/postmaster.pid"))
        .ok()
        .and_then(|s| s.lines().next().map(str::to_owned))
        .unwrap_or_default();
    let ticks = |f: &[String], from: usize, to: usize| -> f64 {
        f[from..=to]
            .iter()
            .filter_map(|v| v.parse::<f64>().ok())
            .sum()
    };
    // Fields after the command: state 0, ppid 1, … utime 11, stime 12, cutime 13, cstime 14.
    let mut pg = stat_fields(&postmaster).map_or(0.0, |f| ticks(&f, 11, 14));
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let pid = entry.file_name().to_string_lossy().to_string();
        if let Some(f) = stat_fields(&pid) {
            if f.get(1) == Some(&postmaster) {
                pg += ticks(&f, 11, 12);
            }
        }
    }
    Cpu {
        laptop,
        pg: pg / tick,
    }
}

impl Cpu {
    fn since(self, before: Cpu) -> Cpu {
        Cpu {
            laptop: self.laptop - before.laptop,
            pg: self.pg - before.pg,
        }
    }
}

impl std::fmt::Display for Cpu {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
        write!(
            f,
            "CPU: laptop {:.2} s, PostgreSQL {:.2} s; load average {}",
            self.laptop,
            self.pg,
            load.split_whitespace().next().unwrap_or("?")
        )
    }
}

/// The organisation's size at a scale (1 = the issue's).
#[derive(Debug, Clone, Copy)]
struct Shape {
    laptops: i64,
    cities: i64,
    stores: i64,
    seminars: i64,
    per_seminar: i64,
    deals_per_seminar: i64,
}

impl Shape {
    fn at(scale: f64) -> Shape {
        let laptops = ((200.0 * scale).round() as i64).max(2);
        Shape {
            laptops,
            // Four laptops a city, so that a city's laptops hold all its stores.
            cities: (laptops / 4).clamp(1, CITIES.len() as i64),
            stores: ((2_000_000.0 * scale) as i64).max(1_000),
            seminars: ((20_000.0 * scale) as i64).max(10),
            per_seminar: 500,
            deals_per_seminar: 50,
        }
    }
}

/// What a kept organisation remembers between runs.
#[derive(serde::Serialize, serde::Deserialize)]
struct Kept {
    scale: f64,
    hq: String,
    day: String,
}

fn pg_link(url: &str) -> Link {
    Link::parse(url).unwrap()
}

async fn client(url: &str) -> Client {
    hq::connect::connect(&pg_link(url)).await.unwrap()
}

fn scan_input(seminar: i64, code: &str, nonce: Option<String>) -> ScanInput {
    ScanInput {
        seminar_id: seminar,
        code: Some(code.to_owned()),
        ticket_id: None,
        nonce,
        via: Via::Scan,
        companions: 0,
        station_at: None,
    }
}

fn count(app: &App, sql: &str) -> i64 {
    app.db.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

fn file_size(path: &Path) -> u64 {
    ["", "-wal"]
        .iter()
        .filter_map(|s| std::fs::metadata(format!("{}{s}", path.display())).ok())
        .map(|m| m.len())
        .sum()
}

/// The laptops, a seed seminar pushed for real by the seminar-day laptop (the templates of the
/// generated rows), then the organisation generated inside PostgreSQL.
fn generate(pg: &pg::Cluster, dir: &Path, scale: f64) -> Kept {
    let shape = Shape::at(scale);
    println!("generating {shape:?} …");
    pg.psql("postgres", "CREATE DATABASE org");
    let admin = pg.url("org");
    let admin_link = pg_link(&admin);
    let (hq_url, day_url) = hq::block_on(async {
        let mut c = client(&admin).await;
        hq::schema::init(&mut c, "org").await?;
        let mut add = async |name: &str, cities: Vec<String>, is_hq: bool| {
            hq::laptop::add(
                &mut c,
                &admin_link,
                "org",
                NewLaptop {
                    name,
                    cities,
                    is_hq,
                },
            )
            .await
            .map(|a| a.join_url)
        };
        let hq_url = add("总部", vec![], true).await?;
        let day_url = add("长沙会场", vec!["长沙".into()], false).await?;
        for n in 0..shape.laptops {
            let city = CITIES[(n % shape.cities) as usize];
            add(&format!("城市电脑{n:03}"), vec![city.into()], false).await?;
        }
        Ok((hq_url, day_url))
    })
    .unwrap();

    // The seed: a seminar with guests, a check-in and a deal, made by the app and pushed by hq.push.
    let app = App::open(&dir.join("day.db")).unwrap();
    let (seminar, codes) = door_load::door_load(&app, "2021-11-20", 3).unwrap();
    let (staff, product) = app
        .db
        .write(|tx| {
            tx.execute(
                "INSERT INTO staff (name, roles, created_at) VALUES ('邀约员甲', '[\"inviter\"]', '2021-11-01T00:00:00Z')",
                [],
            )?;
            let staff = tx.last_insert_rowid();
            tx.execute(
                "INSERT INTO products (name, created_at) VALUES ('门店增长系统', '2021-11-01T00:00:00Z')",
                [],
            )?;
            Ok((staff, tx.last_insert_rowid()))
        })
        .unwrap();
    app.db
        .write(|tx| {
            tx.execute("UPDATE invitations SET inviter_id = ?1", [staff])?;
            Ok(())
        })
        .unwrap();
    let caller = Caller::organizer(Lang::Zh);
    checkin::scan(&app, &caller, scan_input(seminar, &codes[0], None)).unwrap();
    let store: i64 = count(
        &app,
        "SELECT store_id FROM invitations i JOIN checkins k ON k.invitation_id = i.id",
    );
    let deal = serde_json::from_value(json!({"seminar_id": seminar, "store_id": store,
        "product_id": product, "amount_fen": 1_980_000, "payment": "full"}))
    .unwrap();
    huixiao::deal::create(&app, &caller, deal).unwrap();
    let link = pg_link(&day_url);
    hq::block_on(hq::sync::join(&app, &link)).unwrap();
    let seeded = hq::block_on(hq::sync::sync(&app, &link)).unwrap();
    println!("  seed seminar pushed by the app: {seeded:?}");
    let gid = |table: &str, id: i64| -> String {
        app.db
            .conn()
            .query_row(
                &format!("SELECT gid FROM {table} WHERE id = ?1"),
                [id],
                |r| r.get(0),
            )
            .unwrap()
    };
    let (inviter, product) = (gid("staff", staff), gid("products", product));
    drop(app);

    let cities: Vec<String> = CITIES[..shape.cities as usize]
        .iter()
        .map(|c| format!("'{c}'"))
        .collect();
    let fill = |sql: &str| {
        sql.replace("{L}", &shape.laptops.to_string())
            .replace("{C}", &shape.cities.to_string())
            .replace("{S}", &shape.stores.to_string())
            .replace("{M}", &shape.seminars.to_string())
            .replace("{P}", &shape.per_seminar.to_string())
            .replace("{D}", &shape.deals_per_seminar.to_string())
            .replace("{cities}", &format!("ARRAY[{}]", cities.join(", ")))
            .replace("{inviter}", &format!("'{inviter}'::text"))
            .replace("{product}", &format!("'{product}'::text"))
    };
    let steps: Vec<(&str, &str)> = GENERATE
        .split("-- step: ")
        .skip(1)
        .map(|s| s.split_once('\n').unwrap())
        .collect();
    hq::block_on(async {
        let c = client(&admin).await;
        let started = Instant::now();
        for (name, sql) in steps {
            let t = Instant::now();
            let (units, slice) = match name.trim() {
                "setup" => (1, 1),
                "stores" | "contacts" => (shape.stores, 200_000),
                "seminars" => (shape.seminars, 5_000),
                _ => (shape.seminars, 400),
            };
            let sql = fill(sql);
            let mut from = 0;
            while from < units {
                let to = (from + slice).min(units);
                c.batch_execute(
                    &sql.replace("{from}", &from.to_string())
                        .replace("{to}", &to.to_string()),
                )
                .await
                .unwrap_or_else(|e| panic!("{name} {from}..{to}: {e:?}"));
                from = to;
            }
            println!("  {:<12} {:>8.1} s", name.trim(), t.elapsed().as_secs_f64());
        }
        c.batch_execute("VACUUM ANALYZE").await.unwrap();
        println!(
            "  generated in {:.1} min (with VACUUM ANALYZE)",
            started.elapsed().as_secs_f64() / 60.0
        );
        Ok(())
    })
    .unwrap();
    Kept {
        scale,
        hq: hq_url,
        day: day_url,
    }
}

/// How large the organisation is in PostgreSQL; answers its live rows by table.
fn sizes(admin: &str) -> Vec<(String, i64)> {
    hq::block_on(async {
        let c = client(admin).await;
        let rows = c
            .query(
                "SELECT tbl, count(*) FROM hq.rows WHERE NOT deleted GROUP BY tbl ORDER BY count(*) DESC",
                &[],
            )
            .await
            .unwrap();
        let counts: Vec<String> = rows
            .iter()
            .map(|r| format!("{} {}", r.get::<_, String>(0), r.get::<_, i64>(1)))
            .collect();
        println!("organisation in PostgreSQL (live rows): {}", counts.join(", "));
        let size = c
            .query_one(
                "SELECT pg_database_size(current_database()),
                        pg_total_relation_size('hq.rows'), pg_total_relation_size('hq.changes'),
                        (SELECT count(*) FROM hq.changes), (SELECT count(*) FROM hq.laptops)",
                &[],
            )
            .await
            .unwrap();
        println!(
            "  {} laptops, {} changes in the log; database {:.0} MiB (hq.rows {:.0} MiB, hq.changes {:.0} MiB, with indexes)",
            size.get::<_, i64>(4),
            size.get::<_, i64>(3),
            mib(size.get::<_, i64>(0) as u64),
            mib(size.get::<_, i64>(1) as u64),
            mib(size.get::<_, i64>(2) as u64)
        );
        Ok(rows
            .iter()
            .map(|r| (r.get::<_, String>(0), r.get::<_, i64>(1)))
            .collect())
    })
    .unwrap()
}

/// door_load's stores are named alike in every crowd, and head office takes a store of the same
/// name and city for the same store: each crowd's get names of their own, before they travel.
/// So do their people's mobiles: one mobile under two store names is a pair for a person to
/// settle (the store-merge proposals), which every crowd sharing door_load's would add thousands of.
fn crowd(app: &App, date: &str, base: usize) -> (i64, Vec<String>) {
    // door_load draws its codes from the guest count: a count of its own for each crowd.
    let guests = base + count(app, "SELECT count(*) FROM seminars") as usize;
    let (seminar, codes) = door_load::door_load(app, date, guests).unwrap();
    app.db
        .write(|tx| {
            tx.execute(
                "UPDATE stores SET name = name || '-' || ?1
                  WHERE id IN (SELECT store_id FROM invitations WHERE seminar_id = ?1)",
                [seminar],
            )?;
            tx.execute(
                "UPDATE contacts SET phone = '136' || printf('%08d', id)
                  WHERE store_id IN (SELECT store_id FROM invitations WHERE seminar_id = ?1)",
                [seminar],
            )?;
            // HQ_PAIRS: some guests are people of generated 长沙 stores (store i's owner has
            // 139 and i on eight digits, store i is 长沙's when i % C = 0), under another name.
            let (pairs, cities, stores) = shared_mobiles();
            tx.execute(
                "UPDATE contacts SET phone = '139' || printf('%08d', (id * ?3) % ?4)
                  WHERE id IN (SELECT c.id FROM contacts c JOIN invitations i ON i.store_id = c.store_id
                                WHERE i.seminar_id = ?1 ORDER BY c.id LIMIT ?2)",
                params![seminar, pairs, cities, stores],
            )?;
            Ok(())
        })
        .unwrap();
    (seminar, codes)
}

/// HQ_PAIRS (guests a day sharing a generated store's mobile), and the organisation's cities and
/// stores (set once generated or reused).
fn shared_mobiles() -> (i64, i64, i64) {
    let pairs = std::env::var("HQ_PAIRS")
        .ok()
        .map(|s| s.parse().expect("HQ_PAIRS is a number of guests a day"))
        .unwrap_or(0);
    let shape = SHAPE.get().copied().unwrap_or(Shape::at(0.01));
    (pairs, shape.cities, shape.stores)
}

static SHAPE: std::sync::OnceLock<Shape> = std::sync::OnceLock::new();

/// The store-merge question after a sync, asked by hand as the laptop: the old function (every
/// pair) beside the new one from the position `since` the laptop had before the sync, with the
/// stores `again` of the pairs it listed then; three times each, alternately. Each answer is
/// recorded too, in a transaction rolled back.
fn proposals_compared(app: &App, url: &str, since: Option<String>, again: Vec<String>) -> String {
    use huixiao::replica::pairs::{self, Asked, Pair};
    let cols = "store::text, name, city, laptop, other_store::text, other_name, other_city, other_laptop, mobile";
    let (old, new) = hq::block_on(async {
        let c = client(url).await;
        let (mut old, mut new) = ((vec![], vec![]), (vec![], vec![]));
        for _ in 0..3 {
            let t = Instant::now();
            let rows = c
                .query(&format!("SELECT {cols} FROM hq.store_proposals()"), &[])
                .await
                .unwrap();
            old.0.push(t.elapsed());
            old.1 = rows;
            let t = Instant::now();
            let rows = c
                .query(
                    &format!("SELECT {cols} FROM hq.store_proposals_since($1::text::xid8, $2::text[]::uuid[])"),
                    &[&since, &again],
                )
                .await
                .unwrap();
            new.0.push(t.elapsed());
            new.1 = rows;
        }
        Ok((old, new))
    })
    .unwrap();
    let found = |rows: &[tokio_postgres::Row]| -> Vec<Pair> {
        rows.iter()
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
            .collect()
    };
    let (all, since_found) = (found(&old.1), found(&new.1));
    let recorded = |pairs: &[Pair], asked: Asked| -> Duration {
        let conn = app.db.conn();
        let tx = conn.unchecked_transaction().unwrap();
        let t = Instant::now();
        pairs::record(&tx, pairs, asked, "2026-12-01T00:00:00Z").unwrap();
        let took = t.elapsed();
        drop(tx);
        took
    };
    let asked = match since {
        None => Asked::All,
        Some(_) => Asked::Since(&again),
    };
    format!(
        "store-merge question ({} open pairs before): hq.store_proposals() {:.1} ms, {} pairs, recorded {:.1} ms; hq.store_proposals_since {:.1} ms, {} pairs, recorded {:.1} ms (medians of 3)",
        again.len(),
        ms(median(old.0)),
        all.len(),
        ms(recorded(&all, Asked::All)),
        ms(median(new.0)),
        since_found.len(),
        ms(recorded(&since_found, asked)),
    )
}

/// One sync of `app`, timed.
fn timed_sync(app: &App, url: &str) -> (Duration, hq::sync::SyncReport) {
    let link = pg_link(url);
    let t = Instant::now();
    let report = hq::block_on(hq::sync::sync(app, &link)).unwrap();
    (t.elapsed(), report)
}

/// One sync of `app`, timed, with the CPU it took on both sides.
fn measured_sync(app: &App, url: &str, pg_dir: &Path) -> (Duration, hq::sync::SyncReport, Cpu) {
    let before = cpu(pg_dir);
    let (took, report) = timed_sync(app, url);
    (took, report, cpu(pg_dir).since(before))
}

/// Head office's laptop, new: joins and pulls the whole organisation, `picture` (head office's
/// rows as they stand, then the log from the picture's horizon: schema 11) or `log` (every change
/// of the log from its start, as before schema 11).
fn first_full_pull(dir: &Path, url: &str, at_hq: &[(String, i64)], how: &str) -> App {
    let pg_dir = dir.join("pg");
    let path = dir.join("hq.db");
    for s in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{s}", path.display()));
    }
    let app = App::open(&path).unwrap();
    hq::block_on(hq::sync::join(&app, &pg_link(url))).unwrap();
    if how == "log" {
        // A position before every transaction: the pull replays the log from its start.
        app.db
            .conn()
            .execute("UPDATE sync_state SET pulled_xid = '1', pulled_pos = 0", [])
            .unwrap();
    }
    let wrote = written_bytes();
    let (took, report, used) = measured_sync(&app, url, &pg_dir);
    let wrote = written_bytes() - wrote;
    let db = file_size(&path);
    let per = |secs: f64| secs * 1e6 / report.pulled.max(1) as f64;
    println!(
        "head office's first full pull ({how}): {} rows in {:.1} s ({:.0} rows/s), database {:.0} MiB, the laptop wrote {:.1} GiB; {} conflicts ({used}); CPU per row: laptop {:.1} µs, PostgreSQL {:.1} µs",
        report.pulled,
        took.as_secs_f64(),
        report.pulled as f64 / took.as_secs_f64(),
        mib(db),
        wrote as f64 / (1u64 << 30) as f64,
        report.conflicts,
        per(used.laptop),
        per(used.pg)
    );
    let counts: Vec<String> = [
        "stores",
        "contacts",
        "seminars",
        "invitations",
        "checkins",
        "deals",
    ]
    .iter()
    .map(|t| format!("{t} {}", count(&app, &format!("SELECT count(*) FROM {t}"))))
    .collect();
    println!("  on the laptop: {}", counts.join(", "));
    // Every row head office holds arrived and was written here: the pull applies what the
    // generator wrote, as it applies what a push wrote.
    assert_eq!(report.conflicts, 0, "the pull left conflicts");
    let generated = [
        "stores",
        "contacts",
        "seminars",
        "invitations",
        "checkins",
        "deals",
    ];
    for (table, n) in at_hq
        .iter()
        .filter(|(t, _)| generated.contains(&t.as_str()))
    {
        let here = count(&app, &format!("SELECT count(*) FROM {table}"));
        assert_eq!(
            here, *n,
            "{table}: {here} on the laptop, {n} at head office"
        );
    }
    app
}

/// Bytes this process has written to disk so far (the kernel's count, page cache flushes included).
fn written_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/io")
        .ok()
        .and_then(|io| {
            io.lines()
                .find_map(|l| l.strip_prefix("write_bytes: ")?.trim().parse().ok())
        })
        .unwrap_or(0)
}

/// The dashboard as head office opens it: every seminar compared with the medians, then a city's
/// territory.
fn dashboard(app: &App, pg_dir: &Path) {
    let before = cpu(pg_dir);
    let caller = Caller::organizer(Lang::Zh);
    let (mut compare, mut territory) = (vec![], vec![]);
    let mut seen = None;
    for _ in 0..5 {
        let t = Instant::now();
        let c = conversion::compare(app, &caller, CompareFilter::default()).unwrap();
        compare.push(t.elapsed());
        let t = Instant::now();
        let r = conversion::territory(
            app,
            TerritoryQuery {
                city: CITIES[0].into(),
                laptop: None,
            },
        )
        .unwrap();
        territory.push(t.elapsed());
        seen = Some((c, r));
    }
    let used = cpu(pg_dir).since(before);
    let (c, r) = seen.unwrap();
    println!(
        "dashboard on head office's laptop: seminars compared {:.0} ms, territory of {} {:.0} ms (median of 5; target ≤ 1 s; {:.0} ms CPU per pair; load average {})",
        ms(median(compare)),
        CITIES[0],
        ms(median(territory)),
        used.laptop * 1000.0 / 5.0,
        std::fs::read_to_string("/proc/loadavg").unwrap_or_default().split_whitespace().next().unwrap_or("?")
    );
    let m = &c.medians;
    println!(
        "  {} seminars, {} laptops; median session conversion {:?}, deal ratio {:?}; {}: {} stores, coverage {:?}",
        c.seminars.len(),
        c.laptops.len(),
        m.session_conversion,
        m.deal_ratio,
        CITIES[0],
        r.rates.stores,
        r.rates.coverage
    );
}

/// A seminar day on the seminar laptop: the guest list synced the evening before, then the day's
/// check-ins and deals pushed and pulled by that laptop, and pulled by head office.
fn seminar_days(day: &App, day_url: &str, head: Option<(&App, &str)>, pg_dir: &Path) {
    let caller = Caller::organizer(Lang::Zh);
    let product: i64 = count(day, "SELECT min(id) FROM products");
    let (mut pushes, mut pulls, mut changes) = (vec![], vec![], vec![]);
    // Deals count at the event only on the seminar's day: the three days are today's seminars.
    let date = huixiao::venue::today_in(day, chrono_tz::Asia::Shanghai).to_string();
    for n in 0..3 {
        let (seminar, codes) = crowd(day, &date, 1_875);
        let (before, _) = timed_sync(day, day_url);
        if let Some((hq_app, hq_url)) = head {
            timed_sync(hq_app, hq_url);
        }
        // The day: every guest checks in and brings one more person, a third of the stores buy.
        for (i, code) in codes.iter().enumerate() {
            let r = checkin::scan(
                day,
                &caller,
                scan_input(seminar, code, Some(format!("day{seminar}-{i}"))),
            )
            .unwrap();
            let companions = checkin::CompanionsInput {
                id: r.checkin_id.unwrap(),
                companions: 1,
            };
            checkin::set_companions(day, &caller, companions).unwrap();
            if i % 3 == 0 {
                let store: i64 = day
                    .db
                    .conn()
                    .query_row(
                        "SELECT store_id FROM invitations i JOIN tickets t ON t.invitation_id = i.id WHERE t.code = ?1",
                        [code],
                        |r| r.get(0),
                    )
                    .unwrap();
                let deal = serde_json::from_value(json!({"seminar_id": seminar, "store_id": store,
                    "product_id": product, "amount_fen": 1_980_000, "payment": "full"}))
                .unwrap();
                huixiao::deal::create(day, &caller, deal).unwrap();
            }
        }
        let waiting = count(day, "SELECT count(*) FROM sync_outbox");
        let (since, again) = {
            let conn = day.db.conn();
            (
                huixiao::replica::pairs::position(&conn).unwrap(),
                huixiao::replica::pairs::open_stores(&conn).unwrap(),
            )
        };
        let (push, report, push_cpu) = measured_sync(day, day_url, pg_dir);
        let compared = proposals_compared(day, day_url, since, again);
        let head_office = match head {
            Some((hq_app, hq_url)) => {
                let (pull, hq_report, pull_cpu) = measured_sync(hq_app, hq_url, pg_dir);
                pulls.push(pull);
                format!(
                    "head office pulled {} in {:.0} ms ({pull_cpu})",
                    hq_report.pulled,
                    ms(pull)
                )
            }
            None => "not pulled by head office".to_string(),
        };
        println!(
            "  day {}: {waiting} changes; the seminar's laptop pushed {} and pulled {} in {:.0} ms ({push_cpu}); {head_office}; the guest list the day before: {:.0} ms",
            n + 1,
            report.pushed,
            report.pulled,
            ms(push),
            ms(before)
        );
        println!("    {compared}");
        changes.push(waiting);
        pushes.push(push);
    }
    changes.sort();
    let pulled = if pulls.is_empty() {
        "not pulled by head office".to_string()
    } else {
        format!("pulled by head office {:.0} ms", ms(median(pulls)))
    };
    println!(
        "seminar day ({} changes): pushed and pulled by its laptop {:.0} ms, {pulled} (median of 3; target ≤ 2 s)",
        changes[1],
        ms(median(pushes)),
    );
}

/// 16 stations paced to 2,000 check-ins/s in all over HTTPS; the latencies, sorted.
async fn door(
    url: &str,
    tokens: &[String],
    codes: Arc<Vec<String>>,
    from: usize,
    nonce: i64,
) -> Vec<Duration> {
    let (stations, rate, n) = (16, 2_000.0, 8_000);
    let next = Arc::new(AtomicUsize::new(from));
    let mut tasks = vec![];
    for token in &tokens[..stations] {
        let (codes, next, url, token) =
            (codes.clone(), next.clone(), url.to_string(), token.clone());
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::builder()
                .danger_accept_invalid_certs(true)
                .build()
                .unwrap();
            let mut tick = tokio::time::interval(Duration::from_secs_f64(stations as f64 / rate));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut lat = vec![];
            loop {
                tick.tick().await;
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= from + n {
                    return lat;
                }
                let t = Instant::now();
                let r = client
                    .post(&url)
                    .bearer_auth(&token)
                    .json(&json!({"code": codes[i], "nonce": format!("door{nonce}-{i}")}))
                    .send()
                    .await
                    .unwrap();
                assert!(r.status().is_success());
                let body: Value = r.json().await.unwrap();
                lat.push(t.elapsed());
                assert_eq!(body["outcome"], "checked_in");
            }
        }));
    }
    let mut all = vec![];
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    all.sort();
    all
}

/// Check-in at the door of the seminar laptop, without and then with a sync running beside it.
fn door_while_syncing(day: &App, day_url: &str) {
    let (seminar, codes) = crowd(day, "2026-12-20", 16_000);
    timed_sync(day, day_url);
    let host = huixiao::api::Host::new(day.clone());
    let status = huixiao::lan::start(
        &host,
        huixiao::lan::LanConfig {
            addr: "127.0.0.1:0".parse().unwrap(),
            admin_token: huixiao::token::new_token(),
            ui: huixiao::http::Ui::None,
        },
    )
    .unwrap();
    let url = format!(
        "https://127.0.0.1:{}/api/seminars/{seminar}/checkins/scan",
        status.port.unwrap()
    );
    let mut tokens = vec![];
    for i in 0..16 {
        let staff = huixiao::staff::create(
            day,
            serde_json::from_value(json!({"name": format!("门口{i}"), "roles": ["checkin"]}))
                .unwrap(),
        )
        .unwrap();
        let p = huixiao::station::create(
            day,
            huixiao::station::NewStation {
                seminar_id: seminar,
                staff_id: staff.id,
                role: huixiao::station::StationRole::Checkin,
                name: None,
            },
            &[],
        )
        .unwrap();
        let paired = huixiao::station::pair(
            day,
            huixiao::station::PairInput {
                code: p.pairing_code,
                device: "bench".into(),
            },
        )
        .unwrap();
        tokens.push(paired.token);
    }
    let codes = Arc::new(codes);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let quiet = rt.block_on(door(&url, &tokens, codes.clone(), 0, seminar));
    // The same load with the laptop syncing all the while: each sync pushes the check-ins made
    // since the last one and pulls them back.
    let running = Arc::new(AtomicBool::new(true));
    let syncer = {
        let (app, url, running) = (day.clone(), day_url.to_string(), running.clone());
        std::thread::spawn(move || {
            let (mut syncs, mut moved) = (0, 0);
            while running.load(Ordering::Relaxed) {
                let (_, r) = timed_sync(&app, &url);
                syncs += 1;
                moved += r.pushed + r.pulled;
            }
            (syncs, moved)
        })
    };
    let busy = rt.block_on(door(&url, &tokens, codes, 8_000, seminar));
    running.store(false, Ordering::Relaxed);
    let (syncs, moved) = syncer.join().unwrap();
    host.lan.stop();
    let (p99_quiet, p99_busy) = (pct(&quiet, 0.99), pct(&busy, 0.99));
    println!(
        "check-in, 16 stations at 2,000/s over HTTPS: p99 {p99_quiet:.2} ms without a sync, {p99_busy:.2} ms with one running ({syncs} syncs moved {moved} changes meanwhile): ×{:.2} (medians {:.2} / {:.2} ms)",
        p99_busy / p99_quiet,
        pct(&quiet, 0.5),
        pct(&busy, 0.5)
    );
}

fn main() {
    let scale: f64 = std::env::var("HQ_SCALE")
        .ok()
        .map(|s| {
            s.parse()
                .expect("HQ_SCALE is a number, 1 for the issue's size")
        })
        .unwrap_or(0.01);
    let temp;
    let dir: PathBuf = match std::env::var_os("HQ_DATA") {
        Some(d) => d.into(),
        None => {
            temp = tempfile::tempdir().unwrap();
            temp.path().to_path_buf()
        }
    };
    std::fs::create_dir_all(&dir).unwrap();
    let kept_file = dir.join("organisation.json");
    let mut pg = pg::Cluster::kept(&dir.join("pg"));
    let kept: Kept = match std::fs::read(&kept_file) {
        Ok(bytes) => {
            let kept: Kept = serde_json::from_slice(&bytes).unwrap();
            assert_eq!(
                kept.scale,
                scale,
                "{} holds an organisation of another scale",
                dir.display()
            );
            println!(
                "reusing the organisation of scale {scale} in {}",
                dir.display()
            );
            kept
        }
        Err(_) => {
            // A head-office server's memory, not a test's: the generated rows' indexes stay in it.
            for setting in [
                "shared_buffers = '2GB'",
                "max_wal_size = '8GB'",
                "maintenance_work_mem = '512MB'",
                "work_mem = '64MB'",
            ] {
                pg.psql("postgres", &format!("ALTER SYSTEM SET {setting}"));
            }
            drop(pg);
            pg = pg::Cluster::kept(&dir.join("pg"));
            let kept = generate(&pg, &dir, scale);
            std::fs::write(&kept_file, serde_json::to_vec(&kept).unwrap()).unwrap();
            kept
        }
    };
    SHAPE.set(Shape::at(scale)).unwrap();
    let admin = pg.url("org");
    // A kept organisation of an older version is brought up to this one, as `hq init` does.
    hq::block_on(async { hq::schema::init(&mut client(&admin).await, "org").await }).unwrap();
    let at_hq = sizes(&admin);

    let only = std::env::var("HQ_ONLY").unwrap_or_default();
    let wanted = |name: &str| only.is_empty() || only.split(',').any(|w| w.trim() == name);

    let day = App::open(&dir.join("day.db")).unwrap();
    if wanted("catchup") {
        let (took, report, used) = measured_sync(&day, &kept.day, &dir.join("pg"));
        println!(
            "a city laptop (长沙) catching up: {} changes pulled in {:.1} s ({used})",
            report.pulled,
            took.as_secs_f64()
        );
    }
    // HQ_DAYS_ONLY: the seminar days alone, no dashboard and no door; head office's laptop of an
    // earlier run (kept in HQ_DATA) catches up instead of pulling everything, and without one the
    // day is not pulled by head office.
    let days_only = std::env::var_os("HQ_DAYS_ONLY").is_some();
    let hq_app = if !days_only && wanted("pull") {
        // HQ_FIRST_PULL: the ways to pull, in turn (`picture,log,picture,log` for pairs).
        let ways = std::env::var("HQ_FIRST_PULL").unwrap_or_else(|_| "picture".into());
        let mut app = None;
        for how in ways.split(',').map(str::trim) {
            assert!(
                matches!(how, "picture" | "log"),
                "HQ_FIRST_PULL names picture or log: {how}"
            );
            drop(app.take());
            app = Some(first_full_pull(&dir, &kept.hq, &at_hq, how));
        }
        let app = app.expect("HQ_FIRST_PULL names a way to pull");
        if wanted("dashboard") {
            dashboard(&app, &dir.join("pg"));
        }
        Some(app)
    } else if dir.join("hq.db").exists() {
        let app = App::open(&dir.join("hq.db")).unwrap();
        let (took, report, used) = measured_sync(&app, &kept.hq, &dir.join("pg"));
        println!(
            "head office's laptop of an earlier run catching up: {} changes pulled in {:.1} s ({used})",
            report.pulled,
            took.as_secs_f64()
        );
        Some(app)
    } else {
        None
    };
    if wanted("days") {
        let hq_side = hq_app.as_ref().map(|app| (app, kept.hq.as_str()));
        seminar_days(&day, &kept.day, hq_side, &dir.join("pg"));
    }
    if !days_only && wanted("door") {
        door_while_syncing(&day, &kept.day);
    }
    drop(hq_app);
    println!(
        "head office's laptop database after the run: {:.0} MiB",
        mib(file_size(&dir.join("hq.db")))
    );
}
