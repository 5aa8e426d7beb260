//! `huixiao backup now | list | restore`: backups from the command line. They work on the file
//! directly, not through `App::open`: a database too damaged to open still lists its backups and
//! is restored from one.

use std::path::Path;

use chrono::Utc;

use super::args::BackupCommand;
use super::Result;
use crate::backup::{self, NOT_HELD, PHONES_WARNING};
use crate::db::Db;
use crate::i18n::Lang;

pub(super) fn run(db: &Path, command: &BackupCommand, lang: Lang) -> Result {
    match command {
        BackupCommand::Now { to, json: as_json } => {
            if to.is_some() {
                eprintln!(
                    "{}{}",
                    lang.pick("注意：", "Note: "),
                    lang.pick(PHONES_WARNING.0, PHONES_WARNING.1)
                );
            }
            let opened = Db::open(db)?;
            let w = backup::now_on(&opened, db, to.as_deref(), Utc::now())?;
            if *as_json {
                print_json(&w);
            } else {
                println!("{}  {} KB", w.path, w.bytes / 1024);
                eprintln!("{}", lang.pick(NOT_HELD.0, NOT_HELD.1));
            }
        }
        BackupCommand::List { json: as_json } => {
            let list = backup::list_for(db)?;
            if *as_json {
                print_json(&list);
            } else {
                for b in &list {
                    let (s, st) = (b.seminars, b.stores);
                    println!(
                        "{}  {:<14} {:>8} KB  {}  {}",
                        b.at,
                        b.reason.as_str(),
                        b.bytes / 1024,
                        match lang {
                            Lang::Zh => format!("{s} 场会销，{st} 家门店"),
                            Lang::En => format!("{s} seminars, {st} stores"),
                        },
                        b.path
                    );
                }
            }
        }
        BackupCommand::Restore {
            from,
            json: as_json,
        } => {
            let r = backup::restore_file(db, from, Utc::now(), lang)?;
            if *as_json {
                print_json(&r);
            } else {
                println!(
                    "{}",
                    match lang {
                        Lang::Zh => format!(
                            "已恢复 {}：{} 场会销，{} 家门店。恢复前的数据已备份到 {}。",
                            r.from, r.seminars, r.stores, r.before_restore.path
                        ),
                        Lang::En => format!(
                            "Restored {}: {} seminars, {} stores. The data as it was is backed up in {}.",
                            r.from, r.seminars, r.stores, r.before_restore.path
                        ),
                    }
                );
                if let Some(note) = &r.sync_note {
                    println!("{note}");
                }
            }
        }
    }
    Ok(())
}

fn print_json(v: &impl serde::Serialize) {
    println!("{}", serde_json::to_string_pretty(v).expect("json"));
}
