//! The printable script (A4, CJK font) for rehearsal: each stage with its kind, target time and
//! clock time, key lines, the text with its markers, and the cues where they happen.

use super::{body_of, Cue, CueAction};
use crate::app::App;
use crate::caller::Caller;
use crate::error::Result;
use crate::i18n::format_date;
use crate::i18n::Lang;
use crate::input::SeminarScope;
use crate::money::yuan;
use crate::output::FileOut;
use crate::pdf::{rgb, wrap, Align, Doc, Page, Style, A4};
use crate::stagelog::clock;
use crate::{product, seminar};

const MARGIN: f32 = 18.0;
const BOTTOM: f32 = A4.1 - 16.0;
const WIDTH: f32 = A4.0 - 2.0 * MARGIN;

fn grey() -> printpdf::Color {
    rgb(110, 110, 110)
}
fn accent() -> printpdf::Color {
    rgb(192, 57, 43)
}

/// What a cue says on paper, in `lang`.
fn cue_line(c: &Cue, tiers: &[product::PriceTier], lang: Lang) -> String {
    match lang {
        Lang::Zh => cue_line_zh(c, tiers),
        Lang::En => cue_line_en(c, tiers),
    }
}

fn cue_line_en(c: &Cue, tiers: &[product::PriceTier]) -> String {
    let note = if c.note.is_empty() {
        String::new()
    } else {
        format!(" ({})", c.note)
    };
    match c.action {
        CueAction::MusicPlay => format!(
            "[Music] Play {} at volume {}%, fade in {} s{note}",
            c.file, c.volume, c.fade_seconds
        ),
        CueAction::MusicFade if c.volume == 0 => {
            format!("[Music] Fade out and stop over {} s{note}", c.fade_seconds)
        }
        CueAction::MusicFade => format!(
            "[Music] Bring to volume {}% over {} s{note}",
            c.volume, c.fade_seconds
        ),
        CueAction::Slide => format!("[Slide] {}", c.note),
        CueAction::RevealTier => match tiers.iter().find(|t| t.rank == c.tier) {
            Some(t) => format!(
                "[Price] Reveal tier {}: {} {}{}",
                c.tier,
                t.name,
                yuan(t.price_fen),
                t.quota
                    .map(|q| format!(" ({q} places only)"))
                    .unwrap_or_default()
            ),
            None => format!("[Price] Reveal tier {}{note}", c.tier),
        },
        CueAction::StartClosing => {
            format!("[Closing] Tell the assistants: start closing table by table{note}")
        }
    }
}

fn cue_line_zh(c: &Cue, tiers: &[product::PriceTier]) -> String {
    let note = if c.note.is_empty() {
        String::new()
    } else {
        format!("（{}）", c.note)
    };
    match c.action {
        CueAction::MusicPlay => format!(
            "【音乐】播放 {}，音量 {}%，淡入 {} 秒{note}",
            c.file, c.volume, c.fade_seconds
        ),
        CueAction::MusicFade if c.volume == 0 => {
            format!("【音乐】{} 秒淡出停止{note}", c.fade_seconds)
        }
        CueAction::MusicFade => format!(
            "【音乐】{} 秒内调到音量 {}%{note}",
            c.fade_seconds, c.volume
        ),
        CueAction::Slide => format!("【幻灯片】{}", c.note),
        CueAction::RevealTier => {
            let tier = tiers.iter().find(|t| t.rank == c.tier);
            match tier {
                Some(t) => format!(
                    "【报价】亮出第 {} 档：{} {}{}",
                    c.tier,
                    t.name,
                    yuan(t.price_fen),
                    t.quota
                        .map(|q| format!("（限 {q} 名）"))
                        .unwrap_or_default()
                ),
                None => format!("【报价】亮出第 {} 档{note}", c.tier),
            }
        }
        CueAction::StartClosing => format!("【成交】通知助教：开始逐桌成交{note}"),
    }
}

struct Writer<'d> {
    doc: &'d mut Doc,
    page: Page,
    y: f32,
    footer: String,
    number: usize,
    lang: Lang,
}

impl Writer<'_> {
    fn room(&mut self, need: f32) {
        if self.y + need > BOTTOM {
            self.new_page();
        }
    }
    fn new_page(&mut self) {
        let fresh = self.doc.page(A4.0, A4.1);
        let done = std::mem::replace(&mut self.page, fresh);
        self.finish_page(done);
        self.y = 22.0;
    }
    fn finish_page(&mut self, mut page: Page) {
        self.number += 1;
        page.text(
            MARGIN,
            A4.1 - 8.0,
            &Style::new(8.0, Align::Left).color(grey()),
            &self.footer,
        );
        page.text(
            A4.0 - MARGIN,
            A4.1 - 8.0,
            &Style::new(8.0, Align::Right).color(grey()),
            &match self.lang {
                Lang::Zh => format!("第 {} 页", self.number),
                Lang::En => format!("Page {}", self.number),
            },
        );
        self.doc.push(page);
    }
    fn lines(&mut self, text: &str, style: &Style, indent: f32, leading: f32) {
        for line in wrap(text, style.size_pt, WIDTH - indent) {
            self.room(leading);
            self.y += leading;
            self.page.text(MARGIN + indent, self.y, style, &line);
        }
    }
}

/// The script of a seminar as PDF bytes, in `lang` (the script's own text is as it was written).
pub fn pdf(app: &App, seminar_id: i64, lang: Lang) -> Result<Vec<u8>> {
    let (s, name, body, tiers) = {
        let conn = app.db.conn();
        let s = seminar::get_in(&conn, seminar_id)?;
        let (_, name, body, product) = body_of(&conn, seminar_id)?;
        let tiers = match product {
            Some(p) => product::get_in(&conn, p)?.tiers,
            None => Vec::new(),
        };
        (s, name, body, tiers)
    };
    let mut doc = Doc::new(&format!("{} {}", s.title, lang.pick("话术", "script")));
    let page = doc.page(A4.0, A4.1);
    let total: i64 = body.stages.iter().map(|st| st.target_minutes).sum();
    let mut w = Writer {
        doc: &mut doc,
        page,
        y: 24.0,
        footer: format!("{} · {}", s.title, name),
        number: 0,
        lang,
    };
    w.page.text(
        MARGIN,
        w.y,
        &Style::new(18.0, Align::Left),
        lang.pick("讲师话术", "Lecturer's script"),
    );
    w.y += 9.0;
    w.page.text_fit(
        MARGIN,
        w.y,
        &Style::new(13.0, Align::Left),
        9.0,
        WIDTH,
        &s.title,
    );
    w.y += 7.0;
    let meta = match lang {
        Lang::Zh => format!(
            "{} {} · {} · {}（{} 个环节，共 {} 分钟）",
            format_date(&s.date, lang),
            s.start_time,
            s.venue,
            name,
            body.stages.len(),
            total
        ),
        Lang::En => format!(
            "{} {} · {} · {} ({} stages, {} minutes in all)",
            format_date(&s.date, lang),
            s.start_time,
            s.venue,
            name,
            body.stages.len(),
            total
        ),
    };
    w.lines(&meta, &Style::new(9.5, Align::Left).color(grey()), 0.0, 5.0);
    w.y += 4.0;
    let mut elapsed = 0;
    for (i, st) in body.stages.iter().enumerate() {
        w.room(30.0);
        w.y += 4.0;
        w.page
            .rect(MARGIN, w.y, WIDTH, 10.0, Some(rgb(34, 40, 49)), None);
        let head = format!("{}. {}", i + 1, st.title);
        w.page.text(
            MARGIN + 3.0,
            w.y + 7.0,
            &Style::new(12.0, Align::Left).color(rgb(255, 255, 255)),
            &head,
        );
        let (zh, en) = st.kind.label();
        let kind = lang.pick(zh, en);
        w.page.text(
            A4.0 - MARGIN - 3.0,
            w.y + 7.0,
            &Style::new(9.5, Align::Right).color(rgb(240, 200, 120)),
            &match lang {
                Lang::Zh => format!(
                    "{kind} · 目标 {} 分钟 · {}–{}",
                    st.target_minutes,
                    clock(&s.start_time, elapsed),
                    clock(&s.start_time, elapsed + st.target_minutes)
                ),
                Lang::En => format!(
                    "{kind} · {} min · {}–{}",
                    st.target_minutes,
                    clock(&s.start_time, elapsed),
                    clock(&s.start_time, elapsed + st.target_minutes)
                ),
            },
        );
        elapsed += st.target_minutes;
        w.y += 12.0;
        for line in &st.key_lines {
            w.lines(
                &format!("★ {line}"),
                &Style::new(10.5, Align::Left).color(accent()),
                2.0,
                5.5,
            );
        }
        let cues_at = |step: i64| {
            body.cues
                .iter()
                .filter(move |c| c.stage == st.key && c.step == step)
        };
        for c in cues_at(0) {
            w.lines(
                &cue_line(c, &tiers, lang),
                &Style::new(9.5, Align::Left).color(rgb(41, 98, 255)),
                2.0,
                5.0,
            );
        }
        let mut step = 0;
        for raw in st.text.lines() {
            let line = raw.trim_start();
            // A heading is a marker, as `script::markers` counts them.
            if line.starts_with('#') {
                step += 1;
                w.room(14.0);
                w.y += 2.0;
                w.lines(
                    &format!("▌{}", line.trim_start_matches('#').trim()),
                    &Style::new(11.0, Align::Left),
                    0.0,
                    6.0,
                );
                for c in cues_at(step) {
                    w.lines(
                        &cue_line(c, &tiers, lang),
                        &Style::new(9.5, Align::Left).color(rgb(41, 98, 255)),
                        2.0,
                        5.0,
                    );
                }
            } else if line.is_empty() {
                w.y += 1.5;
            } else {
                w.lines(
                    &line.replace("**", ""),
                    &Style::new(10.5, Align::Left),
                    2.0,
                    5.6,
                );
            }
        }
    }
    let last = std::mem::replace(&mut w.page, w.doc.page(A4.0, A4.1));
    w.finish_page(last);
    Ok(doc.finish())
}

/// The printable script in the caller's language.
pub fn pdf_op(app: &App, caller: &Caller, scope: SeminarScope) -> Result<FileOut> {
    let bytes = pdf(app, scope.seminar_id, caller.lang)?;
    Ok(FileOut::new(
        format!("seminar-{}-script.pdf", scope.seminar_id),
        "application/pdf",
        &bytes,
    ))
}
