//! Writing the plan: the new stores, the people each row brings (a new contact, or the contact
//! who has that phone linked to one more store), and the referrers.

use std::collections::HashMap;

use rusqlite::{params, Connection, OptionalExtension};

use super::plan::{Plan, Target};
use super::row::norm;
use crate::error::Result;

pub(super) fn write(tx: &Connection, p: &Plan, now: &str) -> Result<()> {
    let mut add_store = tx.prepare_cached(
        "INSERT INTO stores (name, city, district, address, industry, level, note, source,
                             referral_commission_bp, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    let mut ids = Vec::with_capacity(p.new_stores.len());
    let mut by_name: HashMap<String, i64> = HashMap::new();
    for s in &p.new_stores {
        let v = &p.valid[s.row_index];
        add_store.execute(params![
            v.store_name,
            v.city,
            v.district,
            v.address,
            v.industry,
            v.level.as_str(),
            v.note,
            v.source,
            v.commission_bp,
            now
        ])?;
        let id = tx.last_insert_rowid();
        ids.push(id);
        by_name.entry(norm(&v.store_name)).or_insert(id);
    }
    let mut add_contact = tx.prepare_cached(
        "INSERT INTO contacts (store_id, name, role, phone, phone_kind, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut find_contact = tx.prepare_cached(
        "SELECT id, store_id FROM contacts WHERE phone = ?1 AND erased_at IS NULL
         ORDER BY id LIMIT 1",
    )?;
    let mut link = tx.prepare_cached(
        "INSERT OR IGNORE INTO contact_stores (contact_id, store_id, role, created_at)
         VALUES (?1, ?2, ?3, ?4)",
    )?;
    for person in &p.people {
        let c = &p.valid[person.vi];
        let store_id = match person.store {
            Target::Existing(id) => id,
            Target::New(s) => ids[s],
        };
        let found = if person.link {
            find_contact
                .query_row([&c.phone.number], |r| {
                    Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
                })
                .optional()?
        } else {
            None
        };
        match found {
            Some((_, home)) if home == store_id => {}
            Some((contact_id, _)) => {
                link.execute(params![contact_id, store_id, c.role.as_str(), now])?;
            }
            None => {
                add_contact.execute(params![
                    store_id,
                    c.contact_name,
                    c.role.as_str(),
                    c.phone.number,
                    c.phone.kind.as_str(),
                    now
                ])?;
            }
        }
    }
    // Referrers: a store of this file, or one already in the database, by name.
    let mut find =
        tx.prepare_cached("SELECT id FROM stores WHERE name = ?1 ORDER BY id LIMIT 1")?;
    let mut set =
        tx.prepare_cached("UPDATE stores SET referrer_id = ?2 WHERE id = ?1 AND id <> ?2")?;
    for (s, id) in p.new_stores.iter().zip(&ids) {
        let v = &p.valid[s.row_index];
        let Some(name) = &v.referrer else { continue };
        let rid = match by_name.get(&norm(name)) {
            Some(r) => Some(*r),
            None => find
                .query_row([name.trim()], |r| r.get::<_, i64>(0))
                .map(Some)
                .or_else(|e| match e {
                    rusqlite::Error::QueryReturnedNoRows => Ok(None),
                    e => Err(e),
                })?,
        };
        if let Some(rid) = rid {
            set.execute([id, &rid])?;
        } else {
            // A partner who is not a store: keep the name with the store for the reports.
            tx.execute(
                "UPDATE stores SET note = trim(note || char(10) || ?2) WHERE id = ?1",
                params![id, format!("介绍人：{name}")],
            )?;
        }
    }
    Ok(())
}
