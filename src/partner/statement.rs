//! A partner's one-page statement (介绍人对账单), PDF or xlsx, in the caller's language: the
//! stores they sent with each one's stage and date, the commission earned, the payouts, what is
//! owed. Only names, stages, dates and money: never a contact or a phone number (the statement
//! is sent outside the organisation).

use chrono::NaiveDate;

use super::{get_in, stage_label, PartnerDetail};
use crate::app::App;
use crate::caller::Caller;
use crate::error::Result;
use crate::export::{workbook, Cell, Sheet};
use crate::i18n::{format_date, Lang};
use crate::input::IdInput;
use crate::money::yuan;
use crate::output::FileOut;
use crate::pdf::{rgb, Align, Doc, Style, A4};
use crate::report::{grey, table_head, table_row, MARGIN};

/// Rows of stores a page holds; more are summed up in one line.
const STORE_ROWS: usize = 22;
/// Payouts a page holds (the newest).
const PAYOUT_ROWS: usize = 8;

fn date_or_dash(d: Option<&str>, lang: Lang) -> String {
    d.map_or("—".into(), |d| format_date(d, lang))
}

/// The statement as a PDF of one A4 page.
pub fn pdf(d: &PartnerDetail, today: NaiveDate, lang: Lang) -> Vec<u8> {
    let p0 = &d.partner;
    let title = lang.pick("介绍人对账单", "Partner statement");
    let mut doc = Doc::new(&format!("{title}: {}", p0.name));
    let mut p = doc.page(A4.0, A4.1);
    let width = A4.0 - 2.0 * MARGIN;
    p.rect(0.0, 0.0, A4.0, 8.0, Some(rgb(192, 57, 43)), None);
    p.text(MARGIN, 24.0, &Style::new(18.0, Align::Left), title);
    p.text_fit(
        MARGIN,
        34.0,
        &Style::new(14.0, Align::Left),
        9.0,
        width,
        &p0.name,
    );
    let line = match lang {
        Lang::Zh => format!(
            "截至 {} · 介绍门店 {} 家，其中成交 {} 家",
            format_date(&today.to_string(), lang),
            p0.referred_stores,
            p0.converted_stores
        ),
        Lang::En => format!(
            "As of {} · {} {} referred, {} of them bought",
            format_date(&today.to_string(), lang),
            p0.referred_stores,
            if p0.referred_stores == 1 {
                "store"
            } else {
                "stores"
            },
            p0.converted_stores
        ),
    };
    p.text_fit(
        MARGIN,
        42.0,
        &Style::new(10.0, Align::Left).color(grey()),
        7.0,
        width,
        &line,
    );

    let figures = [
        (lang.pick("应得佣金", "Commission earned"), p0.earned_fen),
        (lang.pick("已付", "Paid"), p0.paid_fen),
        (lang.pick("待付", "Owed"), p0.owed_fen),
    ];
    let box_w = (width - 2.0 * 4.0) / 3.0;
    for (i, (label, fen)) in figures.iter().enumerate() {
        let x = MARGIN + i as f32 * (box_w + 4.0);
        p.rect(x, 50.0, box_w, 20.0, Some(rgb(245, 247, 250)), None);
        p.text(
            x + box_w / 2.0,
            61.0,
            &Style::new(15.0, Align::Center).color(rgb(91, 143, 249)),
            &yuan(*fen),
        );
        p.text(
            x + box_w / 2.0,
            67.5,
            &Style::new(9.0, Align::Center).color(grey()),
            label,
        );
    }

    p.text(
        MARGIN,
        82.0,
        &Style::new(12.0, Align::Left),
        lang.pick("介绍的门店", "Stores referred"),
    );
    let cols: [(&str, f32); 5] = [
        (lang.pick("门店", "Store"), 62.0),
        (lang.pick("阶段", "Stage"), 28.0),
        (lang.pick("日期", "Since"), 30.0),
        (lang.pick("成交笔数", "Deals"), 20.0),
        (lang.pick("佣金", "Commission"), width - 140.0),
    ];
    let mut y = 89.0;
    table_head(&mut p, y, &cols);
    for s in d.stores.iter().take(STORE_ROWS) {
        y += 6.5;
        let cells = [
            s.name.clone(),
            stage_label(s.stage, lang).to_owned(),
            date_or_dash(s.stage_date.as_deref(), lang),
            s.closed_deals.to_string(),
            yuan(s.commission_fen),
        ];
        table_row(&mut p, y, &cols, &cells);
    }
    if d.stores.len() > STORE_ROWS {
        y += 6.5;
        let more = d.stores.len() - STORE_ROWS;
        let text = match lang {
            Lang::Zh => format!("另有 {more} 家门店，见 Excel 对账单。"),
            Lang::En => format!("{more} more stores: see the Excel statement."),
        };
        p.text(
            MARGIN + 1.0,
            y,
            &Style::new(9.0, Align::Left).color(grey()),
            &text,
        );
    }

    y += 12.0;
    p.text(
        MARGIN,
        y,
        &Style::new(12.0, Align::Left),
        lang.pick("付款记录", "Payouts"),
    );
    y += 7.0;
    if d.payouts.is_empty() {
        p.text(
            MARGIN + 1.0,
            y,
            &Style::new(9.5, Align::Left).color(grey()),
            lang.pick("尚无付款。", "Nothing paid yet."),
        );
    } else {
        let cols: [(&str, f32); 3] = [
            (lang.pick("日期", "Date"), 40.0),
            (lang.pick("金额", "Amount"), 40.0),
            (lang.pick("备注", "Note"), width - 80.0),
        ];
        table_head(&mut p, y, &cols);
        for pay in d.payouts.iter().take(PAYOUT_ROWS) {
            y += 6.5;
            let cells = [
                format_date(&pay.paid_on, lang),
                yuan(pay.amount_fen),
                pay.note.clone(),
            ];
            table_row(&mut p, y, &cols, &cells);
        }
    }
    p.text(
        MARGIN,
        A4.1 - 12.0,
        &Style::new(8.0, Align::Left).color(grey()),
        lang.pick(
            "佣金按每家门店的介绍佣金比例、以其已成交（定金或全款）的金额计算。",
            "Commission is each store's closed deals (deposit or full payment) at its referral rate.",
        ),
    );
    doc.push(p);
    doc.finish()
}

/// The statement as a workbook: the stores sheet and the payouts sheet, totals first.
pub fn xlsx(d: &PartnerDetail, lang: Lang) -> Result<Vec<u8>> {
    let p0 = &d.partner;
    let totals = Sheet {
        name: lang.pick("对账", "Statement").into(),
        headers: vec![
            lang.pick("介绍人", "Partner"),
            lang.pick("介绍门店", "Stores referred"),
            lang.pick("成交门店", "Stores that bought"),
            lang.pick("应得佣金", "Commission earned"),
            lang.pick("已付", "Paid"),
            lang.pick("待付", "Owed"),
        ],
        rows: vec![vec![
            Cell::Text(p0.name.clone()),
            Cell::Int(p0.referred_stores),
            Cell::Int(p0.converted_stores),
            Cell::Money(p0.earned_fen),
            Cell::Money(p0.paid_fen),
            Cell::Money(p0.owed_fen),
        ]],
    };
    let stores = Sheet {
        name: lang.pick("门店", "Stores").into(),
        headers: vec![
            lang.pick("门店", "Store"),
            lang.pick("阶段", "Stage"),
            lang.pick("日期", "Since"),
            lang.pick("成交笔数", "Deals"),
            lang.pick("成交金额", "Amount bought"),
            lang.pick("佣金", "Commission"),
        ],
        rows: d
            .stores
            .iter()
            .map(|s| {
                vec![
                    Cell::Text(s.name.clone()),
                    Cell::Text(stage_label(s.stage, lang).into()),
                    s.stage_date
                        .as_deref()
                        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                        .map_or(Cell::Text("—".into()), Cell::Date),
                    Cell::Int(s.closed_deals),
                    Cell::Money(s.amount_fen),
                    Cell::Money(s.commission_fen),
                ]
            })
            .collect(),
    };
    let payouts = Sheet {
        name: lang.pick("付款记录", "Payouts").into(),
        headers: vec![
            lang.pick("日期", "Date"),
            lang.pick("金额", "Amount"),
            lang.pick("备注", "Note"),
        ],
        rows: d
            .payouts
            .iter()
            .map(|p| {
                vec![
                    NaiveDate::parse_from_str(&p.paid_on, "%Y-%m-%d")
                        .map_or(Cell::Text(p.paid_on.clone()), Cell::Date),
                    Cell::Money(p.amount_fen),
                    Cell::Text(p.note.clone()),
                ]
            })
            .collect(),
    };
    workbook(vec![totals, stores, payouts])
}

/// Which file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Pdf,
    Xlsx,
}

/// The statement of partner `id` in `lang`: its file name and bytes.
pub fn statement_in(app: &App, id: i64, format: Format, lang: Lang) -> Result<(String, Vec<u8>)> {
    let conn = app.db.conn();
    let d = get_in(&conn, id)?;
    let today = crate::venue::today(app, &conn, None)?;
    drop(conn);
    Ok(match format {
        Format::Pdf => (format!("partner-{id}-statement.pdf"), pdf(&d, today, lang)),
        Format::Xlsx => (format!("partner-{id}-statement.xlsx"), xlsx(&d, lang)?),
    })
}

fn file(app: &App, caller: &Caller, id: i64, format: Format) -> Result<FileOut> {
    let (name, bytes) = statement_in(app, id, format, caller.lang)?;
    let mime = match format {
        Format::Pdf => "application/pdf",
        Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    };
    Ok(FileOut::new(name, mime, &bytes))
}

/// The statement as a PDF, in the caller's language (`partners.statement_pdf`).
pub fn pdf_op(app: &App, caller: &Caller, input: IdInput) -> Result<FileOut> {
    file(app, caller, input.id, Format::Pdf)
}

/// The statement as a workbook, in the caller's language (`partners.statement_xlsx`).
pub fn xlsx_op(app: &App, caller: &Caller, input: IdInput) -> Result<FileOut> {
    file(app, caller, input.id, Format::Xlsx)
}
