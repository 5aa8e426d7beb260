//! The organisation's seminars side by side: every seminar's counts at once, the medians, the
//! verdicts, and conversion by seating layout and by lecturer.

use std::collections::HashMap;

use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use super::counts::{groups, Counts, Group};
use super::kept::seminar_tallies;
use super::verdict::{median, verdict, weakest, Medians, Phase};
use crate::app::App;
use crate::error::Result;

/// One seminar in the organisation's comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
pub struct SeminarRow {
    pub seminar_id: i64,
    pub title: String,
    pub date: String,
    pub city: String,
    /// The laptop that runs it (head office holds every laptop's); `null` before this laptop joins.
    pub laptop: Option<String>,
    pub status: crate::seminar::SeminarStatus,
    #[serde(flatten)]
    #[ts(flatten)]
    pub counts: Counts,
    /// For closed seminars: the phase that fell furthest below the organisation's median.
    pub weakest: Option<Phase>,
    /// That finding as a sentence, in the caller's language.
    pub verdict: Option<String>,
    /// The talk's overrun in minutes: the finished stage runs' actual time − the planned minutes
    /// of the stages that ran (each stage once); `null` without a stage log.
    pub talk_overrun_minutes: Option<f64>,
    /// Minutes from the talk's first stage to the start of its first price stage; `null` when
    /// no price stage ran.
    pub price_start_minutes: Option<f64>,
}

/// Which seminars to compare: one city's, one laptop's (head office holds every laptop's seminars),
/// or all. Applied in SQL; a deal is still credited across every seminar held here.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS, ToSchema)]
#[serde(default)]
pub struct CompareFilter {
    pub city: Option<String>,
    /// The laptop that runs the seminars (a seminar of this laptop's own is this laptop's name).
    pub laptop: Option<String>,
}

/// Every seminar side by side (oldest first), the medians, and conversion by seating layout and
/// by lecturer across closed seminars.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
pub struct Comparison {
    pub seminars: Vec<SeminarRow>,
    /// The cities and the laptops of every seminar held here, whatever the filter (to choose from).
    pub cities: Vec<String>,
    pub laptops: Vec<String>,
    pub medians: Medians,
    pub by_layout: Vec<Group>,
    pub by_lecturer: Vec<Group>,
}

/// A seminar's talk overrun and price stage start, in minutes.
type TalkTiming = (Option<f64>, Option<f64>);

/// Per seminar with a stage log: (talk overrun, price stage start offset), in minutes — one
/// bulk query over the log (the dashboard must stay fast).
fn talk_timings(conn: &Connection) -> Result<HashMap<i64, TalkTiming>> {
    let mut stmt = conn.prepare_cached(
        "SELECT seminar_id,
            sum(CASE WHEN ended_at IS NOT NULL THEN (julianday(ended_at) - julianday(started_at)) * 1440.0 END),
            (SELECT sum(t) FROM (SELECT max(target_minutes) AS t FROM stage_log p
                WHERE p.seminar_id = l.seminar_id AND p.ended_at IS NOT NULL GROUP BY p.stage_key)),
            (julianday(min(CASE WHEN kind = 'price' THEN started_at END)) - julianday(min(started_at))) * 1440.0
         FROM stage_log l GROUP BY seminar_id",
    )?;
    let mut out = HashMap::new();
    let mut rows = stmt.query([])?;
    let tenth = |m: f64| (m * 10.0).round() / 10.0;
    while let Some(r) = rows.next()? {
        let actual: Option<f64> = r.get(1)?;
        let planned: Option<i64> = r.get(2)?;
        let price: Option<f64> = r.get(3)?;
        let overrun = actual.zip(planned).map(|(a, p)| tenth(a - p as f64));
        out.insert(r.get::<_, i64>(0)?, (overrun, price.map(tenth)));
    }
    Ok(out)
}

/// The comparison as of `today` (`YYYY-MM-DD` at the venue): a seminar's follow-up is judged once
/// its attribution window has passed.
pub fn compare_in(conn: &Connection, lang: crate::i18n::Lang, today: &str) -> Result<Comparison> {
    compare_filtered(conn, lang, today, &CompareFilter::default())
}

/// The laptop that runs a seminar `m`: head office's word when it was pulled, else this laptop.
pub(super) const LAPTOP_SQL: &str = "coalesce(m.laptop, (SELECT laptop FROM sync_state))";

/// The comparison of the seminars the filter keeps, as of `today`.
pub fn compare_filtered(
    conn: &Connection,
    lang: crate::i18n::Lang,
    today: &str,
    filter: &CompareFilter,
) -> Result<Comparison> {
    let nonempty = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let (city, laptop) = (nonempty(&filter.city), nonempty(&filter.laptop));
    let tallies = seminar_tallies(conn)?;
    let timings = talk_timings(conn)?;
    struct Meta {
        title: String,
        date: String,
        city: String,
        laptop: Option<String>,
        status: crate::seminar::SeminarStatus,
        layout: String,
        lecturer: Option<(i64, String)>,
        /// While `today` is before this day, follow-up deals may still come.
        follow_up_open_until: Option<String>,
    }
    let mut stmt = conn.prepare(&format!(
        "SELECT m.id, m.title, m.date, m.city, m.status, m.layout, m.lecturer_id, l.name,
            date(m.date, '+' || m.attribution_days || ' days'), {LAPTOP_SQL}
         FROM seminars m LEFT JOIN staff l ON l.id = m.lecturer_id
         WHERE (?1 IS NULL OR m.city = ?1) AND (?2 IS NULL OR {LAPTOP_SQL} = ?2)
         ORDER BY m.date, m.start_time, m.id"
    ))?;
    let metas: Vec<(i64, Meta)> = stmt
        .query_map(rusqlite::params![city, laptop], |r| {
            let lecturer: Option<i64> = r.get(6)?;
            let name: Option<String> = r.get(7)?;
            Ok((
                r.get(0)?,
                Meta {
                    title: r.get(1)?,
                    date: r.get(2)?,
                    city: r.get(3)?,
                    laptop: r.get(9)?,
                    status: crate::seminar::SeminarStatus::parse(&r.get::<_, String>(4)?)
                        .unwrap_or(crate::seminar::SeminarStatus::Planning),
                    layout: r.get(5)?,
                    lecturer: lecturer.map(|id| (id, name.unwrap_or_default())),
                    follow_up_open_until: r
                        .get::<_, Option<String>>(8)?
                        .filter(|end| end.as_str() > today),
                },
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let rows: Vec<(i64, &Meta, Counts)> = metas
        .iter()
        .map(|(id, m)| {
            (
                *id,
                m,
                tallies.get(id).copied().unwrap_or_default().counts(),
            )
        })
        .collect();
    let closed: Vec<(&Meta, &Counts)> = rows
        .iter()
        .filter(|(_, m, _)| m.status == crate::seminar::SeminarStatus::Closed)
        .map(|(_, m, c)| (*m, c))
        .collect();
    let collect =
        |f: &dyn Fn(&Counts) -> Option<f64>| median(closed.iter().filter_map(|c| f(c.1)).collect());
    // The phase after the event, over the seminars whose follow-up is over.
    let post_event = median(
        closed
            .iter()
            .filter(|(m, _)| m.follow_up_open_until.is_none())
            .filter_map(|(_, c)| Phase::PostEvent.rate(c))
            .collect(),
    );
    let medians = Medians {
        pre_event: collect(&|c| Phase::PreEvent.rate(c)),
        in_event: collect(&|c| Phase::InEvent.rate(c)),
        post_event,
        session_conversion: collect(&|c| c.session_conversion),
        deal_ratio: collect(&|c| c.deal_ratio),
    };
    let seminars = rows
        .into_iter()
        .map(|(id, m, counts)| {
            let judged = m.status == crate::seminar::SeminarStatus::Closed && counts.attended > 0;
            let open = m.follow_up_open_until.as_deref();
            let found = judged.then(|| weakest(&counts, &medians, open.is_none()));
            let (talk_overrun_minutes, price_start_minutes) =
                timings.get(&id).copied().unwrap_or_default();
            SeminarRow {
                seminar_id: id,
                title: m.title.clone(),
                date: m.date.clone(),
                city: m.city.clone(),
                laptop: m.laptop.clone(),
                status: m.status,
                weakest: found.flatten().map(|(p, _, _)| p),
                verdict: found.map(|f| verdict(f, open, lang)),
                counts,
                talk_overrun_minutes,
                price_start_minutes,
            }
        })
        .collect();
    // Layouts and lecturers are compared over finished seminars only (those with invitations).
    let finished = || {
        metas.iter().filter_map(|(id, m)| {
            let t = tallies.get(id)?;
            (m.status == crate::seminar::SeminarStatus::Closed).then_some((m, *t))
        })
    };
    let by_layout = groups(finished().map(|(m, t)| ((m.layout.clone(), m.layout.clone()), t)));
    let by_lecturer = groups(finished().map(|(m, t)| {
        let key = match &m.lecturer {
            Some((id, name)) => (id.to_string(), name.clone()),
            None => ("none".into(), String::new()),
        };
        (key, t)
    }));
    let distinct = |sql: &str| -> Result<Vec<String>> {
        let mut stmt = conn.prepare(sql)?;
        let v = stmt
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(v)
    };
    Ok(Comparison {
        seminars,
        cities: distinct("SELECT DISTINCT city FROM seminars m WHERE city <> '' ORDER BY city")?,
        laptops: distinct(&format!(
            "SELECT DISTINCT {LAPTOP_SQL} AS l FROM seminars m WHERE l IS NOT NULL ORDER BY l"
        ))?,
        medians,
        by_layout,
        by_lecturer,
    })
}

/// The organisation's seminars side by side, with where each closed one lost most.
pub fn compare(
    app: &App,
    caller: &crate::caller::Caller,
    filter: CompareFilter,
) -> Result<Comparison> {
    let conn = app.db.conn();
    let today = crate::venue::today(app, &conn, None)?.to_string();
    compare_filtered(&conn, caller.lang, &today, &filter)
}

/// The comparison as of today at the venue.
pub fn compare_today(app: &App, lang: crate::i18n::Lang) -> Result<Comparison> {
    compare_today_filtered(app, lang, &CompareFilter::default())
}

/// The comparison of the seminars the filter keeps, as of today at the venue (the dashboard's
/// export, as filtered on screen).
pub fn compare_today_filtered(
    app: &App,
    lang: crate::i18n::Lang,
    filter: &CompareFilter,
) -> Result<Comparison> {
    let conn = app.db.conn();
    let today = crate::venue::today(app, &conn, None)?.to_string();
    compare_filtered(&conn, lang, &today, filter)
}
