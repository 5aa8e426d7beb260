//! The `huixiao` command line: the same operations as the window and the HTTP API. One file a
//! command family; [`args`] holds what the user types.

mod args;
mod backtest;
mod backup;
mod bowtie;
mod deals;
mod hq;
mod import;
mod invite;
mod partners;
mod print;
mod report;
mod scores;
mod script;
mod seating;
mod serve;
mod stations;
mod sync;
mod tickets;

use std::net::SocketAddr;
use std::path::Path;

use serde_json::json;

pub use args::*;
pub use serve::prepare_serve;

use crate::api::{self, Failure, Host};
use crate::app::{self, App};
use crate::caller::Caller;
use crate::i18n::Lang;
use crate::input::IdInput;
use crate::{http, lan, seminar, settings};

/// What a command ends with: done, or why not (the domain's refusal or a malformed request).
pub(crate) type Result<T = (), E = Failure> = std::result::Result<T, E>;

/// Runs the CLI; returns the process exit code: 0, 1 when something is refused, 70 (EX_SOFTWARE)
/// for a bug (a panic). Errors are printed to stderr in the user's language.
pub fn run(cli: Cli) -> i32 {
    let _log = crate::logging::init(&app::data_dir());
    let explicit = cli.lang.as_deref().and_then(Lang::parse).or_else(|| {
        std::env::var("HUIXIAO_LANG")
            .ok()
            .as_deref()
            .and_then(Lang::parse)
    });
    let mut lang = explicit.unwrap_or_default();
    let result = (|| -> Result {
        if let Command::Dev { command } = &cli.command {
            return dev(command);
        }
        if let Command::Hq { command } = &cli.command {
            // Head office speaks to PostgreSQL only: no laptop database is opened.
            return hq::run(command, lang);
        }
        let path = cli.db.clone().unwrap_or_else(app::default_db_path);
        if let Command::Backup { command } = &cli.command {
            // Not through App::open: a damaged database must still list and restore its backups.
            return backup::run(&path, command, lang);
        }
        let app = App::open(&path)?;
        if explicit.is_none() {
            lang = settings::language(&app.db.conn())?;
        }
        crate::panics::catch("cli", || execute(app, cli.command, lang))
    })();
    match result {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("{}{}", lang.pick("错误：", "Error: "), e.message(lang));
            exit_code(&e)
        }
    }
}

fn exit_code(e: &Failure) -> i32 {
    if e.is_internal() {
        70
    } else {
        1
    }
}

fn dev(command: &DevCommand) -> Result {
    match command {
        DevCommand::GenTs { out } => {
            api::tsgen::write(out)?;
            println!("{}", out.display());
        }
        DevCommand::Openapi => println!(
            "{}",
            api::openapi::document().to_pretty_json().expect("json")
        ),
        DevCommand::DataDir => println!("{}", app::data_dir().display()),
    }
    Ok(())
}

fn execute(app: App, command: Command, lang: Lang) -> Result {
    // Whoever runs the CLI on this computer is the organizer, in the language of --lang.
    let organizer = Caller::organizer(lang);
    let host = Host::new(app.clone());
    match command {
        Command::Serve {
            addr,
            lan,
            admin_token,
            ui_dir,
            clock,
        } => {
            let ui = ui_dir
                .or_else(serve::default_ui_dir)
                .map_or(http::Ui::None, http::Ui::Dir);
            let token = admin_token.unwrap_or_else(crate::token::new_token);
            let host = prepare_serve(app, &ui, &token, clock.as_deref())?;
            crate::hq::background::start(host.app.clone(), crate::hq::background::EVERY);
            if lan {
                let addr = addr.unwrap_or(SocketAddr::from(([0, 0, 0, 0], lan::DEFAULT_PORT)));
                serve::lan(&host, addr, token, ui, lang)
            } else {
                let addr = addr.unwrap_or(SocketAddr::from(([127, 0, 0, 1], 7315)));
                serve::browser(host, addr, token, ui, lang)
            }
        }
        Command::Demo {
            today,
            synthetic: Some(kind),
        } => {
            let hidden = crate::demo::synthetic::Hidden::parse(&kind)
                .unwrap_or(crate::demo::synthetic::Hidden::Nothing);
            let n = crate::demo::synthetic::load(&app, hidden, today.as_deref())?;
            println!(
                "{}",
                match lang {
                    Lang::Zh => format!("已生成回测用的模拟机构：{n} 条往期邀约。"),
                    Lang::En => format!(
                        "Generated organisation for the backtest written: {n} past invitations."
                    ),
                }
            );
            Ok(())
        }
        Command::Demo { today, .. } => {
            let out = api::dispatch(&host, &organizer, "demo.load", json!({ "today": today }))?;
            println!(
                "{}",
                match lang {
                    Lang::Zh => format!(
                        "已生成演示数据：{} 家门店，{} 场会销。",
                        out["stores"], out["seminars"]
                    ),
                    Lang::En => format!(
                        "Demo data written: {} stores, {} seminars.",
                        out["stores"], out["seminars"]
                    ),
                }
            );
            Ok(())
        }
        Command::Seminars { command } => match command {
            SeminarsCommand::List { json } => {
                let list = seminar::list(&app)?;
                if json {
                    println!("{}", serde_json::to_string_pretty(&list).expect("json"));
                } else {
                    print::seminars(&list, lang);
                }
                Ok(())
            }
            SeminarsCommand::Show { id, json } => {
                let s = seminar::get(&app, IdInput { id })?;
                if json {
                    println!("{}", serde_json::to_string_pretty(&s).expect("json"));
                } else {
                    print::seminar(&s, lang);
                }
                Ok(())
            }
        },
        Command::Export {
            seminar,
            list,
            city,
            laptop,
            search,
            owner,
            out,
        } => {
            use crate::export::{ExportList, ExportQuery};
            let list = list
                .as_deref()
                .and_then(ExportList::parse)
                .unwrap_or(ExportList::Seminar);
            let q = ExportQuery {
                seminar_id: seminar,
                city,
                laptop,
                q: search,
                owner_id: owner,
                ..ExportQuery::of(list)
            };
            let (_, bytes) = crate::export::export(&app, &q, lang)?;
            crate::export::write_file(&out, &bytes)?;
            println!("{}", out.display());
            Ok(())
        }
        Command::Partners { command, json } => {
            partners::run(&host, &organizer, command, json, lang)
        }
        Command::Deals { command } => deals::run(&host, &organizer, command, lang),
        Command::Invite {
            seminar,
            store,
            contacts,
            inviter,
            segment,
            filter,
            limit,
            dry_run,
            json,
        } => {
            let whom = invite::Whom {
                store,
                contacts,
                segment,
                filter,
                limit,
                dry_run,
            };
            invite::run(&host, &organizer, seminar, inviter, whom, json, lang)
        }
        Command::Scores {
            store,
            recompute,
            json,
        } => scores::run(&host, &organizer, store, recompute, json, lang),
        Command::Report {
            backtest: true,
            json,
            ..
        } => backtest::run(&host, &organizer, json, lang),
        Command::Report {
            bowtie: true,
            city,
            json,
            ..
        } => bowtie::run(&host, &organizer, city, json, lang),
        Command::Report {
            seminar,
            territory,
            laptop,
            json,
            pdf,
            ..
        } => report::run(
            &app,
            seminar,
            territory.map(|c| (c, laptop)),
            pdf,
            json,
            lang,
        ),
        Command::Seating { command } => seating::run(&app, command, lang),
        Command::Import { command } => match command {
            ImportCommand::Stores {
                file,
                dry_run,
                skip_invalid,
                json,
                on_conflict,
            } => import::stores(
                &app,
                &file,
                (dry_run, skip_invalid, json),
                &on_conflict,
                lang,
            ),
        },
        Command::Tickets { command } => tickets::run(&app, command, lang),
        Command::Checkin {
            seminar,
            code,
            station,
            companions,
            json,
        } => {
            let caller = Caller::organizer(lang).at_desk(station);
            let r = crate::checkin::scan(
                &app,
                &caller,
                crate::checkin::ScanInput {
                    seminar_id: seminar,
                    code: Some(code),
                    ticket_id: None,
                    nonce: None,
                    via: crate::checkin::Via::Scan,
                    companions,
                    station_at: None,
                },
            )?;
            if json {
                println!("{}", serde_json::to_string_pretty(&r).expect("json"));
            } else {
                println!("{}  {}", r.outcome.as_str(), r.message);
            }
            Ok(())
        }
        Command::Stations { command } => stations::run(&app, command, lang),
        Command::Script { command } => script::run(&app, command, lang),
        Command::Call { op, input, list } => {
            if list || op.is_none() {
                for op in api::all() {
                    println!(
                        "{:<24} {:<6} {:<44} {}",
                        op.name,
                        op.method.as_str(),
                        op.path,
                        op.summary
                    );
                }
                return Ok(());
            }
            let input = match input {
                Some(s) => {
                    serde_json::from_str(&s).map_err(|e| Failure::BadInput(format!("JSON: {e}")))?
                }
                None => json!({}),
            };
            let out = api::dispatch(&host, &organizer, op.as_deref().unwrap_or_default(), input)?;
            println!("{}", serde_json::to_string_pretty(&out).expect("json"));
            Ok(())
        }
        Command::Dev { command } => dev(&command),
        Command::Backup { command } => {
            let path = app.db.path().map(Path::to_owned).unwrap_or_default();
            backup::run(&path, &command, lang)
        }
        Command::Hq { command } => hq::run(&command, lang),
        Command::Sync {
            command,
            join,
            json,
        } => {
            let path = app.db.path().map(Path::to_owned).unwrap_or_default();
            sync::run(&app, &path, command.as_ref(), join.as_deref(), json, lang)
        }
    }
}
