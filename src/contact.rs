//! Contacts: the people of a store (owner, owner's spouse, manager, staff), their phone and
//! message opt-out, and erasure on request.

use rusqlite::{params, Connection, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::app::App;
use crate::error::{found, Result, Thing};
use crate::input::IdInput;
use crate::phone::{self, PhoneKind};
use crate::store;
use crate::validate;

/// Who the person is in the store. The owner's spouse (老板娘) usually holds the money.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ContactRole {
    Owner,
    OwnerSpouse,
    Manager,
    Staff,
}

impl ContactRole {
    pub fn as_str(self) -> &'static str {
        match self {
            ContactRole::Owner => "owner",
            ContactRole::OwnerSpouse => "owner_spouse",
            ContactRole::Manager => "manager",
            ContactRole::Staff => "staff",
        }
    }
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            ContactRole::Owner => ("老板", "owner"),
            ContactRole::OwnerSpouse => ("老板娘", "owner's spouse"),
            ContactRole::Manager => ("店长", "manager"),
            ContactRole::Staff => ("店员", "staff"),
        }
    }
    pub fn parse(s: &str) -> Option<ContactRole> {
        match s.trim() {
            "owner" | "老板" => Some(ContactRole::Owner),
            "owner_spouse" | "老板娘" => Some(ContactRole::OwnerSpouse),
            "manager" | "店长" => Some(ContactRole::Manager),
            "staff" | "店员" | "员工" => Some(ContactRole::Staff),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Contact {
    pub id: i64,
    pub store_id: i64,
    pub name: String,
    pub role: ContactRole,
    pub phone: Option<String>,
    pub phone_kind: Option<PhoneKind>,
    pub opted_out: bool,
    pub erased: bool,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct ContactInput {
    pub name: String,
    pub role: ContactRole,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub opted_out: bool,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct NewContact {
    pub store_id: i64,
    #[serde(flatten)]
    #[ts(flatten)]
    pub input: ContactInput,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct ContactUpdate {
    pub id: i64,
    #[serde(flatten)]
    #[ts(flatten)]
    pub input: ContactInput,
}

/// What an erased contact's name becomes. Their invitations, check-ins and deals stay, so the
/// anonymous counts of past seminars do not change.
pub const ERASED_NAME: &str = "已删除";

const COLUMNS: &str =
    "id, store_id, name, role, phone, phone_kind, opted_out, erased_at IS NOT NULL";

fn from_row(r: &Row) -> rusqlite::Result<Contact> {
    let role: String = r.get(3)?;
    let kind: Option<String> = r.get(5)?;
    Ok(Contact {
        id: r.get(0)?,
        store_id: r.get(1)?,
        name: r.get(2)?,
        role: ContactRole::parse(&role).unwrap_or(ContactRole::Staff),
        phone: r.get(4)?,
        phone_kind: kind.as_deref().and_then(PhoneKind::parse),
        opted_out: r.get(6)?,
        erased: r.get(7)?,
    })
}

pub fn get_in(conn: &Connection, id: i64) -> Result<Contact> {
    found(
        conn.query_row(
            &format!("SELECT {COLUMNS} FROM contacts WHERE id = ?1"),
            [id],
            from_row,
        ),
        Thing::Contact,
        id,
    )
}

/// The people of a store: those created in it and those it shares with another store (one
/// owner, two shops), each with their role in this store.
pub fn list_for_store(conn: &Connection, store_id: i64) -> Result<Vec<Contact>> {
    let mut stmt = conn.prepare(
        "SELECT c.id, sc.store_id, c.name, sc.role, c.phone, c.phone_kind, c.opted_out,
                c.erased_at IS NOT NULL
         FROM store_contacts sc JOIN contacts c ON c.id = sc.contact_id
         WHERE sc.store_id = ?1 ORDER BY c.erased_at IS NOT NULL, c.id",
    )?;
    let rows = stmt
        .query_map([store_id], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Whether the contact is one of the store's people (created in it, or shared with it).
pub fn belongs_to(conn: &Connection, contact_id: i64, store_id: i64) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM store_contacts WHERE contact_id = ?1 AND store_id = ?2)",
        [contact_id, store_id],
        |r| r.get(0),
    )?)
}

struct Clean {
    name: String,
    role: ContactRole,
    phone: Option<phone::Phone>,
    opted_out: bool,
}

fn clean(input: ContactInput) -> Result<Clean> {
    Ok(Clean {
        name: validate::text("name", ("联系人姓名", "contact's name"), &input.name, 40)?,
        role: input.role,
        phone: phone::parse_optional(input.phone.as_deref(), "phone")?,
        opted_out: input.opted_out,
    })
}

/// Validates and writes a contact of `store_id` inside the caller's transaction.
pub fn insert(
    conn: &Connection,
    store_id: i64,
    input: ContactInput,
    created_at: &str,
) -> Result<i64> {
    let c = clean(input)?;
    store::get_in(conn, store_id)?;
    conn.execute(
        "INSERT INTO contacts (store_id, name, role, phone, phone_kind, opted_out, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            store_id,
            c.name,
            c.role.as_str(),
            c.phone.as_ref().map(|p| &p.number),
            c.phone.as_ref().map(|p| p.kind.as_str()),
            c.opted_out,
            created_at
        ],
    )?;
    Ok(conn.last_insert_rowid())
}

pub fn create(app: &App, input: NewContact) -> Result<Contact> {
    let now = app.now_str();
    app.db.write(|tx| {
        let id = insert(tx, input.store_id, input.input, &now)?;
        get_in(tx, id)
    })
}

pub fn update(app: &App, input: ContactUpdate) -> Result<Contact> {
    let id = input.id;
    let c = clean(input.input)?;
    app.db.write(|tx| {
        let existing = get_in(tx, id)?;
        if existing.erased {
            return Err(crate::error::Error::Conflict {
                zh: "该联系人的个人信息已按要求删除，不能再编辑。".into(),
                en: "This contact's personal data was erased on request; it cannot be edited.".into(),
            });
        }
        tx.execute(
            "UPDATE contacts SET name = ?2, role = ?3, phone = ?4, phone_kind = ?5, opted_out = ?6 WHERE id = ?1",
            params![
                id,
                c.name,
                c.role.as_str(),
                c.phone.as_ref().map(|p| &p.number),
                c.phone.as_ref().map(|p| p.kind.as_str()),
                c.opted_out
            ],
        )?;
        get_in(tx, id)
    })
}

/// Erases a person on request: name and phone go and they get no more messages; their role,
/// invitations, check-ins and deals stay, so anonymous counts are kept. Nothing of them is left in
/// the database file or its WAL (secure delete, then a checkpoint), nor in changes waiting for head
/// office; backups made before still hold them until they expire.
pub fn erase(app: &App, input: IdInput) -> Result<Contact> {
    let now = app.now_str();
    let erased = app.db.write(|tx| {
        get_in(tx, input.id)?;
        tx.execute(
            "UPDATE contacts SET name = ?2, phone = NULL, phone_kind = NULL, opted_out = 1,
                    erased_at = coalesce(erased_at, ?3) WHERE id = ?1",
            params![input.id, ERASED_NAME, now],
        )?;
        crate::replica::capture::forget(tx, "contacts", input.id)?;
        get_in(tx, input.id)
    })?;
    app.db.checkpoint()?;
    tracing::info!(contact = input.id, "contact erased on request");
    Ok(erased)
}
