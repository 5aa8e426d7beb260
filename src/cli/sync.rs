//! `huixiao sync [--join LINK]` and `huixiao sync status`: the laptop's side of head office.

use std::path::Path;

use serde_json::json;

use super::args::SyncCommand;
use super::Result;
use crate::api::Failure;
use crate::app::App;
use crate::hq::link::{self, Link};
use crate::hq::{block_on, sync};
use crate::i18n::Lang;
use crate::replica::status;

pub(super) fn run(
    app: &App,
    db: &Path,
    command: Option<&SyncCommand>,
    join: Option<&str>,
    as_json: bool,
    lang: Lang,
) -> Result {
    if let Some(SyncCommand::Status { json: as_json }) = command {
        let s = status::status(&app.db.conn())?;
        if *as_json {
            print_json(&json!(s));
        } else {
            println!("{}", describe(&s, lang));
        }
        return Ok(());
    }
    let link = match join {
        Some(url) => {
            let link = Link::parse(url)?;
            let joined = block_on(sync::join(app, &link))?;
            link::save(db, url)?;
            if !as_json && joined > 0 {
                println!(
                    "{}",
                    match lang {
                        Lang::Zh => format!("已加入总部：本机已有的 {joined} 条数据将一并上传。"),
                        Lang::En => format!("Joined head office: the {joined} records already on this laptop go up with it."),
                    }
                );
            }
            link
        }
        None => link::load(db)?.ok_or_else(|| {
            Failure::remote(
                "这台电脑还没有加入总部：请用总部给的加入链接运行 huixiao sync --join 链接。",
                "This laptop has not joined head office yet: run huixiao sync --join LINK with the link head office gave you.",
            )
        })?,
    };
    let report = block_on(sync::sync(app, &link))?;
    if as_json {
        print_json(&json!(report));
    } else {
        println!(
            "{}",
            match lang {
                Lang::Zh => format!(
                    "同步完成：上传 {} 条，收到 {} 条；待上传 {} 条，待处理冲突 {} 个。",
                    report.pushed, report.pulled, report.pending, report.conflicts
                ),
                Lang::En => format!(
                    "Synced: {} changes sent, {} received; {} waiting to go out, {} conflicts to resolve.",
                    report.pushed, report.pulled, report.pending, report.conflicts
                ),
            }
        );
    }
    Ok(())
}

fn describe(s: &status::SyncStatus, lang: Lang) -> String {
    if !s.joined {
        return lang
            .pick(
                "这台电脑还没有加入总部。",
                "This laptop has not joined head office.",
            )
            .to_string();
    }
    let laptop = s.laptop.clone().unwrap_or_default();
    let last = s
        .last_sync_at
        .clone()
        .unwrap_or_else(|| lang.pick("从未", "never").to_string());
    let mut out = match lang {
        Lang::Zh => format!(
            "本机“{laptop}”已加入总部。上次同步：{last}；待上传 {} 条；待处理冲突 {} 个。",
            s.pending, s.conflicts
        ),
        Lang::En => format!(
            "This laptop (\"{laptop}\") has joined head office. Last sync: {last}; {} changes waiting to go out; {} conflicts to resolve.",
            s.pending, s.conflicts
        ),
    };
    if let Some(e) = &s.last_error {
        out.push('\n');
        out.push_str(lang.pick("上次同步失败：", "The last sync failed: "));
        out.push_str(e);
    }
    out
}

fn print_json(v: &serde_json::Value) {
    println!("{}", serde_json::to_string_pretty(v).expect("json"));
}
