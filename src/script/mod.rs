//! Talk scripts (话术 / 流程): the stages the lecturer follows — 破冰热场 → 讲趋势 → 戳痛点 → 抛工具 →
//! 亮价值 → 报价格 — each with a stable `kind`, a target duration, Markdown text, key lines and cues
//! (music, slides, the price reveal, "assistants: start closing"). A seminar copies a template and
//! edits its copy; a script can be saved as a template in turn.

pub mod cue;
pub mod price;
pub mod print;

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use crate::app::App;
use crate::error::{invalid, Error, Result};
use crate::i18n::Lang;
use crate::input::SeminarScope;
use crate::template::{self, Store};
use crate::{product, seminar, validate};

pub use cue::{CuePoint, MusicState};

/// What a stage is for. Reports group by it, so it survives renames and moves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StageKind {
    Icebreak,
    Trend,
    Pain,
    Tool,
    Value,
    Price,
    Custom,
}

impl StageKind {
    pub const ALL: [StageKind; 7] = [
        StageKind::Icebreak,
        StageKind::Trend,
        StageKind::Pain,
        StageKind::Tool,
        StageKind::Value,
        StageKind::Price,
        StageKind::Custom,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            StageKind::Icebreak => "icebreak",
            StageKind::Trend => "trend",
            StageKind::Pain => "pain",
            StageKind::Tool => "tool",
            StageKind::Value => "value",
            StageKind::Price => "price",
            StageKind::Custom => "custom",
        }
    }
    pub fn parse(s: &str) -> StageKind {
        StageKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .unwrap_or(StageKind::Custom)
    }
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            StageKind::Icebreak => ("破冰热场", "Ice-breaking"),
            StageKind::Trend => ("讲趋势", "Trends"),
            StageKind::Pain => ("戳痛点", "Pain points"),
            StageKind::Tool => ("抛工具", "The tool"),
            StageKind::Value => ("亮价值", "The value"),
            StageKind::Price => ("报价格", "Price reveal"),
            StageKind::Custom => ("自定义", "Custom"),
        }
    }
}

/// One stage of the talk. Markdown headings (`## …`) in its text are the markers the prompter
/// jumps between and cues attach to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
pub struct Stage {
    /// Stable within the script: cues and the stage log name a stage by it, through renames and
    /// moves. Empty on a new stage: the core gives it one.
    #[serde(default)]
    pub key: String,
    pub kind: StageKind,
    pub title: String,
    pub target_minutes: i64,
    #[serde(default)]
    pub text: String,
    #[serde(default)]
    pub key_lines: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CueAction {
    /// Start a music file at a volume, fading in.
    MusicPlay,
    /// Fade the music playing to a volume (0 stops it).
    MusicFade,
    /// Change slides (the note says to which).
    Slide,
    /// Show the next price tier (rank 1, 2, 3) in the price stage.
    RevealTier,
    /// Tell the assistants' stations to start closing at their tables.
    StartClosing,
}

impl CueAction {
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            CueAction::MusicPlay => ("播放音乐", "play music"),
            CueAction::MusicFade => ("音乐渐变", "fade music"),
            CueAction::Slide => ("幻灯片", "slide"),
            CueAction::RevealTier => ("亮出价格档", "reveal tier"),
            CueAction::StartClosing => ("助教开始成交", "assistants: start closing"),
        }
    }
}

/// Something that should happen when the lecturer reaches a point of a stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS, ToSchema)]
pub struct Cue {
    /// The key of its stage.
    pub stage: String,
    /// 0: when the stage starts; n: at the stage's n-th marker.
    #[serde(default)]
    pub step: i64,
    pub action: CueAction,
    /// The audio file of a music cue: absolute, or relative to the database's folder.
    #[serde(default)]
    pub file: String,
    /// 0–100.
    #[serde(default)]
    pub volume: i64,
    #[serde(default)]
    pub fade_seconds: i64,
    /// The tier a reveal shows (1–3).
    #[serde(default)]
    pub tier: i64,
    #[serde(default)]
    pub note: String,
}

/// A script's content: what templates and seminars' copies share.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Body {
    pub stages: Vec<Stage>,
    pub cues: Vec<Cue>,
}

#[derive(Debug, Clone, Deserialize)]
struct TemplateFile {
    name: String,
    #[serde(flatten)]
    body: Body,
}

const DEFAULT_ZH: &str = include_str!("../../assets/templates/script.zh.json");
const DEFAULT_EN: &str = include_str!("../../assets/templates/script.en.json");

/// The built-in template in `lang` (all six kinds, durations and cue placeholders).
pub fn default_template(lang: Lang) -> (String, Body) {
    let t: TemplateFile =
        serde_json::from_str(lang.pick(DEFAULT_ZH, DEFAULT_EN)).expect("the default script parses");
    (t.name, t.body)
}

/// The built-in template in the organisation's language: what a seminar starts from.
fn org_default(conn: &Connection) -> Result<(String, Body)> {
    Ok(default_template(crate::settings::language(conn)?))
}

/// A seminar's script as the editor and the prompter need it.
#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ScriptView {
    pub seminar_id: i64,
    /// False until the seminar has its own copy: this is then the default template.
    pub saved: bool,
    pub name: String,
    pub stages: Vec<Stage>,
    pub cues: Vec<Cue>,
    /// The price plan: the product whose tiers the price stage reveals.
    pub product_id: Option<i64>,
    /// Each stage's markers (its headings), in order.
    pub markers: Vec<Vec<String>>,
    /// Every point of the talk with the cues it fires and the music that should be playing.
    pub schedule: Vec<CuePoint>,
    pub total_minutes: i64,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct ScriptInput {
    pub seminar_id: i64,
    pub name: String,
    pub stages: Vec<Stage>,
    pub cues: Vec<Cue>,
    #[serde(default)]
    pub product_id: Option<i64>,
    /// Also save the script as a template under this name.
    #[serde(default)]
    pub save_as_template: Option<String>,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct CopyTemplate {
    pub seminar_id: i64,
    /// None: the built-in default.
    #[serde(default)]
    pub template_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct ScriptTemplate {
    /// None for the built-in default.
    pub id: Option<i64>,
    pub name: String,
    pub stages: Vec<Stage>,
    pub cues: Vec<Cue>,
}

/// A stage's markers: the Markdown headings of its text.
pub fn markers(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim_start)
        .filter(|l| l.starts_with('#'))
        .map(|l| l.trim_start_matches('#').trim().to_owned())
        .collect()
}

/// A seminar's own script row: (name, body, product id), if it has one.
pub fn load(conn: &Connection, seminar_id: i64) -> Result<Option<(String, Body, Option<i64>)>> {
    let row: Option<(String, String, Option<i64>)> = conn
        .query_row(
            "SELECT name, body, product_id FROM scripts WHERE seminar_id = ?1",
            [seminar_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    Ok(match row {
        Some((name, json, product)) => Some((name, parse_body(&json)?, product)),
        None => None,
    })
}

fn parse_body(json: &str) -> Result<Body> {
    serde_json::from_str(json).map_err(|e| Error::Database {
        zh: format!("保存的话术无法读取：{e}"),
        en: format!("A saved script cannot be read: {e}"),
    })
}

/// The seminar's script, or the default template when it has none yet.
pub fn body_of(conn: &Connection, seminar_id: i64) -> Result<(bool, String, Body, Option<i64>)> {
    Ok(match load(conn, seminar_id)? {
        Some((name, body, product)) => (true, name, body, product),
        None => {
            let (name, body) = org_default(conn)?;
            (false, name, body, None)
        }
    })
}

pub fn view_in(conn: &Connection, seminar_id: i64) -> Result<ScriptView> {
    seminar::get_in(conn, seminar_id)?;
    let (saved, name, body, product_id) = body_of(conn, seminar_id)?;
    Ok(ScriptView {
        seminar_id,
        saved,
        name,
        markers: body.stages.iter().map(|s| markers(&s.text)).collect(),
        schedule: cue::schedule(&body),
        total_minutes: body.stages.iter().map(|s| s.target_minutes).sum(),
        stages: body.stages,
        cues: body.cues,
        product_id,
    })
}

pub fn get(app: &App, scope: SeminarScope) -> Result<ScriptView> {
    view_in(&app.db.conn(), scope.seminar_id)
}

const MAX_STAGES: usize = 30;
const MAX_STAGE_MINUTES: i64 = 180;
const MAX_TOTAL_MINUTES: i64 = 600;
const MAX_TEXT: usize = 100_000;

/// Checks a script and gives new stages their keys. Every problem names the stage or cue.
pub fn check(mut body: Body) -> Result<Body> {
    if body.stages.is_empty() {
        return Err(invalid(
            "stages",
            "话术至少需要一个环节。",
            "A script needs at least one stage.",
        ));
    }
    if body.stages.len() > MAX_STAGES {
        return Err(invalid(
            "stages",
            format!("话术最多 {MAX_STAGES} 个环节。"),
            format!("A script has at most {MAX_STAGES} stages."),
        ));
    }
    let mut next = 1;
    let taken: Vec<String> = body.stages.iter().map(|s| s.key.clone()).collect();
    for (i, s) in body.stages.iter_mut().enumerate() {
        let n = i + 1;
        s.title = validate::text("stages", ("环节名称", "stage title"), &s.title, 40)?;
        if s.target_minutes < 1 || s.target_minutes > MAX_STAGE_MINUTES {
            return Err(invalid(
                "stages",
                format!(
                    "第 {n} 个环节“{}”的目标时长应在 1 到 {MAX_STAGE_MINUTES} 分钟之间（现在是 {}）。",
                    s.title, s.target_minutes
                ),
                format!(
                    "Stage {n} “{}” must be planned for 1 to {MAX_STAGE_MINUTES} minutes (it is {}).",
                    s.title, s.target_minutes
                ),
            ));
        }
        if s.text.chars().count() > MAX_TEXT {
            return Err(invalid(
                "stages",
                format!(
                    "第 {n} 个环节“{}”的讲稿太长（最多 {MAX_TEXT} 个字）。",
                    s.title
                ),
                format!(
                    "The text of stage {n} “{}” is too long (at most {MAX_TEXT} characters).",
                    s.title
                ),
            ));
        }
        if s.key_lines.len() > 20 {
            return Err(invalid(
                "stages",
                format!("第 {n} 个环节最多 20 句金句。"),
                format!("Stage {n} has at most 20 key lines."),
            ));
        }
        s.key_lines = s
            .key_lines
            .iter()
            .map(|l| validate::optional_text("stages", ("金句", "key line"), l, 200))
            .filter(|l| !matches!(l, Ok(t) if t.is_empty()))
            .collect::<Result<_>>()?;
        s.key = s.key.trim().to_owned();
        if s.key.is_empty() {
            while taken.contains(&format!("s{next}")) {
                next += 1;
            }
            s.key = format!("s{next}");
            next += 1;
        }
        if s.key.chars().count() > 40 {
            return Err(invalid(
                "stages",
                format!("第 {n} 个环节的标识太长（最多 40 个字符）。"),
                format!("The key of stage {n} is too long (at most 40 characters)."),
            ));
        }
    }
    for (i, s) in body.stages.iter().enumerate() {
        if body.stages[..i].iter().any(|o| o.key == s.key) {
            return Err(invalid(
                "stages",
                format!("两个环节用了同一个标识“{}”。", s.key),
                format!("Two stages share the key “{}”.", s.key),
            ));
        }
    }
    let total: i64 = body.stages.iter().map(|s| s.target_minutes).sum();
    if total > MAX_TOTAL_MINUTES {
        return Err(invalid(
            "stages",
            format!("各环节加起来 {total} 分钟，超过了 {MAX_TOTAL_MINUTES} 分钟：请检查时长。"),
            format!(
                "The stages add up to {total} minutes, more than {MAX_TOTAL_MINUTES}: check the durations."
            ),
        ));
    }
    if body.cues.len() > 200 {
        return Err(invalid(
            "cues",
            "话术最多 200 个提示。",
            "A script has at most 200 cues.",
        ));
    }
    for (i, c) in body.cues.iter_mut().enumerate() {
        check_cue(i + 1, c, &body.stages)?;
    }
    Ok(body)
}

fn check_cue(n: usize, c: &mut Cue, stages: &[Stage]) -> Result<()> {
    let Some(stage) = stages.iter().find(|s| s.key == c.stage) else {
        return Err(invalid(
            "cues",
            format!(
                "第 {n} 个提示所在的环节（{}）已不存在（可能被删除了）：请把它移到别的环节，或删掉这个提示。",
                c.stage
            ),
            format!(
                "Cue {n} belongs to a stage ({}) that no longer exists (deleted?): move it to another stage or remove it.",
                c.stage
            ),
        ));
    };
    let marks = markers(&stage.text).len() as i64;
    if c.step < 0 || c.step > marks {
        return Err(invalid(
            "cues",
            format!(
                "第 {n} 个提示放在“{}”的第 {} 个标记，但这个环节只有 {marks} 个标记（讲稿里的 ## 标题）。",
                stage.title, c.step
            ),
            format!(
                "Cue {n} is at marker {} of “{}”, which has only {marks} markers (## headings in its text).",
                c.step, stage.title
            ),
        ));
    }
    c.note = validate::optional_text("cues", ("提示说明", "cue note"), &c.note, 200)?;
    c.file = c.file.trim().to_owned();
    let label = |zh: &str, en: &str| (format!("第 {n} 个提示的{zh}"), format!("{en} of cue {n}"));
    match c.action {
        CueAction::MusicPlay | CueAction::MusicFade => {
            let (zh, en) = label("音量", "volume");
            validate::range("cues", (&zh, &en), c.volume, 0, 100)?;
            let (zh, en) = label("淡入淡出秒数", "fade in seconds");
            validate::range("cues", (&zh, &en), c.fade_seconds, 0, 60)?;
            if c.action == CueAction::MusicPlay {
                let (zh, en) = label("音频文件", "audio file");
                c.file = validate::text("cues", (&zh, &en), &c.file, 500)?;
            } else {
                c.file.clear();
            }
        }
        CueAction::RevealTier => {
            let (zh, en) = label("价格档", "price tier");
            validate::range("cues", (&zh, &en), c.tier, 1, 3)?;
        }
        CueAction::Slide | CueAction::StartClosing => {}
    }
    Ok(())
}

fn write_copy(
    conn: &Connection,
    seminar_id: i64,
    name: &str,
    body: &Body,
    product_id: Option<i64>,
    now: &str,
) -> Result<()> {
    let json = serde_json::to_string(body).expect("scripts serialise");
    conn.execute(
        "INSERT INTO scripts (seminar_id, name, body, product_id, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (seminar_id) DO UPDATE SET name = excluded.name, body = excluded.body,
             product_id = excluded.product_id, updated_at = excluded.updated_at",
        params![seminar_id, name, json, product_id, now],
    )?;
    Ok(())
}

/// Saves a seminar's script (all of it, or nothing), and optionally as a template.
pub fn save(app: &App, input: ScriptInput) -> Result<ScriptView> {
    let name = validate::text("name", ("话术名称", "script name"), &input.name, 40)?;
    let body = check(Body {
        stages: input.stages,
        cues: input.cues,
    })?;
    let template = template::name_to_save(input.save_as_template.as_deref())?;
    let now = app.now_str();
    app.db.write(|tx| {
        seminar::get_in(tx, input.seminar_id)?;
        if let Some(p) = input.product_id {
            product::get_in(tx, p)?;
        }
        write_copy(tx, input.seminar_id, &name, &body, input.product_id, &now)?;
        if let Some(t) = &template {
            let json = serde_json::to_string(&body).expect("scripts serialise");
            TEMPLATES.save(tx, t, &json, &now)?;
        }
        view_in(tx, input.seminar_id)
    })
}

/// Gives a seminar a fresh copy of a template (replacing its script; the price plan stays).
pub fn copy_template(app: &App, input: CopyTemplate) -> Result<ScriptView> {
    let now = app.now_str();
    app.db.write(|tx| {
        copy_template_in(tx, input.seminar_id, input.template_id, &now)?;
        view_in(tx, input.seminar_id)
    })
}

pub fn copy_template_in(
    conn: &Connection,
    seminar_id: i64,
    template_id: Option<i64>,
    now: &str,
) -> Result<()> {
    seminar::get_in(conn, seminar_id)?;
    let (name, body) = match template_id {
        None => org_default(conn)?,
        Some(id) => {
            let (name, json) = TEMPLATES.get(conn, id)?;
            (name, parse_body(&json)?)
        }
    };
    let product = load(conn, seminar_id)?.and_then(|(_, _, p)| p);
    write_copy(conn, seminar_id, &name, &body, product, now)
}

/// Where the saved scripts are kept: beside the seminars' own copies, without a seminar.
const TEMPLATES: Store = Store {
    table: "scripts",
    content: "body",
    only: Some("seminar_id IS NULL"),
    stamp: "updated_at",
    restamp: true,
    what: ("话术模板", "script template"),
};

/// The built-in default, then the saved templates by name.
pub fn templates(app: &App) -> Result<Vec<ScriptTemplate>> {
    let conn = app.db.conn();
    let (name, body) = org_default(&conn)?;
    let default = ScriptTemplate {
        id: None,
        name,
        stages: body.stages,
        cues: body.cues,
    };
    TEMPLATES.list(&conn, default, |t| {
        let body = parse_body(&t.json)?;
        Ok(ScriptTemplate {
            id: Some(t.id),
            name: t.name,
            stages: body.stages,
            cues: body.cues,
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_template_has_the_six_kinds_in_order_and_is_valid() {
        for lang in [Lang::Zh, Lang::En] {
            let (name, body) = default_template(lang);
            assert!(!name.is_empty());
            let kinds: Vec<_> = body.stages.iter().map(|s| s.kind).collect();
            assert_eq!(kinds, &StageKind::ALL[..6]);
            let checked = check(body.clone()).unwrap();
            assert_eq!(checked, body, "the shipped template needs no repair");
        }
    }

    /// The English template is the Chinese one said in English: the same stages, markers and
    /// cues in the same places, and not a Chinese character in it.
    #[test]
    fn the_english_template_matches_the_chinese_one_in_english() {
        let (zh_name, zh) = default_template(Lang::Zh);
        let (en_name, en) = default_template(Lang::En);
        assert!(crate::i18n::has_cjk(&zh_name));
        assert!(!crate::i18n::has_cjk(&en_name), "{en_name}");
        assert!(
            !crate::i18n::has_cjk(DEFAULT_EN),
            "the English script has Chinese in it"
        );
        assert_eq!(zh.stages.len(), en.stages.len());
        for (z, e) in zh.stages.iter().zip(&en.stages) {
            assert_eq!(
                (&z.key, z.kind, z.target_minutes),
                (&e.key, e.kind, e.target_minutes)
            );
            assert_eq!(
                markers(&z.text).len(),
                markers(&e.text).len(),
                "{}",
                e.title
            );
            assert_eq!(z.key_lines.len(), e.key_lines.len());
        }
        let place = |c: &Cue| (c.stage.clone(), c.step, c.action, c.volume, c.tier);
        assert_eq!(
            zh.cues.iter().map(place).collect::<Vec<_>>(),
            en.cues.iter().map(place).collect::<Vec<_>>()
        );
    }

    #[test]
    fn markers_are_the_headings() {
        assert_eq!(
            markers("intro\n## 一\ntext\n  ### 二 \n#三"),
            vec!["一", "二", "三"]
        );
        assert!(markers("no headings").is_empty());
    }

    #[test]
    fn new_stages_get_fresh_keys() {
        let (_, mut body) = default_template(Lang::Zh);
        let mut extra = body.stages[0].clone();
        extra.key = String::new();
        extra.kind = StageKind::Custom;
        body.stages.push(extra.clone());
        body.stages.push(extra);
        let checked = check(body).unwrap();
        let keys: Vec<_> = checked.stages.iter().map(|s| s.key.as_str()).collect();
        assert_eq!(&keys[6..], ["s1", "s2"]);
    }
}
