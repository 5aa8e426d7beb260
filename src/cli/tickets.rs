//! `huixiao tickets`: list a seminar's tickets, export them as a PDF or PNG files.

use super::print::pad;
use super::{Result, TicketsCommand};
use crate::app::App;
use crate::i18n::Lang;

pub(super) fn run(app: &App, command: TicketsCommand, lang: Lang) -> Result {
    use crate::input::SeminarScope;
    use crate::ticket;
    match command {
        TicketsCommand::List { seminar, json } => {
            let list = ticket::list(
                app,
                SeminarScope {
                    seminar_id: seminar,
                },
            )?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list).expect("json"));
            } else if list.is_empty() {
                println!(
                    "{}",
                    lang.pick("这场会销还没有票。", "No tickets for this seminar yet.")
                );
            } else {
                for t in &list {
                    println!(
                        "{}  {}  {}{}",
                        t.code,
                        pad(&t.store_name, 28),
                        t.guest_name.as_deref().unwrap_or("—"),
                        if t.revoked {
                            lang.pick("（已作废）", " (revoked)")
                        } else {
                            ""
                        }
                    );
                }
            }
            Ok(())
        }
        TicketsCommand::Export {
            seminar,
            pdf,
            png_dir,
        } => {
            if pdf.is_none() && png_dir.is_none() {
                return Err(crate::error::invalid(
                    "pdf",
                    "请用 --pdf 文件 或 --png-dir 文件夹 说明导出到哪里。",
                    "Say where to export with --pdf FILE or --png-dir DIR.",
                )
                .into());
            }
            if let Some(path) = pdf {
                let bytes = ticket::seminar_pdf_bytes(&app.db.conn(), seminar, lang)?;
                std::fs::write(&path, bytes)?;
                println!("{}", path.display());
            }
            if let Some(dir) = png_dir {
                let n = ticket::write_pngs(&app.db.conn(), seminar, &dir)?;
                println!(
                    "{}",
                    match lang {
                        Lang::Zh => format!("已写入 {n} 张二维码图片：{}", dir.display()),
                        Lang::En => format!("{n} QR images written to {}", dir.display()),
                    }
                );
            }
            Ok(())
        }
    }
}
