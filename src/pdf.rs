//! Printable documents: a thin layer over printpdf with the CJK font shipped in `assets/fonts`
//! (embedded as a subset of the glyphs a document uses), millimetre coordinates from the top-left
//! corner of the page, and QR codes drawn as vector squares. Tickets, seating charts, table cards,
//! scripts and reports all draw through it.

use std::sync::OnceLock;

use printpdf::{
    Color, FontId, Line, LinePoint, Mm, Op, PaintMode, ParsedFont, PdfDocument, PdfFontHandle,
    PdfPage, PdfSaveOptions, Point, Polygon, PolygonRing, Pt, Rgb, TextItem, WindingOrder,
};

/// Noto Sans CJK SC (SIL OFL 1.1, see `assets/fonts/OFL.txt`).
const FONT_BYTES: &[u8] = include_bytes!("../assets/fonts/NotoSansCJKsc-Regular.otf");

fn font() -> &'static ParsedFont {
    static FONT: OnceLock<ParsedFont> = OnceLock::new();
    FONT.get_or_init(|| {
        ParsedFont::from_bytes(FONT_BYTES, 0, &mut Vec::new()).expect("the bundled CJK font parses")
    })
}

/// A4 portrait, in millimetres.
pub const A4: (f32, f32) = (210.0, 297.0);

/// An RGB colour from 0–255 components.
pub fn rgb(r: u8, g: u8, b: u8) -> Color {
    Color::Rgb(Rgb::new(
        r as f32 / 255.0,
        g as f32 / 255.0,
        b as f32 / 255.0,
        None,
    ))
}

pub fn black() -> Color {
    rgb(0, 0, 0)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

/// How a line of text is set: size in points, alignment on its `x`, colour.
#[derive(Debug, Clone)]
pub struct Style {
    pub size_pt: f32,
    pub align: Align,
    pub color: Color,
}

impl Style {
    pub fn new(size_pt: f32, align: Align) -> Style {
        Style {
            size_pt,
            align,
            color: black(),
        }
    }
    pub fn color(mut self, color: Color) -> Style {
        self.color = color;
        self
    }
}

/// A document being built, page by page.
pub struct Doc {
    doc: PdfDocument,
    font: FontId,
    pages: Vec<PdfPage>,
}

/// One page being drawn. Coordinates are millimetres from the page's top-left corner.
pub struct Page {
    width: f32,
    height: f32,
    ops: Vec<Op>,
    font: FontId,
}

impl Doc {
    pub fn new(title: &str) -> Doc {
        let mut doc = PdfDocument::new(title);
        let font = doc.add_font(font());
        Doc {
            doc,
            font,
            pages: Vec::new(),
        }
    }

    /// A blank page of `width` × `height` millimetres.
    pub fn page(&self, width: f32, height: f32) -> Page {
        Page {
            width,
            height,
            ops: Vec::new(),
            font: self.font.clone(),
        }
    }

    pub fn push(&mut self, page: Page) {
        self.pages
            .push(PdfPage::new(Mm(page.width), Mm(page.height), page.ops));
    }

    /// The PDF file, with only the glyphs used embedded.
    pub fn finish(mut self) -> Vec<u8> {
        let opts = PdfSaveOptions {
            subset_fonts: true,
            ..Default::default()
        };
        let pages = std::mem::take(&mut self.pages);
        self.doc.with_pages(pages).save(&opts, &mut Vec::new())
    }
}

impl Page {
    pub fn width(&self) -> f32 {
        self.width
    }
    pub fn height(&self) -> f32 {
        self.height
    }

    fn point(&self, x: f32, y: f32) -> Point {
        Point {
            x: Mm(x).into(),
            y: Mm(self.height - y).into(),
        }
    }

    /// Writes one line of text whose baseline is `y` mm from the top, aligned on `x`.
    pub fn text(&mut self, x: f32, y: f32, style: &Style, text: &str) {
        let w = text_width(text, style.size_pt);
        let left = match style.align {
            Align::Left => x,
            Align::Center => x - w / 2.0,
            Align::Right => x - w,
        };
        let pos = self.point(left, y);
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFillColor {
                col: style.color.clone(),
            },
            Op::SetFont {
                font: PdfFontHandle::External(self.font.clone()),
                size: Pt(style.size_pt),
            },
            Op::SetTextCursor { pos },
            Op::ShowText {
                items: vec![TextItem::Text(text.to_owned())],
            },
            Op::EndTextSection,
        ]);
    }

    /// Writes `text` at `size_pt`, shrinking it down to `min_pt` to fit `max_width` mm, and cutting
    /// it with "…" if it still does not fit.
    pub fn text_fit(
        &mut self,
        x: f32,
        y: f32,
        style: &Style,
        min_pt: f32,
        max_width: f32,
        text: &str,
    ) {
        let mut size = style.size_pt;
        while size > min_pt && text_width(text, size) > max_width {
            size -= 0.5;
        }
        let mut shown: String = text.to_owned();
        while text_width(&shown, size) > max_width && shown.chars().count() > 1 {
            shown.pop();
            shown.pop();
            shown.push('…');
        }
        self.text(
            x,
            y,
            &Style {
                size_pt: size,
                ..style.clone()
            },
            &shown,
        );
    }

    /// A filled and/or stroked rectangle; `y` is its top edge.
    pub fn rect(
        &mut self,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        fill: Option<Color>,
        stroke: Option<(Color, f32)>,
    ) {
        let ring = [(x, y), (x + w, y), (x + w, y + h), (x, y + h)];
        self.polygon(&ring, fill, stroke);
    }

    /// A closed polygon through `points` (mm from top-left).
    pub fn polygon(
        &mut self,
        points: &[(f32, f32)],
        fill: Option<Color>,
        stroke: Option<(Color, f32)>,
    ) {
        let ring: Vec<_> = points.iter().map(|&(x, y)| ((x, y), false)).collect();
        self.paint(&ring, fill, stroke);
    }

    /// Fills and/or strokes the closed path through `points` (`true`: a Bézier control point).
    fn paint(
        &mut self,
        points: &[((f32, f32), bool)],
        fill: Option<Color>,
        stroke: Option<(Color, f32)>,
    ) {
        let ring = PolygonRing {
            points: points
                .iter()
                .map(|&((x, y), bezier)| LinePoint {
                    p: self.point(x, y),
                    bezier,
                })
                .collect(),
        };
        let mode = match (&fill, &stroke) {
            (Some(_), Some(_)) => PaintMode::FillStroke,
            (Some(_), None) => PaintMode::Fill,
            _ => PaintMode::Stroke,
        };
        if let Some(c) = fill {
            self.ops.push(Op::SetFillColor { col: c });
        }
        if let Some((c, width)) = stroke {
            self.ops.push(Op::SetOutlineColor { col: c });
            self.ops.push(Op::SetOutlineThickness { pt: Pt(width) });
        }
        self.ops.push(Op::DrawPolygon {
            polygon: Polygon {
                rings: vec![ring],
                mode,
                winding_order: WindingOrder::NonZero,
            },
        });
    }

    /// A circle approximated by four Bézier arcs; `(cx, cy)` is its centre.
    pub fn circle(
        &mut self,
        cx: f32,
        cy: f32,
        r: f32,
        fill: Option<Color>,
        stroke: Option<(Color, f32)>,
    ) {
        const K: f32 = 0.552_284_8;
        let k = r * K;
        let pts = [
            ((cx + r, cy), false),
            ((cx + r, cy + k), true),
            ((cx + k, cy + r), true),
            ((cx, cy + r), false),
            ((cx - k, cy + r), true),
            ((cx - r, cy + k), true),
            ((cx - r, cy), false),
            ((cx - r, cy - k), true),
            ((cx - k, cy - r), true),
            ((cx, cy - r), false),
            ((cx + k, cy - r), true),
            ((cx + r, cy - k), true),
            ((cx + r, cy), false),
        ];
        self.paint(&pts, fill, stroke);
    }

    /// A straight line.
    pub fn line(&mut self, from: (f32, f32), to: (f32, f32), color: Color, width_pt: f32) {
        self.ops.push(Op::SetOutlineColor { col: color });
        self.ops.push(Op::SetOutlineThickness { pt: Pt(width_pt) });
        self.ops.push(Op::DrawLine {
            line: Line {
                points: vec![
                    LinePoint {
                        p: self.point(from.0, from.1),
                        bezier: false,
                    },
                    LinePoint {
                        p: self.point(to.0, to.1),
                        bezier: false,
                    },
                ],
                is_closed: false,
            },
        });
    }

    /// A QR code of `data` (error correction M, quiet zone included), `size` mm wide, top-left at
    /// `(x, y)`. Dark modules are drawn as vector squares, so it prints sharp at any size.
    pub fn qr(
        &mut self,
        x: f32,
        y: f32,
        size: f32,
        data: &str,
    ) -> Result<(), qrcode::types::QrError> {
        let code = qrcode::QrCode::with_error_correction_level(data, qrcode::EcLevel::M)?;
        let n = code.width();
        let quiet = 4;
        let module = size / (n + 2 * quiet) as f32;
        let colors = code.to_colors();
        // One path for the whole code: a rectangle per horizontal run of dark modules.
        let mut rings = Vec::new();
        for row in 0..n {
            let mut col = 0;
            while col < n {
                if colors[row * n + col] != qrcode::Color::Dark {
                    col += 1;
                    continue;
                }
                let start = col;
                while col < n && colors[row * n + col] == qrcode::Color::Dark {
                    col += 1;
                }
                let (x0, x1) = (
                    x + (start + quiet) as f32 * module,
                    x + (col + quiet) as f32 * module,
                );
                let (y0, y1) = (
                    y + (row + quiet) as f32 * module,
                    y + (row + quiet + 1) as f32 * module,
                );
                rings.push(PolygonRing {
                    points: [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
                        .iter()
                        .map(|&(px, py)| LinePoint {
                            p: self.point(px, py),
                            bezier: false,
                        })
                        .collect(),
                });
            }
        }
        self.ops.push(Op::SetFillColor { col: black() });
        self.ops.push(Op::DrawPolygon {
            polygon: Polygon {
                rings,
                mode: PaintMode::Fill,
                winding_order: WindingOrder::NonZero,
            },
        });
        Ok(())
    }
}

/// The width in millimetres of `text` set at `size_pt` in the bundled font.
pub fn text_width(text: &str, size_pt: f32) -> f32 {
    let f = font();
    let upm = f.font_metrics.units_per_em.max(1) as f32;
    let units: f32 = text
        .chars()
        .map(|c| {
            f.lookup_glyph_index(c as u32)
                .map(|g| f.get_horizontal_advance(g) as f32)
                .unwrap_or(upm)
        })
        .sum();
    units / upm * size_pt * 25.4 / 72.0
}

/// Breaks `text` into lines no wider than `max_width` mm at `size_pt`: between any two CJK
/// characters, at spaces otherwise (a word longer than the line is cut).
pub fn wrap(text: &str, size_pt: f32, max_width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        let mut last_space: Option<usize> = None;
        for c in para.chars() {
            line.push(c);
            if c == ' ' {
                last_space = Some(line.len());
            }
            if text_width(&line, size_pt) > max_width && line.chars().count() > 1 {
                let cut = match last_space {
                    Some(at) if c.is_ascii() && at < line.len() => at,
                    _ => line.len() - c.len_utf8(),
                };
                let rest = line.split_off(cut);
                lines.push(line.trim_end().to_owned());
                line = rest.trim_start().to_owned();
                last_space = None;
            }
        }
        lines.push(line);
    }
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_with_chinese_text_and_a_qr_code_is_small_and_valid() {
        let mut doc = Doc::new("测试");
        let mut p = doc.page(A4.0, A4.1);
        p.text(
            105.0,
            30.0,
            &Style::new(24.0, Align::Center),
            "会销助手 入场券",
        );
        p.text_fit(
            20.0,
            50.0,
            &Style::new(14.0, Align::Left),
            8.0,
            60.0,
            "小太阳幼儿园（岳麓区麓谷店）老板娘 刘丽",
        );
        p.rect(20.0, 60.0, 170.0, 0.5, Some(rgb(192, 57, 43)), None);
        p.circle(105.0, 120.0, 20.0, None, Some((black(), 1.0)));
        p.qr(80.0, 150.0, 50.0, "0123456789ABCDEFGHJKMNPQRS")
            .unwrap();
        doc.push(p);
        let bytes = doc.finish();
        assert!(bytes.starts_with(b"%PDF-"));
        assert!(
            bytes.len() < 100_000,
            "the 16 MB font is subset, not embedded whole: {} bytes",
            bytes.len()
        );
    }

    #[test]
    fn wrap_keeps_every_character_within_the_width() {
        let text = "各位老板、老板娘，下午好！欢迎来到今天的门店增长研讨会。hello wonderful world";
        let lines = wrap(text, 12.0, 40.0);
        assert!(lines.len() > 2);
        assert!(lines.iter().all(|l| text_width(l, 12.0) <= 40.0));
        assert_eq!(lines.concat().replace(' ', ""), text.replace(' ', ""));
        assert_eq!(wrap("a\n\nb", 12.0, 40.0), vec!["a", "", "b"]);
    }

    #[test]
    fn widths_grow_with_text_and_size() {
        let a = text_width("会销", 12.0);
        assert!(
            a > 7.0 && a < 10.0,
            "two CJK characters at 12 pt are about 8.5 mm: {a}"
        );
        assert!((text_width("会销", 24.0) - 2.0 * a).abs() < 0.01);
        assert!(text_width("ab", 12.0) < a);
    }
}
