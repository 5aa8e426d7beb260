//! The changes made on this laptop that head office has not taken yet, as a person knows them (a
//! store by its name, a seminar by its title, an invitation by its store): what a restore of an
//! older backup would leave behind, said before the organizer relies on the restored data.

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use serde_json::Value;
use ts_rs::TS;
use utoipa::ToSchema;

use crate::error::Result;
use crate::i18n::Lang;

/// One row changed here whose change has not reached head office (or whose answer has not come
/// back yet).
#[derive(Debug, Clone, Serialize, PartialEq, TS, ToSchema)]
pub struct Unpushed {
    /// The table (stores, contacts, invitations, …) and the row's organisation-wide id.
    pub tbl: String,
    pub gid: String,
    /// `added`, `changed` or `deleted`.
    pub op: String,
    /// What a person knows the row by (a name, a title, the invited store), when it has one.
    pub label: Option<String>,
}

/// The rows changed here and not yet taken by head office, in the order they were first changed.
/// A row added and deleted again before any sync is left out: head office never had it.
pub fn unpushed(conn: &Connection) -> Result<Vec<Unpushed>> {
    let joined: bool =
        conn.query_row("SELECT organisation IS NOT NULL FROM sync_state", [], |r| {
            r.get(0)
        })?;
    if !joined {
        return Ok(Vec::new());
    }
    let mut stmt = conn.prepare(
        "SELECT g.tbl, g.gid,
                (SELECT f.op = 'upsert' AND f.changed IS NULL FROM sync_outbox f WHERE f.seq = g.first),
                (SELECT l.op FROM sync_outbox l WHERE l.seq = g.last),
                (SELECT u.row FROM sync_outbox u WHERE u.tbl = g.tbl AND u.gid = g.gid
                    AND u.row IS NOT NULL ORDER BY u.seq DESC LIMIT 1)
           FROM (SELECT tbl, gid, min(seq) AS first, max(seq) AS last FROM sync_outbox
                  GROUP BY tbl, gid) g
          ORDER BY g.first",
    )?;
    let rows = stmt
        .query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, bool>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, Option<String>>(4)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let mut out = Vec::new();
    for (tbl, gid, added, last, row) in rows {
        let op = match (added, last.as_str()) {
            (true, "delete") => continue,
            (_, "delete") => "deleted",
            (true, _) => "added",
            _ => "changed",
        };
        let row = row.and_then(|s| serde_json::from_str::<Value>(&s).ok());
        out.push(Unpushed {
            label: label(conn, row.as_ref())?,
            tbl,
            gid,
            op: op.into(),
        });
    }
    Ok(out)
}

/// A name or a title of the row itself, else the store it is about (directly or through its
/// invitation).
fn label(conn: &Connection, row: Option<&Value>) -> Result<Option<String>> {
    let Some(row) = row else { return Ok(None) };
    if let Some(own) = ["name", "title"].iter().find_map(|k| row[k].as_str()) {
        return Ok(Some(own.to_owned()));
    }
    let store = |sql: &str, gid: &str| -> Result<Option<String>> {
        Ok(conn.query_row(sql, [gid], |r| r.get(0)).optional()?)
    };
    if let Some(gid) = row["store_id"].as_str() {
        return store("SELECT name FROM stores WHERE gid = ?1", gid);
    }
    if let Some(gid) = row["invitation_id"].as_str() {
        return store(
            "SELECT s.name FROM invitations i JOIN stores s ON s.id = i.store_id WHERE i.gid = ?1",
            gid,
        );
    }
    Ok(None)
}

/// What a row of `table` is called, in a sentence.
fn noun(table: &str, lang: Lang) -> &str {
    let (zh, en) = match table {
        "staff" => ("员工", "staff member"),
        "products" => ("产品", "product"),
        "price_tiers" => ("价格档", "price tier"),
        "checklist_templates" => ("清单模板", "checklist template"),
        "stores" => ("门店", "store"),
        "contacts" => ("联系人", "contact"),
        "contact_stores" => ("联系人所属门店", "contact's store"),
        "partner_payouts" => ("合作方结算", "partner payout"),
        "seminars" => ("会销", "seminar"),
        "cadences" => ("邀约节奏", "cadence"),
        "scripts" => ("话术", "talk script"),
        "invitations" => ("邀请", "invitation"),
        "invitation_guests" => ("同行人", "guest"),
        "venue_tables" => ("桌", "table"),
        "table_assistant_seats" => ("桌长座位", "assistant seat"),
        "seating_plans" => ("座位方案", "seating plan"),
        "seating_rules" => ("排座规则", "seating rule"),
        "seat_assignments" => ("座位", "seat"),
        "tickets" => ("入场券", "ticket"),
        "checkins" => ("签到", "check-in"),
        "touches" => ("邀约记录", "touch"),
        "deals" => ("成交", "deal"),
        "deal_changes" => ("成交变更", "deal change"),
        "followups" => ("回访", "follow-up"),
        "stage_log" => ("流程记录", "stage log entry"),
        "checklist_items" => ("清单项", "checklist item"),
        _ => return table,
    };
    lang.pick(zh, en)
}

/// How many rows are named in a sentence; the rest are counted.
const NAMED: usize = 8;

/// The changes in a sentence of the user's language: how many (`total`, of which `changes` are
/// the first), and which (the first few named). None when there are none.
pub fn describe(changes: &[Unpushed], total: usize, lang: Lang) -> Option<String> {
    if changes.is_empty() || total == 0 {
        return None;
    }
    let named: Vec<String> = changes
        .iter()
        .take(NAMED)
        .map(|c| {
            let noun = noun(&c.tbl, lang);
            let op = match (c.op.as_str(), lang) {
                ("added", Lang::Zh) => "新增",
                ("deleted", Lang::Zh) => "删除",
                (_, Lang::Zh) => "修改",
                ("added", Lang::En) => "added",
                ("deleted", Lang::En) => "deleted",
                (_, Lang::En) => "changed",
            };
            match (&c.label, lang) {
                (Some(l), Lang::Zh) => format!("{op}{noun}“{l}”"),
                (None, Lang::Zh) => format!("{op}{noun}"),
                (Some(l), Lang::En) => format!("{noun} \"{l}\" {op}"),
                (None, Lang::En) => format!("a {noun} {op}"),
            }
        })
        .collect();
    let n = total.max(changes.len());
    let more = n.saturating_sub(NAMED);
    Some(match lang {
        Lang::Zh => format!(
            "有 {n} 项本机改动还没有同步到总部，恢复后的数据里没有它们（恢复前的备份里还有）：{}{}。",
            named.join("、"),
            if more > 0 { format!("，另有 {more} 项") } else { String::new() }
        ),
        Lang::En => format!(
            "{n} change{} made on this laptop had not reached head office; the restored data does not hold {} (the backup taken before the restore does): {}{}.",
            if n == 1 { "" } else { "s" },
            if n == 1 { "it" } else { "them" },
            named.join("; "),
            if more > 0 { format!("; and {more} more") } else { String::new() }
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(tbl: &str, op: &str, label: Option<&str>) -> Unpushed {
        Unpushed {
            tbl: tbl.into(),
            gid: "g".into(),
            op: op.into(),
            label: label.map(Into::into),
        }
    }

    #[test]
    fn says_how_many_and_which_in_both_languages() {
        let changes = vec![
            change("stores", "changed", Some("小太阳幼儿园")),
            change("invitations", "added", Some("小太阳幼儿园")),
            change("deals", "deleted", None),
        ];
        assert_eq!(
            describe(&changes, 3, Lang::Zh).unwrap(),
            "有 3 项本机改动还没有同步到总部，恢复后的数据里没有它们（恢复前的备份里还有）：修改门店“小太阳幼儿园”、新增邀请“小太阳幼儿园”、删除成交。"
        );
        let en = describe(&changes, 3, Lang::En).unwrap();
        assert!(
            en.starts_with("3 changes made on this laptop had not reached head office"),
            "{en}"
        );
        assert!(
            en.contains(
                "store \"小太阳幼儿园\" changed; invitation \"小太阳幼儿园\" added; a deal deleted"
            ),
            "{en}"
        );
        assert_eq!(describe(&[], 0, Lang::Zh), None);
        let many: Vec<_> = (0..11)
            .map(|_| change("stores", "added", Some("店")))
            .collect();
        assert!(describe(&many, 11, Lang::Zh)
            .unwrap()
            .ends_with("，另有 3 项。"));
    }
}
