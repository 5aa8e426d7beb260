//! The invitation-list builder (邀约名单): for a seminar, choose stores by a filter or a saved
//! segment, see how many match, leave out those that cannot be invited (with the reason), keep
//! the N highest scores, spread them over the inviters, estimate the turnout from the
//! organisation's own confirm and show rates, then invite them all in one transaction through
//! the one way an invitation is created ([`crate::invitation::create_in`]).

mod exclude;
mod filter;
mod spread;

pub use exclude::{Excluded, DECLINED_DAYS, DECLINED_TIMES, TOUCHED_DAYS, TOUCHED_TIMES};
pub use filter::{matching, StoreFilter, FIELDS};

use chrono::NaiveDate;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::app::App;
use crate::caller::Caller;
use crate::contact::ContactRole;
use crate::conversion::{Window, ATTENDED_SQL, CONFIRMED_SQL};
use crate::error::{invalid, Result};
use crate::i18n::Lang;
use crate::invitation::{self, InvitationInput};
use crate::score::{self, Day};
use crate::seminar::{self, SeminarStatus};
use crate::{segment, venue};

/// At most this many invitations in one list.
pub const MAX_INVITATIONS: usize = 5000;

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct InviteListInput {
    pub seminar_id: i64,
    /// A saved segment's name; or give `filter`.
    #[serde(default)]
    pub segment: Option<String>,
    #[serde(default)]
    pub filter: Option<StoreFilter>,
    /// Keep the N highest scores.
    #[serde(default)]
    pub limit: Option<i64>,
    /// The inviters to spread the stores over; every active inviter when empty.
    #[serde(default)]
    pub inviter_ids: Vec<i64>,
}

/// How many stores an inviter gets.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct InviterShare {
    pub inviter_id: Option<i64>,
    pub name: Option<String>,
    pub count: i64,
}

/// A store on the list: who comes (the money-holder where the store has one) and who invites.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ListedStore {
    pub store_id: i64,
    pub store_name: String,
    pub score: f64,
    pub inviter_id: Option<i64>,
    pub contact_id: i64,
    pub contact_name: String,
    pub role: ContactRole,
    /// Set once invited.
    pub invitation_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct InviteList {
    pub seminar_id: i64,
    /// Stores the filter matches, before exclusions and the limit.
    pub matched: i64,
    pub excluded: Excluded,
    /// Invited (or, in a preview, that would be).
    pub invited: i64,
    pub per_inviter: Vec<InviterShare>,
    /// Stores expected to come of those invited, from the organisation's confirm and show rates;
    /// null without past seminars to learn from.
    pub expected_turnout: Option<i64>,
    /// Confirm rate C/I and show rate A/C of the past year's seminars (null without any).
    pub confirm_rate: Option<f64>,
    pub show_rate: Option<f64>,
    /// The seminar's seats.
    pub capacity: i64,
    /// Said, never refused: the expected turnout against the seats.
    pub warnings: Vec<String>,
    /// Nothing was written.
    pub dry_run: bool,
    /// The cadence template the invitations follow when the segment carries one (null: the
    /// seminar's cadence).
    pub cadence: Option<String>,
    /// The batch the invitations were made in, to undo them with (null in a preview).
    pub batch: Option<String>,
    pub stores: Vec<ListedStore>,
    /// The segment's cadence steps (JSON) each invitation copies.
    #[serde(skip)]
    pub cadence_steps: Option<String>,
}

/// How far back the organisation's rates look: its recent seminars say how guests answer now.
pub const RATES_DAYS: u64 = 365;

/// The organisation's confirm and show rates over the seminars of the year before `today`.
fn rates(conn: &Connection, today: NaiveDate) -> Result<(Option<f64>, Option<f64>)> {
    let since = today
        .checked_sub_days(chrono::Days::new(RATES_DAYS))
        .unwrap_or(today);
    let (i, c, a): (i64, i64, i64) = conn.query_row(
        &format!(
            "SELECT count(*), coalesce(sum({CONFIRMED_SQL}), 0), coalesce(sum({ATTENDED_SQL}), 0)
             FROM seminars m JOIN invitations i ON i.seminar_id = m.id WHERE m.date < ?1 AND m.date >= ?2"
        ),
        [today.to_string(), since.to_string()],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    )?;
    Ok((crate::conversion::rate(c, i), crate::conversion::rate(a, c)))
}

/// The filter, and the segment's cadence (its template's name and steps) when it carries one.
type Chosen = (StoreFilter, Option<(String, String)>);

fn filter_of(conn: &Connection, input: &InviteListInput) -> Result<Chosen> {
    match (&input.segment, &input.filter) {
        (Some(name), None) => {
            let seg = segment::by_name(conn, name)?;
            let cadence = segment::cadence_steps(conn, &seg)?
                .map(|steps| (seg.cadence_name.clone().unwrap_or_default(), steps));
            Ok((seg.filter, cadence))
        }
        (None, Some(f)) => Ok((f.clone(), None)),
        _ => Err(invalid(
            "segment",
            "请选择一个客户分群，或给出筛选条件（二选一）。",
            "Choose a segment or give a filter (one of the two).",
        )),
    }
}

/// A seminar still ahead and not closed.
fn open_seminar(app: &App, conn: &Connection, id: i64) -> Result<seminar::Seminar> {
    let sem = seminar::get_in(conn, id)?;
    if sem.status == SeminarStatus::Closed {
        return Err(invalid(
            "seminar_id",
            format!("会销“{}”已结束，不能再邀约。", sem.title),
            format!(
                "The seminar “{}” is closed: no more invitations.",
                sem.title
            ),
        ));
    }
    let today = venue::today(app, conn, Some(id))?;
    if sem.date < today.to_string() {
        return Err(invalid(
            "seminar_id",
            format!(
                "会销“{}”在 {} 已经举办过了，不能再邀约。",
                sem.title, sem.date
            ),
            format!(
                "The seminar “{}” took place on {}: it cannot be invited to any more.",
                sem.title, sem.date
            ),
        ));
    }
    Ok(sem)
}

/// Works out the list (writing only kept scores when `persist`).
fn plan(
    app: &App,
    conn: &Connection,
    input: &InviteListInput,
    lang: Lang,
    persist: bool,
) -> Result<InviteList> {
    let sem = open_seminar(app, conn, input.seminar_id)?;
    let (filter, cadence) = filter_of(conn, input)?;
    if let Some(n) = input.limit {
        if n < 1 {
            return Err(invalid(
                "limit",
                "邀约数量至少为 1。",
                "The limit must be at least 1.",
            ));
        }
    }
    let inviters = spread::inviters(conn, &input.inviter_ids)?;
    let today = venue::today(app, conn, None)?;
    let day = Day::of(conn, today)?;
    let matched = matching(conn, &filter, &day, persist)?;
    if matched.is_empty() {
        return Err(invalid(
            "filter",
            "没有门店符合这些条件：请放宽条件再试。",
            "No store matches this filter: widen it and try again.",
        ));
    }
    let date = NaiveDate::parse_from_str(&sem.date, "%Y-%m-%d").unwrap_or(today);
    let window = Window::new(date, sem.attribution_days);
    let ex = exclude::Exclusions::read(conn, sem.id, window, today, app.now())?;
    let mut excluded = Excluded::default();
    let limit = input.limit.map_or(usize::MAX, |n| n as usize);
    let mut chosen: Vec<(i64, f64)> = Vec::new();
    for &(store, s) in &matched {
        match ex.why(store) {
            Some(why) => excluded.count(why),
            None if chosen.len() < limit => chosen.push((store, s)),
            None => {}
        }
    }
    let mut stores = Vec::with_capacity(chosen.len());
    for &(store_id, s) in &chosen {
        let store = crate::store::get_in(conn, store_id)?;
        let Some(contact_id) = invitation::who_comes(conn, store_id)? else {
            continue;
        };
        let c = crate::contact::get_in(conn, contact_id)?;
        stores.push(ListedStore {
            store_id,
            store_name: store.name,
            score: score::round1(s),
            inviter_id: None,
            contact_id,
            contact_name: c.name,
            role: c.role,
            invitation_id: None,
        });
    }
    let per_inviter = spread::assign(conn, sem.id, &inviters, &mut stores)?;
    let (confirm_rate, show_rate) = rates(conn, today)?;
    let n = stores.len() as i64;
    let expected = |n: i64| match (confirm_rate, show_rate) {
        (Some(c), Some(a)) => Some((n as f64 * c * a).round() as i64),
        _ => None,
    };
    let already: i64 = conn.query_row(
        "SELECT count(*) FROM invitations WHERE seminar_id = ?1 AND status IN ('invited', 'confirmed')",
        [sem.id],
        |r| r.get(0),
    )?;
    let warnings = warnings(lang, already + n, expected(already + n), sem.capacity, n);
    Ok(InviteList {
        seminar_id: sem.id,
        matched: matched.len() as i64,
        excluded,
        invited: n,
        per_inviter,
        expected_turnout: expected(n),
        confirm_rate,
        show_rate,
        capacity: sem.capacity,
        warnings,
        dry_run: true,
        cadence: cadence.as_ref().map(|(name, _)| name.clone()),
        batch: None,
        stores,
        cadence_steps: cadence.map(|(_, steps)| steps),
    })
}

/// What to tell the organizer about the turnout against the seats (teams invite 2–3× the seats).
fn warnings(lang: Lang, total: i64, expected: Option<i64>, seats: i64, n: i64) -> Vec<String> {
    let mut out = Vec::new();
    match expected {
        Some(e) if e < seats => out.push(match lang {
            Lang::Zh => format!("按往期确认率和到场率，共 {total} 家门店预计到场约 {e} 家，少于 {seats} 个座位：可以再多邀约一些（团队通常邀约座位数的 2–3 倍）。"),
            Lang::En => format!("At past confirm and show rates, about {e} of the {total} stores invited are expected to come, fewer than the {seats} seats: invite more (teams invite 2–3 times the seats)."),
        }),
        Some(e) if e > seats => out.push(match lang {
            Lang::Zh => format!("按往期确认率和到场率，共 {total} 家门店预计到场约 {e} 家，多于 {seats} 个座位：请准备加座或少邀约一些。"),
            Lang::En => format!("At past confirm and show rates, about {e} of the {total} stores invited are expected to come, more than the {seats} seats: add seats or invite fewer."),
        }),
        Some(_) => {}
        None if total < 2 * seats => out.push(match lang {
            Lang::Zh => format!("还没有往期会销可估算到场。共邀约 {total} 家门店，不到 {seats} 个座位的 2 倍（团队通常邀约座位数的 2–3 倍）。"),
            Lang::En => format!("No past seminar yet to estimate the turnout from. {total} stores invited in all, fewer than twice the {seats} seats (teams invite 2–3 times the seats)."),
        }),
        None if total > 3 * seats => out.push(match lang {
            Lang::Zh => format!("还没有往期会销可估算到场。共邀约 {total} 家门店，超过 {seats} 个座位的 3 倍：到场可能超出座位。"),
            Lang::En => format!("No past seminar yet to estimate the turnout from. {total} stores invited in all, more than 3 times the {seats} seats: more may come than there are seats."),
        }),
        None => {}
    }
    if n as usize > MAX_INVITATIONS {
        out.push(match lang {
            Lang::Zh => format!("一次最多邀约 {MAX_INVITATIONS} 家门店：请设定数量上限。"),
            Lang::En => {
                format!("At most {MAX_INVITATIONS} stores can be invited at once: set a limit.")
            }
        });
    }
    out
}

/// What the list would be: nothing written but the kept scores.
pub fn preview(app: &App, caller: &Caller, input: InviteListInput) -> Result<InviteList> {
    app.db.write(|tx| plan(app, tx, &input, caller.lang, true))
}

/// Invites every store on the list in one transaction: all of them, or none (the error says why).
pub fn create(app: &App, caller: &Caller, input: InviteListInput) -> Result<InviteList> {
    let now = app.now_str();
    app.db.write(|tx| {
        let mut list = plan(app, tx, &input, caller.lang, true)?;
        if list.stores.len() > MAX_INVITATIONS {
            return Err(invalid(
                "limit",
                format!("一次最多邀约 {MAX_INVITATIONS} 家门店，这次有 {} 家：请设定数量上限。", list.stores.len()),
                format!("At most {MAX_INVITATIONS} stores can be invited at once, this list has {}: set a limit.", list.stores.len()),
            ));
        }
        let batch = invitation::new_batch(tx)?;
        let origin = invitation::Origin {
            batch: Some(&batch),
            cadence: list.cadence_steps.as_deref(),
        };
        for s in &mut list.stores {
            let one = InvitationInput {
                seminar_id: list.seminar_id,
                store_id: s.store_id,
                inviter_id: s.inviter_id,
                contact_ids: vec![s.contact_id],
                walk_in: false,
                note: String::new(),
            };
            s.invitation_id = Some(invitation::create_from(tx, &one, origin, &now)?);
        }
        list.dry_run = false;
        list.batch = Some(batch);
        Ok(list)
    })
}
