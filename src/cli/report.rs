//! `huixiao report`: a seminar's funnel, rates and breakdowns (text, JSON or the session
//! report's PDF), or a city's territory rates.

use std::path::PathBuf;

use super::print;
use super::Result;
use crate::app::App;
use crate::contact::ContactRole;
use crate::conversion::{self, Group};
use crate::i18n::{format_date, Lang};
use crate::input::IdInput;
use crate::seminar;

pub(super) fn run(
    app: &App,
    seminar: Option<i64>,
    territory: Option<(String, Option<String>)>,
    pdf: Option<PathBuf>,
    json: bool,
    lang: Lang,
) -> Result {
    if let Some((city, laptop)) = territory {
        let t = conversion::territory(app, conversion::TerritoryQuery { city, laptop })?;
        if json {
            println!("{}", serde_json::to_string_pretty(&t).expect("json"));
        } else {
            print::territory(&t, lang);
        }
        return Ok(());
    }
    let id = seminar.unwrap_or_default();
    if let Some(out) = pdf {
        std::fs::write(&out, crate::report::seminar_pdf_in(app, id, lang)?)?;
        println!("{}", out.display());
        return Ok(());
    }
    let r = conversion::report(app, IdInput { id })?;
    if json {
        println!("{}", serde_json::to_string_pretty(&r).expect("json"));
        return Ok(());
    }
    let s = seminar::get(app, IdInput { id })?;
    println!("{}  {}", s.title, format_date(&s.date, lang));
    print::funnel(&r.funnel, lang);
    let role_label = |key: &str| match ContactRole::parse(key) {
        Some(role) => lang.pick(role.label().0, role.label().1).to_owned(),
        None => lang.pick("未指定", "not named").to_owned(),
    };
    let unnamed = |label: &str| {
        if label.is_empty() {
            lang.pick("未指定", "not named").to_owned()
        } else {
            label.to_owned()
        }
    };
    print::groups(
        lang.pick("按邀约员", "By inviter"),
        &r.by_inviter,
        lang,
        |g| unnamed(&g.label),
    );
    print::groups(
        lang.pick("按参会人角色", "By invitee role"),
        &r.by_role,
        lang,
        |g| role_label(&g.key),
    );
    print::groups(lang.pick("按城市", "By city"), &r.by_city, lang, |g| {
        unnamed(&g.label)
    });
    let table_label = |g: &Group| match g.key.as_str() {
        "none" => lang.pick("未入座", "not seated").to_owned(),
        n => match lang {
            Lang::Zh => format!("{n} 号桌"),
            Lang::En => format!("Table {n}"),
        },
    };
    print::groups(
        lang.pick("按桌", "By table"),
        &r.by_table,
        lang,
        table_label,
    );
    print::groups(
        lang.pick("按助教", "By assistant"),
        &r.by_assistant,
        lang,
        |g| unnamed(&g.label),
    );
    print::stage_timing(&r.stage_timing, lang);
    Ok(())
}
