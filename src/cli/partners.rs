//! `huixiao partners`: referring partners (介绍人) with their totals, one partner's stores and
//! payouts, recording a payout, and a partner's statement as PDF or xlsx.

use serde_json::{json, Value};

use super::{PartnersCommand, Result};
use crate::api::{self, Host};
use crate::caller::Caller;
use crate::error::invalid;
use crate::i18n::Lang;
use crate::money::yuan;
use crate::partner::statement::{statement_in, Format};

fn fen(v: &Value) -> String {
    yuan(v.as_i64().unwrap_or_default())
}

fn print_json(v: &Value) {
    println!("{}", serde_json::to_string_pretty(v).expect("json"));
}

fn print_detail(d: &Value, lang: Lang) {
    let p = &d["partner"];
    match lang {
        Lang::Zh => println!(
            "{}（编号 {}）：介绍 {} 家，成交 {} 家；应得 {}，已付 {}，待付 {}",
            p["name"].as_str().unwrap_or_default(),
            p["partner_id"],
            p["referred_stores"],
            p["converted_stores"],
            fen(&p["earned_fen"]),
            fen(&p["paid_fen"]),
            fen(&p["owed_fen"])
        ),
        Lang::En => println!(
            "{} (#{}): {} referred, {} bought; earned {}, paid {}, owed {}",
            p["name"].as_str().unwrap_or_default(),
            p["partner_id"],
            p["referred_stores"],
            p["converted_stores"],
            fen(&p["earned_fen"]),
            fen(&p["paid_fen"]),
            fen(&p["owed_fen"])
        ),
    }
    for s in d["stores"].as_array().into_iter().flatten() {
        let stage = s["stage"].as_str().unwrap_or_default();
        let label = crate::conversion::BowStage::parse(stage)
            .map_or(stage, |st| crate::partner::stage_label(st, lang));
        println!(
            "  {:<24} {:<8} {:<10} {}",
            s["name"].as_str().unwrap_or_default(),
            label,
            s["stage_date"].as_str().unwrap_or("—"),
            fen(&s["commission_fen"])
        );
    }
    for pay in d["payouts"].as_array().into_iter().flatten() {
        println!(
            "  {} {} {} {}",
            lang.pick("付款", "paid"),
            pay["paid_on"].as_str().unwrap_or_default(),
            fen(&pay["amount_fen"]),
            pay["note"].as_str().unwrap_or_default()
        );
    }
}

pub(super) fn run(
    host: &Host,
    organizer: &Caller,
    command: Option<PartnersCommand>,
    json: bool,
    lang: Lang,
) -> Result {
    match command {
        None => {
            let out = api::dispatch(host, organizer, "partners.list", json!({}))?;
            if json {
                print_json(&out);
                return Ok(());
            }
            let list = out.as_array().cloned().unwrap_or_default();
            if list.is_empty() {
                println!("{}", lang.pick("还没有介绍人。", "No partners yet."));
            }
            for p in list {
                println!(
                    "{:>5}  {:<20} {:>3} {}  {} {}  {} {}  {} {}",
                    p["partner_id"],
                    p["name"].as_str().unwrap_or_default(),
                    p["referred_stores"],
                    lang.pick("家", "stores"),
                    lang.pick("应得", "earned"),
                    fen(&p["earned_fen"]),
                    lang.pick("已付", "paid"),
                    fen(&p["paid_fen"]),
                    lang.pick("待付", "owed"),
                    fen(&p["owed_fen"])
                );
            }
            Ok(())
        }
        Some(PartnersCommand::Show { partner, json }) => {
            let out = api::dispatch(host, organizer, "partners.get", json!({ "id": partner }))?;
            if json {
                print_json(&out);
            } else {
                print_detail(&out, lang);
            }
            Ok(())
        }
        Some(PartnersCommand::Pay {
            partner,
            amount_fen,
            date,
            note,
        }) => {
            let out = api::dispatch(
                host,
                organizer,
                "partners.record_payout",
                json!({ "partner_id": partner, "amount_fen": amount_fen, "paid_on": date, "note": note }),
            )?;
            if json {
                print_json(&out);
            } else {
                print_detail(&out, lang);
            }
            Ok(())
        }
        Some(PartnersCommand::Statement { partner, out }) => {
            let ext = out
                .extension()
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase);
            let format = match ext.as_deref() {
                Some("pdf") => Format::Pdf,
                Some("xlsx") => Format::Xlsx,
                _ => {
                    return Err(invalid(
                        "out",
                        format!("“{}”：对账单只能存为 .pdf 或 .xlsx 文件。", out.display()),
                        format!(
                            "“{}”: a statement is written as a .pdf or .xlsx file.",
                            out.display()
                        ),
                    )
                    .into())
                }
            };
            let (_, bytes) = statement_in(&host.app, partner, format, lang)?;
            crate::export::write_file(&out, &bytes)?;
            println!("{}", out.display());
            Ok(())
        }
    }
}
