//! A cadence's steps: what kind of touch, through which channel, on which day, with which message.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::error::{invalid, Result};
use crate::i18n::Lang;
use crate::validate;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum TouchKind {
    /// 邀约: the first call.
    Invite,
    /// 目的渲染: why this meeting matters to their business.
    Purpose,
    /// 确认: the confirmation call.
    Confirm,
    /// 提醒: the reminder with the e-ticket.
    Reminder,
    /// 当天早上: time, address and table.
    Morning,
    Custom,
}

impl TouchKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TouchKind::Invite => "invite",
            TouchKind::Purpose => "purpose",
            TouchKind::Confirm => "confirm",
            TouchKind::Reminder => "reminder",
            TouchKind::Morning => "morning",
            TouchKind::Custom => "custom",
        }
    }
    pub fn parse(s: &str) -> Option<TouchKind> {
        Some(match s {
            "invite" => TouchKind::Invite,
            "purpose" => TouchKind::Purpose,
            "confirm" => TouchKind::Confirm,
            "reminder" => TouchKind::Reminder,
            "morning" => TouchKind::Morning,
            "custom" => TouchKind::Custom,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Call,
    /// WeChat or SMS.
    Message,
    Visit,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Call => "call",
            Channel::Message => "message",
            Channel::Visit => "visit",
        }
    }
    pub fn parse(s: &str) -> Option<Channel> {
        Some(match s {
            "call" => Channel::Call,
            "message" => Channel::Message,
            "visit" => Channel::Visit,
            _ => return None,
        })
    }
}

/// One step of a cadence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
pub struct Step {
    /// Days relative to the seminar's date: -10 is "D-10", 0 the day itself, 3 three days after.
    pub offset_days: i64,
    pub kind: TouchKind,
    pub channel: Channel,
    /// The message or call script, with variables {姓名} {店名} {时间} {地址} {桌号} {票码} {行业} {邀约人}
    /// (or their English names {name} {store} {time} {address} {table} {code} {industry} {inviter}).
    pub message: String,
    /// Only until the guest confirms (the first call, the confirmation call): skipped after.
    #[serde(default)]
    pub until_confirmed: bool,
    /// Send the e-ticket with it.
    #[serde(default)]
    pub with_ticket: bool,
}

/// The variables a message template may use, in Chinese; [`VARIABLES_EN`] are the same in English
/// (a variable fills in the language it is written in).
pub const VARIABLES: [&str; 8] = [
    "{姓名}",
    "{店名}",
    "{时间}",
    "{地址}",
    "{桌号}",
    "{票码}",
    "{行业}",
    "{邀约人}",
];

/// The English names of [`VARIABLES`], in the same order.
pub const VARIABLES_EN: [&str; 8] = [
    "{name}",
    "{store}",
    "{time}",
    "{address}",
    "{table}",
    "{code}",
    "{industry}",
    "{inviter}",
];

/// The variables of a language, for the cadence editor.
pub fn variables(lang: Lang) -> [&'static str; 8] {
    match lang {
        Lang::Zh => VARIABLES,
        Lang::En => VARIABLES_EN,
    }
}

/// The default invitation sequence in `lang` (the organisation's): D-10 call, D-5 purpose message,
/// D-3 confirmation call, D-1 reminder with the e-ticket, D-0 morning reminder.
pub fn default_steps(lang: Lang) -> Vec<Step> {
    let step =
        |offset_days, kind, channel, (zh, en): (&str, &str), until_confirmed, with_ticket| Step {
            offset_days,
            kind,
            channel,
            message: lang.pick(zh, en).into(),
            until_confirmed,
            with_ticket,
        };
    vec![
        step(-10, TouchKind::Invite, Channel::Call, (
            "{姓名}您好！我是{邀约人}。我们{时间}在{地址}办一场专为{行业}老板准备的经营研讨会，名额有限，欢迎您和一起管店的家人或合伙人一起来，我先帮您留两个座位好吗？",
            "Hello {name}, this is {inviter}. On {time} we are holding a business seminar for {industry} owners at {address}. Places are limited, and you are welcome to bring the family member or partner who runs the shop with you. Shall I keep two seats for you?"),
            true, false),
        step(-5, TouchKind::Purpose, Channel::Message, (
            "{姓名}您好！这次会议讲今年{行业}的新趋势和同行提升业绩的真实做法，现场还有只给到场门店的政策。店里的账一般是您在管，建议您亲自来听。时间：{时间}；地址：{地址}。",
            "Hello {name}, this meeting covers this year's new trends in {industry} and what others in the trade really do to grow their sales, with an offer only for the stores that attend. As you look after the shop's accounts, we suggest you come in person. Time: {time}. Address: {address}."),
            false, false),
        step(-3, TouchKind::Confirm, Channel::Call, (
            "{姓名}您好，跟您确认一下{时间}的会议：您和几位一起来？我给您安排好座位。",
            "Hello {name}, just confirming the meeting on {time}: how many of you are coming? I will have your seats ready."),
            true, false),
        step(-1, TouchKind::Reminder, Channel::Message, (
            "{姓名}您好，明天{时间}的会议别忘了！地址：{地址}。这是您的入场券（票码 {票码}），到场出示二维码即可签到。",
            "Hello {name}, a reminder of tomorrow's meeting on {time}. Address: {address}. Here is your ticket (code {code}): show its QR code at the door to check in."),
            false, true),
        step(0, TouchKind::Morning, Channel::Message, (
            "{姓名}早上好！今天{时间}见，地址：{地址}，您的座位：{桌号}。入场票码：{票码}。",
            "Good morning {name}! See you today, {time}, at {address}. Your seat: {table}. Ticket code: {code}."),
            false, true),
    ]
}

/// The default cadence's name in `lang`.
pub fn default_name(lang: Lang) -> &'static str {
    lang.pick("默认邀约节奏", "Default invitation cadence")
}

/// How far from the seminar's day a step may fall, in days (before, after).
pub const OFFSET_DAYS: (i64, i64) = (-90, 90);

pub(super) fn parse_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// The date `offset_days` from `date`: calendar arithmetic, right across month and year ends.
pub fn step_date(date: NaiveDate, offset_days: i64) -> NaiveDate {
    date + chrono::Duration::days(offset_days)
}

pub(super) fn check_steps(steps: &[Step]) -> Result<String> {
    if steps.is_empty() || steps.len() > 20 {
        return Err(invalid(
            "steps",
            "邀约节奏需要 1 到 20 步。",
            "A cadence needs 1 to 20 steps.",
        ));
    }
    for (i, st) in steps.iter().enumerate() {
        let n = i + 1;
        let (earliest, latest) = OFFSET_DAYS;
        validate::range(
            "steps",
            ("天数", "day offset"),
            st.offset_days,
            earliest,
            latest,
        )?;
        validate::optional_text("steps", ("话术", "message"), &st.message, 1000)?;
        let mut rest = st.message.as_str();
        while let Some(start) = rest.find('{') {
            let Some(len) = rest[start..].find('}') else {
                break;
            };
            let var = &rest[start..start + len + 1];
            if !VARIABLES.contains(&var) && !VARIABLES_EN.contains(&var) {
                return Err(invalid(
                    "steps",
                    format!(
                        "第 {n} 步的话术里有未知变量 {var}：可用 {}。",
                        VARIABLES.join(" ")
                    ),
                    format!(
                        "Step {n} uses the unknown variable {var}: use {}.",
                        VARIABLES_EN.join(" ")
                    ),
                ));
            }
            rest = &rest[start + len + 1..];
        }
    }
    Ok(serde_json::to_string(steps).expect("steps serialise"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn steps_fall_right_across_month_and_year_ends() {
        let seminar = d("2027-01-03");
        let dates: Vec<String> = default_steps(Lang::Zh)
            .iter()
            .map(|s| step_date(seminar, s.offset_days).to_string())
            .collect();
        assert_eq!(
            dates,
            [
                "2026-12-24",
                "2026-12-29",
                "2026-12-31",
                "2027-01-02",
                "2027-01-03"
            ]
        );
        assert_eq!(step_date(d("2028-03-01"), -1), d("2028-02-29"));
        assert_eq!(step_date(d("2027-03-01"), -1), d("2027-02-28"));
        assert_eq!(step_date(d("2026-12-30"), 3), d("2027-01-02"));
    }

    #[test]
    fn unknown_variables_are_refused() {
        let mut steps = default_steps(Lang::Zh);
        steps[1].message = "您好 {名字}".into();
        let e = check_steps(&steps).unwrap_err();
        assert!(e.message(crate::i18n::Lang::Zh).contains("第 2 步"));
        assert!(check_steps(&default_steps(Lang::Zh)).is_ok());
    }

    /// Each language has its default: the English one says everything the Chinese one says, in
    /// English, with the same steps and English variables the editor accepts.
    #[test]
    fn the_default_cadence_speaks_the_organisations_language() {
        let (zh, en) = (default_steps(Lang::Zh), default_steps(Lang::En));
        assert!(check_steps(&en).is_ok());
        assert_eq!(zh.len(), en.len());
        for (z, e) in zh.iter().zip(&en) {
            assert_eq!(
                (
                    z.offset_days,
                    z.kind,
                    z.channel,
                    z.until_confirmed,
                    z.with_ticket
                ),
                (
                    e.offset_days,
                    e.kind,
                    e.channel,
                    e.until_confirmed,
                    e.with_ticket
                )
            );
            assert!(crate::i18n::has_cjk(&z.message));
            assert!(!crate::i18n::has_cjk(&e.message), "{}", e.message);
            // The same variables, by their names in each language.
            for (vz, ve) in VARIABLES.iter().zip(VARIABLES_EN) {
                assert_eq!(
                    z.message.contains(vz),
                    e.message.contains(ve),
                    "{ve} in {}",
                    e.message
                );
            }
        }
        assert!(!crate::i18n::has_cjk(default_name(Lang::En)));
    }

    /// The first call goes to the owner as often as to the one who holds the money: it asks them to
    /// bring the other, whoever they are, never "you and the boss" to the boss.
    #[test]
    fn the_invitation_fits_the_owner_and_the_spouse_alike() {
        let invite = &default_steps(Lang::Zh)[0].message;
        assert!(!invite.contains("您和老板"), "{invite}");
        assert!(invite.contains("一起管店的家人或合伙人"), "{invite}");
    }
}
