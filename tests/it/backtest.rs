//! Is the score any good (the backtest): each past invitation scored on the day it was invited
//! from the facts of before that day only, against who came and who bought; on two generated
//! organisations, one where past behaviour carries signal and one where nothing does.

use chrono::{Duration, NaiveDate};
use huixiao::demo::synthetic::{generate, Hidden, Spec};
use huixiao::i18n::Lang;
use huixiao::score::backtest::{backtest_in, figures, null_auc_se, scored_in, Backtest};
use huixiao::App;
use serde_json::json;

use crate::support::{app, call};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 22).unwrap()
}

fn organisation(spec: Spec) -> App {
    let app = app();
    let conn = app.db.conn();
    conn.execute_batch("BEGIN").unwrap();
    generate(&conn, spec, today()).unwrap();
    conn.execute_batch("COMMIT").unwrap();
    drop(conn);
    app
}

fn run(app: &App) -> Backtest {
    backtest_in(&app.db.conn(), today()).unwrap()
}

#[test]
fn where_nothing_carries_signal_the_auc_is_a_coin_flip() {
    for seed in [20261130, 7, 99] {
        let app = organisation(Spec {
            seed,
            ..Spec::standard(Hidden::Nothing)
        });
        let b = run(&app);
        // ±0.05 is a real check only when it is several standard errors wide.
        let se_closed = null_auc_se(b.closed, b.invited - b.closed);
        let se_attended = null_auc_se(b.attended, b.invited - b.attended);
        assert!(se_closed <= 0.0125, "SE {se_closed:.4} over {b:?}");
        assert!(se_attended <= 0.0125, "SE {se_attended:.4} over {b:?}");
        let (closed, attended) = (b.auc_closed.unwrap(), b.auc_attended.unwrap());
        assert!((closed - 0.5).abs() <= 0.05, "seed {seed}: {b:?}");
        assert!((attended - 0.5).abs() <= 0.05, "seed {seed}: {b:?}");
        eprintln!("no signal, seed {seed}: {b:?}, SE closed {se_closed:.4}");
    }
}

#[test]
fn where_a_hidden_propensity_drives_coming_and_buying_the_score_finds_it() {
    let app = organisation(Spec::standard(Hidden::Propensity));
    let b = run(&app);
    eprintln!("signal: {b:?}");
    assert_eq!(b.seminars, 8);
    assert!(b.auc_closed.unwrap() > 0.6, "{b:?}");
    assert!(b.auc_attended.unwrap() > 0.6, "{b:?}");
    let (top, bottom) = (
        b.top_fifth_conversion.unwrap(),
        b.bottom_fifth_conversion.unwrap(),
    );
    assert!(top > 2.0 * bottom, "{b:?}");
}

/// Each invitation's score equals the live score computed as of its day in the same database
/// with every fact from that day on removed: nothing that happened later leaks in.
#[test]
fn an_invitation_is_scored_from_the_facts_before_its_day_only() {
    let app = organisation(Spec {
        stores: 60,
        seminars: 4,
        ..Spec::standard(Hidden::Propensity)
    });
    let conn = app.db.conn();
    let scored = scored_in(&conn, today()).unwrap();
    assert!(scored.len() > 100);
    assert!(
        scored.iter().any(|s| s.score != scored[0].score),
        "the scores should differ"
    );
    for s in scored.iter().step_by(7) {
        let day = s.invited_on.to_string();
        conn.execute_batch("SAVEPOINT cut").unwrap();
        conn.execute(
            "DELETE FROM invitations WHERE seminar_id IN (SELECT id FROM seminars WHERE date >= ?1)",
            [&day],
        )
        .unwrap();
        // Deals are stored in UTC; the venue is 8 hours ahead.
        conn.execute("DELETE FROM deals WHERE date(at, '+8 hours') >= ?1", [&day])
            .unwrap();
        let then = huixiao::score::of_store_in(&conn, s.store_id, s.invited_on, Lang::Zh).unwrap();
        conn.execute_batch("ROLLBACK TO cut; RELEASE cut").unwrap();
        assert_eq!(s.score, then.score, "{s:?}: {then:?}");
    }

    // Later facts change the live scores, never the backtest's (they may change an outcome: a
    // deal in a seminar's follow-up window is that seminar's).
    let scores = |conn: &rusqlite::Connection| -> Vec<(i64, f64)> {
        scored_in(conn, today())
            .unwrap()
            .iter()
            .map(|s| (s.invitation_id, s.score))
            .collect()
    };
    let before = scores(&conn);
    let last = conn
        .query_row("SELECT max(date) FROM seminars", [], |r| {
            r.get::<_, String>(0)
        })
        .unwrap();
    let later = NaiveDate::parse_from_str(&last, "%Y-%m-%d").unwrap() + Duration::days(2);
    conn.execute(
        "INSERT INTO deals (store_id, product_id, amount_fen, payment, at)
         SELECT id, 1, 100, 'full', ?1 FROM stores",
        [format!("{later}T03:00:00Z")],
    )
    .unwrap();
    let live = huixiao::score::of_store_in(&conn, scored[0].store_id, today(), Lang::Zh).unwrap();
    assert!(live
        .reasons
        .iter()
        .any(|r| r.at.as_deref() == Some(&later.to_string()[..])));
    assert!(
        scores(&conn) == before,
        "a later deal moved a backtest score"
    );
}

#[test]
fn the_figures_go_out_on_the_data_page_and_the_command_line() {
    let app = organisation(Spec {
        stores: 100,
        seminars: 3,
        ..Spec::standard(Hidden::Propensity)
    });
    let out = call(&app, "scores.backtest", json!({})).unwrap();
    for key in [
        "seminars",
        "auc_attended",
        "auc_closed",
        "top_fifth_conversion",
        "bottom_fifth_conversion",
    ] {
        assert!(out.get(key).is_some(), "{key} in {out}");
    }
    assert_eq!(out["seminars"], json!(3));
    assert!(out["invited"].as_i64().unwrap() > 150);
    let scored = scored_in(&app.db.conn(), today()).unwrap();
    assert_eq!(
        serde_json::to_value(figures(&scored)).unwrap(),
        out,
        "the op reports the figures of every past invitation"
    );
}

#[test]
fn an_organisation_without_past_seminars_has_no_figures() {
    let b = run(&app());
    assert_eq!((b.seminars, b.invited), (0, 0));
    assert_eq!((b.auc_attended, b.auc_closed), (None, None));
    assert_eq!(b.top_fifth_conversion, None);
}

#[test]
fn report_backtest_prints_the_contract_fields_for_a_generated_organisation() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("h.db");
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_huixiao"))
            .arg("--db")
            .arg(&db)
            .args(args)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    run(&["demo", "--synthetic", "none", "--today", "2026-11-01"]);
    let out: serde_json::Value =
        serde_json::from_str(&run(&["report", "--backtest", "--json"])).unwrap();
    assert_eq!(out["seminars"], json!(8), "{out}");
    for key in ["auc_attended", "auc_closed"] {
        let auc = out[key].as_f64().unwrap();
        assert!((auc - 0.5).abs() <= 0.05, "{key} {out}");
    }
    assert!(out["top_fifth_conversion"].is_f64() && out["bottom_fifth_conversion"].is_f64());
    let text = run(&["report", "--backtest"]);
    assert!(text.contains("评分前 20% 的门店成交率"), "{text}");
}
