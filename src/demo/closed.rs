//! The demo seminar that closed two weeks ago: invitations and walk-ins, check-ins and seats, and
//! the deals made on the day after the price reveal.

use std::collections::HashSet;

use chrono::{Datelike, Duration, NaiveDate};
use rand::seq::SliceRandom;
use rand::Rng;
use rusqlite::params;

use super::invitations::{holds_money, Invited};
use super::people::StaffIds;
use super::products::ProductRow;
use super::stores::{StoreRow, CHANGSHA};
use super::{hm, stamp, Demo};
use crate::deal::{self, DealInput, Payment};
use crate::error::Result;
use crate::invitation::{self, InvitationInput, InvitationStatus};
use crate::seminar::SeminarStatus;

/// Codes of `deal::METHODS`, WeChat the most common.
const PAYMENT_METHODS: &[&str] = &["wechat", "wechat", "alipay", "card", "transfer", "cash"];

/// The closed seminar's day as its deals and follow-ups see it: who was invited, and the
/// assistant of each arrived invitation's table.
#[derive(Clone, Copy)]
pub(super) struct Day<'a> {
    pub(super) seminar_id: i64,
    pub(super) date: NaiveDate,
    pub(super) stores: &'a [StoreRow],
    pub(super) products: &'a [ProductRow],
    pub(super) invited: &'a [Invited],
    pub(super) assistant_of: &'a dyn Fn(usize) -> i64,
}

/// What the closed seminar leaves for the next one: the stores that bought.
pub(super) struct ClosedSeminar {
    pub(super) buyers: HashSet<usize>,
}

impl Demo<'_> {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn deal(
        &mut self,
        seminar_id: i64,
        store: &StoreRow,
        contact: Option<i64>,
        product: &ProductRow,
        rank: usize,
        payment: Payment,
        assistant: i64,
        note: &str,
        at: &str,
    ) -> Result<i64> {
        let method = if payment == Payment::Promised {
            String::new()
        } else {
            self.pick(PAYMENT_METHODS).to_owned()
        };
        let (tier_id, price) = product.tiers[rank];
        let input = DealInput {
            seminar_id: Some(seminar_id),
            store_id: store.id,
            contact_id: contact,
            product_id: product.id,
            tier_id: Some(tier_id),
            quantity: 1,
            amount_fen: price,
            payment,
            method,
            assistant_id: Some(assistant),
            note: note.into(),
            reason: String::new(),
        };
        deal::insert(self.conn, &input, at, "organizer").map(|(id, _)| id)
    }
    /// Two weeks ago in 长沙: 60 invited, 38 came plus two walk-ins, more closed deals than
    /// attending stores, and the follow-ups of the stores that did not buy on the day.
    pub(super) fn seminar_closed(
        &mut self,
        staff: &StaffIds,
        stores: &[StoreRow],
        products: &[ProductRow],
    ) -> Result<ClosedSeminar> {
        let date = self.day(-14);
        let created = self.at(date - Duration::days(40), hm(10, 0), hm(12, 0));
        let title = format!("{} 门店拓客增长研讨会（长沙站）", date.year());
        let seminar_id = self.seminar(
            title,
            date,
            "华天大酒店 3楼 宴会厅",
            CHANGSHA,
            staff.lecturers[1],
            SeminarStatus::Closed,
            &created,
        )?;
        let tables = self.tables(seminar_id, 8, &staff.assistants)?;

        let chosen = self.choose_stores(stores, CHANGSHA, &HashSet::new(), 62);
        let (invitees, walk_ins) = chosen.split_at(60);
        let statuses = self.statuses(50, 5, 3, 2);
        let picks: Vec<(usize, InvitationStatus)> =
            invitees.iter().copied().zip(statuses).collect();
        let mut invited = self.invite(
            seminar_id,
            stores,
            staff,
            &picks,
            date - Duration::days(35),
            date - Duration::days(2),
        )?;

        // 38 of the 50 confirmed stores come.
        let mut confirmed: Vec<usize> = (0..invited.len())
            .filter(|&k| invited[k].status == InvitationStatus::Confirmed)
            .collect();
        confirmed.shuffle(&mut self.rng);
        confirmed.truncate(38);
        confirmed.sort_unstable();
        let mut coming: Vec<(usize, u32)> = Vec::new();
        for k in confirmed {
            coming.push((k, self.second(hm(13, 5), hm(14, 15))));
        }

        // Two stores nobody invited come along with friends: invitations made at the door.
        for &store in walk_ins {
            let second = self.second(hm(13, 30), hm(13, 55));
            let at = stamp(date, second);
            let guests = vec![self.guests(&stores[store])[0]];
            let input = InvitationInput {
                seminar_id,
                store_id: stores[store].id,
                inviter_id: None,
                contact_ids: guests.clone(),
                walk_in: true,
                note: "现场到访，被同行朋友带来。".into(),
            };
            let id = invitation::insert(self.conn, &input, InvitationStatus::Confirmed, &at)?;
            coming.push((invited.len(), second + self.rng.random_range(30..180)));
            invited.push(Invited {
                id,
                store,
                status: InvitationStatus::Confirmed,
                guests,
                tickets: Vec::new(),
            });
        }

        let arrived = self.check_in(&invited, &coming, date)?;
        // Seated in arrival order around the tables; a store's assistant is its table's.
        self.seat(seminar_id, &tables, &invited, &arrived)?;
        let assistant_of = |k: usize| {
            let pos = arrived.iter().position(|&a| a == k).expect("arrived");
            tables[pos % tables.len()].1
        };
        let day = Day {
            seminar_id,
            date,
            stores,
            products,
            invited: &invited,
            assistant_of: &assistant_of,
        };
        let (buyers, promised) = self.event_deals(day, &arrived)?;
        let mut closed_stores: HashSet<usize> = buyers.iter().map(|&k| invited[k].store).collect();
        // Those who only promised come last: they are still thinking it over.
        let mut not_bought: Vec<usize> = arrived
            .iter()
            .copied()
            .filter(|k| !buyers.contains(k) && !promised.contains(k))
            .collect();
        // In follow-up too, the money-holder decides sooner.
        not_bought.sort_by_key(|&k| !holds_money(stores, &invited[k]));
        not_bought.extend(promised);
        let converted = self.follow_ups(day, &not_bought)?;
        closed_stores.extend(converted.iter().map(|&k| invited[k].store));
        Ok(ClosedSeminar {
            buyers: closed_stores,
        })
    }

    /// Deals on the day, after the price reveal: about two stores in three buy, many of them two
    /// or three products (companions buy too), so closed deals outnumber attending stores. Three
    /// stores only promise; one deal is refunded later and one is cancelled. Returns the
    /// invitations with a closed deal and those with a promise only.
    fn event_deals(&mut self, day: Day, arrived: &[usize]) -> Result<(Vec<usize>, Vec<usize>)> {
        let Day {
            seminar_id,
            date,
            stores,
            products,
            invited,
            assistant_of,
        } = day;
        struct Planned {
            second: u32,
            inv: usize,
            contact: Option<i64>,
            product: usize,
            payment: Payment,
            state: Option<&'static str>,
            note: &'static str,
        }
        let attended = arrived.len();
        // Who buys: chance, but the owner's spouse — who holds the money — tips the balance.
        let mut order: Vec<(f64, usize)> = arrived
            .iter()
            .map(|&k| {
                let bonus = if holds_money(stores, &invited[k]) {
                    0.45
                } else {
                    0.0
                };
                (self.rng.random::<f64>() + bonus, k)
            })
            .collect();
        order.sort_by(|a, b| b.0.total_cmp(&a.0));
        let order: Vec<usize> = order.into_iter().map(|(_, k)| k).collect();
        let buyers_n = attended * 13 / 20;
        let (buyers, others) = order.split_at(buyers_n);
        let target = attended + attended / 10 + 1;

        // How many deals each buying store makes (1 to 3), adding up to `target`.
        let mut per_store = vec![1usize; buyers.len()];
        let mut extra = target.saturating_sub(buyers.len());
        while extra > 0 {
            let i = self.rng.random_range(0..per_store.len());
            if per_store[i] < 3 {
                per_store[i] += 1;
                extra -= 1;
            }
        }

        let mut plan = Vec::new();
        let closing = |d: &mut Demo| d.second(hm(15, 35), hm(17, 30));
        for (&k, &n) in buyers.iter().zip(&per_store) {
            let inv = &invited[k];
            let mut bought: Vec<usize> = vec![0, 1, 2];
            bought.shuffle(&mut self.rng);
            // Most first buy the flagship system.
            if self.chance(0.6) {
                let pos = bought.iter().position(|&p| p == 0).expect("flagship");
                bought.swap(0, pos);
            }
            for (j, &product) in bought.iter().take(n).enumerate() {
                let (contact, note) = if j == 0 {
                    (inv.guests.first().copied(), "")
                } else if let Some(&second) = inv.guests.get(1) {
                    (Some(second), "同来的家人也下了一单。")
                } else {
                    (
                        inv.guests.first().copied(),
                        "同行的朋友一起下单，记在本店名下。",
                    )
                };
                let payment = if self.chance(0.55) {
                    Payment::Full
                } else {
                    Payment::Deposit
                };
                let note = if note.is_empty() && payment == Payment::Deposit {
                    "已付定金，尾款会后七天内付清。"
                } else {
                    note
                };
                plan.push(Planned {
                    second: closing(self),
                    inv: k,
                    contact,
                    product,
                    payment,
                    state: None,
                    note,
                });
            }
        }
        // Three stores only promise to pay.
        let promised: Vec<usize> = others.iter().copied().take(3).collect();
        for &k in &promised {
            plan.push(Planned {
                second: closing(self),
                inv: k,
                contact: invited[k].guests.first().copied(),
                product: 0,
                payment: Payment::Promised,
                state: None,
                note: "答应月底前付款，先占名额。",
            });
        }
        // One deal refunded after the event, one cancelled (neither counts).
        for (i, (state, note)) in [
            ("refunded", "家里人不同意，三天后全额退款。"),
            ("cancelled", "改买陪跑营，原单作废。"),
        ]
        .into_iter()
        .enumerate()
        {
            let k = buyers[i];
            plan.push(Planned {
                second: closing(self),
                inv: k,
                contact: invited[k].guests.first().copied(),
                product: if i == 0 { 2 } else { 0 },
                payment: if i == 0 {
                    Payment::Full
                } else {
                    Payment::Deposit
                },
                state: Some(state),
                note,
            });
        }

        plan.sort_by_key(|p| (p.second, invited[p.inv].id, p.product));
        // The limited tier goes to the first paying buyers of each product, up to its quota.
        let mut limited_used = vec![0i64; products.len()];
        for p in &plan {
            let product = &products[p.product];
            let paying = p.payment != Payment::Promised && p.state.is_none();
            let rank = if paying && limited_used[p.product] < product.quota {
                limited_used[p.product] += 1;
                2
            } else {
                1
            };
            let id = self.deal(
                seminar_id,
                &stores[invited[p.inv].store],
                p.contact,
                product,
                rank,
                p.payment,
                assistant_of(p.inv),
                p.note,
                &stamp(date, p.second),
            )?;
            if let Some(state) = p.state {
                self.conn.execute(
                    "UPDATE deals SET state = ?2 WHERE id = ?1",
                    params![id, state],
                )?;
            }
        }
        Ok((buyers.to_vec(), promised))
    }
}

#[cfg(test)]
mod tests {
    use crate::app::App;
    use crate::demo::tests::{count, load_on, texts};

    #[test]
    fn the_closed_seminar_has_more_closed_deals_than_attending_stores() {
        let app = App::in_memory().unwrap();
        load_on(&app, "2026-11-22").unwrap();
        let id = count(&app, "SELECT id FROM seminars WHERE status = 'closed'");
        let attended = count(
            &app,
            &format!(
                "SELECT count(DISTINCT c.invitation_id) FROM checkins c JOIN invitations i ON i.id = c.invitation_id
                 WHERE i.seminar_id = {id} AND c.undone_at IS NULL"
            ),
        );
        let closed = count(
            &app,
            &format!(
                "SELECT count(*) FROM deals WHERE seminar_id = {id} AND payment IN ('deposit', 'full') AND state = 'active'"
            ),
        );
        assert!(attended >= 35, "{attended}");
        assert!(
            closed as f64 / attended as f64 > 1.0,
            "{closed} / {attended}"
        );
        for state in ["refunded", "cancelled"] {
            assert_eq!(
                count(
                    &app,
                    &format!("SELECT count(*) FROM deals WHERE state = '{state}'")
                ),
                1
            );
        }
        assert!(
            count(
                &app,
                "SELECT count(*) FROM deals WHERE payment = 'promised'"
            ) >= 1
        );
        assert_eq!(
            count(&app, "SELECT count(*) FROM invitations WHERE walk_in"),
            2
        );
        // Follow-ups: done ones with outcomes, and some due today still open.
        assert!(
            count(
                &app,
                "SELECT count(*) FROM followups WHERE outcome IS NOT NULL AND done_at IS NOT NULL"
            ) > 10
        );
        assert!(
            count(
                &app,
                "SELECT count(*) FROM followups WHERE due_date = '2026-11-22' AND done_at IS NULL"
            ) > 0
        );
        // Follow-up deals fall inside the attribution window, after the event day.
        assert!(
            count(
                &app,
                "SELECT count(*) FROM deals WHERE at > '2026-11-09' AND payment <> 'promised'"
            ) >= 3
        );
        // Follow-ups of a seminar are owned by assistants.
        let owners = texts(
            &app,
            "SELECT DISTINCT s.roles FROM followups f JOIN staff s ON s.id = f.owner_id",
        );
        assert!(owners.iter().all(|r| r.contains("assistant")), "{owners:?}");
    }
}
