//! Sheets and their cells, and the one writer that turns them into a workbook.

use chrono::{DateTime, NaiveDate, NaiveDateTime};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};

use crate::error::{Error, Result};
use crate::i18n::Lang;

/// One cell of an exported row.
pub enum Cell {
    Text(String),
    Int(i64),
    /// Fen, shown in yuan with the ¥ format.
    Money(i64),
    /// A fraction shown as a percentage; `None` is "—".
    Rate(Option<f64>),
    /// A plain number (minutes with a decimal…); `None` is "—".
    Num(Option<f64>),
    /// A calendar date.
    Date(NaiveDate),
    /// A local date and time.
    DateTime(NaiveDateTime),
}

pub(super) fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

/// A venue-local `YYYY-MM-DD` as a date cell (text when it cannot be read).
pub(super) fn date(s: &str) -> Cell {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map(Cell::Date)
        .unwrap_or_else(|_| text(s))
}

/// An RFC 3339 timestamp as a date-and-time cell in the venue's zone (text when it cannot be read).
pub(super) fn local(at: &str, tz: chrono_tz::Tz) -> Cell {
    DateTime::parse_from_rfc3339(at)
        .map(|t| Cell::DateTime(t.with_timezone(&tz).naive_local()))
        .unwrap_or_else(|_| text(at))
}

pub(super) fn yes(b: bool, lang: Lang) -> Cell {
    text(match b {
        true => lang.pick("是", "yes"),
        false => lang.pick("否", "no"),
    })
}

/// Column headers in `lang`, from (Chinese, English) pairs.
pub(super) fn heads(lang: Lang, pairs: &[(&'static str, &'static str)]) -> Vec<&'static str> {
    pairs.iter().map(|&(zh, en)| lang.pick(zh, en)).collect()
}

/// One sheet: a name, the header row and the rows.
pub struct Sheet {
    pub name: String,
    pub headers: Vec<&'static str>,
    pub rows: Vec<Vec<Cell>>,
}

impl Sheet {
    pub(super) fn new(name: &str, headers: &[&'static str], rows: Vec<Vec<Cell>>) -> Sheet {
        Sheet {
            name: name.to_owned(),
            headers: headers.to_vec(),
            rows,
        }
    }
}

/// Excel's serial number of a date and time (days since 1899-12-30, the fraction is the time).
fn serial(t: NaiveDateTime) -> f64 {
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)
        .expect("valid date")
        .and_hms_opt(0, 0, 0)
        .expect("valid time");
    (t - epoch).num_seconds() as f64 / 86_400.0
}

/// The workbook's bytes: each sheet with a bold, frozen header row and columns fitted to their
/// content. The one place that writes sheets.
pub fn workbook(sheets: Vec<Sheet>) -> Result<Vec<u8>> {
    let xlsx = |e: XlsxError| Error::Io(std::io::Error::other(format!("xlsx: {e}")));
    let bold = Format::new().set_bold();
    let money = Format::new().set_num_format("¥#,##0.00");
    let pct = Format::new().set_num_format("0.0%");
    let day = Format::new().set_num_format("yyyy-mm-dd");
    let minute = Format::new().set_num_format("yyyy-mm-dd hh:mm");
    let mut wb = Workbook::new();
    for sheet in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(&sheet.name).map_err(xlsx)?;
        for (c, h) in sheet.headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &bold)
                .map_err(xlsx)?;
        }
        for (r, row) in sheet.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Text(s) => ws.write_string(r, c, s),
                    Cell::Int(n) => ws.write_number(r, c, *n as f64),
                    Cell::Money(fen) => {
                        ws.write_number_with_format(r, c, *fen as f64 / 100.0, &money)
                    }
                    Cell::Rate(Some(x)) => ws.write_number_with_format(r, c, *x, &pct),
                    Cell::Rate(None) | Cell::Num(None) => ws.write_string(r, c, "—"),
                    Cell::Num(Some(x)) => ws.write_number(r, c, *x),
                    Cell::Date(d) => ws.write_datetime_with_format(
                        r,
                        c,
                        ExcelDateTime::from_serial_datetime(serial(d.and_time(Default::default())))
                            .map_err(xlsx)?,
                        &day,
                    ),
                    Cell::DateTime(t) => ws.write_datetime_with_format(
                        r,
                        c,
                        ExcelDateTime::from_serial_datetime(serial(*t)).map_err(xlsx)?,
                        &minute,
                    ),
                }
                .map_err(xlsx)?;
            }
        }
        ws.set_freeze_panes(1, 0).map_err(xlsx)?;
        ws.autofit();
    }
    wb.save_to_buffer().map_err(xlsx)
}
