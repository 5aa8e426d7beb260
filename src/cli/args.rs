//! The command line's words: commands, their arguments and flags.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

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
        /// Instead of the demo, a generated organisation for the score's backtest (1,200 stores,
        /// six past seminars): `signal` (a hidden propensity drives coming and buying) or `none`
        /// (coming and buying are coin flips)
        #[arg(long, value_name = "KIND", value_parser = ["signal", "none"])]
        synthetic: Option<String>,
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
        #[arg(required_unless_present = "bowtie")]
        #[arg(required_unless_present = "backtest")]
        seminar: Option<i64>,
        /// The four territory rates of a city: coverage, conversion, repurchase, penetration
        #[arg(long, value_name = "CITY")]
        territory: Option<String>,
        /// One laptop's (team's) territory: the stores its seminars invited (head office)
        #[arg(long, value_name = "NAME", requires = "territory")]
        laptop: Option<String>,
        #[arg(long)]
        json: bool,
        /// Write the seminar's session report as a PDF
        #[arg(long, value_name = "FILE.pdf", requires = "seminar")]
        pdf: Option<PathBuf>,
        /// The bow-tie: stores per stage (invited … advocate), conversion and median days between stages
        #[arg(long, conflicts_with_all = ["seminar", "territory"])]
        bowtie: bool,
        /// The bow-tie of one city
        #[arg(long, value_name = "CITY", requires = "bowtie")]
        city: Option<String>,
        /// Is the score any good: past seminars' invited stores scored on the day they were
        /// invited, against who came and who bought (AUC, top fifth against bottom fifth)
        #[arg(long, conflicts_with_all = ["seminar", "territory", "bowtie"])]
        backtest: bool,
    },
    /// Export to Excel (in the language of --lang): a seminar, or one of the lists the app shows
    ///
    /// `--seminar ID`: the seminar's funnel with every breakdown, invitations, check-ins, deals and
    /// follow-ups. `--list`: stores (filtered with --city and --search), staff, seminars, dashboard
    /// (seminars compared, medians, by layout and lecturer; --city and --laptop as the dashboard's
    /// filters), territory (needs --city; --laptop), commissions,
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
        /// The city (stores, territory, dashboard: the seminars of that city)
        #[arg(long, value_name = "CITY")]
        city: Option<String>,
        /// The laptop (team) whose seminars count, as head office's dashboard filters them
        /// (dashboard, territory)
        #[arg(long, value_name = "NAME")]
        laptop: Option<String>,
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
    /// Invite stores to a seminar: one store (`--store`, the money-holder by default), or a list
    /// built from a segment or a filter (`--segment` / `--filter`), the N highest scores kept
    ///
    /// Filter fields (JSON): city, district, industry, level, score_min, score_max, stage,
    /// last_attended_before, never_invited, referred_by. A list prints {matched, excluded,
    /// invited, per_inviter, expected_turnout}; with --dry-run nothing is written.
    Invite {
        #[arg(long, value_name = "ID")]
        seminar: i64,
        /// One store to invite
        #[arg(long, value_name = "ID", conflicts_with_all = ["segment", "filter", "limit", "dry_run"])]
        store: Option<i64>,
        /// Who comes from the store (repeat for several; default: the one who holds the money)
        #[arg(long = "contact", value_name = "ID", requires = "store")]
        contacts: Vec<i64>,
        /// The inviter (a list: all of it goes to this inviter; default: spread over every inviter)
        #[arg(long, value_name = "ID")]
        inviter: Option<i64>,
        /// A saved segment's name
        #[arg(long, value_name = "NAME", conflicts_with = "filter")]
        segment: Option<String>,
        /// A filter as JSON, e.g. '{"city": "长沙", "level": "A"}'
        #[arg(long, value_name = "JSON")]
        filter: Option<String>,
        /// Keep the N highest scores
        #[arg(long, value_name = "N")]
        limit: Option<i64>,
        /// Show what would be invited, write nothing
        #[arg(long)]
        dry_run: bool,
        #[arg(long)]
        json: bool,
    },
    /// A store's lead score with its reasons; or compute every score again (--recompute)
    Scores {
        #[arg(long, value_name = "ID", required_unless_present = "recompute")]
        store: Option<i64>,
        /// Compute every store's score again from the facts; prints {stores, millis}
        #[arg(long, conflicts_with = "store")]
        recompute: bool,
        /// Print {score, fit, engagement, reasons: [{points, why, at}]}
        #[arg(long)]
        json: bool,
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
    /// Backups: back up now (beside the database or to a folder), list them, restore one
    Backup {
        #[command(subcommand)]
        command: BackupCommand,
    },
    /// Head office (总部): prepare the organisation's PostgreSQL database and register its laptops
    Hq {
        #[command(subcommand)]
        command: HqCommand,
    },
    /// Head-office sync (总部同步): join with the link head office gave, then send this laptop's
    /// changes and receive the organisation's until nothing is waiting
    Sync {
        #[command(subcommand)]
        command: Option<SyncCommand>,
        /// The join link from `huixiao hq laptop add` (first use; kept beside the database, readable by you only)
        #[arg(long, value_name = "JOIN_URL")]
        join: Option<String>,
        /// Print {pushed, pulled, conflicts, pending}
        #[arg(long)]
        json: bool,
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
    /// Referring partners (介绍人): stores sent, commission earned, paid and owed; a payout; a
    /// partner's statement (PDF or xlsx, in --lang)
    Partners {
        #[command(subcommand)]
        command: Option<PartnersCommand>,
        #[arg(long)]
        json: bool,
    },
    /// Developer tools
    #[command(hide = true)]
    Dev {
        #[command(subcommand)]
        command: DevCommand,
    },
}

#[derive(Subcommand, Debug)]
pub enum BackupCommand {
    /// Back up the database now (checked with PRAGMA integrity_check once written)
    Now {
        /// Write the backup into this folder (a USB stick) instead of the backups folder
        #[arg(long, value_name = "DIR")]
        to: Option<PathBuf>,
        /// Print {path, bytes, checked}
        #[arg(long)]
        json: bool,
    },
    /// List every backup of the database, newest first
    List {
        /// Print [{path, at, bytes, reason, seminars, stores}]
        #[arg(long)]
        json: bool,
    },
    /// Restore a backup (or a Huixiao database from another computer); the current data is backed up first
    Restore {
        /// The backup file
        #[arg(long, value_name = "BACKUP")]
        from: PathBuf,
        /// Print {from, seminars, stores, before_restore: {path, bytes, checked}}
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum SyncCommand {
    /// Where this laptop stands: joined, last sync, changes waiting, conflicts
    Status {
        /// Print {joined, last_sync_at, pending, conflicts, …}
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum HqCommand {
    /// Prepare an empty PostgreSQL database as the organisation's (again: nothing changes)
    Init {
        /// The database's address, as a superuser or its owner: postgresql://USER:SECRET@HOST:PORT/DB?sslmode=require
        #[arg(long, value_name = "URL")]
        pg: String,
        /// Print {organisation, schema_version, created}
        #[arg(long)]
        json: bool,
    },
    /// The organisation's laptops
    Laptop {
        #[command(subcommand)]
        command: LaptopCommand,
    },
    /// Sign-ins for the organisation's BI tool: the plain views of schema org, phones masked
    Bi {
        #[command(subcommand)]
        command: BiCommand,
    },
    /// Every seminar head office holds, with the laptop that owns it (to find one to hand over)
    Seminars {
        #[arg(long, value_name = "URL")]
        pg: String,
        /// Print [{gid, title, date, city, laptop}]
        #[arg(long)]
        json: bool,
    },
    /// Give a seminar and everything under it to another laptop (a replacement for a lost one)
    Handover {
        #[arg(long, value_name = "URL")]
        pg: String,
        /// The seminar's organisation-wide id (see `huixiao hq seminars`)
        #[arg(long, value_name = "GID")]
        seminar: String,
        /// The laptop's name
        #[arg(long, value_name = "NAME")]
        to: String,
        /// Print {seminar, title, from, to, rows}
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum BiCommand {
    /// A new read-only sign-in (prints the address to give the BI tool; it holds a secret)
    Add {
        #[arg(long, value_name = "URL")]
        pg: String,
        /// Print {role, url}
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum LaptopCommand {
    /// Register a laptop: its own PostgreSQL role and secret, given as a join link
    Add {
        #[arg(long, value_name = "URL")]
        pg: String,
        /// A name unique in the organisation, e.g. 长沙1号
        #[arg(long)]
        name: String,
        /// The cities it serves, comma-separated (it pulls their stores)
        #[arg(long, value_delimiter = ',')]
        cities: Vec<String>,
        /// A head-office laptop: edits staff, products and templates, and pulls everything
        #[arg(long)]
        hq: bool,
        /// Also write the join link as a QR code to scan in 设置 → 总部同步 (FILE.svg: SVG, else
        /// PNG; readable by you only — it holds the secret)
        #[arg(long, value_name = "FILE")]
        qr: Option<std::path::PathBuf>,
        /// Print {name, join_url} (and qr, the file written)
        #[arg(long)]
        json: bool,
    },
    /// Revoke a laptop: it cannot sign in from now on
    Revoke {
        #[arg(long, value_name = "URL")]
        pg: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        json: bool,
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
        /// Print {rows, imported, merged, conflicts, errors} as JSON
        #[arg(long)]
        json: bool,
        /// A row whose phone another store already has, under another store name, is a conflict:
        /// skip (default: not imported, listed and written to FILE.skipped.csv), apart (two
        /// stores, the person belongs to both) or merge (the row joins the other store)
        #[arg(long, value_name = "WHAT", default_value = "skip", value_parser = ["skip", "apart", "merge"])]
        on_conflict: String,
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

#[derive(Subcommand, Debug)]
pub enum PartnersCommand {
    /// One partner: the stores sent with their stages, the payouts
    Show {
        #[arg(long, value_name = "ID")]
        partner: i64,
        #[arg(long)]
        json: bool,
    },
    /// Record a payout to a partner
    Pay {
        #[arg(long, value_name = "ID")]
        partner: i64,
        /// The amount in fen (¥100.00 is 10000)
        #[arg(long, value_name = "FEN")]
        amount_fen: i64,
        /// The day it was paid, YYYY-MM-DD (default: today)
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<String>,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// Write a partner's one-page statement: store names, stages, commissions (never a phone)
    Statement {
        #[arg(long, value_name = "ID")]
        partner: i64,
        /// FILE.pdf or FILE.xlsx (the format follows the extension)
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}
