//! How the workbooks name things: roles, layouts, statuses, and what has no name.

use crate::contact::ContactRole;
use crate::i18n::Lang;
use crate::seminar::{SeatingLayout, SeminarStatus};
use crate::staff::StaffRole;

fn unnamed(lang: Lang) -> String {
    lang.pick("未指定", "not named").into()
}

pub(super) fn role_name(key: &str, lang: Lang) -> String {
    ContactRole::parse(key)
        .map(|r| lang.pick(r.label().0, r.label().1).to_owned())
        .unwrap_or_else(|| unnamed(lang))
}

pub(super) fn or_unnamed(label: &str, lang: Lang) -> String {
    if label.is_empty() {
        unnamed(lang)
    } else {
        label.to_owned()
    }
}

pub(super) fn layout_name(key: &str, lang: Lang) -> String {
    if key == SeatingLayout::RoundTables.as_str() {
        lang.pick("圆桌", "round tables").into()
    } else if key == SeatingLayout::Classroom.as_str() {
        lang.pick("课桌式", "classroom").into()
    } else {
        or_unnamed(key, lang)
    }
}

pub(super) fn status_name(s: SeminarStatus, lang: Lang) -> &'static str {
    let (zh, en) = s.label();
    lang.pick(zh, en)
}

pub(super) fn staff_role_name(r: StaffRole, lang: Lang) -> &'static str {
    match r {
        StaffRole::Organizer => lang.pick("组织者", "organizer"),
        StaffRole::Inviter => lang.pick("邀约员", "inviter"),
        StaffRole::Assistant => lang.pick("助教", "assistant"),
        StaffRole::Lecturer => lang.pick("讲师", "lecturer"),
        StaffRole::Checkin => lang.pick("签到", "check-in"),
    }
}
