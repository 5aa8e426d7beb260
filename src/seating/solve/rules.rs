//! The kinds of seating rules, what each is called, and one rule as a seminar keeps it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

/// The kinds of grouping rules (客户分组).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RuleKind {
    ByInviter,
    ByIndustry,
    ByDistrict,
    ByLevel,
    KeyNearStage,
    KeepStoreTogether,
    KeepReferrerTogether,
    KeepApartCompetitors,
    KeepTogether,
    KeepApart,
    AssistantSeat,
    WalkInReserve,
}

impl RuleKind {
    pub const ALL: [RuleKind; 12] = [
        RuleKind::ByInviter,
        RuleKind::ByIndustry,
        RuleKind::ByDistrict,
        RuleKind::ByLevel,
        RuleKind::KeyNearStage,
        RuleKind::KeepStoreTogether,
        RuleKind::KeepReferrerTogether,
        RuleKind::KeepApartCompetitors,
        RuleKind::KeepTogether,
        RuleKind::KeepApart,
        RuleKind::AssistantSeat,
        RuleKind::WalkInReserve,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            RuleKind::ByInviter => "by_inviter",
            RuleKind::ByIndustry => "by_industry",
            RuleKind::ByDistrict => "by_district",
            RuleKind::ByLevel => "by_level",
            RuleKind::KeyNearStage => "key_near_stage",
            RuleKind::KeepStoreTogether => "keep_store_together",
            RuleKind::KeepReferrerTogether => "keep_referrer_together",
            RuleKind::KeepApartCompetitors => "keep_apart_competitors",
            RuleKind::KeepTogether => "keep_together",
            RuleKind::KeepApart => "keep_apart",
            RuleKind::AssistantSeat => "assistant_seat",
            RuleKind::WalkInReserve => "walk_in_reserve",
        }
    }
    pub fn parse(s: &str) -> Option<RuleKind> {
        RuleKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
    /// Rules that can be hard: the others only make sense as preferences.
    pub fn can_be_hard(self) -> bool {
        matches!(
            self,
            RuleKind::KeepStoreTogether
                | RuleKind::KeepReferrerTogether
                | RuleKind::KeepApartCompetitors
                | RuleKind::KeepTogether
                | RuleKind::KeepApart
                | RuleKind::AssistantSeat
                | RuleKind::WalkInReserve
        )
    }
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            RuleKind::ByInviter => ("按邀约员分组", "group by inviter"),
            RuleKind::ByIndustry => ("按行业分组", "group by industry"),
            RuleKind::ByDistrict => ("按区域分组", "group by district"),
            RuleKind::ByLevel => ("按门店等级分组", "group by store level"),
            RuleKind::KeyNearStage => ("重点客户靠近舞台", "key customers near the stage"),
            RuleKind::KeepStoreTogether => ("同店同桌", "a store's contacts together"),
            RuleKind::KeepReferrerTogether => (
                "介绍人与被介绍门店同桌",
                "referrer with the stores they referred",
            ),
            RuleKind::KeepApartCompetitors => ("竞争对手分开", "competitors apart"),
            RuleKind::KeepTogether => ("指定同桌", "keep together (by hand)"),
            RuleKind::KeepApart => ("指定分开", "keep apart (by hand)"),
            RuleKind::AssistantSeat => ("每桌留一座给助教", "one seat per table for its assistant"),
            RuleKind::WalkInReserve => ("为临时到场预留空位", "free seats for walk-ins"),
        }
    }
}

/// One grouping rule of a seminar.
#[derive(Debug, Clone, Serialize, Deserialize, TS, ToSchema)]
pub struct Rule {
    pub kind: RuleKind,
    /// A hard rule is never broken; a soft one earns `weight` when kept.
    #[serde(default)]
    pub hard: bool,
    #[serde(default = "one")]
    pub weight: f64,
    /// The guests (contact ids) of a hand-made keep-together or keep-apart rule.
    #[serde(default)]
    pub contact_ids: Vec<i64>,
    /// Walk-in reserve: how many free seats to keep.
    #[serde(default)]
    pub seats: i64,
}

impl Rule {
    /// A rule of `kind` that names no guests and keeps no seats.
    pub fn new(kind: RuleKind, hard: bool, weight: f64) -> Rule {
        Rule {
            kind,
            hard,
            weight,
            contact_ids: Vec::new(),
            seats: 0,
        }
    }
}

fn one() -> f64 {
    1.0
}
