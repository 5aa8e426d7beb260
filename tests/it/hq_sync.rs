//! Head office's push and pull, in PostgreSQL itself (issue #14), driven by laptops' roles over
//! plain SQL: a batch applies once however often it is sent; a laptop changes only what it owns;
//! each laptop reads only what is its to read; the later write of a column wins and the earlier is
//! kept; a change that commits late is never skipped by a pull.

use serde_json::{json, Value};
use tokio_postgres::Client;

use huixiao::hq::{self, link::Link};

use crate::hq::{huixiao, json_of};
use crate::pg::{cluster, Cluster};

/// An organisation with three laptops: 长沙 (city), 株洲 (city) and head office.
pub(crate) struct Org {
    pub(crate) db: String,
    pub(crate) changsha: String,
    pub(crate) zhuzhou: String,
    pub(crate) hq: String,
}

fn huixiao_json(args: &[&str]) -> Value {
    json_of(&huixiao(args))
}

pub(crate) fn org() -> Org {
    let url = cluster().database();
    huixiao_json(&["hq", "init", "--pg", &url, "--json"]);
    let add = |name: &str, extra: &[&str]| -> String {
        let mut args = vec![
            "hq", "laptop", "add", "--pg", &url, "--name", name, "--json",
        ];
        args.extend_from_slice(extra);
        huixiao_json(&args)["join_url"]
            .as_str()
            .unwrap()
            .to_string()
    };
    Org {
        db: Cluster::db_name(&url),
        changsha: add("长沙", &["--cities", "长沙"]),
        zhuzhou: add("株洲", &["--cities", "株洲"]),
        hq: add("总部", &["--hq"]),
    }
}

fn with_client<T>(url: &str, job: impl AsyncFnOnce(&Client) -> T) -> T {
    let link = Link::parse(url).unwrap();
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(async move {
            let client = hq::connect::connect(&link).await.unwrap();
            job(&client).await
        })
}

fn push(url: &str, batch: &str, changes: Value) -> Value {
    with_client(url, async |c| {
        c.query_one(
            "SELECT hq.push($1::text::uuid, $2::text::jsonb)::text",
            &[&batch, &changes.to_string()],
        )
        .await
        .map(|r| serde_json::from_str::<Value>(r.get::<_, &str>(0)).unwrap())
        .unwrap()
    })
}

/// Everything the laptop may pull from the start, as (table, gid, data).
fn pull(url: &str) -> Vec<(String, String, Value)> {
    with_client(url, async |c| {
        c.query(
            "SELECT tbl, gid::text, data::text FROM hq.pull('0'::xid8, 0, 1000)",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| {
            (
                r.get(0),
                r.get(1),
                serde_json::from_str(r.get::<_, &str>(2)).unwrap(),
            )
        })
        .collect()
    })
}

const STORE: &str = "0193a000-0000-7000-8000-000000000001";
const SEMINAR: &str = "0193a000-0000-7000-8000-000000000002";
const INVITATION: &str = "0193a000-0000-7000-8000-000000000003";
const STAFF: &str = "0193a000-0000-7000-8000-000000000004";
const B1: &str = "0193a000-0000-7000-8000-0000000000b1";
const B2: &str = "0193a000-0000-7000-8000-0000000000b2";
const B3: &str = "0193a000-0000-7000-8000-0000000000b3";

fn upsert(
    tbl: &str,
    gid: &str,
    hlc: i64,
    row: Value,
    seminar: Option<&str>,
    city: Option<&str>,
) -> Value {
    json!({"tbl": tbl, "gid": gid, "op": "upsert", "hlc": hlc, "row": row, "changed": null, "seminar": seminar, "city": city})
}

fn changsha_seminar() -> Value {
    json!([
        upsert(
            "stores",
            STORE,
            100,
            json!({"name": "小太阳幼儿园", "city": "长沙"}),
            None,
            Some("长沙")
        ),
        upsert(
            "seminars",
            SEMINAR,
            101,
            json!({"title": "招生研讨会"}),
            Some(SEMINAR),
            None
        ),
        upsert(
            "invitations",
            INVITATION,
            102,
            json!({"seminar_id": SEMINAR, "store_id": STORE, "status": "invited"}),
            Some(SEMINAR),
            None
        ),
    ])
}

#[test]
fn a_batch_applies_once_however_often_it_is_sent() {
    let o = org();
    let first = push(&o.changsha, B1, changsha_seminar());
    assert_eq!(first, json!({"applied": 3, "refused": [], "aliases": []}));
    let changes = cluster().psql(&o.db, "SELECT count(*) FROM hq.changes");
    let again = push(&o.changsha, B1, changsha_seminar());
    assert_eq!(again, first, "a retried batch answers what it answered");
    assert_eq!(
        cluster().psql(&o.db, "SELECT count(*) FROM hq.changes"),
        changes,
        "and changes nothing"
    );
    assert_eq!(cluster().psql(&o.db, "SELECT count(*) FROM hq.rows"), "3");
}

#[test]
fn a_laptop_changes_only_what_it_owns() {
    let o = org();
    push(&o.changsha, B1, changsha_seminar());
    // Head office writes staff; the city laptops read them and cannot change them.
    assert_eq!(
        push(
            &o.hq,
            B2,
            json!([upsert(
                "staff",
                STAFF,
                300,
                json!({"name": "彭小燕"}),
                None,
                None
            )])
        )["applied"],
        1
    );
    let refused = push(
        &o.zhuzhou,
        B1,
        json!([
            upsert(
                "invitations",
                INVITATION,
                200,
                json!({"status": "declined"}),
                Some(SEMINAR),
                None
            ),
            upsert("staff", STAFF, 401, json!({"name": "彭大燕"}), None, None),
            upsert("no_such_table", STAFF, 202, json!({}), None, None),
        ]),
    );
    assert_eq!(refused["applied"], 0);
    let reasons: Vec<&str> = refused["refused"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["reason"].as_str().unwrap())
        .collect();
    assert_eq!(
        reasons,
        ["not_your_seminar", "head_office_only", "unknown_table"]
    );
    assert_eq!(
        cluster().psql(
            &o.db,
            &format!("SELECT data->>'status' FROM hq.rows WHERE gid = '{INVITATION}'")
        ),
        "invited"
    );
    assert_eq!(
        cluster().psql(
            &o.db,
            &format!("SELECT data->>'name' FROM hq.rows WHERE gid = '{STAFF}'")
        ),
        "彭小燕"
    );

    // Plain SQL: a laptop's role has no write on the organisation's rows at all.
    let direct = with_client(&o.zhuzhou, async |c| {
        c.execute(
            &format!("UPDATE hq.rows SET data = '{{}}' WHERE gid = '{INVITATION}'"),
            &[],
        )
        .await
        .map_err(|e| {
            e.as_db_error()
                .map(|d| d.message().to_string())
                .unwrap_or_default()
        })
    });
    assert!(direct.unwrap_err().contains("permission denied"));
}

#[test]
fn each_laptop_reads_only_what_is_its_to_read() {
    let o = org();
    push(&o.changsha, B1, changsha_seminar());
    push(
        &o.hq,
        B2,
        json!([upsert(
            "staff",
            STAFF,
            300,
            json!({"name": "彭小燕"}),
            None,
            None
        )]),
    );
    let tables = |rows: Vec<(String, String, Value)>| -> Vec<String> {
        rows.into_iter().map(|r| r.0).collect()
    };
    assert_eq!(
        tables(pull(&o.changsha)),
        ["stores", "seminars", "invitations", "staff"]
    );
    assert_eq!(
        tables(pull(&o.zhuzhou)),
        ["staff"],
        "another city's store and seminar are not 株洲's"
    );
    assert_eq!(
        tables(pull(&o.hq)),
        ["stores", "seminars", "invitations", "staff"]
    );
    // The same holds for plain SQL on the current state (row-level security).
    let seen = with_client(&o.zhuzhou, async |c| {
        c.query_one("SELECT count(*) FROM hq.rows", &[])
            .await
            .unwrap()
            .get::<_, i64>(0)
    });
    assert_eq!(seen, 1);
}

#[test]
fn the_later_write_of_a_column_wins_and_the_earlier_is_kept() {
    let o = org();
    push(&o.changsha, B1, changsha_seminar());
    let edit = |hlc: i64, name: &str| {
        json!([{"tbl": "stores", "gid": STORE, "op": "upsert", "hlc": hlc,
        "row": {"name": name, "city": "长沙"}, "changed": ["name"], "seminar": null, "city": "长沙"}])
    };
    // Head office wrote later (hlc 500) but pushes first; 长沙's earlier edit (hlc 400) arrives after.
    push(&o.hq, B2, edit(500, "小太阳幼儿园（总部改）"));
    push(&o.changsha, B3, edit(400, "小太阳幼儿园（长沙改）"));
    assert_eq!(
        cluster().psql(
            &o.db,
            &format!("SELECT data->>'name' FROM hq.rows WHERE gid = '{STORE}'")
        ),
        "小太阳幼儿园（总部改）"
    );
    let history = cluster().psql(
        &o.db,
        "SELECT string_agg(value #>> '{}' || '@' || laptop, ' | ' ORDER BY id) FROM hq.history",
    );
    assert_eq!(history, "小太阳幼儿园@长沙 | 小太阳幼儿园（长沙改）@长沙");
}

#[test]
fn a_change_that_commits_late_is_never_skipped() {
    use std::sync::mpsc::channel;
    let o = org();
    // 长沙's push stays open (its transaction began first) while 总部's commits.
    let (pushed_tx, pushed) = channel();
    let (commit, commit_rx) = channel::<()>();
    let link = Link::parse(&o.changsha).unwrap();
    let slow = std::thread::spawn(move || {
        hq::block_on(async move {
            let mut client = hq::connect::connect(&link).await?;
            let tx = client.transaction().await.unwrap();
            tx.query_one(
                "SELECT hq.push($1::text::uuid, $2::text::jsonb)",
                &[&B1, &changsha_seminar().to_string()],
            )
            .await
            .unwrap();
            pushed_tx.send(()).unwrap();
            commit_rx.recv().unwrap();
            tx.commit().await.unwrap();
            Ok(())
        })
        .unwrap();
    });
    pushed.recv().unwrap();
    push(
        &o.hq,
        B2,
        json!([upsert(
            "staff",
            STAFF,
            300,
            json!({"name": "彭小燕"}),
            None,
            None
        )]),
    );
    assert!(
        pull(&o.hq).is_empty(),
        "nothing is pulled past a transaction still running"
    );
    commit.send(()).unwrap();
    slow.join().unwrap();
    let order: Vec<String> = pull(&o.hq).into_iter().map(|r| r.0).collect();
    assert_eq!(
        order,
        ["stores", "seminars", "invitations", "staff"],
        "in commit order, none skipped"
    );
}
