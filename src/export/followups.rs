//! Follow-ups as rows: a seminar's, and those due today.

use super::sheet::{date, text, Cell, Sheet};
use super::ExportQuery;
use crate::app::App;
use crate::error::Result;
use crate::followup;

pub(super) const FOLLOWUP_HEADERS: [&str; 8] = [
    "门店",
    "负责人",
    "类型",
    "方式",
    "日期",
    "结果",
    "流失原因",
    "备注",
];

pub(super) fn followup_row(f: &followup::FollowUp) -> Vec<Cell> {
    vec![
        text(&f.store_name),
        text(f.owner_name.clone().unwrap_or_default()),
        text(match f.kind {
            followup::FollowUpKind::AfterEvent => "会后跟进",
            followup::FollowUpKind::NoShow => "未到场邀约",
        }),
        text(match f.channel {
            followup::Channel::Call => "电话",
            followup::Channel::Message => "微信/短信",
            followup::Channel::Visit => "拜访",
        }),
        date(&f.due_date),
        text(match f.outcome {
            Some(followup::FollowUpOutcome::Closed) => "成交",
            Some(followup::FollowUpOutcome::Deposit) => "交定金",
            Some(followup::FollowUpOutcome::Thinking) => "考虑中",
            Some(followup::FollowUpOutcome::Lost) => "流失",
            None => "待跟进",
        }),
        text(&f.lost_reason),
        text(&f.note),
    ]
}

pub(super) fn today(app: &App, q: &ExportQuery) -> Result<Sheet> {
    let list = followup::today(
        app,
        followup::FollowUpTodayQuery {
            owner_id: q.owner_id,
            date: q.date.clone(),
        },
    )?;
    Ok(Sheet::new(
        "今日跟进",
        &FOLLOWUP_HEADERS,
        list.iter().map(followup_row).collect(),
    ))
}
