//! The venue set-up checklist (环境调试): sound check, volume, music and every cue's file, microphones,
//! projector, round tables without desks, assistants' seats among the guests, sign-in desk,
//! scanners and stations. Copied from a template, each item assigned to a staff member and ticked
//! on the day; the readiness summary shows on the organizer's screen and the prompter.

use rusqlite::{params, Connection, Row};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::app::App;
use crate::caller::Caller;
use crate::error::{found, invalid, Error, Result, Thing};
use crate::i18n::Lang;
use crate::input::SeminarScope;
use crate::template::{self, Store};
use crate::{script, seminar, staff, validate};

/// How an item is checked: by hand, or by hand and by the app (every cue's audio file found).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CheckKind {
    #[default]
    Manual,
    AudioFiles,
}

impl CheckKind {
    fn as_str(self) -> &'static str {
        match self {
            CheckKind::Manual => "manual",
            CheckKind::AudioFiles => "audio_files",
        }
    }
    fn parse(s: &str) -> CheckKind {
        if s == "audio_files" {
            CheckKind::AudioFiles
        } else {
            CheckKind::Manual
        }
    }
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ChecklistItem {
    pub id: i64,
    pub area: String,
    pub title: String,
    pub check: CheckKind,
    pub assignee_id: Option<i64>,
    pub assignee_name: Option<String>,
    pub done: bool,
    pub done_at: Option<String>,
    pub done_by: String,
}

/// One staff member's share of the checklist.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct AssigneeProgress {
    pub assignee_id: Option<i64>,
    pub name: Option<String>,
    pub total: i64,
    pub done: i64,
}

/// Is the venue ready for the talk?
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct Readiness {
    pub items_total: i64,
    pub items_done: i64,
    /// The titles of the items not ticked yet.
    pub open_items: Vec<String>,
    pub by_assignee: Vec<AssigneeProgress>,
    /// Audio files named by music cues that cannot be found (a warning: the talk goes on without them).
    pub missing_audio: Vec<String>,
    /// The seminar has its own script (not only the default template).
    pub script_saved: bool,
    /// The script names the product whose tiers the price stage reveals.
    pub price_plan: bool,
    /// Every item ticked, every audio file found, a script and a price plan.
    pub ready: bool,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ChecklistView {
    pub seminar_id: i64,
    pub items: Vec<ChecklistItem>,
    pub readiness: Readiness,
}

/// An item of a template (or of a checklist being edited, with its id when it exists).
#[derive(Debug, Clone, Serialize, Deserialize, TS, ToSchema)]
pub struct ChecklistItemInput {
    /// The item's id when it exists (keeps its tick); None for a new one.
    #[serde(default)]
    pub id: Option<i64>,
    #[serde(default)]
    pub area: String,
    pub title: String,
    #[serde(default)]
    pub check: CheckKind,
    #[serde(default)]
    pub assignee_id: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct ChecklistInput {
    pub seminar_id: i64,
    pub items: Vec<ChecklistItemInput>,
    /// Also save the items (without assignees) as a template under this name.
    #[serde(default)]
    pub save_as_template: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ChecklistTemplate {
    /// None for the built-in default.
    pub id: Option<i64>,
    pub name: String,
    pub items: Vec<ChecklistItemInput>,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct CopyChecklist {
    pub seminar_id: i64,
    #[serde(default)]
    pub template_id: Option<i64>,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct TickInput {
    pub id: i64,
    pub done: bool,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct AssignInput {
    pub id: i64,
    pub assignee_id: Option<i64>,
}

#[derive(Deserialize)]
struct TemplateFile {
    name: String,
    items: Vec<ChecklistItemInput>,
}

const DEFAULT_ZH: &str = include_str!("../assets/templates/checklist.zh.json");
const DEFAULT_EN: &str = include_str!("../assets/templates/checklist.en.json");

/// The built-in checklist in `lang` (a seminar starts from the organisation's language).
pub fn default_template(lang: Lang) -> ChecklistTemplate {
    let t: TemplateFile = serde_json::from_str(lang.pick(DEFAULT_ZH, DEFAULT_EN))
        .expect("the default checklist parses");
    ChecklistTemplate {
        id: None,
        name: t.name,
        items: t.items,
    }
}

const SELECT: &str =
    "SELECT c.id, c.area, c.title, c.\"check\", c.assignee_id, s.name, c.done_at, c.done_by
    FROM checklist_items c LEFT JOIN staff s ON s.id = c.assignee_id";

fn from_row(r: &Row) -> rusqlite::Result<ChecklistItem> {
    let done_at: Option<String> = r.get(6)?;
    Ok(ChecklistItem {
        id: r.get(0)?,
        area: r.get(1)?,
        title: r.get(2)?,
        check: CheckKind::parse(&r.get::<_, String>(3)?),
        assignee_id: r.get(4)?,
        assignee_name: r.get(5)?,
        done: done_at.is_some(),
        done_at,
        done_by: r.get(7)?,
    })
}

fn items(conn: &Connection, seminar_id: i64) -> Result<Vec<ChecklistItem>> {
    let mut stmt = conn.prepare(&format!(
        "{SELECT} WHERE c.seminar_id = ?1 ORDER BY c.position, c.id"
    ))?;
    let rows = stmt
        .query_map([seminar_id], from_row)?
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

/// The readiness summary of a seminar (checklist, audio files, script, price plan).
pub fn readiness_in(app: &App, conn: &Connection, seminar_id: i64) -> Result<Readiness> {
    let list = items(conn, seminar_id)?;
    let (script_saved, _, body, product) = script::body_of(conn, seminar_id)?;
    let missing_audio = script::cue::missing_files(app, &body);
    let mut by_assignee: Vec<AssigneeProgress> = Vec::new();
    for it in &list {
        let i = match by_assignee
            .iter()
            .position(|a| a.assignee_id == it.assignee_id)
        {
            Some(i) => i,
            None => {
                by_assignee.push(AssigneeProgress {
                    assignee_id: it.assignee_id,
                    name: it.assignee_name.clone(),
                    total: 0,
                    done: 0,
                });
                by_assignee.len() - 1
            }
        };
        by_assignee[i].total += 1;
        by_assignee[i].done += it.done as i64;
    }
    let items_done = list.iter().filter(|i| i.done).count() as i64;
    let items_total = list.len() as i64;
    let price_plan = product.is_some();
    Ok(Readiness {
        ready: items_total > 0
            && items_done == items_total
            && missing_audio.is_empty()
            && script_saved
            && price_plan,
        items_total,
        items_done,
        open_items: list
            .iter()
            .filter(|i| !i.done)
            .map(|i| i.title.clone())
            .collect(),
        by_assignee,
        missing_audio,
        script_saved,
        price_plan,
    })
}

fn view(app: &App, conn: &Connection, seminar_id: i64) -> Result<ChecklistView> {
    seminar::get_in(conn, seminar_id)?;
    Ok(ChecklistView {
        seminar_id,
        items: items(conn, seminar_id)?,
        readiness: readiness_in(app, conn, seminar_id)?,
    })
}

pub fn get(app: &App, scope: SeminarScope) -> Result<ChecklistView> {
    view(app, &app.db.conn(), scope.seminar_id)
}

pub fn readiness(app: &App, scope: SeminarScope) -> Result<Readiness> {
    let conn = app.db.conn();
    seminar::get_in(&conn, scope.seminar_id)?;
    readiness_in(app, &conn, scope.seminar_id)
}

fn check_items(conn: &Connection, list: &[ChecklistItemInput]) -> Result<Vec<ChecklistItemInput>> {
    if list.is_empty() || list.len() > 100 {
        return Err(invalid(
            "items",
            "检查清单需要 1 到 100 项。",
            "A checklist needs 1 to 100 items.",
        ));
    }
    list.iter()
        .enumerate()
        .map(|(i, it)| {
            let n = i + 1;
            let title = validate::text(
                "items",
                (&format!("第 {n} 项的内容"), &format!("text of item {n}")),
                &it.title,
                200,
            )?;
            let area = validate::optional_text("items", ("分类", "area"), &it.area, 20)?;
            if let Some(s) = it.assignee_id {
                staff::get_in(conn, s)?;
            }
            Ok(ChecklistItemInput {
                id: it.id,
                area,
                title,
                check: it.check,
                assignee_id: it.assignee_id,
            })
        })
        .collect()
}

/// Writes items from a template as the seminar's checklist (replacing it), inside a transaction.
pub fn copy_in(conn: &Connection, seminar_id: i64, template_id: Option<i64>) -> Result<()> {
    seminar::get_in(conn, seminar_id)?;
    let template = match template_id {
        None => default_template(crate::settings::language(conn)?),
        Some(id) => {
            let (name, json) = TEMPLATES.get(conn, id)?;
            ChecklistTemplate {
                id: Some(id),
                name,
                items: serde_json::from_str(&json).map_err(|e| Error::Database {
                    zh: format!("保存的检查清单模板无法读取：{e}"),
                    en: format!("A saved checklist template cannot be read: {e}"),
                })?,
            }
        }
    };
    conn.execute(
        "DELETE FROM checklist_items WHERE seminar_id = ?1",
        [seminar_id],
    )?;
    for (i, it) in template.items.iter().enumerate() {
        conn.execute(
            "INSERT INTO checklist_items (seminar_id, position, area, title, \"check\") VALUES (?1, ?2, ?3, ?4, ?5)",
            params![seminar_id, i as i64, it.area, it.title, it.check.as_str()],
        )?;
    }
    Ok(())
}

pub fn copy_template(app: &App, input: CopyChecklist) -> Result<ChecklistView> {
    app.db.write(|tx| {
        copy_in(tx, input.seminar_id, input.template_id)?;
        view(app, tx, input.seminar_id)
    })
}

/// Replaces a seminar's checklist items: existing ones (by id) keep their ticks, removed ones go.
pub fn save(app: &App, input: ChecklistInput) -> Result<ChecklistView> {
    let template = template::name_to_save(input.save_as_template.as_deref())?;
    let now = app.now_str();
    app.db.write(|tx| {
        seminar::get_in(tx, input.seminar_id)?;
        let list = check_items(tx, &input.items)?;
        let existing: Vec<i64> = items(tx, input.seminar_id)?
            .iter()
            .map(|i| i.id)
            .collect();
        for it in &list {
            if let Some(id) = it.id {
                if !existing.contains(&id) {
                    return Err(invalid(
                        "items",
                        format!("检查项（编号 {id}）不属于这场会销。"),
                        format!("Checklist item {id} is not one of this seminar's."),
                    ));
                }
            }
        }
        let kept: Vec<i64> = list.iter().filter_map(|i| i.id).collect();
        for id in existing.iter().filter(|id| !kept.contains(id)) {
            tx.execute("DELETE FROM checklist_items WHERE id = ?1", [id])?;
        }
        for (pos, it) in list.iter().enumerate() {
            match it.id {
                Some(id) => tx.execute(
                    "UPDATE checklist_items SET position = ?2, area = ?3, title = ?4, \"check\" = ?5, assignee_id = ?6 WHERE id = ?1",
                    params![id, pos as i64, it.area, it.title, it.check.as_str(), it.assignee_id],
                )?,
                None => tx.execute(
                    "INSERT INTO checklist_items (seminar_id, position, area, title, \"check\", assignee_id)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                    params![input.seminar_id, pos as i64, it.area, it.title, it.check.as_str(), it.assignee_id],
                )?,
            };
        }
        if let Some(name) = &template {
            let plain: Vec<ChecklistItemInput> = list
                .iter()
                .map(|i| ChecklistItemInput {
                    id: None,
                    assignee_id: None,
                    ..i.clone()
                })
                .collect();
            let json = serde_json::to_string(&plain).expect("items serialise");
            TEMPLATES.save(tx, name, &json, &now)?;
        }
        view(app, tx, input.seminar_id)
    })
}

fn item_seminar(conn: &Connection, id: i64) -> Result<i64> {
    found(
        conn.query_row(
            "SELECT seminar_id FROM checklist_items WHERE id = ?1",
            [id],
            |r| r.get(0),
        ),
        Thing::ChecklistItem,
        id,
    )
}

/// Ticks (or unticks) an item on the day, recording who did it.
pub fn tick(app: &App, caller: &Caller, input: TickInput) -> Result<ChecklistView> {
    let now = app.now_str();
    app.db.write(|tx| {
        let seminar_id = item_seminar(tx, input.id)?;
        if input.done {
            tx.execute(
                "UPDATE checklist_items SET done_at = coalesce(done_at, ?2), done_by = ?3 WHERE id = ?1",
                params![input.id, now, caller.actor],
            )?;
        } else {
            tx.execute(
                "UPDATE checklist_items SET done_at = NULL, done_by = '' WHERE id = ?1",
                [input.id],
            )?;
        }
        view(app, tx, seminar_id)
    })
}

/// Assigns an item to a staff member (or to nobody).
pub fn assign(app: &App, input: AssignInput) -> Result<ChecklistView> {
    app.db.write(|tx| {
        let seminar_id = item_seminar(tx, input.id)?;
        if let Some(s) = input.assignee_id {
            staff::get_in(tx, s)?;
        }
        tx.execute(
            "UPDATE checklist_items SET assignee_id = ?2 WHERE id = ?1",
            params![input.id, input.assignee_id],
        )?;
        view(app, tx, seminar_id)
    })
}

/// Where the saved checklists are kept.
const TEMPLATES: Store = Store {
    table: "checklist_templates",
    content: "items",
    only: None,
    stamp: "created_at",
    restamp: false,
    what: ("检查清单模板", "checklist template"),
};

/// The built-in default, then the saved templates by name.
pub fn templates(app: &App) -> Result<Vec<ChecklistTemplate>> {
    let conn = app.db.conn();
    let default = default_template(crate::settings::language(&conn)?);
    TEMPLATES.list(&conn, default, |t| {
        Ok(ChecklistTemplate {
            id: Some(t.id),
            name: t.name,
            items: serde_json::from_str(&t.json).unwrap_or_default(),
        })
    })
}
