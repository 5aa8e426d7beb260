//! The verdict: where a seminar lost most against the organisation's medians, by phase.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use super::counts::{percent, rate, Counts};
use super::vocabulary::Measure;
use crate::i18n::Lang;

/// The three phases of a seminar's result: a seminar is won 60% before it, 30% during and 10%
/// after (docs/conversion.md).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Invitation and show-up: attended / invited (confirm rate × show rate).
    PreEvent,
    /// The talk and the tables: event close rate.
    InEvent,
    /// Follow-up: follow-up close rate.
    PostEvent,
}

impl Phase {
    const ALL: [Phase; 3] = [Phase::PreEvent, Phase::InEvent, Phase::PostEvent];

    /// The phase's rate for some counts.
    pub(super) fn rate(self, c: &Counts) -> Option<f64> {
        match self {
            Phase::PreEvent => rate(c.attended, c.invited),
            Phase::InEvent => c.event_close_rate,
            Phase::PostEvent => c.followup_close_rate,
        }
    }

    /// The phase as a verdict names it: (Chinese, English).
    fn name(self) -> (&'static str, &'static str) {
        match self {
            Phase::PreEvent => (
                "会前（邀约与到场）",
                "before the event (invitations and show-up)",
            ),
            Phase::InEvent => (
                "会中（现场成交）",
                "during the event (closing at the tables)",
            ),
            Phase::PostEvent => ("会后（跟进成交）", "after the event (follow-up)"),
        }
    }

    /// The phase in a narrow column: (Chinese, English).
    pub fn short(self) -> (&'static str, &'static str) {
        match self {
            Phase::PreEvent => ("会前", "Pre-event"),
            Phase::InEvent => ("会中", "In-event"),
            Phase::PostEvent => ("会后", "Post-event"),
        }
    }

    /// What the phase's rate is called within a sentence.
    pub fn measure(self, lang: Lang) -> String {
        match self {
            Phase::PreEvent => lang.pick("到场/邀约", "attended/invited").into(),
            Phase::InEvent => Measure::EventCloseRate.in_text(lang),
            Phase::PostEvent => Measure::FollowupCloseRate.in_text(lang),
        }
    }
}

/// The organisation's medians per phase, over its closed seminars.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
pub struct Medians {
    pub pre_event: Option<f64>,
    pub in_event: Option<f64>,
    pub post_event: Option<f64>,
    pub session_conversion: Option<f64>,
    pub deal_ratio: Option<f64>,
}

pub(super) fn median(mut xs: Vec<f64>) -> Option<f64> {
    if xs.is_empty() {
        return None;
    }
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    Some(if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    })
}

/// Where `c` lost most against the medians: the phase with the largest relative shortfall. The
/// phase after the event is judged only once its follow-up is over (`follow_up_over`).
pub(super) fn weakest(
    c: &Counts,
    medians: &Medians,
    follow_up_over: bool,
) -> Option<(Phase, f64, f64)> {
    Phase::ALL
        .into_iter()
        .filter(|&p| follow_up_over || p != Phase::PostEvent)
        .filter_map(|p| {
            let m = match p {
                Phase::PreEvent => medians.pre_event,
                Phase::InEvent => medians.in_event,
                Phase::PostEvent => medians.post_event,
            }?;
            let r = p.rate(c)?;
            (m > 0.0 && r < m).then_some((p, r, m))
        })
        .max_by(|a, b| ((a.2 - a.1) / a.2).total_cmp(&((b.2 - b.1) / b.2)))
}

/// The finding as a sentence; while the follow-up is still open (`open_until`, the last day of its
/// attribution window) the sentence says the phase after the event is judged then.
pub(super) fn verdict(
    found: Option<(Phase, f64, f64)>,
    open_until: Option<&str>,
    lang: Lang,
) -> String {
    let judged = judged(found, lang);
    match (open_until, lang) {
        (None, _) => judged,
        (Some(day), Lang::Zh) => format!("{judged}会后跟进到 {day} 截止，届时再评判会后阶段。"),
        (Some(day), Lang::En) => {
            format!(
                "{judged} Follow-up runs until {day}; the phase after the event is judged then."
            )
        }
    }
}

fn judged(found: Option<(Phase, f64, f64)>, lang: Lang) -> String {
    let pct = |x: f64| percent(Some(x));
    match (found, lang) {
        (Some((p, r, m)), Lang::Zh) => {
            let (zh, measure) = (p.name().0, p.measure(lang));
            format!(
                "与机构中位数相比，这场会销在{zh}损失最多：{measure} {}，中位数 {}。",
                pct(r),
                pct(m)
            )
        }
        (Some((p, r, m)), Lang::En) => {
            let (en, measure) = (p.name().1, p.measure(lang));
            format!("Against the organisation's median, this seminar lost most {en}: {measure} {} vs a median of {}.", pct(r), pct(m))
        }
        (None, Lang::Zh) => "这场会销每个阶段都不低于机构中位数。".into(),
        (None, Lang::En) => {
            "This seminar is at or above the organisation's median in every phase.".into()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn medians_and_the_weakest_phase() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![0.3, 0.1, 0.2]), Some(0.2));
        assert_eq!(median(vec![0.4, 0.1, 0.2, 0.3]), Some(0.25));
        let medians = Medians {
            pre_event: Some(0.6),
            in_event: Some(0.5),
            post_event: Some(0.2),
            session_conversion: None,
            deal_ratio: None,
        };
        let mut c = Counts {
            invited: 10,
            confirmed: 8,
            attended: 5,
            closed_at_event: 2,
            closed_in_followup: 0,
            closed_deals: 3,
            confirm_rate: None,
            show_rate: None,
            event_close_rate: Some(0.4),
            followup_close_rate: Some(0.0),
            session_conversion: None,
            deal_ratio: None,
        };
        // Pre-event 50% vs 60% (−17%), in-event 40% vs 50% (−20%), post-event 0% vs 20% (−100%).
        assert_eq!(
            weakest(&c, &medians, true).map(|w| w.0),
            Some(Phase::PostEvent)
        );
        c.followup_close_rate = Some(0.25);
        assert_eq!(
            weakest(&c, &medians, true).map(|w| w.0),
            Some(Phase::InEvent)
        );
        let sentence = verdict(weakest(&c, &medians, true), None, Lang::Zh);
        assert_eq!(sentence, "与机构中位数相比，这场会销在会中（现场成交）损失最多：现场成交率 40.0%，中位数 50.0%。");
        // While the follow-up is open, the phase after it is not judged, and the sentence says until when.
        c.followup_close_rate = Some(0.0);
        assert_eq!(
            weakest(&c, &medians, false).map(|w| w.0),
            Some(Phase::InEvent)
        );
        let open = verdict(weakest(&c, &medians, false), Some("2026-12-29"), Lang::Zh);
        assert!(
            open.ends_with("会后跟进到 2026-12-29 截止，届时再评判会后阶段。"),
            "{open}"
        );
        c.followup_close_rate = Some(0.25);
        c.event_close_rate = Some(0.9);
        c.attended = 9;
        assert_eq!(weakest(&c, &medians, true), None);
    }
}
