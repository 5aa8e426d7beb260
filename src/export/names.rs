//! How the workbooks name things: roles, layouts, statuses, and what has no name.

use crate::contact::ContactRole;
use crate::seminar::{SeatingLayout, SeminarStatus};
use crate::staff::StaffRole;

pub(super) fn role_name(key: &str) -> String {
    ContactRole::parse(key)
        .map(|r| r.label().0.to_owned())
        .unwrap_or_else(|| "未指定".into())
}

pub(super) fn or_unnamed(label: &str) -> String {
    if label.is_empty() {
        "未指定".into()
    } else {
        label.to_owned()
    }
}

pub(super) fn layout_name(key: &str) -> String {
    if key == SeatingLayout::RoundTables.as_str() {
        "圆桌".into()
    } else if key == SeatingLayout::Classroom.as_str() {
        "课桌式".into()
    } else {
        or_unnamed(key)
    }
}

pub(super) fn status_name(s: SeminarStatus) -> &'static str {
    s.label().0
}

pub(super) fn staff_role_name(r: StaffRole) -> &'static str {
    match r {
        StaffRole::Organizer => "组织者",
        StaffRole::Inviter => "邀约员",
        StaffRole::Assistant => "助教",
        StaffRole::Lecturer => "讲师",
        StaffRole::Checkin => "签到",
    }
}
