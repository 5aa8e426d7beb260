//! `huixiao invite`: one store (the money-holder comes unless `--contact` says who), or a list
//! from a segment or a filter, previewed with `--dry-run`. Through the same operations as the
//! window: `invitations.create`, `invite_list.preview` and `invite_list.create`.

use serde_json::{json, Value};

use super::Result;
use crate::api::{self, Host};
use crate::caller::Caller;
use crate::error::invalid;
use crate::i18n::Lang;
use crate::invite_list::StoreFilter;

/// Whom to invite, as typed.
pub(super) struct Whom {
    pub store: Option<i64>,
    pub contacts: Vec<i64>,
    pub segment: Option<String>,
    pub filter: Option<String>,
    pub limit: Option<i64>,
    pub dry_run: bool,
}

pub(super) fn run(
    host: &Host,
    organizer: &Caller,
    seminar: i64,
    inviter: Option<i64>,
    whom: Whom,
    json: bool,
    lang: Lang,
) -> Result {
    if let Some(store) = whom.store {
        let contacts = if whom.contacts.is_empty() {
            crate::invitation::who_comes(&host.app.db.conn(), store)?
                .into_iter()
                .collect()
        } else {
            whom.contacts
        };
        let input = json!({"seminar_id": seminar, "store_id": store, "inviter_id": inviter, "contact_ids": contacts});
        let out = api::dispatch(host, organizer, "invitations.create", input)?;
        if json {
            println!("{}", serde_json::to_string_pretty(&out).expect("json"));
        } else {
            let guests: Vec<&str> = out["guests"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|g| g["name"].as_str())
                .collect();
            println!(
                "{}",
                match lang {
                    Lang::Zh => format!(
                        "已邀约 #{}：{}（{}）",
                        out["id"],
                        out["store_name"].as_str().unwrap_or_default(),
                        guests.join("、")
                    ),
                    Lang::En => format!(
                        "Invitation #{}: {} ({})",
                        out["id"],
                        out["store_name"].as_str().unwrap_or_default(),
                        guests.join(", ")
                    ),
                }
            );
        }
        return Ok(());
    }
    let filter = match (&whom.segment, &whom.filter) {
        (None, None) => {
            return Err(invalid(
                "store",
                "请用 --store 邀请一家门店，或用 --segment / --filter 生成邀约名单。",
                "Give --store to invite one store, or --segment / --filter to build a list.",
            )
            .into())
        }
        (_, Some(text)) => Some(StoreFilter::parse(text)?),
        (_, None) => None,
    };
    let input = json!({
        "seminar_id": seminar, "segment": whom.segment, "filter": filter, "limit": whom.limit,
        "inviter_ids": inviter.into_iter().collect::<Vec<_>>(),
    });
    let op = if whom.dry_run {
        "invite_list.preview"
    } else {
        "invite_list.create"
    };
    let mut out = api::dispatch(host, organizer, op, input)?;
    if json {
        if let Some(o) = out.as_object_mut() {
            // The stores one by one are the window's; a script gets the figures.
            o.remove("stores");
        }
        println!("{}", serde_json::to_string_pretty(&out).expect("json"));
    } else {
        print(&out, whom.dry_run, lang);
    }
    for w in out["warnings"].as_array().into_iter().flatten() {
        eprintln!(
            "{}{}",
            lang.pick("注意：", "Warning: "),
            w.as_str().unwrap_or_default()
        );
    }
    Ok(())
}

fn print(out: &Value, dry_run: bool, lang: Lang) {
    let n = |v: &Value| v.as_i64().unwrap_or_default();
    let ex = &out["excluded"];
    let expected = match out["expected_turnout"].as_i64() {
        Some(e) => e.to_string(),
        None => "—".into(),
    };
    match lang {
        Lang::Zh => {
            println!("符合条件 {} 家门店", n(&out["matched"]));
            println!(
                "排除：已邀约到时间重叠的会销 {}，全部退订 {}，没有联系人 {}，90 天内拒绝两次 {}，14 天内联系 5 次以上 {}，已在本场 {}",
                n(&ex["overlapping_seminar"]), n(&ex["opted_out"]), n(&ex["no_contact"]),
                n(&ex["recently_declined"]), n(&ex["touched_too_often"]), n(&ex["already_invited"])
            );
            println!(
                "{} {} 家，预计到场 {}",
                if dry_run { "将邀约" } else { "已邀约" },
                n(&out["invited"]),
                expected
            );
        }
        Lang::En => {
            println!("{} stores match", n(&out["matched"]));
            println!(
                "Left out: overlapping seminar {}, opted out {}, no contact {}, declined twice in 90 days {}, reached 5+ times in 14 days {}, already invited {}",
                n(&ex["overlapping_seminar"]), n(&ex["opted_out"]), n(&ex["no_contact"]),
                n(&ex["recently_declined"]), n(&ex["touched_too_often"]), n(&ex["already_invited"])
            );
            println!(
                "{} {}, expected turnout {}",
                if dry_run { "Would invite" } else { "Invited" },
                n(&out["invited"]),
                expected
            );
        }
    }
    for s in out["per_inviter"].as_array().into_iter().flatten() {
        println!(
            "  {}  {}",
            s["name"]
                .as_str()
                .unwrap_or(lang.pick("（未分配）", "(unassigned)")),
            n(&s["count"])
        );
    }
}
