//! `huixiao script`: the talk's script — show, check, print.

use super::print::pad;
use super::{Result, ScriptCommand};
use crate::app::App;
use crate::i18n::Lang;

pub(super) fn run(app: &App, command: ScriptCommand, lang: Lang) -> Result {
    use crate::input::SeminarScope;
    match command {
        ScriptCommand::Show { seminar, json } => {
            let show = crate::stagelog::show(
                app,
                SeminarScope {
                    seminar_id: seminar,
                },
            )?;
            if json {
                println!("{}", serde_json::to_string_pretty(&show).expect("json"));
                return Ok(());
            }
            println!(
                "{}  {}{}",
                show.seminar_title,
                show.name,
                match (show.saved, lang) {
                    (true, _) => String::new(),
                    (false, Lang::Zh) => "（默认模板，尚未保存）".into(),
                    (false, Lang::En) => " (the default template, not saved yet)".into(),
                }
            );
            // The times the stages began, on the venue's clock.
            let tz = crate::venue::zone(&app.db.conn(), Some(seminar))?;
            let local = |ts: &Option<String>| {
                ts.as_deref()
                    .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
                    .map(|t| t.with_timezone(&tz).format("%H:%M:%S").to_string())
                    .unwrap_or_else(|| "—".into())
            };
            for (i, st) in show.stages.iter().enumerate() {
                let kind = st.kind.label();
                let actual = match st.actual_seconds {
                    Some(s) => format!("{}:{:02}", s / 60, s % 60),
                    None => "—".into(),
                };
                println!(
                    "{:>2}. {} [{}] {}",
                    i + 1,
                    pad(&st.title, 12),
                    st.kind.as_str(),
                    lang.pick(kind.0, kind.1)
                );
                println!(
                    "    {} {} min  {}–{}   {} {}–{}  ({actual})",
                    lang.pick("目标", "target"),
                    st.target_minutes,
                    st.planned_start,
                    st.planned_end,
                    lang.pick("实际", "actual"),
                    local(&st.actual_start),
                    local(&st.actual_end),
                );
                for c in &st.cues {
                    let what = c.action.label();
                    let mut line = format!(
                        "    ▸ {} #{} {}",
                        lang.pick("标记", "marker"),
                        c.step,
                        lang.pick(what.0, what.1)
                    );
                    if !c.file.is_empty() {
                        line.push_str(&format!(" {}", c.file));
                    }
                    if matches!(
                        c.action,
                        crate::script::CueAction::MusicPlay | crate::script::CueAction::MusicFade
                    ) {
                        line.push_str(&format!(" {}% {}s", c.volume, c.fade_seconds));
                    }
                    if c.action == crate::script::CueAction::RevealTier {
                        line.push_str(&format!(" {}", c.tier));
                    }
                    if !c.note.is_empty() {
                        line.push_str(&format!(" — {}", c.note));
                    }
                    println!("{line}");
                }
            }
            println!("{} {} min", lang.pick("合计", "Total"), show.total_minutes);
            Ok(())
        }
        ScriptCommand::Pdf { seminar, out } => {
            std::fs::write(&out, crate::script::print::pdf(app, seminar, lang)?)?;
            println!("{}", out.display());
            Ok(())
        }
    }
}
