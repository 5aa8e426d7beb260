//! The `huixiao` command line: the same operations as the window and the HTTP API.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use serde_json::json;

use crate::api::{Failure, Host};
use crate::app::{self, App};
use crate::caller::Caller;
use crate::contact::ContactRole;
use crate::conversion::{self, Funnel, Group};
use crate::http;
use crate::i18n::format_date;
use crate::i18n::Lang;
use crate::input::IdInput;
use crate::seminar::{self, Seminar};
use crate::settings;
use crate::{api, lan};

/// What a command ends with: done, or why not (the domain's refusal or a malformed request).
type Result<T = (), E = Failure> = std::result::Result<T, E>;

#[derive(Parser, Debug)]
#[command(
    name = "huixiao",
    version,
    about = "Huixiao 会销助手 — run sales seminars: invite, seat, check in, talk, close, measure"
)]
pub struct Cli {
    /// The database file (default: huixiao.db in the app's data directory)
    #[arg(long, global = true, value_name = "PATH")]
    pub db: Option<PathBuf>,
    /// Language of messages: zh-CN or en (default: the app's setting)
    #[arg(long, global = true, value_name = "LANG")]
    pub lang: Option<String>,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the app in a browser (and the HTTP API) on loopback; with --lan, also to stations
    Serve {
        /// Address to bind (default 127.0.0.1:7315; with --lan 0.0.0.0:7316)
        #[arg(long)]
        addr: Option<SocketAddr>,
        /// Serve LAN stations over HTTPS (self-signed certificate) instead of loopback HTTP
        #[arg(long)]
        lan: bool,
        /// Admin token to require (default: a new random one, printed in the URL)
        #[arg(long, value_name = "TOKEN")]
        admin_token: Option<String>,
        /// The built UI (default: ui/dist next to the program or in the source tree)
        #[arg(long, value_name = "DIR")]
        ui_dir: Option<PathBuf>,
        /// Start the app's clock at this instant (RFC 3339, e.g. 2026-12-10T09:00:00+08:00); it runs on from there
        #[arg(long, value_name = "RFC3339")]
        clock: Option<String>,
    },
    /// Fill an empty database with a realistic demo organisation
    Demo {
        /// The demo's "today", YYYY-MM-DD (default: the real date)
        #[arg(long, value_name = "YYYY-MM-DD")]
        today: Option<String>,
    },
    /// Seminars
    Seminars {
        #[command(subcommand)]
        command: SeminarsCommand,
    },
    /// A seminar's funnel and conversion rates
    Report {
        /// A seminar's funnel, rates and breakdowns
        #[arg(
            long,
            value_name = "ID",
            required_unless_present = "territory",
            conflicts_with = "territory"
        )]
        seminar: Option<i64>,
        /// The four territory rates of a city: coverage, conversion, repurchase, penetration
        #[arg(long, value_name = "CITY")]
        territory: Option<String>,
        #[arg(long)]
        json: bool,
        /// Write the seminar's session report as a PDF
        #[arg(long, value_name = "FILE.pdf", requires = "seminar")]
        pdf: Option<PathBuf>,
    },
    /// Export to Excel (Chinese headers): a seminar, or one of the lists the app shows
    ///
    /// `--seminar ID`: the seminar's funnel with every breakdown, invitations, check-ins, deals and
    /// follow-ups. `--list`: stores (filtered with --city and --search), staff, seminars, dashboard
    /// (seminars compared, medians, by layout and lecturer), territory (needs --city), commissions,
    /// followups_today (--owner for one staff member). An existing file is replaced only once the
    /// new one is completely written.
    Export {
        /// The seminar to export
        #[arg(
            long,
            value_name = "ID",
            required_unless_present = "list",
            conflicts_with = "list"
        )]
        seminar: Option<i64>,
        #[arg(long, value_name = "LIST", value_parser = clap::builder::PossibleValuesParser::new(
            crate::export::ExportList::ALL.into_iter().filter(|l| *l != crate::export::ExportList::Seminar).map(|l| l.as_str())))]
        list: Option<String>,
        /// The city (stores, territory)
        #[arg(long, value_name = "CITY")]
        city: Option<String>,
        /// Search text, as on the store list (stores)
        #[arg(long, value_name = "TEXT")]
        search: Option<String>,
        /// One staff member's follow-ups (followups_today)
        #[arg(long, value_name = "STAFF_ID")]
        owner: Option<i64>,
        /// The workbook to write
        #[arg(long, value_name = "FILE.xlsx")]
        out: PathBuf,
    },
    /// Deals
    Deals {
        #[command(subcommand)]
        command: DealsCommand,
    },
    /// Seating: automatic seating and printouts
    Seating {
        #[command(subcommand)]
        command: SeatingCommand,
    },
    /// Import data from files
    Import {
        #[command(subcommand)]
        command: ImportCommand,
    },
    /// Tickets (QR codes) of a seminar
    Tickets {
        #[command(subcommand)]
        command: TicketsCommand,
    },
    /// Check a guest in at the door by ticket code: prints the typed outcome
    Checkin {
        #[arg(long)]
        seminar: i64,
        /// The ticket code (what the scanner reads)
        #[arg(long)]
        code: String,
        /// The name of the desk or device, recorded with the check-in
        #[arg(long, value_name = "NAME")]
        station: Option<String>,
        /// People with the guest (+1, +2)
        #[arg(long, default_value_t = 0)]
        companions: i64,
        /// Print JSON: `outcome` (checked_in, already_checked_in, wrong_seminar, cancelled or
        /// invalid), `guest`, `store`, `table`, `assistant` where known
        #[arg(long)]
        json: bool,
    },
    /// LAN stations: pair devices for check-in, assistants, inviters, the lecturer's remote
    Stations {
        #[command(subcommand)]
        command: StationsCommand,
    },
    /// The talk script of a seminar: stages, cues, planned and actual times; printable PDF
    Script {
        #[command(subcommand)]
        command: ScriptCommand,
    },
    /// Call any API operation with a JSON input and print its JSON output
    Call {
        /// Operation name, e.g. seminars.list (see `huixiao call --list`)
        op: Option<String>,
        /// Input as JSON (default: {})
        input: Option<String>,
        /// List the operations
        #[arg(long)]
        list: bool,
    },
    /// Developer tools
    #[command(hide = true)]
    Dev {
        #[command(subcommand)]
        command: DevCommand,
    },
}

#[derive(Subcommand, Debug)]
pub enum StationsCommand {
    /// Create a station for a staff member in a role; prints its one-time pairing code
    Create {
        #[arg(long)]
        seminar: i64,
        #[arg(long)]
        staff: i64,
        /// checkin, assistant, inviter or lecturer
        #[arg(long)]
        role: String,
        #[arg(long)]
        json: bool,
    },
    /// List a seminar's stations
    List {
        #[arg(long)]
        seminar: i64,
        #[arg(long)]
        json: bool,
    },
    /// Stop a station at once
    Revoke { id: i64 },
    /// Keep a station working one more day
    Renew { id: i64 },
}

#[derive(Subcommand, Debug)]
pub enum SeminarsCommand {
    /// List the seminars, newest first
    List {
        #[arg(long)]
        json: bool,
    },
    /// Show one seminar
    Show {
        id: i64,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum ScriptCommand {
    /// Print the stages (kind, target and actual times) and their cues
    Show {
        #[arg(long, value_name = "ID")]
        seminar: i64,
        #[arg(long)]
        json: bool,
    },
    /// Write the printable script (A4 PDF) for rehearsal
    Pdf {
        #[arg(long, value_name = "ID")]
        seminar: i64,
        #[arg(long, value_name = "FILE.pdf")]
        out: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum DealsCommand {
    /// Record a deal
    Add {
        #[arg(long, value_name = "ID")]
        seminar: i64,
        #[arg(long, value_name = "ID")]
        store: i64,
        /// The price tier's id (its product follows from it)
        #[arg(long, value_name = "ID")]
        tier: i64,
        /// Amount in fen (¥1 = 100)
        #[arg(long, value_name = "FEN", allow_negative_numbers = true)]
        amount: i64,
        #[arg(long, value_parser = ["deposit", "full", "promised"])]
        payment: String,
        #[arg(long, default_value_t = 1)]
        quantity: i64,
        #[arg(long, default_value = "")]
        method: String,
        /// Why, when the store did not check in to the seminar
        #[arg(long, default_value = "")]
        reason: String,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum SeatingCommand {
    /// Seat the confirmed guests automatically (locked seats kept, hard rules never broken)
    Auto {
        #[arg(long, value_name = "ID")]
        seminar: i64,
        /// Print JSON: seated, unseated, hard_violations, score, badly_seated
        #[arg(long)]
        json: bool,
    },
    /// Write a printout as PDF
    Pdf {
        #[arg(long, value_name = "ID")]
        seminar: i64,
        /// chart | cards | badges | list | assistant
        #[arg(long, value_name = "KIND")]
        kind: String,
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

#[derive(Subcommand, Debug)]
pub enum ImportCommand {
    /// Import a store list (.xlsx, .xls, .csv in UTF-8 or GBK): all rows or nothing, unless --skip-invalid
    Stores {
        /// The file to import (at most 50 MB)
        file: PathBuf,
        /// Check and count, write nothing
        #[arg(long)]
        dry_run: bool,
        /// Import the valid rows and write the others to FILE.skipped.csv to fix
        #[arg(long)]
        skip_invalid: bool,
        /// Print {rows, imported, merged, errors} as JSON
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum TicketsCommand {
    /// List a seminar's ticket codes with their guests
    List {
        #[arg(long, value_name = "ID")]
        seminar: i64,
        #[arg(long)]
        json: bool,
    },
    /// Export a seminar's tickets as one printable PDF and/or a folder of QR PNGs
    Export {
        #[arg(long, value_name = "ID")]
        seminar: i64,
        /// Write all tickets as one PDF here
        #[arg(long, value_name = "FILE")]
        pdf: Option<PathBuf>,
        /// Write one QR PNG per ticket into this folder
        #[arg(long, value_name = "DIR")]
        png_dir: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
pub enum DevCommand {
    /// Write ui/src/api/types.gen.ts and ops.gen.ts
    GenTs {
        #[arg(long, default_value = "ui/src/api")]
        out: PathBuf,
    },
    /// Print the OpenAPI document
    Openapi,
    /// Print the data directory (database, logs)
    DataDir,
}

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
    let result = (|| -> Result<()> {
        if let Command::Dev { command } = &cli.command {
            return dev(command);
        }
        let path = cli.db.clone().unwrap_or_else(app::default_db_path);
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

fn dev(command: &DevCommand) -> Result<()> {
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

fn execute(app: App, command: Command, lang: Lang) -> Result<()> {
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
                .or_else(default_ui_dir)
                .map_or(http::Ui::None, http::Ui::Dir);
            let token = admin_token.unwrap_or_else(crate::token::new_token);
            let host = prepare_serve(app, &ui, &token, clock.as_deref())?;
            if lan {
                let addr = addr.unwrap_or(SocketAddr::from(([0, 0, 0, 0], lan::DEFAULT_PORT)));
                serve_lan(&host, addr, token, ui, lang)
            } else {
                let addr = addr.unwrap_or(SocketAddr::from(([127, 0, 0, 1], 7315)));
                serve(host, addr, token, ui, lang)
            }
        }
        Command::Demo { today } => {
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
                    print_seminars(&list, lang);
                }
                Ok(())
            }
            SeminarsCommand::Show { id, json } => {
                let s = seminar::get(&app, IdInput { id })?;
                if json {
                    println!("{}", serde_json::to_string_pretty(&s).expect("json"));
                } else {
                    print_seminar(&s, lang);
                }
                Ok(())
            }
        },
        Command::Report {
            territory: Some(city),
            json,
            ..
        } => {
            let t = conversion::territory(&app, conversion::TerritoryQuery { city })?;
            if json {
                println!("{}", serde_json::to_string_pretty(&t).expect("json"));
            } else {
                print_territory(&t, lang);
            }
            Ok(())
        }
        Command::Export {
            seminar,
            list,
            city,
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
                q: search,
                owner_id: owner,
                ..ExportQuery::of(list)
            };
            let (_, bytes) = crate::export::export(&app, &q)?;
            crate::export::write_file(&out, &bytes)?;
            println!("{}", out.display());
            Ok(())
        }
        Command::Deals { command } => match command {
            DealsCommand::Add {
                seminar,
                store,
                tier,
                amount,
                payment,
                quantity,
                method,
                reason,
                json,
            } => {
                let product: Option<i64> = app
                    .db
                    .conn()
                    .query_row(
                        "SELECT product_id FROM price_tiers WHERE id = ?1",
                        [tier],
                        |r| r.get(0),
                    )
                    .ok();
                let Some(product) = product else {
                    return Err(crate::error::invalid(
                        "tier",
                        format!("价格档（编号 {tier}）不存在。"),
                        format!("There is no price tier with id {tier}."),
                    )
                    .into());
                };
                let input = json!({
                    "seminar_id": seminar, "store_id": store, "product_id": product, "tier_id": tier,
                    "amount_fen": amount, "payment": payment, "quantity": quantity, "method": method, "reason": reason,
                });
                let out = api::dispatch(&host, &organizer, "deals.create", input)?;
                if json {
                    println!("{}", serde_json::to_string_pretty(&out).expect("json"));
                } else {
                    println!(
                        "{}",
                        match lang {
                            Lang::Zh => format!(
                                "已记录成交 #{}：{}，¥{:.2}",
                                out["deal"]["id"],
                                out["deal"]["store_name"].as_str().unwrap_or_default(),
                                amount as f64 / 100.0
                            ),
                            Lang::En => format!(
                                "Deal #{} recorded: {}, ¥{:.2}",
                                out["deal"]["id"],
                                out["deal"]["store_name"].as_str().unwrap_or_default(),
                                amount as f64 / 100.0
                            ),
                        }
                    );
                    for w in out["warnings"].as_array().into_iter().flatten() {
                        eprintln!(
                            "{}{}",
                            lang.pick("注意：", "Warning: "),
                            w.as_str().unwrap_or_default()
                        );
                    }
                }
                Ok(())
            }
        },
        Command::Report {
            seminar: Some(id),
            pdf: Some(out),
            ..
        } => {
            std::fs::write(&out, crate::report::seminar_pdf(&app, id)?)?;
            println!("{}", out.display());
            Ok(())
        }
        Command::Report { seminar, json, .. } => {
            let id = seminar.unwrap_or_default();
            let r = conversion::report(&app, IdInput { id })?;
            if json {
                println!("{}", serde_json::to_string_pretty(&r).expect("json"));
            } else {
                let s = seminar::get(&app, IdInput { id })?;
                println!("{}  {}", s.title, format_date(&s.date, lang));
                print_funnel(&r.funnel, lang);
                let role_label = |key: &str| match ContactRole::parse(key) {
                    Some(role) => lang.pick(role.label().0, role.label().1).to_owned(),
                    None => lang.pick("未指定", "not named").to_owned(),
                };
                let unnamed = |label: &str| {
                    if label.is_empty() {
                        lang.pick("未指定", "not named").to_owned()
                    } else {
                        label.to_owned()
                    }
                };
                print_groups(
                    lang.pick("按邀约员", "By inviter"),
                    &r.by_inviter,
                    lang,
                    |g| unnamed(&g.label),
                );
                print_groups(
                    lang.pick("按参会人角色", "By invitee role"),
                    &r.by_role,
                    lang,
                    |g| role_label(&g.key),
                );
                print_groups(lang.pick("按城市", "By city"), &r.by_city, lang, |g| {
                    unnamed(&g.label)
                });
                let table_label = |g: &Group| match g.key.as_str() {
                    "none" => lang.pick("未入座", "not seated").to_owned(),
                    n => match lang {
                        Lang::Zh => format!("{n} 号桌"),
                        Lang::En => format!("Table {n}"),
                    },
                };
                print_groups(
                    lang.pick("按桌", "By table"),
                    &r.by_table,
                    lang,
                    table_label,
                );
                print_groups(
                    lang.pick("按助教", "By assistant"),
                    &r.by_assistant,
                    lang,
                    |g| unnamed(&g.label),
                );
                print_stage_timing(&r.stage_timing, lang);
            }
            Ok(())
        }
        Command::Seating { command } => seating_cmd(&app, command, lang),
        Command::Import { command } => match command {
            ImportCommand::Stores {
                file,
                dry_run,
                skip_invalid,
                json,
            } => import_stores(&app, &file, dry_run, skip_invalid, json, lang),
        },
        Command::Tickets { command } => tickets(&app, command, lang),
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
        Command::Stations { command } => stations_cmd(&app, command, lang),
        Command::Script { command } => script_cmd(&app, command, lang),
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
    }
}

fn stations_cmd(app: &App, command: StationsCommand, lang: Lang) -> Result<()> {
    use crate::station::{self, StationRole};
    let print = |s: &station::Station| {
        let (zh, en) = s.role.label();
        println!(
            "#{:<4} {:<20} {:<10} {:<16} {:?}  {}",
            s.id,
            s.name,
            lang.pick(zh, en),
            s.staff_name,
            s.status,
            s.expires_at
        );
    };
    match command {
        StationsCommand::Create {
            seminar,
            staff,
            role,
            json,
        } => {
            let role = StationRole::parse(&role).ok_or_else(|| {
                crate::error::invalid(
                    "role",
                    format!("角色“{role}”无效：应为 checkin、assistant、inviter 或 lecturer。"),
                    format!("Role “{role}” is not one of checkin, assistant, inviter, lecturer."),
                )
            })?;
            let p = station::create(
                app,
                station::NewStation {
                    seminar_id: seminar,
                    staff_id: staff,
                    role,
                    name: None,
                },
                // The LAN server runs in `huixiao serve --lan`, not here: the code is printed.
                &[],
            )?;
            if json {
                println!("{}", serde_json::to_string_pretty(&p).expect("json"));
            } else {
                print(&p.station);
                println!(
                    "{}{}",
                    lang.pick("配对码：", "Pairing code: "),
                    p.pairing_code
                );
                for u in &p.urls {
                    println!("{u}");
                }
            }
        }
        StationsCommand::List { seminar, json } => {
            let list = station::list(
                app,
                crate::input::SeminarScope {
                    seminar_id: seminar,
                },
            )?;
            if json {
                println!("{}", serde_json::to_string_pretty(&list).expect("json"));
            } else {
                list.iter().for_each(print);
            }
        }
        StationsCommand::Revoke { id } => print(&station::revoke(app, IdInput { id })?),
        StationsCommand::Renew { id } => print(&station::renew(app, IdInput { id })?),
    }
    Ok(())
}

fn script_cmd(app: &App, command: ScriptCommand, lang: Lang) -> Result<()> {
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
            std::fs::write(&out, crate::script::print::pdf(app, seminar)?)?;
            println!("{}", out.display());
            Ok(())
        }
    }
}

fn seating_cmd(app: &App, command: SeatingCommand, lang: Lang) -> Result<()> {
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
            let bytes = seating::print::pdf(app, seminar, kind)?;
            std::fs::write(&out, bytes)?;
            println!("{}", out.display());
            Ok(())
        }
    }
}

fn serve(host: Host, addr: SocketAddr, token: String, ui: http::Ui, lang: Lang) -> Result<()> {
    if !addr.ip().is_loopback() {
        return Err(crate::error::invalid(
            "addr",
            format!("{addr} 不是本机回环地址：浏览器模式只监听 127.0.0.1；局域网工作站请用 --lan 开启。"),
            format!("{addr} is not a loopback address: browser mode listens on 127.0.0.1 only; turn LAN stations on with --lan."),
        )
        .into());
    }
    let server = Arc::new(http::Server {
        host,
        admin_token: token.clone(),
    });
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(http::serve(
        server,
        addr,
        ui,
        |bound| {
            println!(
                "{}http://{bound}/?token={token}",
                lang.pick(
                    "Huixiao 已启动，请在浏览器中打开：",
                    "Huixiao is running; open in your browser: "
                )
            );
            use std::io::Write;
            let _ = std::io::stdout().flush();
        },
        async {
            let _ = tokio::signal::ctrl_c().await;
        },
    ))?;
    Ok(())
}

/// The headless hub: the LAN server (HTTPS) until Ctrl-C. The organizer's link works on this
/// computer only; stations pair with the codes from `stations.create`.
fn serve_lan(host: &Host, addr: SocketAddr, token: String, ui: http::Ui, lang: Lang) -> Result<()> {
    let status = lan::start(
        host,
        lan::LanConfig {
            addr,
            admin_token: token.clone(),
            ui,
        },
    )?;
    let port = status.port.unwrap_or(addr.port());
    println!(
        "{}https://127.0.0.1:{port}/?token={token}",
        lang.pick(
            "Huixiao 已启动，请在本机浏览器中打开：",
            "Huixiao is running; open on this computer: "
        )
    );
    for url in &status.urls {
        println!("{}{url}", lang.pick("局域网地址：", "LAN address: "));
    }
    if let Some(fp) = &status.cert_sha256 {
        println!(
            "{}{fp}",
            lang.pick("证书指纹 SHA-256：", "Certificate SHA-256: ")
        );
    }
    use std::io::Write;
    let _ = std::io::stdout().flush();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let _ = tokio::signal::ctrl_c().await;
    });
    host.lan.stop();
    Ok(())
}

/// Readies what `huixiao serve` serves: the app's clock (`--clock`), and the UI and admin token the
/// LAN server gets when the organizer turns stations on from the browser (`lan.start`), so a
/// phone paired from browser mode gets the same UI as from the desktop window.
pub fn prepare_serve(
    app: App,
    ui: &http::Ui,
    token: &str,
    clock: Option<&str>,
) -> crate::error::Result<Host> {
    let app = match clock {
        Some(t) => {
            let start = chrono::DateTime::parse_from_rfc3339(t.trim()).map_err(|_| {
                crate::error::invalid(
                    "clock",
                    format!("时钟“{t}”无效，请使用 2026-12-10T09:00:00+08:00 这样的格式。"),
                    format!("Clock “{t}” is not valid; use the form 2026-12-10T09:00:00+08:00."),
                )
            })?;
            app.with_clock(app::Clock::starting_at(start.with_timezone(&chrono::Utc)))
        }
        None => app,
    };
    let host = Host::new(app);
    host.lan.configure(ui.clone(), token.to_owned());
    Ok(host)
}

/// `ui/dist` beside the executable, or in the source tree this binary was built from.
fn default_ui_dir() -> Option<PathBuf> {
    let beside = std::env::current_exe().ok()?.parent()?.join("ui");
    if beside.join("index.html").is_file() {
        return Some(beside);
    }
    let source = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("ui/dist");
    source.join("index.html").is_file().then_some(source)
}

fn print_seminars(list: &[Seminar], lang: Lang) {
    if list.is_empty() {
        println!("{}", lang.pick("还没有会销。", "No seminars yet."));
        return;
    }
    let head = [
        lang.pick("编号", "ID"),
        lang.pick("日期", "Date"),
        lang.pick("时间", "Time"),
        lang.pick("状态", "Status"),
        conversion::Measure::Invited.short_label(lang),
        conversion::Measure::Confirmed.short_label(lang),
        conversion::Measure::Attended.short_label(lang),
        lang.pick("标题", "Title"),
    ];
    let widths = [5, 16, 6, 8, 5, 5, 5, 0];
    let row = |cells: [String; 8]| {
        let line: Vec<String> = cells.iter().zip(widths).map(|(c, w)| pad(c, w)).collect();
        println!("{}", line.join(" ").trim_end());
    };
    row(head.map(str::to_owned));
    for s in list {
        let status = s.status.label();
        row([
            s.id.to_string(),
            format_date(&s.date, lang),
            s.start_time.clone(),
            lang.pick(status.0, status.1).to_owned(),
            s.invited.to_string(),
            s.confirmed.to_string(),
            s.attended.to_string(),
            s.title.clone(),
        ]);
    }
}

/// Pads to a terminal width where Chinese characters take two columns.
fn pad(s: &str, width: usize) -> String {
    let w: usize = s
        .chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6 => 2,
            _ => 1,
        })
        .sum();
    format!("{s}{}", " ".repeat(width.saturating_sub(w)))
}

fn print_seminar(s: &Seminar, lang: Lang) {
    let status = s.status.label();
    use conversion::Measure::{Attended, Confirmed, Invited};
    let [inv, conf, att] = [Invited, Confirmed, Attended].map(conversion::Measure::name);
    let rows: [(&str, &str, String); 9] = [
        ("标题", "Title", s.title.clone()),
        (
            "日期",
            "Date",
            format!("{} {}", format_date(&s.date, lang), s.start_time),
        ),
        ("会场", "Venue", format!("{} {}", s.city, s.venue)),
        ("状态", "Status", lang.pick(status.0, status.1).to_owned()),
        ("容纳", "Capacity", s.capacity.to_string()),
        (
            "讲师",
            "Lecturer",
            s.lecturer_name.clone().unwrap_or_else(|| "—".into()),
        ),
        (inv.0, inv.1, s.invited.to_string()),
        (conf.0, conf.1, s.confirmed.to_string()),
        (att.0, att.1, s.attended.to_string()),
    ];
    for (zh, en, v) in rows {
        println!("{}{v}", pad(lang.pick(zh, en), 18));
    }
}

fn print_funnel(funnel: &Funnel, lang: Lang) {
    use conversion::Measure as M;
    let f = &funnel.counts;
    let pct = crate::conversion::percent;
    let rows = [
        (M::Invited, f.invited, None),
        (
            M::Confirmed,
            f.confirmed,
            Some((M::ConfirmRate, f.confirm_rate)),
        ),
        (M::Attended, f.attended, Some((M::ShowRate, f.show_rate))),
        (
            M::ClosedAtEvent,
            f.closed_at_event,
            Some((M::EventCloseRate, f.event_close_rate)),
        ),
        (
            M::ClosedInFollowup,
            f.closed_in_followup,
            Some((M::FollowupCloseRate, f.followup_close_rate)),
        ),
        (
            M::ClosedDeals,
            f.closed_deals,
            Some((M::DealRatio, f.deal_ratio)),
        ),
    ];
    for (m, n, rate) in rows {
        let r = rate.map_or(String::new(), |(m, r)| {
            format!("{} {}", m.in_text(lang), pct(r))
        });
        println!(
            "{}",
            format!("{}{}{r}", pad(m.label(lang), 22), pad(&n.to_string(), 6)).trim_end()
        );
    }
    println!(
        "{}{}",
        pad(M::SessionConversion.label(lang), 28),
        pct(f.session_conversion)
    );
    if funnel.credited_elsewhere > 0 {
        println!(
            "{}",
            match lang {
                Lang::Zh => format!(
                    "另有 {} 单成交归属于这些门店之后参加的会销。",
                    funnel.credited_elsewhere
                ),
                Lang::En => format!(
                    "{} more closed deals are credited to a later seminar these stores attended.",
                    funnel.credited_elsewhere
                ),
            }
        );
    }
}

/// The talk's stage timing: planned vs actual minutes per stage kind.
fn print_stage_timing(timing: &[conversion::StageTiming], lang: Lang) {
    if timing.is_empty() {
        return;
    }
    println!();
    println!(
        "{}",
        lang.pick("环节用时（分钟）", "Stage timing (minutes)")
    );
    println!(
        "  {:<12} {:>8} {:>8} {:>8}",
        lang.pick("环节", "stage"),
        lang.pick("计划", "planned"),
        lang.pick("实际", "actual"),
        lang.pick("差值", "diff")
    );
    let num = |x: Option<f64>| x.map_or("—".to_owned(), |m| format!("{m:.1}"));
    for k in timing {
        let (zh, en) = k.kind.label();
        println!(
            "  {:<12} {:>8} {:>8} {:>8}",
            lang.pick(zh, en),
            k.planned_minutes,
            num(k.actual_minutes),
            k.difference_minutes
                .map_or("—".to_owned(), |m| format!("{m:+.1}"))
        );
    }
}

fn print_groups(title: &str, groups: &[Group], lang: Lang, name: impl Fn(&Group) -> String) {
    let pct = crate::conversion::percent;
    println!();
    println!("{title}");
    println!(
        "  {}{}{}{}{}",
        pad("", 14),
        pad(conversion::Measure::Invited.short_label(lang), 7),
        pad(conversion::Measure::Attended.short_label(lang), 7),
        pad(conversion::Measure::SessionConversion.short_label(lang), 10),
        conversion::Measure::DealRatio.short_label(lang)
    );
    for g in groups {
        let c = &g.counts;
        println!(
            "  {}{}{}{}{}",
            pad(&name(g), 14),
            pad(&c.invited.to_string(), 7),
            pad(&c.attended.to_string(), 7),
            pad(&pct(c.session_conversion), 10),
            pct(c.deal_ratio)
        );
    }
}

fn print_territory(t: &conversion::Territory, lang: Lang) {
    let pct = crate::conversion::percent;
    let line = |name: &str, r: &conversion::TerritoryRates| {
        println!(
            "  {}{}{}{}{}{}",
            pad(name, 14),
            pad(&r.stores.to_string(), 7),
            pad(&pct(r.coverage), 9),
            pad(&pct(r.territory_conversion), 9),
            pad(&pct(r.repurchase), 9),
            pct(r.penetration)
        );
    };
    let head = || {
        println!(
            "  {}{}{}{}{}{}",
            pad("", 14),
            pad(lang.pick("门店", "Stores"), 7),
            pad(lang.pick("覆盖率", "Cover."), 9),
            pad(lang.pick("转换率", "Conv."), 9),
            pad(lang.pick("复购率", "Repur."), 9),
            lang.pick("渗透率", "Penetr.")
        )
    };
    println!("{}", t.city);
    head();
    line(lang.pick("全部", "All"), &t.rates);
    for (title, groups) in [
        (lang.pick("按区县", "By district"), &t.by_district),
        (lang.pick("按邀约员", "By inviter"), &t.by_inviter),
    ] {
        println!();
        println!("{title}");
        head();
        for g in groups {
            line(&g.label, &g.rates);
        }
    }
}

fn import_stores(
    app: &App,
    file: &std::path::Path,
    dry_run: bool,
    skip_invalid: bool,
    json: bool,
    lang: Lang,
) -> Result<()> {
    use crate::import;
    let size = std::fs::metadata(file)?.len();
    if size > import::read::MAX_BYTES as u64 {
        return Err(import::read::too_large(size).into());
    }
    let bytes = std::fs::read(file)?;
    let req = import::ImportRequest {
        file: import::ImportFile {
            file_name: file.display().to_string(),
            data_base64: String::new(),
            mapping: None,
            header_row: None,
        },
        skip_invalid,
        dry_run,
    };
    let report = import::import_bytes(app, &bytes, &req)?;
    let pick = |e: &import::RowError| lang.pick(&e.zh, &e.en).to_owned();
    if json {
        let errors: Vec<_> = report
            .errors
            .iter()
            .map(|e| json!({"row": e.row, "column": e.column, "message": pick(e)}))
            .collect();
        let out = json!({
            "rows": report.rows,
            "imported": report.imported,
            "merged": report.merged,
            "errors": errors,
        });
        println!("{}", serde_json::to_string_pretty(&out).expect("json"));
    } else {
        println!(
            "{}",
            match lang {
                Lang::Zh => format!(
                    "共 {} 行：{} 家新门店，{} 行合并到已有门店，{} 个错误。",
                    report.rows,
                    report.imported,
                    report.merged,
                    report.errors.len()
                ),
                Lang::En => format!(
                    "{} rows: {} new stores, {} merged into existing stores, {} errors.",
                    report.rows,
                    report.imported,
                    report.merged,
                    report.errors.len()
                ),
            }
        );
        for e in report.errors.iter().take(50) {
            let col = if e.column.is_empty() {
                e.letter.clone()
            } else {
                format!("{} {}", e.letter, e.column)
            };
            println!("  {} {}, {col}: {}", lang.pick("第", "row"), e.row, pick(e));
        }
    }
    if let Some(csv) = &report.skipped_csv {
        let out = file.with_extension("skipped.csv");
        std::fs::write(&out, csv)?;
        eprintln!(
            "{}{}",
            lang.pick(
                "有错误的行已跳过，写入了：",
                "Rows with errors were skipped and written to: "
            ),
            out.display()
        );
    }
    if !report.written && !report.errors.is_empty() && !dry_run {
        let n = report.errors.len();
        return Err(crate::error::invalid(
            "file",
            format!("有 {n} 个错误，没有导入任何门店（全部导入或全部不导入）。改正后重试，或用 --skip-invalid 只导入正确的行。"),
            format!("{n} errors: no store was imported (all or nothing). Fix them and try again, or use --skip-invalid to import the valid rows only."),
        )
        .into());
    }
    if dry_run {
        eprintln!(
            "{}",
            lang.pick(
                "试运行：没有写入任何数据。",
                "Dry run: nothing was written."
            )
        );
    }
    Ok(())
}

fn tickets(app: &App, command: TicketsCommand, lang: Lang) -> Result<()> {
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
                let bytes = ticket::seminar_pdf_bytes(&app.db.conn(), seminar)?;
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
