//! Follow-ups as rows: a seminar's, and those due today.

use super::sheet::{date, heads, text, Cell, Sheet};
use super::ExportQuery;
use crate::app::App;
use crate::error::Result;
use crate::followup;
use crate::i18n::Lang;

pub(super) fn followup_headers(lang: Lang) -> Vec<&'static str> {
    heads(
        lang,
        &[
            ("门店", "Store"),
            ("负责人", "Owner"),
            ("类型", "Kind"),
            ("方式", "Channel"),
            ("日期", "Date"),
            ("结果", "Outcome"),
            ("流失原因", "Lost because"),
            ("备注", "Note"),
        ],
    )
}

pub(super) fn followup_row(f: &followup::FollowUp, lang: Lang) -> Vec<Cell> {
    use followup::{Channel, FollowUpKind, FollowUpOutcome};
    let (zh, en) = match f.kind {
        FollowUpKind::AfterEvent => ("会后跟进", "after the event"),
        FollowUpKind::NoShow => ("未到场邀约", "did not come"),
    };
    let kind = lang.pick(zh, en);
    let (zh, en) = match f.channel {
        Channel::Call => ("电话", "call"),
        Channel::Message => ("微信/短信", "WeChat/SMS"),
        Channel::Visit => ("拜访", "visit"),
    };
    let channel = lang.pick(zh, en);
    let (zh, en) = match f.outcome {
        Some(FollowUpOutcome::Closed) => ("成交", "closed"),
        Some(FollowUpOutcome::Deposit) => ("交定金", "deposit"),
        Some(FollowUpOutcome::Thinking) => ("考虑中", "thinking"),
        Some(FollowUpOutcome::Lost) => ("流失", "lost"),
        None => ("待跟进", "open"),
    };
    let outcome = lang.pick(zh, en);
    // Stored as its code; the UI's words for it.
    let lost = match f.lost_reason.as_str() {
        "price" => lang.pick("价格", "Price"),
        "timing" => lang.pick("时机不对", "Bad timing"),
        "no_need" => lang.pick("暂无需求", "No need now"),
        "competitor" => lang.pick("选了竞品", "Chose a competitor"),
        "other" => lang.pick("其他", "Other"),
        code => code,
    };
    vec![
        text(&f.store_name),
        text(f.owner_name.clone().unwrap_or_default()),
        text(kind),
        text(channel),
        date(&f.due_date),
        text(outcome),
        text(lost),
        text(&f.note),
    ]
}

pub(super) fn today(app: &App, q: &ExportQuery, lang: Lang) -> Result<Sheet> {
    let list = followup::today(
        app,
        followup::FollowUpTodayQuery {
            owner_id: q.owner_id,
            date: q.date.clone(),
        },
    )?;
    Ok(Sheet::new(
        lang.pick("今日跟进", "Follow-ups today"),
        &followup_headers(lang),
        list.iter().map(|f| followup_row(f, lang)).collect(),
    ))
}
