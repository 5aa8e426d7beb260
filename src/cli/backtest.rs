//! `huixiao report --backtest`: is the score any good (past seminars' invited stores scored on
//! the day they were invited, against who came and who bought).

use serde_json::json;

use super::Result;
use crate::api::{self, Host};
use crate::caller::Caller;
use crate::i18n::Lang;

pub(super) fn run(host: &Host, organizer: &Caller, json: bool, lang: Lang) -> Result {
    let out = api::dispatch(host, organizer, "scores.backtest", json!({}))?;
    if json {
        println!("{}", serde_json::to_string_pretty(&out).expect("json"));
        return Ok(());
    }
    let pct = |v: &serde_json::Value| {
        v.as_f64()
            .map_or("—".to_owned(), |r| format!("{:.0}%", r * 100.0))
    };
    let auc = |v: &serde_json::Value| v.as_f64().map_or("—".to_owned(), |a| format!("{a:.2}"));
    match lang {
        Lang::Zh => {
            println!(
                "{} 场往期会销，邀约 {} 家次，到场 {}，成交 {}",
                out["seminars"], out["invited"], out["attended"], out["closed"]
            );
            println!(
                "AUC（到场）{}  AUC（成交）{}  （0.5 即与随机无异）",
                auc(&out["auc_attended"]),
                auc(&out["auc_closed"])
            );
            println!(
                "评分前 20% 的门店成交率 {}，后 20% 为 {}",
                pct(&out["top_fifth_conversion"]),
                pct(&out["bottom_fifth_conversion"])
            );
        }
        Lang::En => {
            println!(
                "{} past seminars, {} invitations, {} attended, {} closed",
                out["seminars"], out["invited"], out["attended"], out["closed"]
            );
            println!(
                "AUC (attended) {}  AUC (closed) {}  (0.5 is no better than chance)",
                auc(&out["auc_attended"]),
                auc(&out["auc_closed"])
            );
            println!(
                "The top 20% of stores by score closed at {}, the bottom 20% at {}",
                pct(&out["top_fifth_conversion"]),
                pct(&out["bottom_fifth_conversion"])
            );
        }
    }
    Ok(())
}
