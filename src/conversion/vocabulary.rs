//! The funnel's vocabulary: what each count and rate of docs/conversion.md is called, in Chinese and
//! English, for every report that shows them (the CLI, the PDF report, the spreadsheets).

use crate::i18n::Lang;

/// A count or a rate of the funnel, in the order reports list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    Invited,
    Confirmed,
    Attended,
    ClosedAtEvent,
    ClosedInFollowup,
    ClosedDeals,
    ConfirmRate,
    ShowRate,
    EventCloseRate,
    FollowupCloseRate,
    SessionConversion,
    DealRatio,
}

impl Measure {
    /// The six counts, then the six rates.
    pub const ALL: [Measure; 12] = [
        Measure::Invited,
        Measure::Confirmed,
        Measure::Attended,
        Measure::ClosedAtEvent,
        Measure::ClosedInFollowup,
        Measure::ClosedDeals,
        Measure::ConfirmRate,
        Measure::ShowRate,
        Measure::EventCloseRate,
        Measure::FollowupCloseRate,
        Measure::SessionConversion,
        Measure::DealRatio,
    ];

    /// Its name as a label or a header: (Chinese, English).
    pub fn name(self) -> (&'static str, &'static str) {
        match self {
            Measure::Invited => ("邀约门店", "Stores invited"),
            Measure::Confirmed => ("确认门店", "Stores confirmed"),
            Measure::Attended => ("到场门店", "Stores attended"),
            Measure::ClosedAtEvent => ("现场成交门店", "Closed at the event"),
            Measure::ClosedInFollowup => ("会后成交门店", "Closed in follow-up"),
            Measure::ClosedDeals => ("成交单数", "Closed deals"),
            Measure::ConfirmRate => ("确认率", "Confirm rate"),
            Measure::ShowRate => ("到场率", "Show rate"),
            Measure::EventCloseRate => ("现场成交率", "Event close rate"),
            Measure::FollowupCloseRate => ("会后成交率", "Follow-up close rate"),
            Measure::SessionConversion => ("场次转化率", "Session conversion"),
            Measure::DealRatio => ("成交比", "Deal ratio"),
        }
    }

    /// Its name in a narrow column: (Chinese, English).
    pub fn short(self) -> (&'static str, &'static str) {
        match self {
            Measure::Invited => ("邀约", "Inv."),
            Measure::Confirmed => ("确认", "Conf."),
            Measure::Attended => ("到场", "Att."),
            Measure::ClosedAtEvent => ("现场成交", "At event"),
            Measure::ClosedInFollowup => ("会后成交", "Follow-up"),
            Measure::SessionConversion => ("场次转化", "Conv."),
            m => m.name(),
        }
    }

    /// Its name as a label in `lang`.
    pub fn label(self, lang: Lang) -> &'static str {
        let (zh, en) = self.name();
        lang.pick(zh, en)
    }

    /// Its name in a narrow column in `lang`.
    pub fn short_label(self, lang: Lang) -> &'static str {
        let (zh, en) = self.short();
        lang.pick(zh, en)
    }

    /// Its name within a sentence ("确认率 80%", "confirm rate 80%").
    pub fn in_text(self, lang: Lang) -> String {
        self.label(lang).to_lowercase()
    }
}
