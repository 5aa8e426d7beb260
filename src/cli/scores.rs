//! `huixiao scores`: a store's lead score with its reasons, or every score computed again.

use serde_json::json;

use super::Result;
use crate::api::{self, Host};
use crate::caller::Caller;
use crate::i18n::Lang;

pub(super) fn run(
    host: &Host,
    organizer: &Caller,
    store: Option<i64>,
    recompute: bool,
    json: bool,
    lang: Lang,
) -> Result {
    if recompute {
        let out = api::dispatch(host, organizer, "scores.recompute", json!({}))?;
        if json {
            println!("{}", serde_json::to_string_pretty(&out).expect("json"));
        } else {
            println!(
                "{}",
                match lang {
                    Lang::Zh => format!(
                        "已重新计算 {} 家门店的评分，用时 {} 毫秒。",
                        out["stores"], out["millis"]
                    ),
                    Lang::En => format!(
                        "{} stores scored again in {} ms.",
                        out["stores"], out["millis"]
                    ),
                }
            );
        }
        return Ok(());
    }
    let id = store.unwrap_or_default();
    let out = api::dispatch(host, organizer, "scores.get", json!({ "id": id }))?;
    if json {
        println!("{}", serde_json::to_string_pretty(&out).expect("json"));
        return Ok(());
    }
    println!(
        "{}",
        match lang {
            Lang::Zh => format!(
                "评分 {}（客户匹配 {} + 近期互动 {}）",
                out["score"], out["fit"], out["engagement"]
            ),
            Lang::En => format!(
                "Score {} (fit {} + engagement {})",
                out["score"], out["fit"], out["engagement"]
            ),
        }
    );
    for r in out["reasons"].as_array().into_iter().flatten() {
        println!(
            "  {:>+4}  {:>6}  {}",
            r["points"].as_i64().unwrap_or_default(),
            r["now"],
            r["why"].as_str().unwrap_or_default()
        );
    }
    Ok(())
}
