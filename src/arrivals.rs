//! Who has arrived (到场看板): the live board of a seminar — arrived against expected, per table,
//! per inviter, late arrivals, arrivals over time, the sign-in wall's latest names, and
//! duplicates from offline stations — and each assistant's own tables.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDateTime, TimeZone, Timelike};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::app::App;
use crate::caller::Caller;
use crate::checkin::DoorGuest;
use crate::contact::ContactRole;
use crate::error::{Error, Result};
use crate::input::SeminarScope;
use crate::seminar;
use crate::station::StationRole;
use crate::venue;

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Count {
    /// Table number, or the inviter's name.
    pub label: String,
    pub assistant: Option<String>,
    pub expected: i64,
    pub arrived: i64,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Arrival {
    pub guest: Option<String>,
    pub store: String,
    pub table: Option<i64>,
    /// Venue-local `HH:MM`.
    pub at: String,
    pub walk_in: bool,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Duplicate {
    pub guest: Option<String>,
    pub store: String,
    /// The station whose check-in arrived second (offline), with its own clock.
    pub station: String,
    pub station_at: Option<String>,
    /// The check-in that counted.
    pub kept_station: String,
    pub kept_at: String,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Board {
    pub seminar_id: i64,
    pub title: String,
    /// Venue-local start, `HH:MM`.
    pub starts: String,
    /// Guests with a valid ticket of a confirmed invitation.
    pub expected: i64,
    pub arrived: i64,
    /// People who came with guests (+1, +2).
    pub companions: i64,
    pub walk_ins: i64,
    pub by_table: Vec<Count>,
    pub by_inviter: Vec<Count>,
    /// Guests checked in after the start time.
    pub late: i64,
    /// Expected guests not here yet: the names the greeters phone, before the start as after it.
    pub missing: Vec<DoorGuest>,
    /// Cumulative arrivals per 5 minutes: (`HH:MM`, arrived so far).
    pub timeline: Vec<(String, i64)>,
    /// The latest arrivals, newest first (the sign-in wall).
    pub recent: Vec<Arrival>,
    pub duplicates: Vec<Duplicate>,
}

/// The arrival board of a seminar, computed from the guest list in one pass.
pub fn board(app: &App, caller: &Caller, scope: SeminarScope) -> Result<Board> {
    caller.check_seminar(scope.seminar_id)?;
    let roster = crate::checkin::roster(app, caller, scope.clone())?;
    let conn = app.db.conn();
    let s = seminar::get_in(&conn, scope.seminar_id)?;
    let tz = venue::zone_named(&conn, &s.timezone)?;
    let start =
        NaiveDateTime::parse_from_str(&format!("{} {}", s.date, s.start_time), "%Y-%m-%d %H:%M")
            .ok()
            .and_then(|l| tz.from_local_datetime(&l).earliest());
    let local = |at: &str| {
        DateTime::parse_from_rfc3339(at)
            .ok()
            .map(|t| t.with_timezone(&tz))
    };

    let mut tables: BTreeMap<i64, Count> = BTreeMap::new();
    let mut inviters: BTreeMap<String, Count> = BTreeMap::new();
    let (mut arrived, mut late, mut walk_ins) = (0, 0, 0);
    let mut times = Vec::new();
    let mut missing = Vec::new();
    for g in &roster.guests {
        let here = g.checked_in_at.is_some();
        if let Some(t) = g.table {
            let c = tables.entry(t).or_insert_with(|| Count {
                label: t.to_string(),
                assistant: g.assistant.clone(),
                expected: 0,
                arrived: 0,
            });
            c.expected += 1;
            c.arrived += here as i64;
        }
        let inviter = g.inviter.clone().unwrap_or_default();
        let c = inviters.entry(inviter.clone()).or_insert_with(|| Count {
            label: inviter,
            assistant: None,
            expected: 0,
            arrived: 0,
        });
        c.expected += 1;
        c.arrived += here as i64;
        walk_ins += g.walk_in as i64;
        match g.checked_in_at.as_deref().and_then(local) {
            Some(at) => {
                arrived += 1;
                if start.is_some_and(|st| at > st) {
                    late += 1;
                }
                times.push(at);
            }
            None => missing.push(g.clone()),
        }
    }
    times.sort();
    let mut timeline: Vec<(String, i64)> = Vec::new();
    for (i, t) in times.iter().enumerate() {
        let slot = format!("{:02}:{:02}", t.hour(), t.minute() / 5 * 5);
        match timeline.last_mut() {
            Some((s, n)) if *s == slot => *n = i as i64 + 1,
            _ => timeline.push((slot, i as i64 + 1)),
        }
    }
    let companions: i64 = conn.query_row(
        "SELECT coalesce(sum(k.companions), 0) FROM checkins k JOIN invitations i ON i.id = k.invitation_id
         WHERE i.seminar_id = ?1 AND k.undone_at IS NULL",
        [scope.seminar_id],
        |r| r.get(0),
    )?;
    let mut recent: Vec<_> = roster
        .guests
        .iter()
        .filter_map(|g| {
            let at = local(g.checked_in_at.as_deref()?)?;
            Some((
                at,
                Arrival {
                    guest: g.guest.clone(),
                    store: g.store.clone(),
                    table: g.table,
                    at: at.format("%H:%M").to_string(),
                    walk_in: g.walk_in,
                },
            ))
        })
        .collect();
    recent.sort_by_key(|r| std::cmp::Reverse(r.0));
    let recent: Vec<Arrival> = recent.into_iter().take(30).map(|(_, a)| a).collect();
    let duplicates = conn
        .prepare_cached(
            "SELECT c.name, s.name, d.station, d.station_at, k.station, k.at
             FROM checkin_duplicates d JOIN checkins k ON k.id = d.checkin_id
             JOIN tickets t ON t.id = d.ticket_id JOIN invitations i ON i.id = t.invitation_id
             JOIN stores s ON s.id = i.store_id LEFT JOIN contacts c ON c.id = t.contact_id
             WHERE d.seminar_id = ?1 ORDER BY d.id DESC",
        )?
        .query_map([scope.seminar_id], |r| {
            Ok(Duplicate {
                guest: r.get(0)?,
                store: r.get(1)?,
                station: r.get(2)?,
                station_at: r.get(3)?,
                kept_station: r.get(4)?,
                kept_at: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Board {
        seminar_id: s.id,
        title: s.title,
        starts: s.start_time,
        expected: roster.guests.len() as i64,
        arrived,
        companions,
        walk_ins,
        by_table: tables.into_values().collect(),
        by_inviter: inviters.into_values().collect(),
        late,
        missing,
        timeline,
        recent,
        duplicates,
    })
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct AssistantScope {
    pub seminar_id: i64,
    /// The assistant (the organizer names one; a station is its own staff member).
    #[serde(default)]
    pub assistant_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct TableGuests {
    pub table_id: i64,
    pub number: i64,
    pub seats: i64,
    pub guests: Vec<AssistantGuest>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct AssistantGuest {
    pub contact_id: i64,
    pub store_id: i64,
    pub name: String,
    pub role: Option<ContactRole>,
    pub store: String,
    pub seat: i64,
    /// `*******1234`: stations see the last four digits only.
    pub phone: Option<String>,
    /// Venue-local `HH:MM` once arrived.
    pub arrived_at: Option<String>,
    pub companions: i64,
}

/// An assistant's tables with their guests and who has arrived.
pub fn assistant_tables(
    app: &App,
    caller: &Caller,
    input: AssistantScope,
) -> Result<Vec<TableGuests>> {
    caller.check_seminar(input.seminar_id)?;
    let assistant = match &caller.station {
        Some(id) if id.role == StationRole::Assistant => Some(id.staff_id),
        Some(_) => {
            return Err(Error::forbidden(
                "只有助教工作站能看自己的桌子。",
                "Only an assistant's station sees its tables.",
            ))
        }
        None => input.assistant_id,
    };
    let conn = app.db.conn();
    let s = seminar::get_in(&conn, input.seminar_id)?;
    let tz = venue::zone_named(&conn, &s.timezone)?;
    let mut out: Vec<TableGuests> = conn
        .prepare_cached(
            "SELECT id, number, seats FROM venue_tables WHERE seminar_id = ?1
             AND (?2 IS NULL OR assistant_id = ?2) ORDER BY number",
        )?
        .query_map(rusqlite::params![input.seminar_id, assistant], |r| {
            Ok(TableGuests {
                table_id: r.get(0)?,
                number: r.get(1)?,
                seats: r.get(2)?,
                guests: vec![],
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut stmt = conn.prepare_cached(
        "SELECT c.id, s.id, c.name, c.role, s.name, a.seat, c.phone,
            (SELECT k.at FROM checkins k WHERE k.contact_id = c.id AND k.invitation_id = a.invitation_id
               AND k.undone_at IS NULL ORDER BY k.id LIMIT 1),
            (SELECT k.companions FROM checkins k WHERE k.contact_id = c.id AND k.invitation_id = a.invitation_id
               AND k.undone_at IS NULL ORDER BY k.id LIMIT 1)
         FROM seat_assignments a JOIN contacts c ON c.id = a.contact_id
         JOIN invitations i ON i.id = a.invitation_id JOIN stores s ON s.id = i.store_id
         WHERE a.table_id = ?1 ORDER BY a.seat",
    )?;
    for t in &mut out {
        t.guests = stmt
            .query_map([t.table_id], |r| {
                let role: String = r.get(3)?;
                let phone: Option<String> = r.get(6)?;
                let at: Option<String> = r.get(7)?;
                Ok(AssistantGuest {
                    contact_id: r.get(0)?,
                    store_id: r.get(1)?,
                    name: r.get(2)?,
                    role: ContactRole::parse(&role),
                    store: r.get(4)?,
                    seat: r.get(5)?,
                    phone: phone.as_deref().map(crate::phone::mask),
                    arrived_at: at.as_deref().and_then(|a| {
                        DateTime::parse_from_rfc3339(a)
                            .ok()
                            .map(|t| t.with_timezone(&tz).format("%H:%M").to_string())
                    }),
                    companions: r.get::<_, Option<i64>>(8)?.unwrap_or(0),
                })
            })?
            .collect::<rusqlite::Result<_>>()?;
    }
    Ok(out)
}
