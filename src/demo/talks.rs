//! What the demo seminars say on stage: the script, the set-up checklist and the closed
//! seminar's stage log.

use chrono::{Duration, NaiveDate};
use rusqlite::params;

use super::people::StaffIds;
use super::products::ProductRow;
use super::{hm, stamp, Demo};
use crate::error::Result;

impl Demo<'_> {
    /// Every seminar gets the default script (its price plan: the first product) and the default
    /// set-up checklist, items assigned in turn to the assistants. The closed seminar's checklist
    /// is all ticked and its stage log filled in; today's is half done. No randomness: the rest of
    /// the demo stays as it was.
    pub(super) fn talks(&mut self, staff: &StaffIds, products: &[ProductRow]) -> Result<()> {
        let seminars: Vec<(i64, String, String)> = self
            .conn
            .prepare("SELECT id, date, status FROM seminars ORDER BY date")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect::<rusqlite::Result<_>>()?;
        for (id, date, status) in seminars {
            let date = NaiveDate::parse_from_str(&date, "%Y-%m-%d").expect("demo dates");
            let prepared = stamp(date - Duration::days(3), hm(10, 0));
            crate::script::copy_template_in(self.conn, id, None, &prepared)?;
            self.conn.execute(
                "UPDATE scripts SET product_id = ?2 WHERE seminar_id = ?1",
                params![id, products[0].id],
            )?;
            crate::checklist::copy_in(self.conn, id, None)?;
            let items: Vec<i64> = self
                .conn
                .prepare("SELECT id FROM checklist_items WHERE seminar_id = ?1 ORDER BY position")?
                .query_map([id], |r| r.get(0))?
                .collect::<rusqlite::Result<_>>()?;
            let ticked = match status.as_str() {
                "closed" => items.len(),
                "live" => items.len() / 2,
                _ => 0,
            };
            for (i, item) in items.iter().enumerate() {
                let who = staff.assistants[i % staff.assistants.len()];
                self.conn.execute(
                    "UPDATE checklist_items SET assignee_id = ?2 WHERE id = ?1",
                    params![item, who],
                )?;
                if i < ticked {
                    self.conn.execute(
                        "UPDATE checklist_items SET done_at = ?2, done_by = 'organizer' WHERE id = ?1",
                        params![item, stamp(date, hm(11, 0) + 240 * i as u32)],
                    )?;
                }
            }
            if status == "closed" {
                self.stage_log(id, date)?;
            }
        }
        Ok(())
    }

    /// The closed seminar's talk: it started five minutes late, the pain points and the price
    /// reveal ran long.
    fn stage_log(&mut self, seminar_id: i64, date: NaiveDate) -> Result<()> {
        const OVER: [i64; 6] = [90, 300, 420, -120, 60, 540];
        let (_, _, body, _) = crate::script::body_of(self.conn, seminar_id)?;
        let mut at = hm(14, 5) as i64;
        for (stage, over) in body.stages.iter().zip(OVER) {
            crate::stagelog::start_in(self.conn, seminar_id, stage, &stamp(date, at as u32))?;
            at += stage.target_minutes * 60 + over;
        }
        crate::stagelog::end_in(self.conn, seminar_id, &stamp(date, at as u32))
    }
}
