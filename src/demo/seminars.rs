//! The demo's seminars: how one is set up (room, tables, seats, arrivals at the door), and the
//! live one today and the one next week still inviting.

use std::collections::HashSet;

use chrono::{Datelike, Duration, NaiveDate};
use rand::seq::SliceRandom;
use rand::Rng;
use rusqlite::params;

use super::closed::ClosedSeminar;
use super::invitations::Invited;
use super::people::StaffIds;
use super::stores::{StoreRow, CHANGSHA, CITIES, ZHUZHOU};
use super::{hm, stamp, Demo, TIMEZONE};
use crate::checkin;
use crate::error::Result;
use crate::invitation::InvitationStatus;
use crate::seating::{self, TableInput, TableShape};
use crate::seminar::{self, SeatingLayout, SeminarInput, SeminarStatus};

impl Demo<'_> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn seminar(
        &mut self,
        title: String,
        date: NaiveDate,
        venue: &str,
        city: usize,
        lecturer: i64,
        status: SeminarStatus,
        created: &str,
    ) -> Result<i64> {
        let input = SeminarInput {
            title,
            date: date.format("%Y-%m-%d").to_string(),
            start_time: "14:00".into(),
            timezone: TIMEZONE.into(),
            venue: venue.into(),
            city: CITIES[city].name.into(),
            capacity: 120,
            lecturer_id: Some(lecturer),
            layout: SeatingLayout::RoundTables,
            attribution_days: 30,
            quota_policy: Default::default(),
        };
        // Written as an import of history: a past date is not refused here (only `create` refuses it).
        let clean = seminar::clean(self.conn, input)?;
        seminar::insert(self.conn, &clean, status, created)
    }

    /// Round tables of ten in rows of four, each with an assistant; returns the assistant per table.
    /// Round tables with their assistants: (table id, assistant id) each.
    pub(super) fn tables(
        &mut self,
        seminar_id: i64,
        count: usize,
        assistants: &[i64],
    ) -> Result<Vec<(i64, i64)>> {
        let mut out = Vec::new();
        for i in 0..count {
            let assistant = assistants[i % assistants.len()];
            let table = TableInput {
                number: i as i64 + 1,
                shape: TableShape::Round,
                seats: 10,
                x: 160.0 + (i % 4) as f64 * 220.0,
                y: 200.0 + (i / 4) as f64 * 200.0,
                assistant_id: Some(assistant),
            };
            let id = seating::insert(self.conn, seminar_id, &table)?;
            out.push((id, assistant));
        }
        Ok(out)
    }

    /// Seats the guests of the arrived invitations table by table in arrival order, keeping seat 3
    /// of each table for its assistant; a guest who finds their table full stays unseated.
    pub(super) fn seat(
        &mut self,
        seminar_id: i64,
        tables: &[(i64, i64)],
        invited: &[Invited],
        arrived: &[usize],
    ) -> Result<()> {
        const ASSISTANT_SEAT: i64 = 3;
        let mut next = vec![1i64; tables.len()];
        for &(table, _) in tables {
            self.conn.execute(
                "INSERT INTO table_assistant_seats (table_id, seat) VALUES (?1, ?2)",
                params![table, ASSISTANT_SEAT],
            )?;
        }
        for (pos, &k) in arrived.iter().enumerate() {
            let t = pos % tables.len();
            for &contact in &invited[k].guests {
                if next[t] == ASSISTANT_SEAT {
                    next[t] += 1;
                }
                if next[t] > 10 {
                    break;
                }
                self.conn.execute(
                    "INSERT INTO seat_assignments (seminar_id, invitation_id, contact_id, table_id, seat) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![seminar_id, invited[k].id, contact, tables[t].0, next[t]],
                )?;
                next[t] += 1;
            }
        }
        Ok(())
    }

    /// Check-ins on `date` of the given invitations, each `(invitation, second its first guest
    /// arrives)`, written in arrival order. The first guest always comes (sometimes with
    /// companions), a second one usually, a few minutes later. Returns the invitations in the
    /// order their first person arrived.
    pub(super) fn check_in(
        &mut self,
        invited: &[Invited],
        which: &[(usize, u32)],
        date: NaiveDate,
    ) -> Result<Vec<usize>> {
        struct Arrival {
            second: u32,
            inv: usize,
            contact: i64,
            ticket: Option<i64>,
            companions: i64,
            station: &'static str,
        }
        let mut arrivals = Vec::new();
        for &(k, first) in which {
            let inv = &invited[k];
            for (j, &contact) in inv.guests.iter().enumerate() {
                if j > 0 && !self.chance(0.85) {
                    continue;
                }
                let companions = if j == 0 {
                    match self.rng.random_range(0..100) {
                        0..72 => 0,
                        72..97 => 1,
                        _ => 2,
                    }
                } else {
                    0
                };
                let ticket = inv
                    .tickets
                    .iter()
                    .find(|(c, _)| *c == contact)
                    .map(|(_, t)| *t);
                arrivals.push(Arrival {
                    second: first + j as u32 * self.rng.random_range(0..240),
                    inv: k,
                    contact,
                    ticket,
                    companions,
                    station: self.pick(&["入口签到台", "入口签到台", "侧门签到台"]),
                });
            }
        }
        arrivals.sort_by_key(|a| (a.second, invited[a.inv].id, a.contact));
        let mut order = Vec::new();
        for a in &arrivals {
            checkin::record(
                self.conn,
                invited[a.inv].id,
                a.ticket,
                Some(a.contact),
                &stamp(date, a.second),
                a.station,
                a.companions,
            )?;
            if !order.contains(&a.inv) {
                order.push(a.inv);
            }
        }
        Ok(order)
    }

    /// Today in 株洲, live: 50 invited, 44 confirmed with tickets, tables set, a few early arrivals.
    pub(super) fn seminar_today(&mut self, staff: &StaffIds, stores: &[StoreRow]) -> Result<()> {
        let date = self.today;
        let created = self.at(date - Duration::days(30), hm(10, 0), hm(12, 0));
        let title = format!("{} 实体门店会员增长峰会（株洲站）", date.year());
        let seminar_id = self.seminar(
            title,
            date,
            "神农大酒店 2楼 国际会议厅",
            ZHUZHOU,
            staff.lecturers[0],
            SeminarStatus::Live,
            &created,
        )?;
        let tables = self.tables(seminar_id, 10, &staff.assistants)?;
        let chosen = self.choose_stores(stores, ZHUZHOU, &HashSet::new(), 50);
        let statuses = self.statuses(44, 3, 2, 1);
        let picks: Vec<(usize, InvitationStatus)> = chosen.into_iter().zip(statuses).collect();
        let invited = self.invite(
            seminar_id,
            stores,
            staff,
            &picks,
            date - Duration::days(28),
            date - Duration::days(1),
        )?;
        // Everyone confirmed has a seat, so the door can say which table.
        let confirmed: Vec<usize> = (0..invited.len())
            .filter(|&k| invited[k].status == InvitationStatus::Confirmed)
            .collect();
        self.seat(seminar_id, &tables, &invited, &confirmed)?;
        let mut early = confirmed;
        early.shuffle(&mut self.rng);
        early.truncate(6);
        early.sort_unstable();
        let mut arrivals = Vec::new();
        for k in early {
            arrivals.push((k, self.second(hm(13, 15), hm(13, 45))));
        }
        self.check_in(&invited, &arrivals, date)?;
        Ok(())
    }

    /// Next week in 长沙, still inviting: 40 stores (none that bought two weeks ago), mixed answers.
    pub(super) fn seminar_next_week(
        &mut self,
        staff: &StaffIds,
        stores: &[StoreRow],
        closed: &ClosedSeminar,
    ) -> Result<()> {
        let date = self.day(7);
        let created = self.at(self.day(-12), hm(10, 0), hm(12, 0));
        let title = format!("{} 门店招生拓客研讨会（长沙站·第二期）", date.year());
        let seminar_id = self.seminar(
            title,
            date,
            "通程国际大酒店 5楼 湘江厅",
            CHANGSHA,
            staff.lecturers[1],
            SeminarStatus::Inviting,
            &created,
        )?;
        self.tables(seminar_id, 8, &staff.assistants)?;
        let chosen = self.choose_stores(stores, CHANGSHA, &closed.buyers, 40);
        let statuses = self.statuses(16, 5, 19, 0);
        let picks: Vec<(usize, InvitationStatus)> = chosen.into_iter().zip(statuses).collect();
        self.invite(
            seminar_id,
            stores,
            staff,
            &picks,
            self.day(-10),
            self.day(-1),
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::App;
    use crate::demo::tests::{load_on, texts};

    #[test]
    fn three_seminars_closed_live_and_inviting_around_today() {
        let app = App::in_memory().unwrap();
        let summary = load_on(&app, "2026-11-22").unwrap();
        assert_eq!(summary.seminars, 3);
        let list = seminar::list(&app).unwrap();
        let got: Vec<(String, SeminarStatus)> =
            list.iter().map(|s| (s.date.clone(), s.status)).collect();
        assert_eq!(
            got,
            vec![
                ("2026-11-29".into(), SeminarStatus::Inviting),
                ("2026-11-22".into(), SeminarStatus::Live),
                ("2026-11-08".into(), SeminarStatus::Closed),
            ]
        );
        let (next, now, past) = (&list[0], &list[1], &list[2]);
        assert_eq!((past.invited, past.attended), (62, 40));
        assert!(now.invited >= 45 && now.confirmed >= 40, "{now:?}");
        assert!(next.invited >= 35 && next.confirmed > 0 && next.confirmed < next.invited);
        for s in &list {
            assert!(s.lecturer_id.is_some());
            let tables =
                seating::list(&app, crate::input::SeminarScope { seminar_id: s.id }).unwrap();
            assert!(tables.len() >= 6 && tables.iter().all(|t| t.assistant_id.is_some()));
        }
        // Every confirmed guest of the live seminar holds a ticket of 26 characters.
        let codes = texts(
            &app,
            &format!("SELECT t.code FROM tickets t JOIN invitations i ON i.id = t.invitation_id WHERE i.seminar_id = {}", now.id),
        );
        assert!(codes.len() >= now.confirmed as usize);
        assert!(codes.iter().all(|c| c.len() == 26));
        // A new seminar in the past is still refused through the API.
        let e = seminar::create(
            &app,
            SeminarInput {
                title: "补录".into(),
                date: "2020-01-01".into(),
                start_time: "14:00".into(),
                timezone: TIMEZONE.into(),
                venue: String::new(),
                city: String::new(),
                capacity: 50,
                lecturer_id: None,
                layout: SeatingLayout::RoundTables,
                attribution_days: 30,
                quota_policy: Default::default(),
            },
        )
        .unwrap_err();
        assert_eq!(e.field(), Some("date"));
    }
}
