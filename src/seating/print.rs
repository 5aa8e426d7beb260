//! Printouts of a seating plan, drawn through [`crate::pdf`] (the bundled CJK font): the seating
//! chart (floor plan with names, then every table with its guests), table cards (桌号 big), name
//! badges, the greeters' guest list by table, and one sheet per assistant.

use serde::{Deserialize, Serialize};
use ts_rs::TS;
use utoipa::ToSchema;

use super::plan::{self, SeatedGuest, SeatingView};
use crate::app::App;
use crate::caller::Caller;
use crate::contact::ContactRole;
use crate::error::{invalid, Result};
use crate::i18n::Lang;
use crate::pdf::{rgb, Align, Doc, Page, Style, A4};
use crate::seminar::{self, Seminar};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PrintKind {
    Chart,
    Cards,
    Badges,
    List,
    Assistant,
}

impl PrintKind {
    pub fn parse(s: &str) -> Option<PrintKind> {
        match s {
            "chart" => Some(PrintKind::Chart),
            "cards" => Some(PrintKind::Cards),
            "badges" => Some(PrintKind::Badges),
            "list" => Some(PrintKind::List),
            "assistant" => Some(PrintKind::Assistant),
            _ => None,
        }
    }
    fn file_part(self) -> &'static str {
        match self {
            PrintKind::Chart => "seating-chart",
            PrintKind::Cards => "table-cards",
            PrintKind::Badges => "badges",
            PrintKind::List => "guest-list",
            PrintKind::Assistant => "assistant-sheets",
        }
    }
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct PdfInput {
    pub seminar_id: i64,
    pub kind: PrintKind,
}

#[derive(Debug, Clone, Serialize, TS, ToSchema)]
pub struct PdfFile {
    pub file_name: String,
    /// The PDF, base64-encoded.
    pub base64: String,
}

/// A printout in the caller's language.
pub fn pdf_op(app: &App, caller: &Caller, input: PdfInput) -> Result<PdfFile> {
    use base64::Engine;
    let bytes = pdf(app, input.seminar_id, input.kind, caller.lang)?;
    Ok(PdfFile {
        file_name: format!(
            "seminar-{}-{}.pdf",
            input.seminar_id,
            input.kind.file_part()
        ),
        base64: base64::engine::general_purpose::STANDARD.encode(&bytes),
    })
}

/// The printout's bytes, in `lang`: Chinese with English beside the headings, or English only.
pub fn pdf(app: &App, seminar_id: i64, kind: PrintKind, lang: Lang) -> Result<Vec<u8>> {
    let (view, seminar) = {
        let conn = app.db.conn();
        let l = plan::load(&conn, seminar_id)?;
        (l_view(&l, &conn)?, seminar::get_in(&conn, seminar_id)?)
    };
    if view.tables.is_empty() {
        return Err(invalid(
            "seminar_id",
            "这场会销还没有桌子，没有可打印的座位表。",
            "This seminar has no tables yet: there is no seating to print.",
        ));
    }
    Ok(render(&view, &seminar, kind, lang))
}

fn l_view(l: &plan::Loaded, conn: &rusqlite::Connection) -> Result<SeatingView> {
    plan::view_of(l, conn)
}

pub fn render(view: &SeatingView, seminar: &Seminar, kind: PrintKind, lang: Lang) -> Vec<u8> {
    match kind {
        PrintKind::Chart => chart(view, seminar, lang),
        PrintKind::Cards => cards(view, seminar, lang),
        PrintKind::Badges => badges(view, seminar, lang),
        PrintKind::List => list(view, seminar, lang),
        PrintKind::Assistant => assistant_sheets(view, seminar, lang),
    }
}

/// A guest's role as printed.
pub fn role_label(r: ContactRole, lang: Lang) -> &'static str {
    let (zh, en) = r.label();
    lang.pick(zh, en)
}

/// "3 号桌" / "Table 3".
fn table_no(n: impl std::fmt::Display, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{n} 号桌"),
        Lang::En => format!("Table {n}"),
    }
}

/// "助教 王芳" / "Assistant: Wang Fang".
fn assistant(name: &str, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("助教 {name}"),
        Lang::En => format!("Assistant: {name}"),
    }
}

fn guests_at(view: &SeatingView, table_id: i64) -> Vec<&SeatedGuest> {
    let mut g: Vec<&SeatedGuest> = view
        .guests
        .iter()
        .filter(|g| g.table_id == Some(table_id))
        .collect();
    g.sort_by_key(|g| g.seat);
    g
}

const GREY: (u8, u8, u8) = (110, 110, 110);
const RED: (u8, u8, u8) = (192, 57, 43);

fn grey() -> printpdf::Color {
    rgb(GREY.0, GREY.1, GREY.2)
}

fn header(p: &mut Page, seminar: &Seminar, what: &str) {
    let w = p.width();
    p.text(12.0, 14.0, &Style::new(15.0, Align::Left), what);
    p.text_fit(
        w - 12.0,
        14.0,
        &Style::new(9.0, Align::Right).color(grey()),
        6.0,
        w * 0.55,
        &format!(
            "{} · {} {} · {}",
            seminar.title, seminar.date, seminar.start_time, seminar.venue
        ),
    );
    p.rect(
        12.0,
        17.0,
        w - 24.0,
        0.4,
        Some(rgb(RED.0, RED.1, RED.2)),
        None,
    );
}

/// Where seat `s` (from 1) of a table of `n` seats sits, as a unit vector: seat 1 faces the stage
/// and numbers go clockwise.
pub fn seat_direction(tx: f64, ty: f64, stage: (f64, f64), n: i64, s: i64) -> (f64, f64) {
    let base = (stage.1 - ty).atan2(stage.0 - tx);
    let a = base + std::f64::consts::TAU * (s - 1) as f64 / n.max(1) as f64;
    (a.cos(), a.sin())
}

fn chart(view: &SeatingView, seminar: &Seminar, lang: Lang) -> Vec<u8> {
    let mut doc = Doc::new(&format!(
        "{} {}",
        seminar.title,
        lang.pick("座位图", "seating chart")
    ));
    let (pw, ph) = (A4.1, A4.0);
    // Page 1: the floor plan.
    let mut p = doc.page(pw, ph);
    header(
        &mut p,
        seminar,
        lang.pick("座位平面图 Seating chart", "Seating chart"),
    );
    let stage = (view.settings.stage_x, view.settings.stage_y);
    let xs = view.tables.iter().map(|t| t.table.x).chain([stage.0]);
    let ys = view.tables.iter().map(|t| t.table.y).chain([stage.1]);
    let (min_x, max_x) = xs.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), x| {
        (a.min(x), b.max(x))
    });
    let (min_y, max_y) = ys.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), y| {
        (a.min(y), b.max(y))
    });
    // Room units between the nearest two tables set the table size.
    let mut spacing = f64::INFINITY;
    for (i, a) in view.tables.iter().enumerate() {
        for b in &view.tables[i + 1..] {
            spacing = spacing
                .min(((a.table.x - b.table.x).powi(2) + (a.table.y - b.table.y).powi(2)).sqrt());
        }
    }
    if !spacing.is_finite() || spacing <= 0.0 {
        spacing = 200.0;
    }
    let margin = spacing * 0.55;
    let (area_x, area_y, area_w, area_h) = (14.0, 24.0, pw - 28.0, ph - 32.0);
    let sx = area_w as f64 / (max_x - min_x + 2.0 * margin).max(1.0);
    let sy = area_h as f64 / (max_y - min_y + 2.0 * margin).max(1.0);
    let scale = sx.min(sy);
    let map = |x: f64, y: f64| -> (f32, f32) {
        (
            area_x + ((x - min_x + margin) * scale) as f32,
            area_y + ((y - min_y + margin) * scale) as f32,
        )
    };
    let (stx, sty) = map(stage.0, stage.1);
    let stage_w = ((max_x - min_x).max(spacing) * scale * 0.5) as f32;
    p.rect(
        stx - stage_w / 2.0,
        sty - 5.0,
        stage_w,
        10.0,
        Some(rgb(250, 230, 226)),
        Some((rgb(RED.0, RED.1, RED.2), 0.8)),
    );
    p.text(
        stx,
        sty + 1.8,
        &Style::new(11.0, Align::Center).color(rgb(RED.0, RED.1, RED.2)),
        lang.pick("舞台 Stage", "Stage"),
    );
    let r = (spacing * scale * 0.2) as f32;
    let names = view.guests.len() <= 400;
    for t in &view.tables {
        let (cx, cy) = map(t.table.x, t.table.y);
        p.circle(
            cx,
            cy,
            r,
            Some(rgb(245, 245, 245)),
            Some((rgb(60, 60, 60), 0.6)),
        );
        p.text(
            cx,
            cy + r * 0.25,
            &Style::new((r * 1.2).clamp(5.0, 16.0), Align::Center),
            &t.table.number.to_string(),
        );
        if let Some(a) = &t.table.assistant_name {
            p.text_fit(
                cx,
                cy + r * 0.7,
                &Style::new(5.0, Align::Center).color(grey()),
                3.0,
                r * 1.6,
                &assistant(a, lang),
            );
        }
        if !names {
            continue;
        }
        let guests = guests_at(view, t.table.id);
        let label_w = (spacing * scale * 0.42) as f32;
        for s in 1..=t.table.seats {
            let (dx, dy) = seat_direction(t.table.x, t.table.y, stage, t.table.seats, s);
            let (px, py) = (cx + dx as f32 * (r + 2.0), cy + dy as f32 * (r + 2.0));
            let align = if dx > 0.3 {
                Align::Left
            } else if dx < -0.3 {
                Align::Right
            } else {
                Align::Center
            };
            let who = guests.iter().find(|g| g.seat == Some(s));
            let (text, color) = match who {
                Some(g) => (g.name.clone(), rgb(20, 20, 20)),
                None if t.assistant_seat == Some(s) => (
                    lang.pick("助教", "Assistant").to_owned(),
                    rgb(RED.0, RED.1, RED.2),
                ),
                None => ("·".to_owned(), grey()),
            };
            p.text_fit(
                px,
                py + 1.0,
                &Style::new(6.0, align).color(color),
                3.5,
                label_w,
                &text,
            );
        }
    }
    doc.push(p);
    // Then every table with its guests, twelve tables a page.
    let per_page = 12;
    for chunk in view.tables.chunks(per_page) {
        let mut p = doc.page(A4.0, A4.1);
        header(&mut p, seminar, lang.pick("各桌名单 Tables", "Tables"));
        let (cw, chh) = ((A4.0 - 24.0) / 3.0, (A4.1 - 26.0) / 4.0);
        for (k, t) in chunk.iter().enumerate() {
            let (x, y) = (12.0 + (k % 3) as f32 * cw, 22.0 + (k / 3) as f32 * chh);
            p.rect(
                x + 1.0,
                y + 1.0,
                cw - 2.0,
                chh - 2.0,
                None,
                Some((rgb(200, 200, 200), 0.5)),
            );
            p.text(
                x + 4.0,
                y + 9.0,
                &Style::new(13.0, Align::Left),
                &table_no(t.table.number, lang),
            );
            if let Some(a) = &t.table.assistant_name {
                p.text_fit(
                    x + cw - 4.0,
                    y + 9.0,
                    &Style::new(8.0, Align::Right).color(rgb(RED.0, RED.1, RED.2)),
                    5.0,
                    cw * 0.45,
                    &assistant(a, lang),
                );
            }
            for (j, g) in guests_at(view, t.table.id).iter().enumerate() {
                let line = format!("{:>2}  {} · {}", g.seat.unwrap_or(0), g.name, g.store_name);
                p.text_fit(
                    x + 4.0,
                    y + 15.0 + j as f32 * 4.6,
                    &Style::new(7.5, Align::Left),
                    5.0,
                    cw - 8.0,
                    &line,
                );
            }
        }
        doc.push(p);
    }
    doc.finish()
}

fn cards(view: &SeatingView, seminar: &Seminar, lang: Lang) -> Vec<u8> {
    let mut doc = Doc::new(&format!(
        "{} {}",
        seminar.title,
        lang.pick("桌号牌", "table cards")
    ));
    // A5 landscape, one card per table.
    let (w, h) = (210.0, 148.0);
    for t in &view.tables {
        let mut p = doc.page(w, h);
        p.rect(
            6.0,
            6.0,
            w - 12.0,
            h - 12.0,
            None,
            Some((rgb(RED.0, RED.1, RED.2), 1.2)),
        );
        p.text(
            w / 2.0,
            92.0,
            &Style::new(170.0, Align::Center),
            &t.table.number.to_string(),
        );
        p.text(
            w / 2.0,
            116.0,
            &Style::new(26.0, Align::Center).color(rgb(RED.0, RED.1, RED.2)),
            lang.pick("号桌", "TABLE"),
        );
        if let Some(a) = &t.table.assistant_name {
            p.text(
                w / 2.0,
                132.0,
                &Style::new(12.0, Align::Center).color(grey()),
                &assistant(a, lang),
            );
        }
        p.text_fit(
            w / 2.0,
            20.0,
            &Style::new(11.0, Align::Center).color(grey()),
            7.0,
            w - 30.0,
            &seminar.title,
        );
        doc.push(p);
    }
    doc.finish()
}

fn badges(view: &SeatingView, seminar: &Seminar, lang: Lang) -> Vec<u8> {
    let mut doc = Doc::new(&format!(
        "{} {}",
        seminar.title,
        lang.pick("胸牌", "badges")
    ));
    // 90 × 54 mm badges, ten to an A4 sheet, with cutting lines.
    let (bw, bh) = (90.0, 54.0);
    let (ox, oy) = ((A4.0 - 2.0 * bw) / 2.0, (A4.1 - 5.0 * bh) / 2.0);
    let mut seated: Vec<&SeatedGuest> = view.guests.iter().filter(|g| g.seat.is_some()).collect();
    seated.sort_by_key(|g| (g.table_number, g.seat));
    for chunk in seated.chunks(10) {
        let mut p = doc.page(A4.0, A4.1);
        for (k, g) in chunk.iter().enumerate() {
            let (x, y) = (ox + (k % 2) as f32 * bw, oy + (k / 2) as f32 * bh);
            p.rect(x, y, bw, bh, None, Some((rgb(190, 190, 190), 0.3)));
            p.rect(x, y, bw, 7.0, Some(rgb(RED.0, RED.1, RED.2)), None);
            p.text_fit(
                x + bw / 2.0,
                y + 5.0,
                &Style::new(7.0, Align::Center).color(rgb(255, 255, 255)),
                5.0,
                bw - 6.0,
                &seminar.title,
            );
            p.text_fit(
                x + bw / 2.0,
                y + 24.0,
                &Style::new(24.0, Align::Center),
                12.0,
                bw - 8.0,
                &g.name,
            );
            p.text_fit(
                x + bw / 2.0,
                y + 33.0,
                &Style::new(10.0, Align::Center).color(grey()),
                6.0,
                bw - 8.0,
                &format!("{} · {}", g.store_name, role_label(g.role, lang)),
            );
            p.text(
                x + bw / 2.0,
                y + 47.0,
                &Style::new(14.0, Align::Center).color(rgb(RED.0, RED.1, RED.2)),
                &match lang {
                    Lang::Zh => format!(
                        "{} 号桌  {} 座",
                        g.table_number.unwrap_or(0),
                        g.seat.unwrap_or(0)
                    ),
                    Lang::En => format!(
                        "Table {}  Seat {}",
                        g.table_number.unwrap_or(0),
                        g.seat.unwrap_or(0)
                    ),
                },
            );
        }
        doc.push(p);
    }
    if seated.is_empty() {
        let mut p = doc.page(A4.0, A4.1);
        header(&mut p, seminar, lang.pick("胸牌 Badges", "Badges"));
        p.text(
            20.0,
            40.0,
            &Style::new(12.0, Align::Left),
            lang.pick(
                "还没有安排座位。No one is seated yet.",
                "No one is seated yet.",
            ),
        );
        doc.push(p);
    }
    doc.finish()
}

struct Columns<'a> {
    x: &'a [f32],
    w: &'a [f32],
}

fn row(p: &mut Page, y: f32, cols: &Columns, cells: &[String], size: f32) {
    for (k, c) in cells.iter().enumerate() {
        p.text_fit(
            cols.x[k],
            y,
            &Style::new(size, Align::Left),
            5.0,
            cols.w[k] - 1.5,
            c,
        );
    }
}

fn list(view: &SeatingView, seminar: &Seminar, lang: Lang) -> Vec<u8> {
    let mut doc = Doc::new(&format!(
        "{} {}",
        seminar.title,
        lang.pick("迎宾名单", "guest list")
    ));
    let cols = Columns {
        x: &[12.0, 26.0, 38.0, 72.0, 132.0, 154.0],
        w: &[14.0, 12.0, 34.0, 60.0, 22.0, 44.0],
    };
    let head: Vec<String> = match lang {
        Lang::Zh => ["桌号", "座位", "姓名", "门店", "角色", "邀约员"],
        Lang::En => ["Table", "Seat", "Name", "Store", "Role", "Inviter"],
    }
    .map(str::to_owned)
    .to_vec();
    let title = lang.pick(
        "迎宾名单（按桌） Guest list by table",
        "Guest list by table",
    );
    let mut guests: Vec<&SeatedGuest> = view.guests.iter().collect();
    guests.sort_by_key(|g| (g.table_number.unwrap_or(i64::MAX), g.seat, g.contact_id));
    let per_page = 50;
    let pages = guests.chunks(per_page).collect::<Vec<_>>();
    let total = pages.len().max(1);
    for (n, chunk) in pages.iter().enumerate() {
        let mut p = doc.page(A4.0, A4.1);
        header(&mut p, seminar, title);
        row(&mut p, 25.0, &cols, &head, 9.0);
        let mut last = None;
        for (k, g) in chunk.iter().enumerate() {
            let y = 31.0 + k as f32 * 5.2;
            if last != Some(g.table_number) && k > 0 {
                p.rect(
                    12.0,
                    y - 4.0,
                    A4.0 - 24.0,
                    0.2,
                    Some(rgb(200, 200, 200)),
                    None,
                );
            }
            last = Some(g.table_number);
            let cells = [
                g.table_number
                    .map(|t| t.to_string())
                    .unwrap_or_else(|| "—".into()),
                g.seat.map(|s| s.to_string()).unwrap_or_default(),
                g.name.clone(),
                g.store_name.clone(),
                role_label(g.role, lang).to_owned(),
                g.inviter_name.clone().unwrap_or_default(),
            ];
            row(&mut p, y, &cols, &cells, 8.5);
        }
        p.text(
            A4.0 / 2.0,
            A4.1 - 8.0,
            &Style::new(7.0, Align::Center).color(grey()),
            &format!("{} / {total}", n + 1),
        );
        doc.push(p);
    }
    if pages.is_empty() {
        let mut p = doc.page(A4.0, A4.1);
        header(&mut p, seminar, title);
        doc.push(p);
    }
    doc.finish()
}

fn assistant_sheets(view: &SeatingView, seminar: &Seminar, lang: Lang) -> Vec<u8> {
    let mut doc = Doc::new(&format!(
        "{} {}",
        seminar.title,
        lang.pick("助教名单", "assistant sheets")
    ));
    let mut by: Vec<(String, Vec<&super::plan::TableView>)> = Vec::new();
    for t in &view.tables {
        let name = t
            .table
            .assistant_name
            .clone()
            .unwrap_or_else(|| lang.pick("（未安排助教）", "(no assistant yet)").into());
        match by.iter_mut().find(|(n, _)| *n == name) {
            Some((_, ts)) => ts.push(t),
            None => by.push((name, vec![t])),
        }
    }
    let cols = Columns {
        x: &[12.0, 22.0, 44.0, 88.0, 106.0, 130.0],
        w: &[10.0, 22.0, 44.0, 18.0, 24.0, 68.0],
    };
    for (name, tables) in by {
        let guests: Vec<&SeatedGuest> = tables
            .iter()
            .flat_map(|t| guests_at(view, t.table.id))
            .collect();
        if guests.is_empty() {
            continue;
        }
        let nums = tables
            .iter()
            .map(|t| t.table.number.to_string())
            .collect::<Vec<_>>()
            .join(lang.pick("、", ", "));
        let heading = match (lang, tables.len()) {
            (Lang::Zh, _) => format!("助教 {name} · {nums} 号桌"),
            (Lang::En, 1) => format!("Assistant {name} · table {nums}"),
            (Lang::En, _) => format!("Assistant {name} · tables {nums}"),
        };
        let mut p = doc.page(A4.0, A4.1);
        header(&mut p, seminar, &heading);
        let own: Vec<String> = tables
            .iter()
            .filter_map(|t| {
                t.assistant_seat.map(|s| match lang {
                    Lang::Zh => format!("{} 号桌 {s} 座", t.table.number),
                    Lang::En => format!("table {} seat {s}", t.table.number),
                })
            })
            .collect();
        if !own.is_empty() {
            let red = rgb(RED.0, RED.1, RED.2);
            let text = match lang {
                Lang::Zh => format!(
                    "您的座位：{}（坐在客人中间，不坐最靠后的位置）",
                    own.join("、")
                ),
                Lang::En => format!(
                    "Your seat: {} (among the guests, never the one furthest back)",
                    own.join(", ")
                ),
            };
            p.text(12.0, 24.5, &Style::new(9.0, Align::Left).color(red), &text);
        }
        row(
            &mut p,
            31.0,
            &cols,
            &match lang {
                Lang::Zh => ["座位", "姓名", "门店", "角色", "邀约员", "邀约备注"],
                Lang::En => ["Seat", "Name", "Store", "Role", "Inviter", "Inviter's note"],
            }
            .map(str::to_owned),
            9.0,
        );
        let mut y = 38.0;
        for g in guests {
            let note = crate::pdf::wrap(&g.note, 8.0, cols.w[5] - 1.5);
            let need = 5.5 * note.len().max(1) as f32 + 1.5;
            if y + need > A4.1 - 12.0 {
                doc.push(p);
                p = doc.page(A4.0, A4.1);
                let more = lang.pick("（续）", " (continued)");
                header(&mut p, seminar, &format!("{heading}{more}"));
                y = 26.0;
            }
            let seat = if tables.len() > 1 {
                format!("{}-{}", g.table_number.unwrap_or(0), g.seat.unwrap_or(0))
            } else {
                g.seat.unwrap_or(0).to_string()
            };
            let key = if g.key_customer { " ★" } else { "" };
            row(
                &mut p,
                y,
                &cols,
                &[
                    seat,
                    format!("{}{key}", g.name),
                    g.store_name.clone(),
                    role_label(g.role, lang).to_owned(),
                    g.inviter_name.clone().unwrap_or_default(),
                    String::new(),
                ],
                8.5,
            );
            for (k, line) in note.iter().enumerate() {
                p.text(
                    cols.x[5],
                    y + k as f32 * 4.2,
                    &Style::new(8.0, Align::Left).color(rgb(60, 60, 60)),
                    line,
                );
            }
            y += need;
            p.rect(
                12.0,
                y - 4.2,
                A4.0 - 24.0,
                0.15,
                Some(rgb(215, 215, 215)),
                None,
            );
        }
        p.text(
            12.0,
            A4.1 - 8.0,
            &Style::new(7.0, Align::Left).color(grey()),
            lang.pick(
                "★ 重点客户 key customer · 助教坐在客人中间，不坐最靠后的位置。",
                "★ key customer · Assistants sit among the guests, never furthest back.",
            ),
        );
        doc.push(p);
    }
    doc.finish()
}
