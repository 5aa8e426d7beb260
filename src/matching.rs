//! Whether a store-and-contact record names a store already known: the one rule used by the
//! store-list import and by the organisation's sync; and, below ([`ListKey`]), when a laptop's
//! staff member, product, price tier or template is one head office already holds.
//!
//! A phone number belongs to a person. The same phone under the same store name is the same
//! store; the same store name in the same city (with another phone) is the same store too. The
//! same phone under *another* store name is not decided here: one owner may run two shops, or
//! one of the names may be a typo, so it is a [`Verdict::Conflict`] for a person to settle
//! (merge, keep apart, skip) — never a silent merge.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

/// Why a record joins a store instead of creating one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MatchReason {
    /// The same (normalised) phone number under the same store name.
    Phone,
    /// The same store name in the same city.
    NameCity,
}

/// What a person decided about a conflict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Resolution {
    /// The record joins the other store (its store name is dropped).
    Merge,
    /// Two stores: the record's store is kept, and the person with that phone belongs to both.
    Apart,
    /// The record is left out (and listed with the skipped rows).
    #[default]
    Skip,
}

/// The part of a record the rule looks at. `phone` is already normalised.
#[derive(Debug, Clone, Copy)]
pub struct Record<'a> {
    pub store_name: &'a str,
    pub city: &'a str,
    pub phone: Option<&'a str>,
}

/// The rule applied to one known record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Same(MatchReason),
    Conflict,
    Different,
}

/// Normalises text for matching: no spaces, lower case, full-width letters/digits as ASCII.
pub fn norm(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '！'..='～' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            c => c,
        })
        .flat_map(char::to_lowercase)
        .collect()
}

/// The key under which a store is found by name and city.
pub fn name_key(store_name: &str, city: &str) -> String {
    format!("{}\u{1}{}", norm(store_name), norm(city))
}

/// Compares a new record with a known one.
pub fn compare(new: &Record, known: &Record) -> Verdict {
    let same_name = norm(new.store_name) == norm(known.store_name);
    match (new.phone, known.phone) {
        (Some(a), Some(b)) if a == b && same_name => Verdict::Same(MatchReason::Phone),
        (Some(a), Some(b)) if a == b => Verdict::Conflict,
        _ if same_name && norm(new.city) == norm(known.city) => {
            Verdict::Same(MatchReason::NameCity)
        }
        _ => Verdict::Different,
    }
}

/// What a new record is, among the known records that share its phone or its name and city.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome<T> {
    /// It joins this store.
    Same(T, MatchReason),
    /// Its phone is this other store's, under another name: for a person to decide.
    Conflict(T),
    /// A store of its own.
    New,
}

/// Applies [`compare`] to the candidates, in order: a phone match under the same name first,
/// then the same name in the same city, then a conflict with the first store that has the phone.
pub fn best<'a, T: Clone + 'a>(
    new: &Record,
    candidates: impl IntoIterator<Item = (T, Record<'a>)>,
) -> Outcome<T> {
    let mut by_name = None;
    let mut conflict = None;
    for (t, known) in candidates {
        match compare(new, &known) {
            Verdict::Same(MatchReason::Phone) => return Outcome::Same(t, MatchReason::Phone),
            Verdict::Same(MatchReason::NameCity) => {
                by_name.get_or_insert(t);
            }
            Verdict::Conflict => {
                conflict.get_or_insert(t);
            }
            Verdict::Different => {}
        }
    }
    match (by_name, conflict) {
        (Some(t), _) => Outcome::Same(t, MatchReason::NameCity),
        (None, Some(t)) => Outcome::Conflict(t),
        (None, None) => Outcome::New,
    }
}

/// Head office's own lists — staff, products, their price plans, templates — meet a laptop's
/// copies when the laptop joins (or adds one offline): head office keeps one row, and a laptop's
/// row that is "the same" becomes an alias of it (the laptop takes head office's id and values).
/// Same means:
/// - staff: the same normalised name, and the same phone when both have one (two 王芳 with
///   different phones are two people; a 王芳 without a phone is the 王芳 head office has);
/// - products, and the templates (cadence, script, checklist) that are not a seminar's own copy:
///   the same normalised name;
/// - a price tier: the same rank of the same product (a product has one tier per rank; head
///   office adds the product, as the one it matched).
///
/// The laptop computes the key (and the tag, a staff member's phone); head office compares them
/// with [`same_listed`]'s rule, in `hq.push` (pg/0005).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListKey {
    pub key: String,
    /// Told apart by it when both sides have one.
    pub tag: Option<String>,
}

/// A staff member's key: their name, told apart by their phone.
pub fn staff_key(name: &str, phone: Option<&str>) -> ListKey {
    ListKey {
        key: norm(name),
        tag: phone
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_owned),
    }
}

/// A product's or a template's key: its name.
pub fn named_key(name: &str) -> ListKey {
    ListKey {
        key: norm(name),
        tag: None,
    }
}

/// A price tier's key within its product: its rank.
pub fn tier_key(rank: i64) -> ListKey {
    ListKey {
        key: rank.to_string(),
        tag: None,
    }
}

/// Whether two rows of one of head office's lists are the same (within the same product, for a
/// price tier): equal keys, and equal tags unless one side has none.
pub fn same_listed(a: &ListKey, b: &ListKey) -> bool {
    a.key == b.key
        && match (&a.tag, &b.tag) {
            (Some(x), Some(y)) => x == y,
            _ => true,
        }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec<'a>(name: &'a str, city: &'a str, phone: &'a str) -> Record<'a> {
        Record {
            store_name: name,
            city,
            phone: Some(phone),
        }
    }

    #[test]
    fn same_phone_same_name_is_the_same_store_whatever_the_city() {
        let a = rec("美丽人生 美容院", "长沙", "13900001111");
        let b = rec("美丽人生美容院", "", "13900001111");
        assert_eq!(compare(&a, &b), Verdict::Same(MatchReason::Phone));
    }

    #[test]
    fn same_phone_another_name_is_a_conflict_not_a_merge() {
        let a = rec("美丽人生（分店）", "长沙", "13900001111");
        let b = rec("美丽人生美容院", "长沙", "13900001111");
        assert_eq!(compare(&a, &b), Verdict::Conflict);
    }

    #[test]
    fn same_name_and_city_with_another_phone_is_the_same_store() {
        let a = rec("ＡＢＣ幼儿园", "长沙", "13800000001");
        let b = rec("abc幼儿园", "长沙", "13800000002");
        assert_eq!(compare(&a, &b), Verdict::Same(MatchReason::NameCity));
        let c = rec("abc幼儿园", "株洲", "13800000002");
        assert_eq!(compare(&a, &c), Verdict::Different);
    }

    #[test]
    fn a_store_of_the_same_name_wins_over_a_conflict() {
        let new = rec("二店", "长沙", "13900001111");
        let known = [
            (1, rec("一店", "长沙", "13900001111")),
            (2, rec("二店", "长沙", "13900001111")),
        ];
        assert_eq!(best(&new, known), Outcome::Same(2, MatchReason::Phone));
        let known = [(1, rec("一店", "长沙", "13900001111"))];
        assert_eq!(best(&new, known), Outcome::Conflict(1));
        assert_eq!(best(&new, Vec::<(i32, Record)>::new()), Outcome::New);
    }

    #[test]
    fn staff_are_the_same_by_name_and_told_apart_by_phone_when_both_have_one() {
        let a = staff_key("王 芳", Some("13912345678"));
        assert!(same_listed(&a, &staff_key("王芳", Some("13912345678"))));
        assert!(same_listed(&a, &staff_key("王芳", None)));
        assert!(same_listed(&staff_key("王芳", Some(" ")), &a));
        assert!(!same_listed(&a, &staff_key("王芳", Some("13900000000"))));
        assert!(!same_listed(&a, &staff_key("王芳芳", Some("13912345678"))));
        assert!(same_listed(
            &named_key("ＡＢＣ 课程"),
            &named_key("abc课程")
        ));
        assert!(!same_listed(&tier_key(1), &tier_key(2)));
    }
}
