//! Head office against a real PostgreSQL: `hq init` prepares a database once and refuses one that
//! is not ours; `hq laptop add` gives a laptop its own sign-in; `hq laptop revoke` shuts it out.

use std::process::{Command, Output};

use huixiao::api::Failure;
use huixiao::hq::{self, link::Link};
use huixiao::i18n::Lang;
use serde_json::Value;

use crate::pg::{cluster, Cluster};

/// Runs the CLI with `args` on a data folder of its own.
pub(crate) fn huixiao(args: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    Command::new(env!("CARGO_BIN_EXE_huixiao"))
        .args(args)
        .env("HUIXIAO_DATA_DIR", dir.path())
        .env_remove("HUIXIAO_LANG")
        .output()
        .unwrap()
}

/// The JSON a successful run printed.
pub(crate) fn json_of(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs `sql` signed in with `url` (a join link or an admin URL); the first column of the first row.
pub(crate) fn query_as(url: &str, sql: &str) -> Result<Option<String>, Failure> {
    let link = Link::parse(url)?;
    hq::block_on(async move {
        let client = hq::connect::connect(&link).await?;
        let rows = client
            .simple_query(sql)
            .await
            .map_err(|e| hq::connect::failure(e, "test"))?;
        Ok(rows
            .into_iter()
            .find_map(|m| match m {
                tokio_postgres::SimpleQueryMessage::Row(r) => Some(r.get(0).map(str::to_owned)),
                _ => None,
            })
            .flatten())
    })
}

#[test]
fn init_prepares_an_empty_database_once() {
    let url = cluster().database();
    let first = json_of(&huixiao(&["hq", "init", "--pg", &url, "--json"]));
    assert_eq!(first["created"], true);
    assert_eq!(first["schema_version"], huixiao::hq::schema::VERSION);
    let org = first["organisation"].as_str().unwrap().to_string();
    assert_eq!(org.len(), 36, "a UUID: {org}");

    let again = json_of(&huixiao(&["hq", "init", "--pg", &url, "--json"]));
    assert_eq!(again["created"], false);
    assert_eq!(
        again["organisation"],
        org.as_str(),
        "the same organisation, not a second one"
    );
    let db = Cluster::db_name(&url);
    assert_eq!(
        cluster().psql(&db, "SELECT count(*) FROM hq.organisation"),
        "1"
    );

    let text = huixiao(&["--lang", "en", "hq", "init", "--pg", &url]);
    assert!(String::from_utf8_lossy(&text.stdout).contains("up to date"));
}

#[test]
fn init_refuses_a_database_that_holds_other_tables_and_changes_nothing() {
    let url = cluster().database();
    let db = Cluster::db_name(&url);
    cluster().psql(&db, "CREATE TABLE public.orders (id int)");
    let out = huixiao(&["hq", "init", "--pg", &url]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("public.orders"), "{}", stderr(&out));
    assert!(stderr(&out).contains("不属于会销助手"), "{}", stderr(&out));
    assert_eq!(
        cluster().psql(
            &db,
            "SELECT count(*) FROM pg_namespace WHERE nspname = 'hq'"
        ),
        "0",
        "nothing was created"
    );
    let en = huixiao(&["--lang", "en", "hq", "init", "--pg", &url]);
    assert!(stderr(&en).contains("not Huixiao's"), "{}", stderr(&en));
}

#[test]
fn init_refuses_a_database_set_up_by_a_newer_app() {
    let url = cluster().database();
    json_of(&huixiao(&["hq", "init", "--pg", &url, "--json"]));
    cluster().psql(
        &Cluster::db_name(&url),
        "INSERT INTO hq.schema_version (version) VALUES (99)",
    );
    let out = huixiao(&["--lang", "en", "hq", "init", "--pg", &url]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("newer Huixiao"), "{}", stderr(&out));
    let add = huixiao(&[
        "--lang", "en", "hq", "laptop", "add", "--pg", &url, "--name", "x",
    ]);
    assert!(stderr(&add).contains("Update this app"), "{}", stderr(&add));
}

#[test]
fn a_laptop_signs_in_with_its_join_link_until_it_is_revoked() {
    let url = cluster().database();
    let org = json_of(&huixiao(&["hq", "init", "--pg", &url, "--json"]))["organisation"]
        .as_str()
        .unwrap()
        .to_string();
    let added = json_of(&huixiao(&[
        "hq",
        "laptop",
        "add",
        "--pg",
        &url,
        "--name",
        "长沙1号",
        "--cities",
        "长沙,株洲",
        "--json",
    ]));
    assert_eq!(added["name"], "长沙1号");
    let join = added["join_url"].as_str().unwrap().to_string();
    let link = Link::parse(&join).unwrap();
    assert_eq!(link.org.as_deref(), Some(org.as_str()));
    assert_eq!(link.laptop.as_deref(), Some("长沙1号"));
    assert!(
        !join.contains(crate::pg::SUPERUSER_SECRET),
        "the admin's secret stays at head office"
    );

    // The laptop is itself, with its cities.
    assert_eq!(
        query_as(
            &join,
            "SELECT (hq.me()).name || ' ' || array_to_string((hq.me()).cities, ',')"
        )
        .unwrap(),
        Some("长沙1号 长沙,株洲".into())
    );
    // A laptop's role reads no other laptop's secrets and creates nothing outside its rights.
    let refused = query_as(&join, "SELECT count(*) FROM hq.laptops").unwrap_err();
    assert!(
        refused.message(Lang::En).contains("permission denied"),
        "{}",
        refused.message(Lang::En)
    );
    assert!(query_as(&join, "CREATE TABLE public.mine (id int)").is_err());

    // A wrong secret is refused in words.
    let wrong = join.replacen(&link.pg.split(':').nth(2).unwrap()[..8], "00000000", 1);
    let e = query_as(&wrong, "SELECT 1").unwrap_err();
    assert!(
        e.message(Lang::Zh).contains("密码不对"),
        "{}",
        e.message(Lang::Zh)
    );

    // Revoked: an open session ends and the next sign-in is refused.
    let link2 = Link::parse(&join).unwrap();
    let admin = url.clone();
    let held = hq::block_on(async move {
        let client = hq::connect::connect(&link2).await?;
        let revoke = huixiao(&[
            "hq",
            "laptop",
            "revoke",
            "--pg",
            &admin,
            "--name",
            "长沙1号",
            "--json",
        ]);
        assert_eq!(json_of(&revoke)["revoked"], true);
        Ok(client.simple_query("SELECT 1").await.is_err())
    })
    .unwrap();
    assert!(held, "the revoked laptop's open session was ended");
    let e = query_as(&join, "SELECT 1").unwrap_err();
    assert!(
        e.message(Lang::Zh).contains("撤销"),
        "{}",
        e.message(Lang::Zh)
    );
    let again = huixiao(&["hq", "laptop", "revoke", "--pg", &url, "--name", "长沙1号"]);
    assert_eq!(again.status.code(), Some(1), "revoking twice says so");
}

#[test]
fn two_laptops_cannot_share_a_name_and_a_laptop_needs_a_prepared_database() {
    let url = cluster().database();
    let before = huixiao(&[
        "--lang", "en", "hq", "laptop", "add", "--pg", &url, "--name", "A",
    ]);
    assert_eq!(before.status.code(), Some(1));
    assert!(
        stderr(&before).contains("run huixiao hq init first"),
        "{}",
        stderr(&before)
    );
    json_of(&huixiao(&["hq", "init", "--pg", &url, "--json"]));
    json_of(&huixiao(&[
        "hq", "laptop", "add", "--pg", &url, "--name", "A", "--json",
    ]));
    let twice = huixiao(&[
        "--lang", "en", "hq", "laptop", "add", "--pg", &url, "--name", " A ", "--json",
    ]);
    assert_eq!(twice.status.code(), Some(1));
    assert!(
        stderr(&twice).contains("exists already"),
        "{}",
        stderr(&twice)
    );
    let db = Cluster::db_name(&url);
    assert_eq!(cluster().psql(&db, "SELECT count(*) FROM hq.laptops"), "1");
}

#[test]
fn an_unreachable_or_wrong_address_is_said_in_words() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = huixiao(&[
        "hq",
        "init",
        "--pg",
        &format!("postgresql://u:secretpw@127.0.0.1:{port}/x?sslmode=disable"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("连不上总部数据库"),
        "{}",
        stderr(&out)
    );
    assert!(
        !stderr(&out).contains("secretpw"),
        "the secret is never printed"
    );
    let bad = huixiao(&["--lang", "en", "hq", "init", "--pg", "mysql://u@h/db"]);
    assert!(
        stderr(&bad).contains("should start with postgresql://"),
        "{}",
        stderr(&bad)
    );
    let nodb = huixiao(&[
        "--lang",
        "en",
        "hq",
        "init",
        "--pg",
        &cluster().url("no_such_db"),
    ]);
    assert!(
        stderr(&nodb).contains("no such database"),
        "{}",
        stderr(&nodb)
    );
}

#[test]
fn over_tls_a_laptop_checks_head_offices_certificate() {
    let url = cluster().database();
    // Head office's address with TLS required and the CA that signed the server's certificate.
    let tls = url.replace("sslmode=disable", "sslmode=require")
        + &format!("&sslrootcert={}", cluster().ca_file().display());
    let init = huixiao(&["hq", "init", "--pg", &tls, "--json"]);
    assert!(init.status.success(), "{}", stderr(&init));
    let added = json_of(&huixiao(&[
        "hq", "laptop", "add", "--pg", &tls, "--name", "长沙", "--cities", "长沙", "--json",
    ]));
    let join = added["join_url"].as_str().unwrap();
    assert!(
        join.contains("sslmode=require") && join.contains("sslrootcert="),
        "{join}"
    );
    // Signed in over TLS (SCRAM inside it), as the laptop.
    assert_eq!(
        query_as(
            join,
            "SELECT ssl::text FROM pg_stat_ssl WHERE pid = pg_backend_pid()"
        )
        .unwrap()
        .as_deref(),
        Some("true")
    );
    // Another CA (the system's bundle: it never signed this server): refused, said in words.
    let untrusted = join
        .split('&')
        .filter(|p| !p.starts_with("sslrootcert="))
        .collect::<Vec<_>>()
        .join("&");
    let err = query_as(&untrusted, "SELECT 1")
        .unwrap_err()
        .message(Lang::Zh);
    assert!(err.contains("连不上总部数据库"), "{err}");
    assert!(
        !err.contains(join.split(':').nth(2).unwrap().split('@').next().unwrap()),
        "no secret in: {err}"
    );
}

#[test]
fn init_brings_an_organisation_of_an_older_version_up_to_this_one() {
    // An organisation prepared by the app of schema version 1.
    let url = cluster().database();
    let db = Cluster::db_name(&url);
    cluster().psql(&db, include_str!("../../pg/0001_organisation.sql"));
    let add = huixiao(&[
        "--lang", "en", "hq", "laptop", "add", "--pg", &url, "--name", "长沙",
    ]);
    assert_eq!(add.status.code(), Some(1));
    assert!(
        stderr(&add).contains("older than this app: run huixiao hq init"),
        "{}",
        stderr(&add)
    );

    let up = json_of(&huixiao(&["hq", "init", "--pg", &url, "--json"]));
    assert_eq!(
        (up["created"].as_bool(), up["schema_version"].as_i64()),
        (Some(true), Some(huixiao::hq::schema::VERSION as i64))
    );
    assert_eq!(
        cluster().psql(
            &db,
            "SELECT string_agg(version::text, ',' ORDER BY version) FROM hq.schema_version"
        ),
        "1,2,5,6,7,8,10,11,12"
    );
    // Version 2's function, which every laptop may call.
    assert_eq!(
        cluster().psql(
            &db,
            "SELECT has_function_privilege('hx_' || (SELECT short FROM hq.organisation) || '_laptop',
                    'hq.holders(uuid[], date, date)', 'EXECUTE')"
        ),
        "t"
    );
    json_of(&huixiao(&[
        "hq", "laptop", "add", "--pg", &url, "--name", "长沙", "--json",
    ]));
    let again = json_of(&huixiao(&["hq", "init", "--pg", &url, "--json"]));
    assert_eq!(again["created"], false);
}
