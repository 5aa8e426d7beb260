//! Two stores of the organisation that may be one: a person's mobile typed under two store names
//! (two laptops, or one laptop twice). Head office gathers the pairs that share a mobile; whether a
//! pair is one for a person to settle is the import's rule, written once ([`compare`]: the
//! same phone under another store name is a conflict — merge or keep apart — never a silent merge).
//! Each such pair is kept here as a conflict of kind `store_merge`, with both stores as a person
//! knows them (name, city, district, level, people with their phones masked, who typed it); a pair
//! settled or gone leaves the list.

pub use super::checked::Asked;
use std::collections::{HashMap, HashSet};

use rusqlite::{params, Connection, OptionalExtension};
use serde_json::{json, Value};

use crate::error::{invalid, Result};
use crate::matching::{compare, Record, Verdict};

/// Two live stores sharing a person's mobile, as head office answered (`hq.store_proposals`).
#[derive(Debug, Clone)]
pub struct Pair {
    pub store: String,
    pub name: String,
    pub city: String,
    pub laptop: Option<String>,
    pub other_store: String,
    pub other_name: String,
    pub other_city: String,
    pub other_laptop: Option<String>,
    /// The shared mobile, normalised.
    pub mobile: String,
}

impl Pair {
    /// The import's rule: the same mobile under another store name is for a person to decide.
    fn proposed(&self) -> bool {
        let a = Record {
            store_name: &self.name,
            city: &self.city,
            phone: Some(&self.mobile),
        };
        let b = Record {
            store_name: &self.other_name,
            city: &self.other_city,
            phone: Some(&self.mobile),
        };
        compare(&a, &b) == Verdict::Conflict
    }
}

/// A phone as the window shows it: a mobile as 139****1111 (the organisation's BI views too),
/// another number with only its last four digits.
fn masked(phone: &str) -> String {
    match (phone.get(..3), phone.get(7..)) {
        (Some(head), Some(tail))
            if phone.len() == 11 && phone.bytes().all(|b| b.is_ascii_digit()) =>
        {
            format!("{head}****{tail}")
        }
        _ => crate::phone::mask(phone),
    }
}

/// One store of a pair as a person knows it, from this laptop's copy; None when it is not here.
fn side(conn: &Connection, gid: &str, laptop: Option<&str>, mobile: &str) -> Result<Option<Value>> {
    type Store = (i64, String, String, String, String, String);
    let store: Option<Store> = conn
        .prepare_cached("SELECT id, name, city, district, level, note FROM stores WHERE gid = ?1")?
        .query_row([gid], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ))
        })
        .optional()?;
    let Some((id, name, city, district, level, note)) = store else {
        return Ok(None);
    };
    let contacts: Vec<Value> = conn
        .prepare_cached(
            "SELECT c.name, sc.role, c.phone FROM store_contacts sc JOIN contacts c ON c.id = sc.contact_id
              WHERE sc.store_id = ?1 AND c.erased_at IS NULL ORDER BY c.id",
        )?
        .query_map([id], |r| {
            let phone: Option<String> = r.get(2)?;
            Ok(json!({
                "name": r.get::<_, String>(0)?,
                "role": r.get::<_, String>(1)?,
                "phone": phone.as_deref().map(masked),
            }))
        })?
        .collect::<rusqlite::Result<_>>()?;
    Ok(Some(json!({
        "gid": gid,
        "store": name,
        "city": city,
        "district": district,
        "level": level,
        "note": note,
        "contacts": contacts,
        "laptop": laptop,
        "mobile": masked(mobile),
    })))
}

/// Where this laptop's store-merge check got to in head office's log
/// (`hq.store_proposals_since`); None: the next check asks about every pair.
pub fn position(conn: &Connection) -> Result<Option<String>> {
    Ok(conn.query_row("SELECT pairs_xid FROM sync_state", [], |r| r.get(0))?)
}

/// The stores of the pairs this laptop still lists (one of each pair is enough: head office
/// answers every pair of a store asked about): asked about again at every check, so that a pair
/// settled on another laptop, or gone, leaves the list.
pub fn open_stores(conn: &Connection) -> Result<Vec<String>> {
    super::checked::open(conn, "store_merge")
}

/// Records a check's answer ([`record`]) and moves the position to `horizon`, in one transaction:
/// a check that failed on the way is asked again from where the last one that worked got to.
pub fn record_checked(
    conn: &mut Connection,
    pairs: &[Pair],
    asked: Asked,
    horizon: &str,
    now: &str,
) -> Result<usize> {
    let tx = conn.transaction()?;
    let added = record(&tx, pairs, asked, now)?;
    tx.execute("UPDATE sync_state SET pairs_xid = ?1", [horizon])?;
    tx.commit()?;
    Ok(added)
}

/// Keeps each pair the rule proposes as a conflict, once; an open one head office no longer
/// answers (settled on some laptop, merged, a person's phone changed) leaves the list — of those
/// asked about: every open one when every pair was, else those of the stores asked about again —
/// and one still open is shown as the stores are now. Answers how many are new.
pub fn record(conn: &Connection, pairs: &[Pair], asked: Asked, now: &str) -> Result<usize> {
    // In head office's order (new pairs are listed in it), each pair once.
    let mut live: HashMap<(&str, &str), &Pair> = HashMap::new();
    let mut order = Vec::new();
    for p in pairs.iter().filter(|p| p.proposed()) {
        let key = (p.store.as_str(), p.other_store.as_str());
        if live.insert(key, p).is_none() {
            order.push(key);
        }
    }
    let open: Vec<(i64, String, Option<String>, String, String)> = conn
        .prepare(
            "SELECT id, gid, json_extract(theirs, '$.gid'), detail, theirs FROM sync_conflicts
              WHERE kind = 'store_merge' AND resolved_at IS NULL",
        )?
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let again: Option<HashSet<&str>> = match asked {
        Asked::All => None,
        Asked::Since(stores) => Some(stores.iter().map(String::as_str).collect()),
    };
    let mut known = HashSet::new();
    for (id, gid, other, detail, theirs) in &open {
        let other = other.as_deref().unwrap_or_default();
        known.insert((gid.as_str(), other));
        if let Some(again) = &again {
            // Made by another sync meanwhile: not asked about this time.
            if !again.contains(gid.as_str()) && !again.contains(other) {
                continue;
            }
        }
        let sides = match live.get(&(gid.as_str(), other)) {
            Some(p) => sides(conn, p)?,
            None => None,
        };
        match sides {
            Some((mine, now_theirs)) => {
                let (mine, now_theirs) = (mine.to_string(), now_theirs.to_string());
                if &mine != detail || &now_theirs != theirs {
                    conn.execute(
                        "UPDATE sync_conflicts SET detail = ?2, theirs = ?3 WHERE id = ?1",
                        params![id, mine, now_theirs],
                    )?;
                }
            }
            None => {
                conn.execute(
                    "UPDATE sync_conflicts SET resolved_at = ?2, resolution = 'gone' WHERE id = ?1",
                    params![id, now],
                )?;
            }
        }
    }
    let mut added = 0;
    for key in order {
        if known.contains(&key) {
            continue;
        }
        let p = live[&key];
        let Some((mine, theirs)) = sides(conn, p)? else {
            continue;
        };
        conn.execute(
            "INSERT INTO sync_conflicts (at, kind, tbl, gid, reason, detail, theirs)
             VALUES (?1, 'store_merge', 'stores', ?2, 'same_mobile', ?3, ?4)",
            params![now, p.store, mine.to_string(), theirs.to_string()],
        )?;
        added += 1;
    }
    Ok(added)
}

fn sides(conn: &Connection, p: &Pair) -> Result<Option<(Value, Value)>> {
    let mine = side(conn, &p.store, p.laptop.as_deref(), &p.mobile)?;
    let theirs = side(conn, &p.other_store, p.other_laptop.as_deref(), &p.mobile)?;
    Ok(mine.zip(theirs))
}

/// The two stores (organisation-wide ids) of an open pair.
pub fn pair_of(conn: &Connection, id: i64) -> Result<(String, String)> {
    let found: Option<(String, Option<String>)> = conn
        .query_row(
            "SELECT gid, json_extract(theirs, '$.gid') FROM sync_conflicts
              WHERE id = ?1 AND kind = 'store_merge' AND resolved_at IS NULL",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    match found {
        Some((a, Some(b))) => Ok((a, b)),
        _ => Err(invalid(
            "id",
            format!("没有待处理的门店合并建议 {id}（可能已经处理过）。"),
            format!(
                "There is no open store-merge proposal {id} (it may have been settled already)."
            ),
        )),
    }
}

/// A pair settled at head office: it leaves the list here at once (the other laptops' lists at
/// their next sync).
pub fn settled(conn: &Connection, id: i64, resolution: &str, now: &str) -> Result<()> {
    conn.execute(
        "UPDATE sync_conflicts SET resolved_at = ?2, resolution = ?3
          WHERE id = ?1 AND kind = 'store_merge' AND resolved_at IS NULL",
        params![id, now, resolution],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Db;

    fn store(conn: &Connection, name: &str, gid: &str, phone: &str) {
        conn.execute(
            "INSERT INTO stores (name, city, level, created_at, gid) VALUES (?1, '长沙', 'A', '2026-11-22', ?2)",
            [name, gid],
        )
        .unwrap();
        conn.execute(
            "INSERT INTO contacts (store_id, name, role, phone, phone_kind, created_at)
             VALUES (last_insert_rowid(), '张美丽', 'owner', ?1, 'mobile', '2026-11-22')",
            [phone],
        )
        .unwrap();
    }

    fn pair(name: &str, other_name: &str) -> Pair {
        Pair {
            store: "a".into(),
            name: name.into(),
            city: "长沙".into(),
            laptop: Some("长沙".into()),
            other_store: "b".into(),
            other_name: other_name.into(),
            other_city: "长沙".into(),
            other_laptop: Some("长沙二组".into()),
            mobile: "13900001111".into(),
        }
    }

    fn open(conn: &Connection) -> Vec<(String, Option<String>)> {
        conn.prepare(
            "SELECT detail, resolution FROM sync_conflicts WHERE kind = 'store_merge' ORDER BY id",
        )
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
    }

    #[test]
    fn a_pair_is_proposed_by_the_imports_rule_once_and_leaves_when_gone() {
        let db = Db::in_memory().unwrap();
        let conn = db.conn();
        store(&conn, "美丽人生美容院", "a", "13900001111");
        store(&conn, "美丽人生（分店）", "b", "13900001111");

        // The same name written otherwise is the same store by the rule: nothing to propose.
        assert_eq!(
            record(
                &conn,
                &[pair("美丽人生 美容院", "美丽人生美容院")],
                Asked::All,
                "t1"
            )
            .unwrap(),
            0
        );
        let two = pair("美丽人生美容院", "美丽人生（分店）");
        assert_eq!(
            record(&conn, std::slice::from_ref(&two), Asked::All, "t1").unwrap(),
            1
        );
        assert_eq!(
            record(&conn, std::slice::from_ref(&two), Asked::All, "t2").unwrap(),
            0,
            "once"
        );
        let kept = open(&conn);
        assert_eq!(kept.len(), 1);
        let mine: Value = serde_json::from_str(&kept[0].0).unwrap();
        assert_eq!(mine["store"], "美丽人生美容院");
        assert_eq!(
            mine["contacts"][0]["phone"], "139****1111",
            "never the whole mobile"
        );
        assert_eq!(mine["mobile"], "139****1111");
        assert_eq!(
            pair_of(&conn, 1).unwrap(),
            ("a".to_string(), "b".to_string())
        );

        // Asked only about what was written since, and not about these stores: it stays.
        record(&conn, &[], Asked::Since(&["c".to_string()]), "t3").unwrap();
        assert_eq!(open(&conn)[0].1, None, "not asked about: still open");
        // Settled elsewhere (or merged): asked again, head office answers it no more, and it
        // leaves the list.
        record(&conn, &[], Asked::Since(&["a".to_string()]), "t3").unwrap();
        assert_eq!(open(&conn)[0].1.as_deref(), Some("gone"));
        assert!(pair_of(&conn, 1).is_err());
    }
}
