//! The fast conversion path equals the definitions computed the straightforward way: one
//! correlated SQL query per invitation with the `ATTENDED_SQL` / `CONFIRMED_SQL` / `CLOSED_DEAL_SQL`
//! fragments, and every closed deal credited by scanning all of its store's attendances. Checked on
//! the demo data and on random organisations (several time zones, windows, undone check-ins,
//! cancelled, refunded and promised deals, seats without assistants).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use huixiao::conversion::{
    compare_in, rate, report_in, Counts, Group, ATTENDED_SQL, CLOSED_DEAL_SQL, CONFIRMED_SQL,
};
use huixiao::i18n::Lang;
use huixiao::App;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rusqlite::{params, Connection};
use serde_json::json;

use crate::support::{app, call};

/// One invitation's outcome, computed the slow way.
#[derive(Debug, Default, Clone)]
struct Fact {
    seminar: i64,
    store: i64,
    inviter: Option<(i64, String)>,
    city: String,
    role: Option<String>,
    table: Option<i64>,
    assistant: Option<(i64, String)>,
    confirmed: bool,
    attended: bool,
    event: bool,
    followup: bool,
    deals: i64,
}

fn lead_role(roles: Option<String>) -> Option<String> {
    let roles = roles?;
    let roles: Vec<&str> = roles.split(',').collect();
    ["owner_spouse", "owner", "manager", "staff"]
        .into_iter()
        .find(|r| roles.contains(r))
        .map(str::to_owned)
}

/// Every invitation with its facts, and each closed deal's credit: `(store, credited seminar)`.
fn slow_facts(conn: &Connection) -> (Vec<Fact>, Vec<(i64, i64)>) {
    let sql = format!(
        "SELECT i.seminar_id, i.store_id, i.inviter_id, f.name, s.city, {CONFIRMED_SQL}, {ATTENDED_SQL},
          (SELECT group_concat(c.role) FROM checkins k JOIN contacts c ON c.id = k.contact_id
            WHERE k.invitation_id = i.id AND k.undone_at IS NULL),
          (SELECT group_concat(c.role) FROM invitation_guests g JOIN contacts c ON c.id = g.contact_id
            WHERE g.invitation_id = i.id),
          (SELECT t.number FROM seat_assignments a JOIN venue_tables t ON t.id = a.table_id
            WHERE a.invitation_id = i.id ORDER BY a.contact_id LIMIT 1),
          (SELECT t.assistant_id FROM seat_assignments a JOIN venue_tables t ON t.id = a.table_id
            WHERE a.invitation_id = i.id ORDER BY a.contact_id LIMIT 1),
          (SELECT m.name FROM seat_assignments a JOIN venue_tables t ON t.id = a.table_id
            JOIN staff m ON m.id = t.assistant_id WHERE a.invitation_id = i.id ORDER BY a.contact_id LIMIT 1)
         FROM invitations i JOIN stores s ON s.id = i.store_id LEFT JOIN staff f ON f.id = i.inviter_id
         ORDER BY i.id"
    );
    let mut stmt = conn.prepare(&sql).unwrap();
    let mut facts: Vec<Fact> = stmt
        .query_map([], |r| {
            let inviter: Option<i64> = r.get(2)?;
            let assistant: Option<i64> = r.get(10)?;
            Ok(Fact {
                seminar: r.get(0)?,
                store: r.get(1)?,
                inviter: inviter.map(|id| {
                    (
                        id,
                        r.get::<_, Option<String>>(3).unwrap().unwrap_or_default(),
                    )
                }),
                city: r.get(4)?,
                confirmed: r.get(5)?,
                attended: r.get(6)?,
                role: lead_role(r.get(7)?).or_else(|| lead_role(r.get(8).unwrap())),
                table: r.get(9)?,
                assistant: assistant.map(|id| {
                    (
                        id,
                        r.get::<_, Option<String>>(11).unwrap().unwrap_or_default(),
                    )
                }),
                ..Fact::default()
            })
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();

    // Every closed deal, against every seminar its store attended.
    let deals: Vec<(i64, String)> = conn
        .prepare(&format!(
            "SELECT d.store_id, d.at FROM deals d WHERE {CLOSED_DEAL_SQL}"
        ))
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let mut attended = conn
        .prepare(&format!(
            "SELECT m.id, m.date, m.timezone, m.attribution_days FROM invitations i
             JOIN seminars m ON m.id = i.seminar_id WHERE i.store_id = ?1 AND {ATTENDED_SQL}"
        ))
        .unwrap();
    let mut credits = Vec::new();
    for (store, at) in deals {
        let at = DateTime::parse_from_rfc3339(&at)
            .unwrap()
            .with_timezone(&Utc);
        let seminars: Vec<(i64, NaiveDate, chrono_tz::Tz, i64)> = attended
            .query_map([store], |r| {
                Ok((
                    r.get(0)?,
                    NaiveDate::parse_from_str(&r.get::<_, String>(1)?, "%Y-%m-%d").unwrap(),
                    r.get::<_, String>(2)?.parse().unwrap(),
                    r.get(3)?,
                ))
            })
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let Some(best) = seminars
            .iter()
            .filter(|(_, date, tz, _)| at.with_timezone(tz).date_naive() >= *date)
            .max_by_key(|(id, date, _, _)| (*date, *id))
        else {
            continue;
        };
        let day = at.with_timezone(&best.2).date_naive();
        if (day - best.1).num_days() > best.3 {
            continue;
        }
        credits.push((store, best.0));
        let f = facts
            .iter_mut()
            .find(|f| f.seminar == best.0 && f.store == store)
            .unwrap();
        f.deals += 1;
        if day == best.1 {
            f.event = true;
        } else {
            f.followup = true;
        }
    }
    (facts, credits)
}

fn slow_counts<'a>(facts: impl IntoIterator<Item = &'a Fact>) -> Counts {
    let facts: Vec<&Fact> = facts.into_iter().collect();
    let came: Vec<&&Fact> = facts.iter().filter(|f| f.attended).collect();
    let i = facts.len() as i64;
    let c = facts.iter().filter(|f| f.confirmed).count() as i64;
    let a = came.len() as i64;
    let e = came.iter().filter(|f| f.event).count() as i64;
    let f = came.iter().filter(|f| !f.event && f.followup).count() as i64;
    let deals = came.iter().map(|f| f.deals).sum();
    Counts {
        invited: i,
        confirmed: c,
        attended: a,
        closed_at_event: e,
        closed_in_followup: f,
        closed_deals: deals,
        confirm_rate: rate(c, i),
        show_rate: rate(a, c),
        event_close_rate: rate(e, a),
        followup_close_rate: rate(f, a - e),
        session_conversion: rate(e + f, a),
        deal_ratio: rate(deals, a),
    }
}

/// Groups as key → (label, counts).
fn slow_groups(
    facts: &[&Fact],
    key: impl Fn(&Fact) -> (String, String),
) -> BTreeMap<String, (String, Counts)> {
    let mut members: BTreeMap<String, (String, Vec<&Fact>)> = BTreeMap::new();
    for f in facts {
        let (k, label) = key(f);
        members.entry(k).or_insert((label, Vec::new())).1.push(f);
    }
    members
        .into_iter()
        .map(|(k, (label, m))| (k, (label, slow_counts(m))))
        .collect()
}

fn fast_groups(groups: &[Group]) -> BTreeMap<String, (String, Counts)> {
    // Biggest group first, ties by key: the order the screens show.
    for w in groups.windows(2) {
        let (a, b) = (&w[0], &w[1]);
        assert!(
            a.counts.invited > b.counts.invited
                || (a.counts.invited == b.counts.invited && a.key < b.key),
            "groups out of order: {} before {}",
            a.key,
            b.key
        );
    }
    groups
        .iter()
        .map(|g| (g.key.clone(), (g.label.clone(), g.counts.clone())))
        .collect()
}

fn staff_key(x: &Option<(i64, String)>) -> (String, String) {
    match x {
        Some((id, name)) => (id.to_string(), name.clone()),
        None => ("none".into(), String::new()),
    }
}

fn median(mut xs: Vec<f64>) -> Option<f64> {
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    (n > 0).then(|| {
        if n % 2 == 1 {
            xs[n / 2]
        } else {
            (xs[n / 2 - 1] + xs[n / 2]) / 2.0
        }
    })
}

/// A seminar as the comparison needs it: id, status, layout, lecturer id and name.
type SeminarMeta = (i64, String, String, Option<i64>, Option<String>);
/// A breakdown as key → (label, counts).
type Groups = BTreeMap<String, (String, Counts)>;

/// Checks every seminar's report and the organisation's comparison against the slow path.
fn check_against_definitions(app: &App) -> usize {
    let conn = app.db.conn();
    let (facts, credits) = slow_facts(&conn);
    let seminars: Vec<SeminarMeta> = conn
        .prepare(
            "SELECT m.id, m.status, m.layout, m.lecturer_id, l.name FROM seminars m
             LEFT JOIN staff l ON l.id = m.lecturer_id ORDER BY m.id",
        )
        .unwrap()
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let mut checked_groups = 0;
    for (id, ..) in &seminars {
        let mine: Vec<&Fact> = facts.iter().filter(|f| f.seminar == *id).collect();
        let r = report_in(&conn, *id).unwrap();
        assert_eq!(
            r.funnel.counts,
            slow_counts(mine.iter().copied()),
            "seminar {id}"
        );
        let came: Vec<i64> = mine
            .iter()
            .filter(|f| f.attended)
            .map(|f| f.store)
            .collect();
        let elsewhere = credits
            .iter()
            .filter(|(store, credited)| came.contains(store) && credited != id)
            .count() as i64;
        assert_eq!(r.funnel.credited_elsewhere, elsewhere, "seminar {id}");
        let pairs: [(&[Group], Groups); 5] = [
            (&r.by_inviter, slow_groups(&mine, |f| staff_key(&f.inviter))),
            (
                &r.by_role,
                slow_groups(&mine, |f| {
                    let k = f.role.clone().unwrap_or_else(|| "none".into());
                    (k.clone(), k)
                }),
            ),
            (
                &r.by_city,
                slow_groups(&mine, |f| (f.city.clone(), f.city.clone())),
            ),
            (
                &r.by_table,
                slow_groups(&mine, |f| match f.table {
                    Some(n) => (n.to_string(), n.to_string()),
                    None => ("none".into(), String::new()),
                }),
            ),
            (
                &r.by_assistant,
                slow_groups(&mine, |f| staff_key(&f.assistant)),
            ),
        ];
        for (fast, slow) in pairs {
            assert_eq!(fast_groups(fast), slow, "seminar {id}");
            checked_groups += slow.len();
        }
    }

    let cmp = compare_in(&conn, Lang::Zh, "2099-12-31").unwrap();
    assert_eq!(cmp.seminars.len(), seminars.len());
    let mut closed_counts = Vec::new();
    for row in &cmp.seminars {
        let mine = facts.iter().filter(|f| f.seminar == row.seminar_id);
        let expected = slow_counts(mine);
        assert_eq!(
            row.counts, expected,
            "seminar {} in the comparison",
            row.seminar_id
        );
        let status = &seminars.iter().find(|s| s.0 == row.seminar_id).unwrap().1;
        if status == "closed" {
            closed_counts.push(expected);
        }
    }
    let m =
        |f: &dyn Fn(&Counts) -> Option<f64>| median(closed_counts.iter().filter_map(f).collect());
    assert_eq!(cmp.medians.pre_event, m(&|c| rate(c.attended, c.invited)));
    assert_eq!(cmp.medians.in_event, m(&|c| c.event_close_rate));
    assert_eq!(cmp.medians.post_event, m(&|c| c.followup_close_rate));
    assert_eq!(cmp.medians.session_conversion, m(&|c| c.session_conversion));
    assert_eq!(cmp.medians.deal_ratio, m(&|c| c.deal_ratio));
    let meta: HashMap<i64, &SeminarMeta> = seminars
        .iter()
        .filter(|s| s.1 == "closed")
        .map(|s| (s.0, s))
        .collect();
    let closed: Vec<&Fact> = facts
        .iter()
        .filter(|f| meta.contains_key(&f.seminar))
        .collect();
    assert_eq!(
        fast_groups(&cmp.by_layout),
        slow_groups(&closed, |f| {
            let l = meta[&f.seminar].2.clone();
            (l.clone(), l)
        })
    );
    assert_eq!(
        fast_groups(&cmp.by_lecturer),
        slow_groups(&closed, |f| {
            let s = meta[&f.seminar];
            staff_key(&s.3.map(|id| (id, s.4.clone().unwrap_or_default())))
        })
    );
    checked_groups
}

#[test]
fn the_fast_path_equals_the_definitions_on_the_demo() {
    let app = app();
    call(&app, "demo.load", json!({"today": "2026-11-22"})).unwrap();
    assert!(check_against_definitions(&app) > 20);
}

/// A random organisation: every awkward case the definitions name, in several time zones.
fn random_organisation(app: &App, seed: u64) {
    let mut rng = StdRng::seed_from_u64(seed);
    let created = "2026-01-01T00:00:00Z";
    app.db
        .write(|tx| {
            for n in 1..=6 {
                tx.execute(
                    "INSERT INTO staff (name, roles, created_at) VALUES (?1, '[\"inviter\",\"assistant\",\"lecturer\"]', ?2)",
                    params![format!("员工{n}"), created],
                )?;
            }
            tx.execute("INSERT INTO products (name, created_at) VALUES ('系统', ?1)", [created])?;
            let cities = ["长沙", "株洲", "湘潭"];
            let roles = ["owner", "owner_spouse", "manager", "staff"];
            let stores = 40;
            let mut contacts: Vec<Vec<i64>> = vec![Vec::new()];
            for s in 1..=stores {
                tx.execute(
                    "INSERT INTO stores (name, city, created_at) VALUES (?1, ?2, ?3)",
                    params![format!("门店{s}"), cities[rng.random_range(0..3)], created],
                )?;
                let mut mine = Vec::new();
                for _ in 0..rng.random_range(1..=3) {
                    tx.execute(
                        "INSERT INTO contacts (store_id, name, role, created_at) VALUES (?1, '客', ?2, ?3)",
                        params![s, roles[rng.random_range(0..4)], created],
                    )?;
                    mine.push(tx.last_insert_rowid());
                }
                contacts.push(mine);
            }
            let zones = ["Asia/Shanghai", "America/Los_Angeles", "Pacific/Kiritimati", "Etc/GMT+12"];
            let statuses = ["planning", "inviting", "live", "closed", "closed", "closed"];
            let day0 = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
            let mut dates = Vec::new();
            for m in 1..=18 {
                let date = day0 + chrono::Duration::days(rng.random_range(0..120));
                dates.push(date);
                let lecturer: Option<i64> = rng.random_bool(0.7).then(|| rng.random_range(1..=6));
                tx.execute(
                    "INSERT INTO seminars (title, date, start_time, timezone, capacity, lecturer_id, layout, status, attribution_days, created_at)
                     VALUES (?1, ?2, '14:00', ?3, 100, ?4, ?5, ?6, ?7, ?8)",
                    params![
                        format!("会{m}"),
                        date.format("%Y-%m-%d").to_string(),
                        zones[rng.random_range(0..zones.len())],
                        lecturer,
                        if rng.random_bool(0.5) { "round_tables" } else { "classroom" },
                        statuses[rng.random_range(0..statuses.len())],
                        [0, 1, 7, 30][rng.random_range(0..4)],
                        created
                    ],
                )?;
                let mut tables = Vec::new();
                for t in 1..=3 {
                    let assistant: Option<i64> = rng.random_bool(0.7).then(|| rng.random_range(1..=6));
                    tx.execute(
                        "INSERT INTO venue_tables (seminar_id, number, seats, assistant_id) VALUES (?1, ?2, 10, ?3)",
                        params![m, t, assistant],
                    )?;
                    tables.push((tx.last_insert_rowid(), 0));
                }
                for s in 1..=stores {
                    if !rng.random_bool(0.45) {
                        continue;
                    }
                    let status = ["invited", "confirmed", "confirmed", "declined", "cancelled"][rng.random_range(0..5)];
                    let inviter: Option<i64> = rng.random_bool(0.8).then(|| rng.random_range(1..=6));
                    tx.execute(
                        "INSERT INTO invitations (seminar_id, store_id, inviter_id, status, walk_in, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                        params![m, s, inviter, status, rng.random_bool(0.1), created],
                    )?;
                    let inv = tx.last_insert_rowid();
                    let guests: Vec<i64> = contacts[s as usize].iter().copied().filter(|_| rng.random_bool(0.6)).collect();
                    for g in &guests {
                        tx.execute("INSERT INTO invitation_guests (invitation_id, contact_id) VALUES (?1, ?2)", params![inv, g])?;
                        if rng.random_bool(0.5) {
                            let t = rng.random_range(0..3);
                            tables[t].1 += 1;
                            tx.execute(
                                "INSERT INTO seat_assignments (seminar_id, invitation_id, contact_id, table_id, seat) VALUES (?1, ?2, ?3, ?4, ?5)",
                                params![m, inv, g, tables[t].0, tables[t].1],
                            )?;
                        }
                    }
                    if rng.random_bool(0.6) {
                        for _ in 0..rng.random_range(1..=2) {
                            let who: Option<i64> = if guests.is_empty() || rng.random_bool(0.2) {
                                None
                            } else {
                                Some(guests[rng.random_range(0..guests.len())])
                            };
                            let undone: Option<&str> = rng.random_bool(0.2).then_some(created);
                            tx.execute(
                                "INSERT INTO checkins (invitation_id, contact_id, at, undone_at) VALUES (?1, ?2, ?3, ?4)",
                                params![inv, who, created, undone],
                            )?;
                        }
                    }
                }
            }
            // Deals around the seminars' days, at hours that cross the date line in some zones.
            for s in 1..=stores {
                for _ in 0..rng.random_range(0..=6) {
                    let date = dates[rng.random_range(0..dates.len())] + chrono::Duration::days(rng.random_range(-2..=35));
                    let at = format!("{}T{:02}:{:02}:00Z", date.format("%Y-%m-%d"), rng.random_range(0..24), rng.random_range(0..60));
                    let seminar: Option<i64> = rng.random_bool(0.8).then(|| rng.random_range(1..=18));
                    tx.execute(
                        "INSERT INTO deals (seminar_id, store_id, product_id, amount_fen, payment, state, at) VALUES (?1, ?2, 1, 100, ?3, ?4, ?5)",
                        params![
                            seminar,
                            s,
                            ["deposit", "full", "full", "promised"][rng.random_range(0..4)],
                            ["active", "active", "active", "cancelled", "refunded"][rng.random_range(0..5)],
                            at
                        ],
                    )?;
                }
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn the_fast_path_equals_the_definitions_on_random_organisations() {
    for seed in 1..=6 {
        let app = app();
        random_organisation(&app, seed);
        let groups = check_against_definitions(&app);
        assert!(groups > 100, "seed {seed}: only {groups} groups checked");
    }
}
