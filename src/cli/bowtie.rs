//! `huixiao report --bowtie [--city CITY]`: the organisation's bow-tie, stage by stage.

use serde_json::json;

use super::Result;
use crate::api::{self, Host};
use crate::caller::Caller;
use crate::i18n::Lang;

pub(super) fn run(
    host: &Host,
    organizer: &Caller,
    city: Option<String>,
    json: bool,
    lang: Lang,
) -> Result {
    let out = api::dispatch(host, organizer, "bowtie.report", json!({ "city": city }))?;
    if json {
        println!("{}", serde_json::to_string_pretty(&out).expect("json"));
        return Ok(());
    }
    println!(
        "{}",
        match lang {
            Lang::Zh => format!("门店共 {} 家", out["total"]),
            Lang::En => format!("{} stores", out["total"]),
        }
    );
    for s in out["stages"].as_array().into_iter().flatten() {
        let rate = s["conversion"]
            .as_f64()
            .map_or("—".to_owned(), |r| format!("{:.0}%", r * 100.0));
        let days = s["median_days"]
            .as_i64()
            .map_or("—".to_owned(), |d| d.to_string());
        let stage = s["stage"].as_str().unwrap_or_default();
        println!(
            "  {:<12} {:>7}  {:>5}  {}",
            stage,
            s["stores"],
            rate,
            match lang {
                Lang::Zh => format!("中位 {days} 天"),
                Lang::En => format!("median {days} days"),
            }
        );
    }
    Ok(())
}
