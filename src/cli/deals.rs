//! `huixiao deals add`: record a deal from the command line, with the same checks and warnings
//! as the window (it goes through the `deals.create` operation).

use serde_json::json;

use super::args::DealsCommand;
use super::Result;
use crate::api::{self, Host};
use crate::caller::Caller;
use crate::i18n::Lang;

pub(super) fn run(host: &Host, organizer: &Caller, command: DealsCommand, lang: Lang) -> Result {
    let DealsCommand::Add {
        seminar,
        store,
        tier,
        amount,
        payment,
        quantity,
        method,
        reason,
        json,
    } = command;
    let product = crate::product::of_tier(&host.app.db.conn(), tier)?;
    let input = json!({
        "seminar_id": seminar, "store_id": store, "product_id": product, "tier_id": tier,
        "amount_fen": amount, "payment": payment, "quantity": quantity, "method": method, "reason": reason,
    });
    let out = api::dispatch(host, organizer, "deals.create", input)?;
    if json {
        println!("{}", serde_json::to_string_pretty(&out).expect("json"));
    } else {
        println!(
            "{}",
            match lang {
                Lang::Zh => format!(
                    "已记录成交 #{}：{}，¥{:.2}",
                    out["deal"]["id"],
                    out["deal"]["store_name"].as_str().unwrap_or_default(),
                    amount as f64 / 100.0
                ),
                Lang::En => format!(
                    "Deal #{} recorded: {}, ¥{:.2}",
                    out["deal"]["id"],
                    out["deal"]["store_name"].as_str().unwrap_or_default(),
                    amount as f64 / 100.0
                ),
            }
        );
        for w in out["warnings"].as_array().into_iter().flatten() {
            eprintln!(
                "{}{}",
                lang.pick("注意：", "Warning: "),
                w.as_str().unwrap_or_default()
            );
        }
    }
    Ok(())
}
