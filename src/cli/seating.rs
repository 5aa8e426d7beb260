//! `huixiao seating`: seat automatically, show the plan, print cards and charts.

use super::{Result, SeatingCommand};
use crate::app::App;
use crate::i18n::Lang;

pub(super) fn run(app: &App, command: SeatingCommand, lang: Lang) -> Result {
    use crate::seating::{self, print::PrintKind};
    match command {
        SeatingCommand::Auto { seminar, json } => {
            let r = seating::auto(
                app,
                crate::input::SeminarScope {
                    seminar_id: seminar,
                },
            )?;
            if json {
                println!("{}", serde_json::to_string_pretty(&r).expect("json"));
                return Ok(());
            }
            let said = |s: &crate::seating::solve::Said| match lang {
                Lang::Zh => s.zh.clone(),
                Lang::En => s.en.clone(),
            };
            println!(
                "{}",
                match lang {
                    Lang::Zh => format!(
                        "已安排 {} 位客人，未安排 {} 位；得分 {}（上限 {}）。",
                        r.seated, r.unseated, r.score, r.max_score
                    ),
                    Lang::En => format!(
                        "Seated {} guests, {} unseated; score {} (upper bound {}).",
                        r.seated, r.unseated, r.score, r.max_score
                    ),
                }
            );
            for v in &r.hard_violations {
                println!("! {}", said(v));
            }
            if !r.badly_seated.is_empty() {
                println!(
                    "{}",
                    lang.pick("座位不理想的客人：", "Badly seated guests:")
                );
            }
            for b in &r.badly_seated {
                let why: Vec<String> = b.problems.iter().map(said).collect();
                println!(
                    "  {} ({} {}): {}",
                    b.name,
                    lang.pick("桌", "table"),
                    b.table_number.unwrap_or(0),
                    why.join(lang.pick("；", "; "))
                );
            }
            Ok(())
        }
        SeatingCommand::Pdf { seminar, kind, out } => {
            let kind = PrintKind::parse(&kind).ok_or_else(|| {
                crate::error::invalid(
                    "kind",
                    format!(
                        "不认识的打印类型“{kind}”：可用 chart、cards、badges、list、assistant。"
                    ),
                    format!(
                        "Unknown printout “{kind}”: use chart, cards, badges, list or assistant."
                    ),
                )
            })?;
            let bytes = seating::print::pdf(app, seminar, kind, lang)?;
            std::fs::write(&out, bytes)?;
            println!("{}", out.display());
            Ok(())
        }
    }
}
