//! A crowd at the door for load tests and benchmarks: a live seminar with `guests` confirmed
//! single-guest stores, each with a ticket, written in one transaction. Shared with
//! `benches/checkin.rs` (which includes this file), so it stays out of the shipped library.

use huixiao::App;
use rand::SeedableRng;
use rusqlite::params;

/// A seminar on `date` with `guests` confirmed single-guest stores, each with a ticket, in one
/// transaction. Returns the seminar and the codes.
pub fn door_load(app: &App, date: &str, guests: usize) -> huixiao::Result<(i64, Vec<String>)> {
    let now = app.now_str();
    let mut rng = rand::rngs::StdRng::seed_from_u64(guests as u64);
    app.db.write(|tx| {
        tx.execute(
            "INSERT INTO seminars (title, date, start_time, capacity, city, status, created_at)
             VALUES ('门店增长压力测试会', ?1, '14:00', ?2, '长沙', 'live', ?3)",
            params![date, guests as i64 + 10, now],
        )?;
        let seminar = tx.last_insert_rowid();
        let mut codes = Vec::with_capacity(guests);
        for i in 0..guests {
            tx.execute(
                "INSERT INTO stores (name, city, created_at) VALUES (?1, '长沙', ?2)",
                params![format!("测试门店{i:05}"), now],
            )?;
            let store = tx.last_insert_rowid();
            tx.execute(
                "INSERT INTO contacts (store_id, name, role, phone, phone_kind, created_at)
                 VALUES (?1, ?2, 'owner_spouse', ?3, 'mobile', ?4)",
                params![store, format!("测试客人{i:05}"), format!("137{i:08}"), now],
            )?;
            let contact = tx.last_insert_rowid();
            tx.execute(
                "INSERT INTO invitations (seminar_id, store_id, status, created_at) VALUES (?1, ?2, 'confirmed', ?3)",
                params![seminar, store, now],
            )?;
            let invitation = tx.last_insert_rowid();
            tx.execute(
                "INSERT INTO invitation_guests (invitation_id, contact_id) VALUES (?1, ?2)",
                [invitation, contact],
            )?;
            let code = huixiao::ticket::code_from_rng(&mut rng);
            huixiao::ticket::insert_code(tx, invitation, Some(contact), &code, &now)?;
            codes.push(code);
        }
        Ok((seminar, codes))
    })
}
