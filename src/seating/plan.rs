//! A seminar's seating plan in the store: settings (stage, assistants), grouping rules, seat
//! assignments with locks, and the operations on them (automatic seating, manual moves, locks,
//! day-of re-seating).

use std::collections::HashMap;

use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use super::solve::{self, said, GuestIn, Model, Problem, Rule, RuleKind, Said, TableIn};
use super::Table;
use crate::app::App;
use crate::contact::ContactRole;
use crate::error::{invalid, Error, Result, Thing};
use crate::input::SeminarScope;
use crate::seminar::{self, SeatingLayout};

#[derive(Debug, Clone, Serialize, Deserialize, TS, ToSchema)]
pub struct SeatingSettings {
    /// Where the stage is, in the floor plan's coordinates (the tables' x, y).
    pub stage_x: f64,
    pub stage_y: f64,
    /// 1, or 2 to let one assistant cover two adjacent small tables.
    pub max_tables_per_assistant: i64,
    /// Automatic seating also chooses each table's assistant.
    pub assign_assistants: bool,
    /// The seed of the search: the same seed and data give the same seating.
    pub seed: i64,
    pub doors_closed_at: Option<String>,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct SeatingSettingsInput {
    pub seminar_id: i64,
    pub stage_x: f64,
    pub stage_y: f64,
    pub max_tables_per_assistant: i64,
    pub assign_assistants: bool,
    #[serde(default = "one")]
    pub seed: i64,
}

fn one() -> i64 {
    1
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct SeatingRule {
    pub id: i64,
    #[serde(flatten)]
    #[ts(flatten)]
    pub rule: Rule,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct RulesInput {
    pub seminar_id: i64,
    pub rules: Vec<Rule>,
}

/// A guest of the seminar and where they sit.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct SeatedGuest {
    pub contact_id: i64,
    pub invitation_id: i64,
    pub name: String,
    pub role: ContactRole,
    pub store_id: i64,
    pub store_name: String,
    pub inviter_id: Option<i64>,
    pub inviter_name: Option<String>,
    pub industry: String,
    pub district: String,
    pub level: String,
    pub key_customer: bool,
    /// Notes from the invitation calls.
    pub note: String,
    pub table_id: Option<i64>,
    pub table_number: Option<i64>,
    pub seat: Option<i64>,
    pub locked: bool,
    /// Why the guest sits there.
    pub reasons: Vec<Said>,
    /// What the seating fails to give them.
    pub problems: Vec<Said>,
    pub badly_seated: bool,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct TableView {
    #[serde(flatten)]
    #[ts(flatten)]
    pub table: Table,
    /// The seat kept for the assistant, if any.
    pub assistant_seat: Option<i64>,
    /// The seat nearest the back (seat 1 faces the stage).
    pub back_seat: i64,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct SeatingView {
    pub seminar_id: i64,
    pub layout: SeatingLayout,
    pub settings: SeatingSettings,
    pub rules: Vec<SeatingRule>,
    pub tables: Vec<TableView>,
    pub guests: Vec<SeatedGuest>,
    pub seated: i64,
    pub unseated: i64,
    pub score: f64,
    pub max_score: f64,
    pub hard_violations: Vec<Said>,
    pub proposal: Option<Proposal>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct BadGuest {
    pub contact_id: i64,
    pub name: String,
    pub table_number: Option<i64>,
    pub problems: Vec<Said>,
}

/// What automatic seating did.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct AutoResult {
    pub seated: i64,
    pub unseated: i64,
    pub hard_violations: Vec<Said>,
    pub score: f64,
    /// An upper bound of the score (every rule at its best at once; often unreachable).
    pub max_score: f64,
    pub badly_seated: Vec<BadGuest>,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct MoveInput {
    pub seminar_id: i64,
    pub contact_id: i64,
    /// The target table; none to unseat.
    #[serde(default)]
    pub table_id: Option<i64>,
    /// The target seat; none for the table's first free seat.
    #[serde(default)]
    pub seat: Option<i64>,
    /// Apply even though the move breaks a hard rule (after a warning).
    #[serde(default)]
    pub confirm: bool,
    /// Lock or unlock the moved guest; none keeps their lock as it was.
    #[serde(default)]
    pub lock: Option<bool>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct MoveResult {
    pub applied: bool,
    /// Hard rules the move breaks: shown to the organizer, who confirms or cancels.
    pub warnings: Vec<Said>,
    /// The guest who took the mover's old seat (a swap).
    pub swapped_with: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct LockInput {
    pub seminar_id: i64,
    pub contact_id: i64,
    pub locked: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize, TS, ToSchema)]
pub struct ReseatMove {
    pub contact_id: i64,
    pub name: String,
    pub from_table_id: i64,
    pub from_table_number: i64,
    pub from_seat: i64,
    pub table_id: i64,
    pub table_number: i64,
    pub seat: i64,
    pub keeps_assistant: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProposalStatus {
    Open,
    Accepted,
    Rejected,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Proposal {
    pub id: i64,
    pub status: ProposalStatus,
    pub moves: Vec<ReseatMove>,
    /// Tables left empty by the proposal.
    pub tables_freed: Vec<i64>,
    pub kept_with_assistant: i64,
    pub created_at: String,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct DecideInput {
    pub id: i64,
    pub accept: bool,
}

// ---------- loading ----------

struct GuestRow {
    invitation_id: i64,
    role: ContactRole,
    note: String,
}

/// Everything the plan needs, read in one go.
pub(crate) struct Loaded {
    pub seminar_id: i64,
    pub layout: SeatingLayout,
    pub settings: SeatingSettings,
    pub settings_saved: bool,
    pub rules: Vec<SeatingRule>,
    pub tables: Vec<Table>,
    pub problem: Problem,
    extra: Vec<GuestRow>,
    /// contact → (table index, seat, locked)
    pub at: Vec<Option<(usize, i64, bool)>>,
    pub assistant_seat: Vec<Option<i64>>,
}

/// The default rules of a new plan: an inviter's guests together, a store's contacts together
/// (hard), referrers with their stores, competitors apart, key customers in front, a seat for the
/// assistant at every table (hard).
pub fn default_rules() -> Vec<Rule> {
    let r = |kind, hard, weight| Rule {
        kind,
        hard,
        weight,
        contact_ids: Vec::new(),
        seats: 0,
    };
    vec![
        r(RuleKind::ByInviter, false, 3.0),
        r(RuleKind::ByIndustry, false, 1.0),
        r(RuleKind::KeyNearStage, false, 3.0),
        r(RuleKind::KeepStoreTogether, true, 5.0),
        r(RuleKind::KeepReferrerTogether, false, 2.0),
        r(RuleKind::KeepApartCompetitors, false, 2.0),
        r(RuleKind::AssistantSeat, true, 5.0),
    ]
}

fn settings_in(
    conn: &Connection,
    seminar_id: i64,
    tables: &[Table],
) -> Result<(SeatingSettings, bool)> {
    let row = conn.query_row(
        "SELECT stage_x, stage_y, max_tables_per_assistant, assign_assistants, seed, doors_closed_at
         FROM seating_plans WHERE seminar_id = ?1",
        [seminar_id],
        |r| {
            Ok(SeatingSettings {
                stage_x: r.get(0)?,
                stage_y: r.get(1)?,
                max_tables_per_assistant: r.get(2)?,
                assign_assistants: r.get(3)?,
                seed: r.get(4)?,
                doors_closed_at: r.get(5)?,
            })
        },
    );
    match row {
        Ok(s) => Ok((s, true)),
        Err(rusqlite::Error::QueryReturnedNoRows) => {
            // The stage above the middle of the tables.
            let (x, y) = if tables.is_empty() {
                (490.0, 40.0)
            } else {
                let xs: Vec<f64> = tables.iter().map(|t| t.x).collect();
                let min_x = xs.iter().copied().fold(f64::INFINITY, f64::min);
                let max_x = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let min_y = tables.iter().map(|t| t.y).fold(f64::INFINITY, f64::min);
                ((min_x + max_x) / 2.0, min_y - 140.0)
            };
            Ok((
                SeatingSettings {
                    stage_x: x,
                    stage_y: y,
                    max_tables_per_assistant: 1,
                    assign_assistants: true,
                    seed: 1,
                    doors_closed_at: None,
                },
                false,
            ))
        }
        Err(e) => Err(e.into()),
    }
}

fn ensure_plan(conn: &Connection, seminar_id: i64, s: &SeatingSettings) -> Result<()> {
    conn.execute(
        "INSERT INTO seating_plans (seminar_id, stage_x, stage_y, max_tables_per_assistant, assign_assistants, seed, doors_closed_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
         ON CONFLICT (seminar_id) DO UPDATE SET stage_x = ?2, stage_y = ?3, max_tables_per_assistant = ?4,
            assign_assistants = ?5, seed = ?6, doors_closed_at = ?7",
        params![seminar_id, s.stage_x, s.stage_y, s.max_tables_per_assistant, s.assign_assistants, s.seed, s.doors_closed_at],
    )?;
    Ok(())
}

fn rules_in(conn: &Connection, seminar_id: i64, saved: bool) -> Result<Vec<SeatingRule>> {
    if !saved {
        return Ok(default_rules()
            .into_iter()
            .map(|rule| SeatingRule { id: 0, rule })
            .collect());
    }
    let mut stmt = conn.prepare(
        "SELECT id, kind, hard, weight, contact_ids, seats FROM seating_rules WHERE seminar_id = ?1 ORDER BY id",
    )?;
    let rows = stmt
        .query_map([seminar_id], |r| {
            let kind: String = r.get(1)?;
            let ids: String = r.get(4)?;
            Ok((
                r.get::<_, i64>(0)?,
                kind,
                r.get::<_, bool>(2)?,
                r.get::<_, f64>(3)?,
                ids,
                r.get::<_, i64>(5)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, kind, hard, weight, ids, seats)| {
            Some(SeatingRule {
                id,
                rule: Rule {
                    kind: RuleKind::parse(&kind)?,
                    hard,
                    weight,
                    contact_ids: serde_json::from_str(&ids).unwrap_or_default(),
                    seats,
                },
            })
        })
        .collect())
}

/// "长沙市岳麓区麓山南路 88 号" → "麓山南路": the street part of an address.
pub fn street_of(address: &str) -> String {
    let a = address.trim();
    let start = ["区", "县", "市"]
        .iter()
        .filter_map(|m| a.rfind(m).map(|i| i + m.len()))
        .max()
        .unwrap_or(0);
    let rest = &a[start..];
    for end in ["大道", "路", "街", "巷"] {
        if let Some(i) = rest.find(end) {
            return rest[..i + end.len()].to_owned();
        }
    }
    String::new()
}

pub(crate) fn load(conn: &Connection, seminar_id: i64) -> Result<Loaded> {
    let seminar = seminar::get_in(conn, seminar_id)?;
    let tables = super::list_in(conn, seminar_id)?;
    let (settings, saved) = settings_in(conn, seminar_id, &tables)?;
    let rules = rules_in(conn, seminar_id, saved)?;
    let t_index: HashMap<i64, usize> = tables.iter().enumerate().map(|(i, t)| (t.id, i)).collect();

    let mut stmt = conn.prepare(
        "SELECT c.id, c.name, c.role, s.id, s.name, i.id, i.inviter_id, f.name, s.industry, s.district,
                s.address, s.level, s.key_customer, s.referrer_id, i.note
         FROM invitations i JOIN invitation_guests g ON g.invitation_id = i.id
         JOIN contacts c ON c.id = g.contact_id JOIN stores s ON s.id = i.store_id
         LEFT JOIN staff f ON f.id = i.inviter_id
         WHERE i.seminar_id = ?1 AND i.status = 'confirmed' ORDER BY i.id, c.id",
    )?;
    let rows = stmt
        .query_map([seminar_id], |r| {
            let role: String = r.get(2)?;
            let address: String = r.get(10)?;
            Ok((
                GuestIn {
                    contact_id: r.get(0)?,
                    name: r.get(1)?,
                    store_id: r.get(3)?,
                    store_name: r.get(4)?,
                    inviter_id: r.get(6)?,
                    inviter_name: r.get(7)?,
                    industry: r.get(8)?,
                    district: r.get(9)?,
                    street: street_of(&address),
                    level: r.get(11)?,
                    key_customer: r.get(12)?,
                    referrer_store_id: r.get(13)?,
                    lock: None,
                },
                GuestRow {
                    invitation_id: r.get(5)?,
                    role: ContactRole::parse(&role).unwrap_or(ContactRole::Staff),
                    note: r.get(14)?,
                },
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let (mut guests, extra): (Vec<GuestIn>, Vec<GuestRow>) = rows.into_iter().unzip();
    let g_index: HashMap<i64, usize> = guests
        .iter()
        .enumerate()
        .map(|(i, g)| (g.contact_id, i))
        .collect();

    let mut at = vec![None; guests.len()];
    let mut stmt = conn.prepare(
        "SELECT contact_id, table_id, seat, locked FROM seat_assignments WHERE seminar_id = ?1",
    )?;
    let rows = stmt
        .query_map([seminar_id], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
                r.get::<_, bool>(3)?,
            ))
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for (c, t, seat, locked) in rows {
        if let (Some(&i), Some(&ti)) = (g_index.get(&c), t_index.get(&t)) {
            at[i] = Some((ti, seat, locked));
            if locked {
                guests[i].lock = Some((ti, seat));
            }
        }
    }
    let mut assistant_seat = vec![None; tables.len()];
    for (ti, t) in tables.iter().enumerate() {
        assistant_seat[ti] = conn
            .query_row(
                "SELECT seat FROM table_assistant_seats WHERE table_id = ?1",
                [t.id],
                |r| r.get(0),
            )
            .ok();
    }
    let problem = Problem {
        guests,
        tables: tables
            .iter()
            .map(|t| TableIn {
                id: t.id,
                number: t.number,
                seats: t.seats,
                x: t.x,
                y: t.y,
            })
            .collect(),
        rules: rules.iter().map(|r| r.rule.clone()).collect(),
        stage: (settings.stage_x, settings.stage_y),
        seed: settings.seed as u64,
    };
    Ok(Loaded {
        seminar_id,
        layout: seminar.layout,
        settings,
        settings_saved: saved,
        rules,
        tables,
        problem,
        extra,
        at,
        assistant_seat,
    })
}

impl Loaded {
    fn tab(&self) -> Vec<Option<usize>> {
        self.at.iter().map(|a| a.map(|(t, _, _)| t)).collect()
    }

    fn guest_index(&self, contact_id: i64) -> Result<usize> {
        self.problem
            .guests
            .iter()
            .position(|g| g.contact_id == contact_id)
            .ok_or_else(|| {
                invalid(
                    "contact_id",
                    format!("联系人（编号 {contact_id}）不是这场会销已确认的客人。"),
                    format!("Contact {contact_id} is not a confirmed guest of this seminar."),
                )
            })
    }

    fn view(&self, conn: &Connection) -> Result<SeatingView> {
        let p = &self.problem;
        let m = Model::build(p)?;
        let tab = self.tab();
        let reports = solve::explain(p, &m, &tab);
        let guests = (0..p.guests.len())
            .map(|i| {
                let g = &p.guests[i];
                let x = &self.extra[i];
                let r = &reports[i];
                let at = self.at[i];
                SeatedGuest {
                    contact_id: g.contact_id,
                    invitation_id: x.invitation_id,
                    name: g.name.clone(),
                    role: x.role,
                    store_id: g.store_id,
                    store_name: g.store_name.clone(),
                    inviter_id: g.inviter_id,
                    inviter_name: g.inviter_name.clone(),
                    industry: g.industry.clone(),
                    district: g.district.clone(),
                    level: g.level.clone(),
                    key_customer: g.key_customer,
                    note: x.note.clone(),
                    table_id: at.map(|(t, _, _)| self.tables[t].id),
                    table_number: at.map(|(t, _, _)| self.tables[t].number),
                    seat: at.map(|(_, s, _)| s),
                    locked: at.is_some_and(|(_, _, l)| l),
                    reasons: r.reasons.clone(),
                    problems: r.problems.clone(),
                    badly_seated: r.bad(),
                }
            })
            .collect::<Vec<_>>();
        let seated = guests.iter().filter(|g| g.seat.is_some()).count() as i64;
        Ok(SeatingView {
            seminar_id: self.seminar_id,
            layout: self.layout,
            settings: self.settings.clone(),
            rules: self.rules.clone(),
            tables: self
                .tables
                .iter()
                .enumerate()
                .map(|(t, table)| TableView {
                    table: table.clone(),
                    assistant_seat: self.assistant_seat[t],
                    back_seat: solve::back_seats(table.seats.max(1) as usize)
                        .first()
                        .map(|s| *s as i64 + 1)
                        .unwrap_or(1),
                })
                .collect(),
            seated,
            unseated: guests.len() as i64 - seated,
            guests,
            score: round2(m.score(&tab)),
            max_score: round2(m.upper_bound()),
            hard_violations: m.hard_violations(&tab),
            proposal: open_proposal(conn, self.seminar_id)?,
        })
    }
}

/// The plan as the UI and the printouts see it.
pub(crate) fn view_of(l: &Loaded, conn: &Connection) -> Result<SeatingView> {
    l.view(conn)
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

// ---------- operations ----------

pub fn get(app: &App, scope: SeminarScope) -> Result<SeatingView> {
    let conn = app.db.conn();
    load(&conn, scope.seminar_id)?.view(&conn)
}

pub fn update_settings(app: &App, input: SeatingSettingsInput) -> Result<SeatingView> {
    crate::validate::range(
        "max_tables_per_assistant",
        ("每位助教的桌数", "tables per assistant"),
        input.max_tables_per_assistant,
        1,
        2,
    )?;
    if !input.stage_x.is_finite() || !input.stage_y.is_finite() {
        return Err(invalid(
            "stage_x",
            "舞台位置无效。",
            "The stage position is not valid.",
        ));
    }
    app.db.write(|tx| {
        let l = load(tx, input.seminar_id)?;
        let s = SeatingSettings {
            stage_x: input.stage_x,
            stage_y: input.stage_y,
            max_tables_per_assistant: input.max_tables_per_assistant,
            assign_assistants: input.assign_assistants,
            seed: input.seed,
            doors_closed_at: l.settings.doors_closed_at.clone(),
        };
        if !l.settings_saved {
            save_rules(tx, input.seminar_id, &default_rules())?;
        }
        ensure_plan(tx, input.seminar_id, &s)?;
        load(tx, input.seminar_id)?.view(tx)
    })
}

fn save_rules(conn: &Connection, seminar_id: i64, rules: &[Rule]) -> Result<()> {
    conn.execute(
        "DELETE FROM seating_rules WHERE seminar_id = ?1",
        [seminar_id],
    )?;
    for r in rules {
        conn.execute(
            "INSERT INTO seating_rules (seminar_id, kind, hard, weight, contact_ids, seats) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![seminar_id, r.kind.as_str(), r.hard, r.weight, serde_json::to_string(&r.contact_ids).unwrap_or_default(), r.seats],
        )?;
    }
    Ok(())
}

pub fn update_rules(app: &App, input: RulesInput) -> Result<SeatingView> {
    for r in &input.rules {
        let (zh, en) = r.kind.label();
        if r.hard && !r.kind.can_be_hard() {
            return Err(invalid(
                "rules",
                format!("“{zh}”只能是软规则（带权重），不能设为硬性规则。"),
                format!("“{en}” can only be a soft (weighted) rule, not a hard one."),
            ));
        }
        if !r.weight.is_finite() || r.weight < 0.0 || r.weight > 100.0 {
            return Err(invalid(
                "rules",
                format!("“{zh}”的权重应在 0 到 100 之间。"),
                format!("The weight of “{en}” must be between 0 and 100."),
            ));
        }
        if matches!(r.kind, RuleKind::KeepTogether | RuleKind::KeepApart) && r.contact_ids.len() < 2
        {
            return Err(invalid(
                "rules",
                format!("“{zh}”至少要选两位客人。"),
                format!("“{en}” needs at least two guests."),
            ));
        }
        if r.kind == RuleKind::WalkInReserve && !(0..=500).contains(&r.seats) {
            return Err(invalid(
                "rules",
                "预留空位数应在 0 到 500 之间。",
                "The walk-in reserve must be between 0 and 500 seats.",
            ));
        }
    }
    app.db.write(|tx| {
        let l = load(tx, input.seminar_id)?;
        for r in &input.rules {
            for c in &r.contact_ids {
                l.guest_index(*c).map_err(|_| {
                    invalid(
                        "rules",
                        format!("规则里的联系人（编号 {c}）不是这场会销已确认的客人。"),
                        format!("Contact {c} in a rule is not a confirmed guest of this seminar."),
                    )
                })?;
            }
        }
        ensure_plan(tx, input.seminar_id, &l.settings)?;
        save_rules(tx, input.seminar_id, &input.rules)?;
        load(tx, input.seminar_id)?.view(tx)
    })
}

fn assistant_names(conn: &Connection) -> Result<HashMap<i64, String>> {
    let mut stmt = conn.prepare("SELECT id, name FROM staff")?;
    let rows = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<rusqlite::Result<HashMap<i64, String>>>()?;
    Ok(rows)
}

fn active_assistants(conn: &Connection) -> Result<Vec<i64>> {
    let mut stmt = conn.prepare(
        "SELECT id FROM staff WHERE active = 1 AND EXISTS (SELECT 1 FROM json_each(staff.roles) WHERE value = 'assistant') ORDER BY id",
    )?;
    let rows = stmt
        .query_map([], |r| r.get(0))?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// Runs automatic seating and saves it, or refuses and changes nothing.
pub fn auto(app: &App, scope: SeminarScope) -> Result<AutoResult> {
    app.db.write(|tx| {
        let l = load(tx, scope.seminar_id)?;
        let p = &l.problem;
        if l.tables.is_empty() {
            return Err(invalid(
                "tables",
                "这场会销还没有桌子：请先在平面图上加桌。",
                "This seminar has no tables yet: add tables to the floor plan first.",
            ));
        }
        let model = Model::new(p)?;
        let max = l.settings.max_tables_per_assistant.max(1) as usize;
        let current: Vec<Option<i64>> = l.tables.iter().map(|t| t.assistant_id).collect();
        let names = assistant_names(tx)?;
        let name_of = |a: i64| names.get(&a).cloned().unwrap_or_else(|| a.to_string());
        if !l.settings.assign_assistants {
            solve::check_assistants(&p.tables, &current, max, name_of)?;
        }
        let sol = solve::solve_model(&model)?;
        let (seats, assistant_seat) = solve::seat_numbers(p, &model, &sol.table_of, |i| {
            let g = &p.guests[i];
            (g.store_id, g.inviter_id.unwrap_or(0), g.contact_id)
        });
        let assistants = if l.settings.assign_assistants {
            let mut inviters_at = vec![Vec::new(); l.tables.len()];
            for (i, &t) in sol.table_of.iter().enumerate() {
                inviters_at[t].push(p.guests[i].inviter_id);
            }
            let a = solve::assign_assistants(&p.tables, &inviters_at, &active_assistants(tx)?, max, &current);
            solve::check_assistants(&p.tables, &a, max, name_of)?;
            a
        } else {
            current
        };

        tx.execute("DELETE FROM seat_assignments WHERE seminar_id = ?1", [scope.seminar_id])?;
        for (i, g) in p.guests.iter().enumerate() {
            let t = &l.tables[sol.table_of[i]];
            tx.execute(
                "INSERT INTO seat_assignments (seminar_id, invitation_id, contact_id, table_id, seat, locked) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![scope.seminar_id, l.extra[i].invitation_id, g.contact_id, t.id, seats[i], g.lock.is_some()],
            )?;
        }
        for (ti, t) in l.tables.iter().enumerate() {
            tx.execute("DELETE FROM table_assistant_seats WHERE table_id = ?1", [t.id])?;
            if let Some(s) = assistant_seat[ti] {
                tx.execute("INSERT INTO table_assistant_seats (table_id, seat) VALUES (?1, ?2)", params![t.id, s])?;
            }
            tx.execute("UPDATE venue_tables SET assistant_id = ?2 WHERE id = ?1", params![t.id, assistants[ti]])?;
        }
        if !l.settings_saved {
            ensure_plan(tx, scope.seminar_id, &l.settings)?;
            save_rules(tx, scope.seminar_id, &default_rules())?;
        }
        let tab: Vec<Option<usize>> = sol.table_of.iter().map(|&t| Some(t)).collect();
        let reports = solve::explain(p, &model, &tab);
        let badly_seated = reports
            .iter()
            .enumerate()
            .filter(|(_, r)| r.bad())
            .map(|(i, r)| BadGuest {
                contact_id: p.guests[i].contact_id,
                name: p.guests[i].name.clone(),
                table_number: Some(l.tables[sol.table_of[i]].number),
                problems: if r.problems.is_empty() {
                    vec![said("大多数分组偏好没能满足", "most grouping preferences not met")]
                } else {
                    r.problems.clone()
                },
            })
            .collect();
        let mut hard = model.hard_violations(&tab);
        for (ti, a) in assistants.iter().enumerate() {
            if a.is_none() && sol.table_of.contains(&ti) {
                hard.push(said(
                    format!("{} 号桌没有助教：助教不够。", l.tables[ti].number),
                    format!("Table {} has no assistant: there are not enough assistants.", l.tables[ti].number),
                ));
            }
        }
        Ok(AutoResult {
            seated: p.guests.len() as i64,
            unseated: 0,
            hard_violations: hard,
            score: round2(sol.score),
            max_score: round2(model.upper_bound()),
            badly_seated,
        })
    })
}

/// Moves a guest to a seat; onto an occupied seat it swaps the two guests.
pub fn move_guest(app: &App, input: MoveInput) -> Result<MoveResult> {
    app.db.write(|tx| {
        let l = load(tx, input.seminar_id)?;
        let i = l.guest_index(input.contact_id)?;
        let old = l.at[i];
        let mut at = l.at.clone();
        let mut swapped = None;
        match input.table_id {
            None => at[i] = None,
            Some(table_id) => {
                let t = l.tables.iter().position(|t| t.id == table_id).ok_or_else(|| {
                    invalid(
                        "table_id",
                        format!("桌子（编号 {table_id}）不属于这场会销。"),
                        format!("Table {table_id} is not in this seminar."),
                    )
                })?;
                let table = &l.tables[t];
                let occupied = |s: i64| at.iter().position(|a| matches!(a, Some((tt, ss, _)) if *tt == t && *ss == s));
                let seat = match input.seat {
                    Some(s) => s,
                    None => (1..=table.seats)
                        .find(|&s| occupied(s).is_none() && l.assistant_seat[t] != Some(s))
                        .ok_or_else(|| {
                            invalid(
                                "table_id",
                                format!("{} 号桌已经坐满了。", table.number),
                                format!("Table {} is full.", table.number),
                            )
                        })?,
                };
                if seat < 1 || seat > table.seats {
                    return Err(invalid(
                        "seat",
                        format!("{} 号桌只有 {} 个座位，没有 {seat} 号座。", table.number, table.seats),
                        format!("Table {} has {} seats; there is no seat {seat}.", table.number, table.seats),
                    ));
                }
                if l.assistant_seat[t] == Some(seat) {
                    return Err(invalid(
                        "seat",
                        format!("{} 号桌的 {seat} 号座留给助教。", table.number),
                        format!("Seat {seat} of table {} is kept for its assistant.", table.number),
                    ));
                }
                if let Some(o) = occupied(seat).filter(|&o| o != i) {
                    if l.at[o].is_some_and(|(_, _, locked)| locked) {
                        let name = &l.problem.guests[o].name;
                        return Err(Error::Conflict {
                            zh: format!("{name} 的座位已锁定，请先解锁再交换。"),
                            en: format!("{name}'s seat is locked: unlock it before swapping."),
                        });
                    }
                    at[o] = old.map(|(ot, os, _)| (ot, os, false));
                    swapped = Some(l.problem.guests[o].contact_id);
                }
                let locked = input.lock.unwrap_or(old.is_some_and(|(_, _, l)| l));
                at[i] = Some((t, seat, locked));
            }
        }
        let m = Model::build(&l.problem)?;
        let before = m.hard_violations(&l.tab());
        let after_tab: Vec<Option<usize>> = at.iter().map(|a| a.map(|(t, _, _)| t)).collect();
        let warnings: Vec<Said> = m
            .hard_violations(&after_tab)
            .into_iter()
            .filter(|w| !before.contains(w))
            .collect();
        if !warnings.is_empty() && !input.confirm {
            return Ok(MoveResult {
                applied: false,
                warnings,
                swapped_with: swapped,
            });
        }
        let mut changed = vec![i];
        if let Some(c) = swapped {
            changed.push(l.guest_index(c)?);
        }
        for &k in &changed {
            tx.execute(
                "DELETE FROM seat_assignments WHERE seminar_id = ?1 AND contact_id = ?2",
                params![input.seminar_id, l.problem.guests[k].contact_id],
            )?;
        }
        for &k in &changed {
            if let Some((t, s, locked)) = at[k] {
                tx.execute(
                    "INSERT INTO seat_assignments (seminar_id, invitation_id, contact_id, table_id, seat, locked) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![input.seminar_id, l.extra[k].invitation_id, l.problem.guests[k].contact_id, l.tables[t].id, s, locked],
                )?;
            }
        }
        Ok(MoveResult {
            applied: true,
            warnings,
            swapped_with: swapped,
        })
    })
}

pub fn lock(app: &App, input: LockInput) -> Result<SeatingView> {
    app.db.write(|tx| {
        let l = load(tx, input.seminar_id)?;
        let i = l.guest_index(input.contact_id)?;
        if l.at[i].is_none() {
            return Err(invalid(
                "contact_id",
                format!("{} 还没有座位，无法锁定。", l.problem.guests[i].name),
                format!(
                    "{} has no seat yet, so there is nothing to lock.",
                    l.problem.guests[i].name
                ),
            ));
        }
        tx.execute(
            "UPDATE seat_assignments SET locked = ?3 WHERE seminar_id = ?1 AND contact_id = ?2",
            params![input.seminar_id, input.contact_id, input.locked],
        )?;
        load(tx, input.seminar_id)?.view(tx)
    })
}

// ---------- day-of re-seating ----------

pub fn close_doors(app: &App, scope: SeminarScope) -> Result<SeatingView> {
    let now = app.now_str();
    app.db.write(|tx| {
        let l = load(tx, scope.seminar_id)?;
        let s = seminar::get_in(tx, scope.seminar_id)?;
        if s.status != seminar::SeminarStatus::Live {
            return Err(Error::Conflict {
                zh: "只有进行中的会销才能关门（关门后可重新安排空桌）。".into(),
                en: "Only a live seminar can close its doors (then half-empty tables can be compacted).".into(),
            });
        }
        let mut settings = l.settings.clone();
        settings.doors_closed_at = Some(now.clone());
        if !l.settings_saved {
            save_rules(tx, scope.seminar_id, &default_rules())?;
        }
        ensure_plan(tx, scope.seminar_id, &settings)?;
        load(tx, scope.seminar_id)?.view(tx)
    })
}

fn open_proposal(conn: &Connection, seminar_id: i64) -> Result<Option<Proposal>> {
    let row = conn.query_row(
        "SELECT id, status, moves, created_at FROM reseat_proposals WHERE seminar_id = ?1 AND status = 'open' ORDER BY id DESC LIMIT 1",
        [seminar_id],
        |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?)),
    );
    match row {
        Ok((id, moves, created_at)) => Ok(Some(proposal_from(
            id,
            ProposalStatus::Open,
            &moves,
            created_at,
        ))),
        Err(rusqlite::Error::QueryReturnedNoRows) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

#[derive(Serialize, Deserialize)]
struct StoredProposal {
    moves: Vec<ReseatMove>,
    tables_freed: Vec<i64>,
}

fn proposal_from(id: i64, status: ProposalStatus, json: &str, created_at: String) -> Proposal {
    let s: StoredProposal = serde_json::from_str(json).unwrap_or(StoredProposal {
        moves: Vec::new(),
        tables_freed: Vec::new(),
    });
    Proposal {
        id,
        status,
        kept_with_assistant: s.moves.iter().filter(|m| m.keeps_assistant).count() as i64,
        moves: s.moves,
        tables_freed: s.tables_freed,
        created_at,
    }
}

/// Which guests checked in (and are still checked in).
fn present(conn: &Connection, l: &Loaded) -> Result<Vec<bool>> {
    let mut stmt = conn.prepare_cached(
        "SELECT EXISTS (SELECT 1 FROM checkins WHERE undone_at IS NULL AND invitation_id = ?1
                        AND (contact_id = ?2 OR contact_id IS NULL))",
    )?;
    l.problem
        .guests
        .iter()
        .enumerate()
        .map(|(i, g)| {
            Ok(
                stmt.query_row(params![l.extra[i].invitation_id, g.contact_id], |r| {
                    r.get(0)
                })?,
            )
        })
        .collect()
}

/// After the doors close: empties half-empty tables into others, keeping guests with their
/// assistant where possible (a table the same assistant covers, else a table with room).
pub fn propose_reseat(app: &App, scope: SeminarScope) -> Result<Proposal> {
    let now = app.now_str();
    app.db.write(|tx| {
        let l = load(tx, scope.seminar_id)?;
        if l.settings.doors_closed_at.is_none() {
            return Err(Error::Conflict {
                zh: "请先“关门”（确认不再等人），再重新安排空桌。".into(),
                en: "Close the doors first (no more arrivals expected), then compact the tables.".into(),
            });
        }
        let here = present(tx, &l)?;
        let nt = l.tables.len();
        let guest_cap: Vec<i64> = (0..nt)
            .map(|t| l.tables[t].seats - i64::from(l.assistant_seat[t].is_some()))
            .collect();
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); nt];
        let mut locked_at = vec![false; nt];
        for (i, a) in l.at.iter().enumerate() {
            if let (Some((t, _, locked)), true) = (a, here[i]) {
                members[*t].push(i);
                locked_at[*t] |= *locked;
            }
        }
        let mut count: Vec<i64> = members.iter().map(|m| m.len() as i64).collect();
        let half_empty = |t: usize, count: &[i64]| count[t] > 0 && count[t] * 2 <= guest_cap[t];
        let mut sources: Vec<usize> = (0..nt).filter(|&t| half_empty(t, &count) && !locked_at[t]).collect();
        sources.sort_by_key(|&t| (count[t], l.tables[t].number));
        let mut emptied = vec![false; nt];
        let mut received = vec![false; nt];
        let mut taken: Vec<Vec<i64>> = (0..nt)
            .map(|t| members[t].iter().filter_map(|&i| l.at[i].map(|(_, s, _)| s)).collect())
            .collect();
        let mut moves = Vec::new();
        for s in sources {
            if received[s] || count[s] == 0 {
                continue;
            }
            let a_s = l.tables[s].assistant_id;
            let best = (0..nt)
                .filter(|&t| t != s && !emptied[t] && count[t] > 0 && guest_cap[t] - count[t] >= count[s])
                .max_by_key(|&t| {
                    let same = l.tables[t].assistant_id.is_some() && l.tables[t].assistant_id == a_s;
                    let inviters = members[s]
                        .iter()
                        .filter(|&&i| members[t].iter().any(|&j| l.problem.guests[j].inviter_id == l.problem.guests[i].inviter_id))
                        .count();
                    (same, inviters, count[t], std::cmp::Reverse(l.tables[t].number))
                });
            let Some(t) = best else { continue };
            let keeps = l.tables[t].assistant_id == a_s;
            for &i in &members[s] {
                let seat = (1..=l.tables[t].seats)
                    .find(|x| !taken[t].contains(x) && l.assistant_seat[t] != Some(*x))
                    .unwrap_or(1);
                taken[t].push(seat);
                let (_, from_seat, _) = l.at[i].unwrap_or((s, 0, false));
                moves.push(ReseatMove {
                    contact_id: l.problem.guests[i].contact_id,
                    name: l.problem.guests[i].name.clone(),
                    from_table_id: l.tables[s].id,
                    from_table_number: l.tables[s].number,
                    from_seat,
                    table_id: l.tables[t].id,
                    table_number: l.tables[t].number,
                    seat,
                    keeps_assistant: keeps,
                });
            }
            count[t] += count[s];
            count[s] = 0;
            emptied[s] = true;
            received[t] = true;
        }
        let tables_freed: Vec<i64> = (0..nt).filter(|&t| emptied[t]).map(|t| l.tables[t].number).collect();
        tx.execute(
            "UPDATE reseat_proposals SET status = 'rejected', decided_at = ?2 WHERE seminar_id = ?1 AND status = 'open'",
            params![scope.seminar_id, now],
        )?;
        let json = serde_json::to_string(&StoredProposal { moves, tables_freed }).unwrap_or_default();
        tx.execute(
            "INSERT INTO reseat_proposals (seminar_id, moves, status, created_at) VALUES (?1, ?2, 'open', ?3)",
            params![scope.seminar_id, json, now],
        )?;
        Ok(proposal_from(tx.last_insert_rowid(), ProposalStatus::Open, &json, now.clone()))
    })
}

/// Accepts (applies the moves) or rejects an open re-seating proposal.
pub fn decide_reseat(app: &App, input: DecideInput) -> Result<SeatingView> {
    let now = app.now_str();
    app.db.write(|tx| {
        let (seminar_id, status, json): (i64, String, String) = crate::error::found(
            tx.query_row("SELECT seminar_id, status, moves FROM reseat_proposals WHERE id = ?1", [input.id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?))
            }),
            Thing::Seminar,
            input.id,
        )?;
        if status != "open" {
            return Err(Error::Conflict {
                zh: "这个调座方案已经处理过了。".into(),
                en: "This re-seating proposal was already decided.".into(),
            });
        }
        if input.accept {
            let p = proposal_from(input.id, ProposalStatus::Open, &json, String::new());
            for m in &p.moves {
                let now_at: Option<(i64, i64)> = tx
                    .query_row(
                        "SELECT table_id, seat FROM seat_assignments WHERE seminar_id = ?1 AND contact_id = ?2",
                        params![seminar_id, m.contact_id],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .ok();
                if now_at != Some((m.from_table_id, m.from_seat)) {
                    return Err(Error::Conflict {
                        zh: format!("{} 已经换过座位，方案过期了：请重新生成。", m.name),
                        en: format!("{} has moved since; the proposal is out of date: make a new one.", m.name),
                    });
                }
            }
            for m in &p.moves {
                tx.execute(
                    "DELETE FROM seat_assignments WHERE seminar_id = ?1 AND contact_id = ?2",
                    params![seminar_id, m.contact_id],
                )?;
            }
            for m in &p.moves {
                // A no-show on the target seat gives it up.
                tx.execute("DELETE FROM seat_assignments WHERE table_id = ?1 AND seat = ?2", params![m.table_id, m.seat])?;
                let inv: i64 = tx.query_row(
                    "SELECT i.id FROM invitations i JOIN invitation_guests g ON g.invitation_id = i.id
                     WHERE i.seminar_id = ?1 AND g.contact_id = ?2",
                    params![seminar_id, m.contact_id],
                    |r| r.get(0),
                )?;
                tx.execute(
                    "INSERT INTO seat_assignments (seminar_id, invitation_id, contact_id, table_id, seat, locked) VALUES (?1, ?2, ?3, ?4, ?5, 0)",
                    params![seminar_id, inv, m.contact_id, m.table_id, m.seat],
                )?;
            }
        }
        tx.execute(
            "UPDATE reseat_proposals SET status = ?2, decided_at = ?3 WHERE id = ?1",
            params![input.id, if input.accept { "accepted" } else { "rejected" }, now],
        )?;
        load(tx, seminar_id)?.view(tx)
    })
}
