//! Ticket codes (票码): unforgeable (128 bits from the OS's random source, checked against the
//! database), of digits and upper-case letters only so they survive any keyboard layout and
//! encode in QR alphanumeric mode.

use std::path::Path;

use rand::RngCore;
use rusqlite::{params, Connection, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::app::App;
use crate::caller::Caller;
use crate::contact::ContactRole;
use crate::error::{invalid, Result};
use crate::i18n::Lang;
use crate::input::SeminarScope;
use crate::output::FileOut;
use crate::{pdf, seminar};

/// Crockford's base-32 alphabet: no I, L, O, U, so codes read aloud without confusion.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// A fresh code: 128 random bits as 26 base-32 characters.
pub fn new_code() -> String {
    code_from_rng(&mut rand::rng())
}

/// A code from the given random source: 128 bits as 26 base-32 characters. [`new_code`] uses the
/// OS's source; the demo data uses a seeded one so that it is reproducible.
pub fn code_from_rng(rng: &mut impl RngCore) -> String {
    let mut bytes = [0u8; 16];
    rng.fill_bytes(&mut bytes);
    let mut n = u128::from_be_bytes(bytes);
    let mut out = [0u8; 26];
    for c in out.iter_mut().rev() {
        *c = ALPHABET[(n & 31) as usize];
        n >>= 5;
    }
    String::from_utf8(out.to_vec()).expect("ascii")
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Ticket {
    pub id: i64,
    pub code: String,
    pub invitation_id: i64,
    pub store_id: i64,
    pub store_name: String,
    pub contact_id: Option<i64>,
    pub guest_name: Option<String>,
    pub issued_at: String,
    pub revoked: bool,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct TicketQuery {
    pub seminar_id: i64,
}

fn from_row(r: &Row) -> rusqlite::Result<Ticket> {
    Ok(Ticket {
        id: r.get(0)?,
        code: r.get(1)?,
        invitation_id: r.get(2)?,
        store_id: r.get(3)?,
        store_name: r.get(4)?,
        contact_id: r.get(5)?,
        guest_name: r.get(6)?,
        issued_at: r.get(7)?,
        revoked: r.get(8)?,
    })
}

pub fn list(app: &App, scope: SeminarScope) -> Result<Vec<Ticket>> {
    let conn = app.db.conn();
    seminar::get_in(&conn, scope.seminar_id)?;
    let mut stmt = conn.prepare(
        "SELECT t.id, t.code, t.invitation_id, i.store_id, s.name, t.contact_id, c.name, t.issued_at,
                t.revoked_at IS NOT NULL
         FROM tickets t JOIN invitations i ON i.id = t.invitation_id JOIN stores s ON s.id = i.store_id
         LEFT JOIN contacts c ON c.id = t.contact_id
         WHERE i.seminar_id = ?1 ORDER BY t.id",
    )?;
    let rows = stmt
        .query_map([scope.seminar_id], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Issues a ticket for one guest of an invitation, inside the caller's transaction.
pub fn issue(
    conn: &Connection,
    invitation_id: i64,
    contact_id: Option<i64>,
    issued_at: &str,
) -> Result<String> {
    let code = new_code();
    insert_code(conn, invitation_id, contact_id, &code, issued_at)?;
    Ok(code)
}

/// Issues a ticket to each guest of an invitation who has no valid one yet (inside the caller's
/// transaction); returns the new codes.
pub fn issue_for_guests(
    conn: &Connection,
    invitation_id: i64,
    issued_at: &str,
) -> Result<Vec<String>> {
    let guests: Vec<i64> = conn
        .prepare_cached(
            "SELECT g.contact_id FROM invitation_guests g WHERE g.invitation_id = ?1
               AND NOT EXISTS (SELECT 1 FROM tickets t WHERE t.invitation_id = ?1
                               AND t.contact_id = g.contact_id AND t.revoked_at IS NULL)
             ORDER BY g.contact_id",
        )?
        .query_map([invitation_id], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    guests
        .into_iter()
        .map(|c| issue(conn, invitation_id, Some(c), issued_at))
        .collect()
}

/// Cancels the live tickets of an invitation (of one guest when `contact_id` is given), inside
/// the caller's transaction: a scan of them then answers `cancelled`.
pub fn revoke_for_invitation(
    conn: &Connection,
    invitation_id: i64,
    contact_id: Option<i64>,
    at: &str,
) -> Result<usize> {
    Ok(conn.execute(
        "UPDATE tickets SET revoked_at = ?3
         WHERE invitation_id = ?1 AND (?2 IS NULL OR contact_id = ?2) AND revoked_at IS NULL",
        params![invitation_id, contact_id, at],
    )?)
}

/// Writes a ticket with a code made by the caller (e.g. from [`code_from_rng`]); returns its id.
pub fn insert_code(
    conn: &Connection,
    invitation_id: i64,
    contact_id: Option<i64>,
    code: &str,
    issued_at: &str,
) -> Result<i64> {
    conn.execute(
        "INSERT INTO tickets (invitation_id, contact_id, code, issued_at) VALUES (?1, ?2, ?3, ?4)",
        params![invitation_id, contact_id, code, issued_at],
    )?;
    Ok(conn.last_insert_rowid())
}

/// Whether a code is well-formed: 26 characters of the ticket alphabet (after trimming and
/// upper-casing what a scanner or a keyboard typed).
pub fn well_formed(code: &str) -> Option<String> {
    let c = code.trim().to_ascii_uppercase();
    (c.len() == 26 && c.bytes().all(|b| ALPHABET.contains(&b))).then_some(c)
}

/// Checks a scanned or typed code against the database: the ticket's id when it is a valid,
/// unrevoked ticket. Any other code — one character changed included — is refused.
pub fn verify(conn: &Connection, code: &str) -> Result<i64> {
    let refused = || {
        invalid(
            "code",
            "票码无效：不是本系统发出的票，或已作废。请核对后重试，或按姓名、电话查找。",
            "Invalid ticket code: not issued here, or revoked. Check it, or search by name or phone.",
        )
    };
    let code = well_formed(code).ok_or_else(refused)?;
    let found: Option<i64> = conn
        .query_row(
            "SELECT id FROM tickets WHERE code = ?1 AND revoked_at IS NULL",
            [&code],
            |r| r.get(0),
        )
        .optional()?;
    found.ok_or_else(refused)
}

/// Everything printed on a ticket.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct TicketView {
    pub code: String,
    pub guest_name: String,
    pub role: Option<ContactRole>,
    pub store_name: String,
    pub seminar_title: String,
    /// Venue-local date and start, `YYYY-MM-DD HH:MM`.
    pub starts: String,
    pub address: String,
    /// The guest's table once seated.
    pub table: Option<i64>,
}

const VIEW: &str =
    "SELECT t.code, coalesce(c.name, ''), c.role, s.name, m.title, m.date || ' ' || m.start_time,
        m.city, m.venue, t.contact_id, m.id
    FROM tickets t JOIN invitations i ON i.id = t.invitation_id JOIN stores s ON s.id = i.store_id
    JOIN seminars m ON m.id = i.seminar_id LEFT JOIN contacts c ON c.id = t.contact_id";

fn view_rows(
    conn: &Connection,
    filter: &str,
    arg: &dyn rusqlite::ToSql,
) -> Result<Vec<TicketView>> {
    let mut stmt = conn.prepare(&format!("{VIEW} WHERE {filter} ORDER BY s.name, t.id"))?;
    let rows: Vec<(TicketView, Option<i64>, i64)> = stmt
        .query_map([arg], |r| {
            let role: Option<String> = r.get(2)?;
            Ok((
                TicketView {
                    code: r.get(0)?,
                    guest_name: r.get(1)?,
                    role: role.as_deref().and_then(ContactRole::parse),
                    store_name: r.get(3)?,
                    seminar_title: r.get(4)?,
                    starts: r.get(5)?,
                    address: crate::seminar::address(
                        &r.get::<_, String>(6)?,
                        &r.get::<_, String>(7)?,
                    ),
                    table: None,
                },
                r.get(8)?,
                r.get(9)?,
            ))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut out = Vec::with_capacity(rows.len());
    for (mut v, contact, seminar) in rows {
        if let Some(c) = contact {
            v.table = table_of(conn, seminar, c)?;
        }
        out.push(v);
    }
    Ok(out)
}

/// The guest's table number once the seating plan has placed them (the seating issue's
/// `seat_assignments`; none before it exists).
pub fn table_of(conn: &Connection, seminar_id: i64, contact_id: i64) -> Result<Option<i64>> {
    let has: bool = conn
        .prepare_cached(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'seat_assignments'",
        )?
        .exists([])?;
    if !has {
        return Ok(None);
    }
    Ok(conn
        .query_row(
            "SELECT t.number FROM seat_assignments a JOIN venue_tables t ON t.id = a.table_id
             WHERE a.seminar_id = ?1 AND a.contact_id = ?2",
            [seminar_id, contact_id],
            |r| r.get(0),
        )
        .optional()?)
}

pub fn view(conn: &Connection, code: &str) -> Result<TicketView> {
    let id = verify(conn, code)?;
    view_rows(conn, "t.id = ?1", &id)?
        .pop()
        .ok_or(crate::error::Error::NotFound {
            what: crate::error::Thing::Ticket,
            id,
        })
}

/// The QR code of a ticket as a PNG: black modules on white, a 4-module quiet zone, `scale`
/// pixels per module. The QR carries only the code.
pub fn qr_png(code: &str, scale: u32) -> Result<Vec<u8>> {
    let qr =
        qrcode::QrCode::with_error_correction_level(code, qrcode::EcLevel::M).map_err(|e| {
            invalid(
                "code",
                format!("无法生成二维码：{e}"),
                format!("Cannot make a QR code: {e}"),
            )
        })?;
    let n = qr.width() as u32;
    let quiet = 4;
    let size = (n + 2 * quiet) * scale;
    let colors = qr.to_colors();
    let mut pixels = vec![255u8; (size * size) as usize];
    for y in 0..n {
        for x in 0..n {
            if colors[(y * n + x) as usize] == qrcode::Color::Dark {
                for dy in 0..scale {
                    let row = ((y + quiet) * scale + dy) * size;
                    let start = (row + (x + quiet) * scale) as usize;
                    pixels[start..start + scale as usize].fill(0);
                }
            }
        }
    }
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, size, size);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::Eight);
        let mut w = enc
            .write_header()
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        w.write_image_data(&pixels)
            .map_err(|e| std::io::Error::other(e.to_string()))?;
    }
    Ok(out)
}

/// Draws one ticket on an A6 page (105 × 148 mm): in Chinese with English beside it, or in
/// English only.
fn draw(doc: &mut pdf::Doc, t: &TicketView, lang: Lang) -> Result<()> {
    use pdf::{rgb, Align, Style};
    let mut p = doc.page(105.0, 148.0);
    let red = rgb(192, 57, 43);
    let grey = rgb(110, 110, 110);
    p.rect(0.0, 0.0, 105.0, 16.0, Some(red.clone()), None);
    p.text(
        52.5,
        10.5,
        &Style::new(15.0, Align::Center).color(rgb(255, 255, 255)),
        lang.pick("入场券 · ADMISSION", "ADMISSION TICKET"),
    );
    p.text_fit(
        52.5,
        26.0,
        &Style::new(14.0, Align::Center),
        8.0,
        95.0,
        &t.seminar_title,
    );
    p.text_fit(
        52.5,
        33.0,
        &Style::new(10.0, Align::Center).color(grey.clone()),
        7.0,
        95.0,
        &format!("{}   {}", starts(&t.starts, lang), t.address),
    );
    p.qr(25.0, 37.0, 55.0, &t.code).map_err(|e| {
        invalid(
            "code",
            format!("无法生成二维码：{e}"),
            format!("Cannot make a QR code: {e}"),
        )
    })?;
    let role = t.role.map(|r| r.label()).unwrap_or_default();
    let who = match lang {
        Lang::Zh => format!("{} {}", t.guest_name, role.0),
        Lang::En if role.1.is_empty() => t.guest_name.clone(),
        Lang::En => format!("{} ({})", t.guest_name, role.1),
    }
    .trim()
    .to_owned();
    p.text_fit(
        52.5,
        101.0,
        &Style::new(16.0, Align::Center),
        9.0,
        95.0,
        &who,
    );
    p.text_fit(
        52.5,
        109.0,
        &Style::new(11.0, Align::Center),
        7.0,
        95.0,
        &t.store_name,
    );
    let table = match (t.table, lang) {
        (Some(n), Lang::Zh) => format!("{n} 号桌 · Table {n}"),
        (Some(n), Lang::En) => format!("Table {n}"),
        (None, _) => lang
            .pick(
                "桌号入场时安排 · Table assigned at the door",
                "Table assigned at the door",
            )
            .to_owned(),
    };
    p.text_fit(
        52.5,
        118.0,
        &Style::new(11.0, Align::Center).color(red.clone()),
        7.0,
        95.0,
        &table,
    );
    p.line((10.0, 124.0), (95.0, 124.0), grey.clone(), 0.5);
    p.text(
        52.5,
        131.0,
        &Style::new(8.0, Align::Center).color(grey.clone()),
        &t.code,
    );
    p.text(
        52.5,
        139.0,
        &Style::new(7.0, Align::Center).color(grey),
        lang.pick(
            "凭此码签到，请勿转发他人 · Show this code at the door",
            "Show this code at the door; please do not pass it on",
        ),
    );
    doc.push(p);
    Ok(())
}

/// `2026-11-29 14:00` as a ticket says it: unchanged in Chinese, `Sunday 29 November 2026, 14:00`
/// in English.
fn starts(s: &str, lang: Lang) -> String {
    let (date, time) = s.split_once(' ').unwrap_or((s, ""));
    match (lang, chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")) {
        (Lang::En, Ok(d)) => format!("{}, {time}", d.format("%A %-d %B %Y")),
        _ => s.to_owned(),
    }
}

/// A printable PDF of the given tickets, one A6 page each, in `lang`.
pub fn pdf_of(tickets: &[TicketView], lang: Lang) -> Result<Vec<u8>> {
    let mut doc = pdf::Doc::new(lang.pick("入场券 Tickets", "Tickets"));
    for t in tickets {
        draw(&mut doc, t, lang)?;
    }
    Ok(doc.finish())
}

/// Every valid ticket of a seminar as one PDF, in `lang`.
pub fn seminar_pdf_bytes(conn: &Connection, seminar_id: i64, lang: Lang) -> Result<Vec<u8>> {
    seminar::get_in(conn, seminar_id)?;
    let tickets = view_rows(
        conn,
        "i.seminar_id = ?1 AND t.revoked_at IS NULL",
        &seminar_id,
    )?;
    if tickets.is_empty() {
        return Err(crate::error::Error::Conflict {
            zh: "这场会销还没有票：确认邀约后才会出票。".into(),
            en: "This seminar has no tickets yet: tickets are issued when invitations are confirmed.".into(),
        });
    }
    pdf_of(&tickets, lang)
}

/// One QR PNG per valid ticket of a seminar, named `店名-姓名-CODE.png`; returns how many.
pub fn write_pngs(conn: &Connection, seminar_id: i64, dir: &Path) -> Result<usize> {
    seminar::get_in(conn, seminar_id)?;
    let tickets = view_rows(
        conn,
        "i.seminar_id = ?1 AND t.revoked_at IS NULL",
        &seminar_id,
    )?;
    std::fs::create_dir_all(dir)?;
    for t in &tickets {
        std::fs::write(dir.join(png_name(t)), qr_png(&t.code, 8)?)?;
    }
    Ok(tickets.len())
}

fn png_name(t: &TicketView) -> String {
    let safe = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_alphanumeric() || c > '\u{7f}' {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    format!(
        "{}-{}-{}.png",
        safe(&t.store_name),
        safe(&t.guest_name),
        t.code
    )
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct CodeInput {
    pub code: String,
}

/// A ticket's QR code as a PNG image, to send with a WeChat message.
pub fn qr_image(app: &App, input: CodeInput) -> Result<FileOut> {
    let conn = app.db.conn();
    let t = view(&conn, &input.code)?;
    Ok(FileOut::new(
        png_name(&t),
        "image/png",
        &qr_png(&t.code, 10)?,
    ))
}

/// One ticket as a printable PDF, in the caller's language.
pub fn ticket_pdf(app: &App, caller: &Caller, input: CodeInput) -> Result<FileOut> {
    let conn = app.db.conn();
    let t = view(&conn, &input.code)?;
    let bytes = pdf_of(std::slice::from_ref(&t), caller.lang)?;
    Ok(FileOut::new(
        png_name(&t).replace(".png", ".pdf"),
        "application/pdf",
        &bytes,
    ))
}

/// All tickets of a seminar as one printable PDF, in the caller's language.
pub fn seminar_pdf(app: &App, caller: &Caller, scope: SeminarScope) -> Result<FileOut> {
    let bytes = seminar_pdf_bytes(&app.db.conn(), scope.seminar_id, caller.lang)?;
    Ok(FileOut::new(
        format!("tickets-{}.pdf", scope.seminar_id),
        "application/pdf",
        &bytes,
    ))
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Verified {
    pub ticket: TicketView,
}

/// Checks a code: the ticket it belongs to, or a refusal.
pub fn check(app: &App, input: CodeInput) -> Result<Verified> {
    let conn = app.db.conn();
    Ok(Verified {
        ticket: view(&conn, &input.code)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_26_unambiguous_characters_and_distinct() {
        let a = new_code();
        let b = new_code();
        assert_eq!(a.len(), 26);
        assert!(a.bytes().all(|c| ALPHABET.contains(&c)), "{a}");
        assert_ne!(a, b);
    }
}
