//! The follow-ups after the closed demo seminar: calls, messages and visits by the tables'
//! assistants, some stores buying late, some lost, some still thinking it over.

use chrono::Duration;

use super::closed::Day;
use super::{hm, Demo};
use crate::deal::Payment;
use crate::error::Result;
use crate::followup::{self, Channel, FollowUpOutcome, NewFollowUp};

const THINKING_NOTES: &[&str] = &[
    "说要和老公商量一下。",
    "觉得价格有点高，想再比较。",
    "想先看看同行用的效果。",
    "最近忙，过几天再说。",
    "对会员储值卡更感兴趣，发了资料。",
];

const LOST_NOTES: &[&str] = &[
    "明确不需要，暂不跟进。",
    "已经买了别家的产品。",
    "店面准备转让，不再考虑。",
];

impl Demo<'_> {
    /// Follow-ups of the attending stores that did not buy on the day, owned by their table's
    /// assistant: a call on D+1, a message on D+3, a visit or call on D+7, and a call due today for
    /// those still thinking it over. Five stores buy during follow-up (within the attribution
    /// window); four are lost. Returns the invitations that converted.
    pub(super) fn follow_ups(&mut self, day: Day, not_bought: &[usize]) -> Result<Vec<usize>> {
        let Day {
            seminar_id,
            date,
            stores,
            products,
            invited,
            assistant_of,
        } = day;
        #[derive(Clone, Copy, PartialEq)]
        enum Fate {
            BuysDay3,
            BuysDay7,
            Thinking,
            LostDay3,
            LostDay7,
        }
        let created = self.at(date, hm(20, 0), hm(21, 0));
        let mut converted = Vec::new();
        for (n, &k) in not_bought.iter().enumerate() {
            let fate = match n {
                0..3 => Fate::BuysDay3,
                3..5 => Fate::BuysDay7,
                5..7 => Fate::LostDay3,
                7..9 => Fate::LostDay7,
                _ => Fate::Thinking,
            };
            let store = &stores[invited[k].store];
            let owner = assistant_of(k);
            let steps: [(i64, Channel); 3] = [
                (1, Channel::Call),
                (3, Channel::Message),
                (7, Channel::Visit),
            ];
            for (day, channel) in steps {
                let due = date + Duration::days(day);
                let done = self.at(due, hm(10, 0), hm(18, 0));
                let channel = if day == 7 && self.chance(0.5) {
                    Channel::Call
                } else {
                    channel
                };
                let (outcome, note) = match (day, fate) {
                    (3, Fate::BuysDay3) | (7, Fate::BuysDay7) => {
                        let full = self.chance(0.5);
                        let contact = invited[k].guests.first().copied();
                        let product = &products[if self.chance(0.7) { 0 } else { 1 }];
                        let payment = if full {
                            Payment::Full
                        } else {
                            Payment::Deposit
                        };
                        self.deal(
                            seminar_id,
                            store,
                            contact,
                            product,
                            1,
                            payment,
                            owner,
                            "会后跟进成交，按会场价。",
                            &done,
                        )?;
                        if full {
                            (FollowUpOutcome::Closed, "按会场价全款成交。")
                        } else {
                            (FollowUpOutcome::Deposit, "交了定金，按会场价保留名额。")
                        }
                    }
                    (3, Fate::LostDay3) | (7, Fate::LostDay7) => {
                        (FollowUpOutcome::Lost, self.pick(LOST_NOTES))
                    }
                    _ => (FollowUpOutcome::Thinking, self.pick(THINKING_NOTES)),
                };
                followup::insert(
                    self.conn,
                    &NewFollowUp {
                        seminar_id,
                        store_id: store.id,
                        owner_id: Some(owner),
                        channel,
                        due_date: &due.format("%Y-%m-%d").to_string(),
                        outcome: Some(outcome),
                        note,
                        done_at: Some(&done),
                    },
                    &created,
                )?;
                if outcome != FollowUpOutcome::Thinking {
                    break;
                }
            }
            match fate {
                Fate::BuysDay3 | Fate::BuysDay7 => converted.push(k),
                Fate::Thinking => {
                    followup::insert(
                        self.conn,
                        &NewFollowUp {
                            seminar_id,
                            store_id: store.id,
                            owner_id: Some(owner),
                            channel: Channel::Call,
                            due_date: &self.today.format("%Y-%m-%d").to_string(),
                            outcome: None,
                            note: "会场价保留到本周末，再打一次电话。",
                            done_at: None,
                        },
                        &created,
                    )?;
                }
                Fate::LostDay3 | Fate::LostDay7 => {}
            }
        }
        Ok(converted)
    }
}
