//! The list of operations: the one place that says what the API offers, where, and to whom.

use super::Access::{self, Admin, Public, Stations};
use super::Method::{Get, Post, Put};
use super::Op;
use crate::input::Empty;
use crate::station::StationRole::{Assistant, Checkin, Inviter, Lecturer};
use crate::{
    arrivals, backup, cadence, checkin, checklist, contact, conversion, deal, demo, export,
    followup, import, invitation, lan, product, referral, report, script, seating, seminar,
    settings, staff, stagelog, station, store, support, ticket,
};

/// The organizer and the door's check-in stations.
const DOOR: Access = Stations(&[Checkin]);
/// The organizer and assistants' stations.
const TABLES: Access = Stations(&[Assistant]);
/// The organizer and inviters' stations.
const INVITERS: Access = Stations(&[Inviter]);
/// The organizer and the stations of those who follow up (assistants and inviters).
const FOLLOWERS: Access = Stations(&[Assistant, Inviter]);
/// The organizer and the lecturer's remote.
const LECTURER: Access = Stations(&[Lecturer]);
/// The organizer and every station.
const ANY_STATION: Access = Stations(&crate::station::StationRole::ALL);

#[rustfmt::skip]
pub(super) fn all() -> Vec<Op> {
    vec![
        Op::new("health", Get, "/api/health", Public, "Is the server up (no token needed)", health),
        Op::new("settings.get", Get, "/api/settings", Admin, "Organisation settings", |app, _: Empty| settings::get(app)),
        Op::new("settings.update", Put, "/api/settings", Admin, "Change organisation settings", settings::update),
        Op::new("support.about", Get, "/api/support/about", Admin, "The version, and the folders of the data and the logs", support::about),
        Op::new("support.logs", Get, "/api/support/logs", Admin, "The last 14 days of logs as a zip, phone numbers hidden", support::logs),
        Op::new("staff.list", Get, "/api/staff", Admin, "All staff", |app, _: Empty| staff::list(app)),
        Op::new("staff.create", Post, "/api/staff", Admin, "Add a staff member", staff::create),
        Op::new("staff.update", Put, "/api/staff/{id}", Admin, "Edit a staff member", staff::update),
        Op::new("stores.list", Get, "/api/stores", Admin, "Stores, searched and paged", store::list),
        Op::new("stores.cities", Get, "/api/stores/cities", Admin, "The cities that have stores", |app, _: Empty| store::cities(app)),
        Op::new("stores.get", Get, "/api/stores/{id}", Admin, "A store with its contacts", store::get),
        Op::new("stores.create", Post, "/api/stores", Admin, "Add a store", store::create),
        Op::new("stores.update", Put, "/api/stores/{id}", Admin, "Edit a store", store::update),
        Op::new("imports.preview", Post, "/api/imports/stores/preview", Admin, "Check a store list (xlsx, xls, csv) and show what importing it would do", import::preview),
        Op::new("imports.stores", Post, "/api/imports/stores", Admin, "Import a store list: all rows, or the valid ones only", import::import),
        Op::new("contacts.create", Post, "/api/stores/{store_id}/contacts", Admin, "Add a contact to a store", contact::create),
        Op::new("contacts.update", Put, "/api/contacts/{id}", Admin, "Edit a contact", contact::update),
        Op::new("contacts.erase", Post, "/api/contacts/{id}/erase", Admin, "Erase a contact's personal data on request", contact::erase),
        Op::new("seminars.list", Get, "/api/seminars", Admin, "All seminars, newest first", |app, _: Empty| seminar::list(app)),
        Op::new("seminars.get", Get, "/api/seminars/{id}", Admin, "One seminar", seminar::get),
        Op::new("seminars.create", Post, "/api/seminars", Admin, "Create a seminar (not in the past)", seminar::create),
        Op::new("seminars.update", Put, "/api/seminars/{id}", Admin, "Edit a seminar", seminar::update),
        Op::new("seminars.funnel", Get, "/api/seminars/{id}/funnel", Admin, "A seminar's funnel and conversion rates", conversion::funnel),
        Op::new("seminars.report", Get, "/api/seminars/{id}/report", Admin, "A seminar's funnel with breakdowns by inviter, invitee role and city", conversion::report),
        Op::with_caller("seminars.report_pdf", Get, "/api/seminars/{id}/report/pdf", Admin, "The session report as PDF (base64), in the caller's language", report::pdf_op),
        Op::with_caller("seminars.compare", Get, "/api/reports/seminars", Admin, "Every seminar side by side, medians, where each lost most, by layout and lecturer", conversion::compare),
        Op::new("territory.report", Get, "/api/reports/territory", Admin, "Coverage, conversion, repurchase and penetration of a city, per district and inviter", conversion::territory),
        Op::new("seminars.set_status", Post, "/api/seminars/{id}/status", Admin, "Move a seminar along its life cycle", seminar::set_status),
        Op::new("invitations.list", Get, "/api/seminars/{seminar_id}/invitations", Admin, "A seminar's invitations, by status, inviter, or a name or the phone's last 4 digits; who arrived and the live tickets", invitation::list),
        Op::new("invitations.create", Post, "/api/seminars/{seminar_id}/invitations", Admin, "Invite a store, naming who comes; refused when head office, asked briefly, says another laptop holds the store for an overlapping seminar", |app, input: invitation::InvitationInput| {
            let held = crate::hq::holders::ask(app, input.seminar_id, Some(&[input.store_id]));
            invitation::create(app, input, &held)
        }),
        Op::with_caller("invitations.create_many", Post, "/api/seminars/{seminar_id}/invitations/batch", Admin, "Invite many stores at once (the money-holder comes); stores already invited, without contacts, or held by another laptop for an overlapping seminar are skipped (who holds it said in the caller's language)", |app, caller, input: invitation::InvitationBatch| {
            let held = crate::hq::holders::ask(app, input.seminar_id, Some(&input.store_ids));
            invitation::create_many(app, input, &held, caller.lang)
        }),
        Op::new("invitations.update", Put, "/api/invitations/{id}", Admin, "Change who comes, the inviter and the note (tickets follow on a confirmed invitation)", invitation::update),
        Op::new("invitations.set_status", Post, "/api/invitations/{id}/status", Admin, "Confirm, decline, cancel or re-invite an invitation", invitation::set_status),
        Op::new("invitations.undo_batch", Post, "/api/invitations/undo-batch", Admin, "Take back a batch of invitations (the builder's, or a selection of the store list) that nothing has happened to yet; the others stay, each with why", invitation::undo_batch),
        Op::new("invitations.bulk_status", Post, "/api/seminars/{seminar_id}/invitations/status", Admin, "One status for several invitations, all or nothing", invitation::bulk_status),
        // Whom to invite (issue 13): lead scores, the invitation-list builder, segments.
        Op::with_caller("scores.get", Get, "/api/stores/{id}/score", Admin, "A store's lead score with every reason (fit, and behaviour faded by its age), in the caller's language", crate::score::get),
        Op::new("scores.weights", Get, "/api/scores/weights", Admin, "The lead score's weights and half-life (the organisation's settings)", crate::score::weights),
        Op::new("scores.default_weights", Get, "/api/scores/weights/defaults", Admin, "The lead score's default weights and half-life (what 恢复默认 fills in)", crate::score::default_weights),
        Op::new("scores.set_weights", Put, "/api/scores/weights", Admin, "Change the lead score's weights and half-life; every store is re-scored at once", crate::score::set_weights),
        Op::new("scores.backtest", Get, "/api/reports/backtest", Admin, "Is the score any good: every past seminar's invited stores scored on the day they were invited, against who came and who bought (AUC, top fifth against bottom fifth)", crate::score::backtest::backtest),
        Op::new("scores.recompute", Post, "/api/scores/recompute", Admin, "Compute every store's score again from the facts", crate::score::recompute),
        Op::with_caller("invite_list.preview", Post, "/api/seminars/{seminar_id}/invite-list/preview", Admin, "The invitation list for a filter or segment: matched, excluded by reason, the N highest scores spread over the inviters, expected turnout; nothing written", |app, caller, input: crate::invite_list::InviteListInput| {
            let held = crate::hq::holders::ask(app, input.seminar_id, None);
            crate::invite_list::preview(app, caller, input, &held)
        }),
        Op::with_caller("invite_list.create", Post, "/api/seminars/{seminar_id}/invite-list", Admin, "Invite every store of the list in one step, all or nothing", |app, caller, input: crate::invite_list::InviteListInput| {
            let held = crate::hq::holders::ask(app, input.seminar_id, None);
            crate::invite_list::create(app, caller, input, &held)
        }),
        Op::new("bowtie.store", Get, "/api/stores/{id}/bowtie", Admin, "A store's stage on the bow-tie (invited … advocate) with the day it reached each", crate::conversion::store_stage_of),
        Op::new("bowtie.report", Get, "/api/reports/bowtie", Admin, "The organisation's bow-tie (of a city): stores per stage, conversion and median days between stages", crate::conversion::bowtie),
        Op::new("segments.list", Get, "/api/segments", Admin, "Saved segments with the number of stores each holds", crate::segment::list),
        Op::new("segments.create", Post, "/api/segments", Admin, "Save a filter of stores as a named segment", crate::segment::create),
        Op::new("segments.update", Put, "/api/segments/{id}", Admin, "Rename a segment or change its filter", crate::segment::update),
        Op::new("segments.delete", Post, "/api/segments/{id}/delete", Admin, "Remove a segment (its stores stay)", crate::segment::delete),
        Op::new("invitations.progress", Get, "/api/seminars/{seminar_id}/invitations/progress", Admin, "Invitation progress per inviter against capacity", cadence::progress),
        Op::new("cadence.get", Get, "/api/seminars/{seminar_id}/cadence", Admin, "A seminar's invitation cadence with the date of each step", cadence::get),
        Op::new("cadence.set", Put, "/api/seminars/{seminar_id}/cadence", Admin, "Edit a seminar's cadence (optionally saved as a template)", cadence::set),
        Op::new("cadence.templates", Get, "/api/cadence-templates", Admin, "Saved cadence templates, the default first", |app, _: Empty| cadence::templates(app)),
        Op::with_caller("touches.today", Get, "/api/touches/today", INVITERS, "Today's due and overdue touches, messages filled in, the whole list unless `limit`/`offset` ask for part of it (an inviter's station: its own, phones masked)", cadence::today_for),
        Op::with_caller("touches.today_page", Get, "/api/touches/today/page", INVITERS, "A page of today's touches (50 unless `limit` says, from `offset`) with the whole list's total, overdue count and whether more follow", cadence::today_page_for),
        Op::with_caller("touches.record", Post, "/api/touches/{id}/outcome", INVITERS, "Record a touch's outcome (confirming issues tickets)", cadence::record_for),
        Op::new("tables.list", Get, "/api/seminars/{seminar_id}/tables", Admin, "A seminar's tables", seating::list),
        Op::new("tables.create", Post, "/api/seminars/{seminar_id}/tables", Admin, "Add a table", seating::create),
        Op::new("tables.update", Put, "/api/tables/{id}", Admin, "Edit a table (number, seats, position, assistant)", seating::update),
        Op::new("tables.add_grid", Post, "/api/seminars/{seminar_id}/tables/grid", Admin, "Add round tables on the room's grid", seating::add_grid),
        Op::new("tables.delete", Post, "/api/tables/{id}/delete", Admin, "Remove an empty table", seating::delete),
        Op::new("seating.get", Get, "/api/seminars/{seminar_id}/seating", Admin, "A seminar's seating plan: tables, guests on seats, rules, score", seating::get_plan),
        Op::new("seating.settings", Put, "/api/seminars/{seminar_id}/seating/settings", Admin, "Stage position and assistant rules of the seating plan", seating::update_settings),
        Op::new("seating.rules", Put, "/api/seminars/{seminar_id}/seating/rules", Admin, "Replace the grouping rules (soft or hard)", seating::update_rules),
        Op::new("seating.auto", Post, "/api/seminars/{seminar_id}/seating/auto", Admin, "Automatic seating (keeps locked seats, never breaks a hard rule)", seating::auto),
        Op::new("seating.move", Post, "/api/seminars/{seminar_id}/seating/move", Admin, "Move a guest to a seat (swap on an occupied seat)", seating::move_guest),
        Op::new("seating.lock", Post, "/api/seminars/{seminar_id}/seating/lock", Admin, "Lock or unlock a guest's seat", seating::lock),
        Op::new("seating.close_doors", Post, "/api/seminars/{seminar_id}/seating/close-doors", Admin, "Close the doors of a live seminar (no more arrivals)", seating::close_doors),
        Op::new("seating.reseat", Post, "/api/seminars/{seminar_id}/seating/reseat", Admin, "Propose compacting half-empty tables after no-shows", seating::propose_reseat),
        Op::new("seating.reseat_decide", Post, "/api/reseat/{id}/decide", Admin, "Accept or reject a re-seating proposal", seating::decide_reseat),
        Op::with_caller("seating.pdf", Get, "/api/seminars/{seminar_id}/seating/pdf", Admin, "A seating printout as PDF (base64)", seating::print::pdf_op),
        Op::new("products.list", Get, "/api/products", TABLES, "Products and their price tiers", |app, _: Empty| product::list(app)),
        Op::new("products.create", Post, "/api/products", Admin, "Add a product with one to three price tiers", product::create),
        Op::new("products.update", Put, "/api/products/{id}", Admin, "Edit a product and its tiers (tiers keep their ids; past deals keep their amounts; a tier with deals stays)", product::update),
        Op::new("tickets.list", Get, "/api/seminars/{seminar_id}/tickets", Admin, "A seminar's ticket codes with their guests", ticket::list),
        Op::new("tickets.verify", Get, "/api/tickets/{code}", Admin, "Check a ticket code", ticket::check),
        Op::new("tickets.qr", Get, "/api/tickets/{code}/qr", INVITERS, "A ticket's QR code as a PNG image (base64)", ticket::qr_image),
        Op::with_caller("tickets.pdf", Get, "/api/tickets/{code}/pdf", Admin, "A ticket as a printable PDF (base64)", ticket::ticket_pdf),
        Op::with_caller("tickets.seminar_pdf", Get, "/api/seminars/{seminar_id}/tickets/pdf", Admin, "All tickets of a seminar as one PDF (base64)", ticket::seminar_pdf),
        Op::new("checkins.list", Get, "/api/seminars/{seminar_id}/checkins", Admin, "A seminar's check-ins", checkin::list),
        Op::with_caller("checkins.scan", Post, "/api/seminars/{seminar_id}/checkins/scan", DOOR, "Check in a scanned, typed or searched ticket: checked_in, already_checked_in, wrong_seminar, cancelled or invalid", checkin::scan),
        Op::with_caller("checkins.sync", Post, "/api/seminars/{seminar_id}/checkins/sync", DOOR, "An offline station's queued scans, each counted once by its nonce", checkin::sync),
        Op::with_caller("checkins.walk_in", Post, "/api/seminars/{seminar_id}/walk-ins", DOOR, "Register a guest without a ticket, seat them at the best free seat and check them in", checkin::walk_in),
        Op::with_caller("checkins.undo", Post, "/api/checkins/{id}/undo", DOOR, "Undo a check-in", checkin::undo),
        Op::with_caller("checkins.companions", Put, "/api/checkins/{id}/companions", DOOR, "How many came with a checked-in guest", checkin::set_companions),
        Op::with_caller("checkins.roster", Get, "/api/seminars/{seminar_id}/roster", DOOR, "Every expected guest, for an offline station (codes as SHA-256, phones as last 4 digits)", checkin::roster),
        Op::with_caller("checkins.search", Get, "/api/seminars/{seminar_id}/guests/search", DOOR, "Find guests by name, store or the phone's last 4 digits", checkin::search),
        Op::with_caller("arrivals.board", Get, "/api/seminars/{seminar_id}/arrivals", DOOR, "Arrived against expected, per table and inviter, late, over time, the latest names", arrivals::board),
        Op::with_caller("arrivals.tables", Get, "/api/seminars/{seminar_id}/assistant-tables", TABLES, "An assistant's tables with their guests and who has arrived", arrivals::assistant_tables),
        Op::with_host("lan.status", Get, "/api/lan", Admin, "Whether LAN stations are on, and their addresses", lan::status_op),
        Op::with_host("lan.start", Post, "/api/lan/start", Admin, "Turn LAN stations on (HTTPS on every LAN address)", lan::start_op),
        Op::with_host("lan.stop", Post, "/api/lan/stop", Admin, "Turn LAN stations off", lan::stop_op),
        Op::new("stations.list", Get, "/api/seminars/{seminar_id}/stations", Admin, "A seminar's stations: who, which role, status, last seen", station::list),
        Op::with_host("stations.create", Post, "/api/seminars/{seminar_id}/stations", Admin, "Create a station for one staff member in one role, with a one-time pairing QR", lan::create_station),
        Op::new("stations.pair", Post, "/api/stations/pair", Public, "A device redeems a one-time pairing code for its station token (the code is the credential)", station::pair),
        Op::new("stations.revoke", Post, "/api/stations/{id}/revoke", Admin, "Stop a station at once", station::revoke),
        Op::new("stations.renew", Post, "/api/stations/{id}/renew", Admin, "Keep a station working one more day", station::renew),
        Op::with_caller("stations.me", Get, "/api/station", ANY_STATION, "The calling station: who, which role, which seminar", station::me),
        Op::with_caller("deals.list", Get, "/api/seminars/{seminar_id}/deals", TABLES, "A seminar's deals", deal::list),
        Op::with_caller("deals.create", Post, "/api/deals", TABLES, "Record a deal (the limited tier's quota is enforced as the seminar says)", deal::create),
        Op::with_caller("deals.update", Put, "/api/deals/{id}", Admin, "Correct a deal (kept in its audit trail)", deal::update),
        Op::with_caller("deals.cancel", Post, "/api/deals/{id}/cancel", Admin, "Cancel a deal, with the reason", deal::cancel),
        Op::with_caller("deals.refund", Post, "/api/deals/{id}/refund", Admin, "Mark a deal refunded, with the reason", deal::refund),
        Op::new("deals.history", Get, "/api/deals/{id}/history", Admin, "A deal's audit trail: who, when, old → new", deal::history),
        Op::with_caller("followups.today", Get, "/api/followups/today", FOLLOWERS, "Open follow-ups due today or overdue, for one staff member or all (a station: its own)", followup::today_for),
        Op::with_caller("followups.record", Post, "/api/followups/{id}/outcome", FOLLOWERS, "Record a follow-up's outcome (closed or deposit with its deal, thinking with the next date, lost with the reason)", followup::record_for),
        Op::new("followups.list", Get, "/api/seminars/{seminar_id}/followups", Admin, "A seminar's follow-ups", followup::list),
        Op::new("followups.search", Get, "/api/followups", Admin, "Follow-ups by seminar, owner, due dates, open only; by due date", followup::search),
        Op::new("referrals.commissions", Get, "/api/reports/commissions", Admin, "Per referring partner: referred stores, their closed deals, the commission owed", referral::commissions),
        Op::new("partners.list", Get, "/api/partners", Admin, "Referring partners (介绍人) with stores sent, commission earned, paid and owed, the most owed first", crate::partner::list),
        Op::new("partners.get", Get, "/api/partners/{id}", Admin, "One partner: the stores sent with each one's bow-tie stage and date, commissions, the payout ledger", crate::partner::get),
        Op::new("partners.record_payout", Post, "/api/partners/{partner_id}/payouts", Admin, "Record a payout to a partner (more than zero, not dated after today)", crate::partner::record_payout),
        Op::new("partners.delete_payout", Post, "/api/payouts/{id}/delete", Admin, "Remove a payout recorded by mistake", crate::partner::delete_payout),
        Op::with_caller("partners.statement_pdf", Get, "/api/partners/{id}/statement/pdf", Admin, "A partner's one-page statement as PDF (base64), in the caller's language: store names, stages, commissions; never a phone", crate::partner::statement::pdf_op),
        Op::with_caller("partners.statement_xlsx", Get, "/api/partners/{id}/statement/xlsx", Admin, "A partner's statement as an Excel workbook (base64), in the caller's language", crate::partner::statement::xlsx_op),
        Op::with_caller("exports.xlsx", Get, "/api/exports/xlsx", Admin, "A list as an Excel workbook (base64, headers in the caller's language): a seminar, the stores, staff, seminars, the dashboard, a city's territory, commissions, today's follow-ups", export::xlsx),
        // The talk (issue 6): script, prompter, stage log, ticker, set-up checklist.
        Op::new("script.get", Get, "/api/seminars/{seminar_id}/script", LECTURER, "A seminar's talk script (the default template until it has its own), with its cue schedule", script::get),
        Op::new("script.save", Put, "/api/seminars/{seminar_id}/script", Admin, "Save a seminar's script and price plan (optionally as a template)", script::save),
        Op::new("script.copy_template", Post, "/api/seminars/{seminar_id}/script/copy", Admin, "Give a seminar a fresh copy of a script template", script::copy_template),
        Op::new("script.templates", Get, "/api/script-templates", Admin, "Script templates, the built-in default first", |app, _: Empty| script::templates(app)),
        Op::with_caller("script.pdf", Get, "/api/seminars/{seminar_id}/script/pdf", Admin, "The printable script as PDF (base64)", script::print::pdf_op),
        Op::new("script.audio", Get, "/api/seminars/{seminar_id}/script/audio", Admin, "An audio file a music cue of the script names (base64)", script::cue::audio),
        Op::new("talk.state", Get, "/api/seminars/{seminar_id}/talk", LECTURER, "The stage log: which stage runs, when each started and ended", stagelog::state),
        Op::new("talk.goto", Post, "/api/seminars/{seminar_id}/talk/goto", LECTURER, "The prompter reached a stage or marker: log it, push stage changes and start-closing cues", stagelog::goto),
        Op::new("talk.undo", Post, "/api/seminars/{seminar_id}/talk/undo", LECTURER, "Undo the last stage step recorded by mistake (a stage started, or the talk's end): the report and Excel no longer show it", stagelog::undo),
        Op::new("talk.end", Post, "/api/seminars/{seminar_id}/talk/end", LECTURER, "End the talk (the running stage ends): the prompter or the lecturer's remote", stagelog::end),
        Op::new("talk.timing", Get, "/api/seminars/{seminar_id}/talk/timing", Admin, "Planned vs actual time per stage kind", stagelog::timing),
        Op::new("talk.ticker", Get, "/api/seminars/{seminar_id}/talk/ticker", LECTURER, "Live sales: deals per price tier and limited places left", script::price::ticker),
        Op::new("talk.readiness", Get, "/api/seminars/{seminar_id}/readiness", Admin, "Is the venue ready: checklist ticks, audio files found, script and price plan", checklist::readiness),
        Op::new("checklist.get", Get, "/api/seminars/{seminar_id}/checklist", Admin, "A seminar's set-up checklist with its readiness", checklist::get),
        Op::new("checklist.save", Put, "/api/seminars/{seminar_id}/checklist", Admin, "Edit a seminar's checklist items (optionally saved as a template)", checklist::save),
        Op::new("checklist.copy_template", Post, "/api/seminars/{seminar_id}/checklist/copy", Admin, "Replace a seminar's checklist with a template's items", checklist::copy_template),
        Op::new("checklist.templates", Get, "/api/checklist-templates", Admin, "Checklist templates, the built-in default first", |app, _: Empty| checklist::templates(app)),
        Op::with_caller("checklist.tick", Post, "/api/checklist-items/{id}/tick", Admin, "Tick or untick a checklist item", checklist::tick),
        Op::new("checklist.assign", Post, "/api/checklist-items/{id}/assign", Admin, "Assign a checklist item to a staff member", checklist::assign),
        // Backups (issue 16): the list, back up now (to a folder or USB stick), restore.
        Op::new("backups.list", Get, "/api/backups", Admin, "Every backup of the database, newest first: when, why, size, what it holds (seminars, stores)", backup::list),
        Op::new("backups.now", Post, "/api/backups", Admin, "Back up now, beside the database or to a folder (a USB stick: it holds every customer's phone); checked once written", backup::now),
        Op::with_caller("backups.restore", Post, "/api/backups/restore", Admin, "Restore a backup (the current data is backed up first); the app goes on with the restored data; its sentences in the caller's language", backup::restore),
        // Head office (issue 14): join with a link, sync now, where this laptop stands, 同步问题.
        Op::remote("sync.status", Get, "/api/sync", Admin, "Where this laptop stands with head office: joined, last sync, changes waiting, conflicts", crate::hq::ops::status_op),
        Op::remote("sync.join", Post, "/api/sync/join", Admin, "Join head office with a join link (kept beside the database, readable by this user only), then sync", crate::hq::ops::join_op),
        Op::remote("sync.run", Post, "/api/sync", Admin, "Send this laptop's changes to head office and receive the organisation's, until nothing is waiting", crate::hq::ops::sync_op),
        Op::remote("sync.conflicts", Get, "/api/sync/conflicts", Admin, "What the sync could not settle by itself, with both sides", crate::hq::ops::conflicts_op),
        Op::remote("sync.resolve", Post, "/api/sync/conflicts/{id}/resolve", Admin, "Resolve a sync conflict: take head office's version, try again, cancel this laptop's invitation, keep two stores apart, approve or retire a staff member a laptop added, or dismiss", crate::hq::ops::resolve_op),
        Op::remote("sync.merge_stores", Post, "/api/sync/conflicts/{id}/merge-stores", Admin, "Two stores sharing a person's mobile under two names: merge them at head office into the one chosen to stay (its people, invitations and deals with it), then sync", crate::hq::ops::merge_stores_op),
        Op::remote("sync.merge_staff", Post, "/api/sync/conflicts/{id}/merge-staff", Admin, "A staff member a city laptop added is one head office already has: merge them at head office into that one (their invitations, tables and deals with them), then sync", crate::hq::ops::merge_staff_op),
        Op::remote("sync.use_mine", Post, "/api/sync/conflicts/{id}/use-mine", Admin, "A field another laptop overwrote: write this laptop's value back as a new edit, which wins everywhere at the next sync", crate::hq::ops::use_mine_op),
        Op::new("openapi", Get, "/api/openapi.json", Admin, "This API as an OpenAPI 3 document", openapi_doc),
        Op::new("demo.load", Post, "/api/demo", Admin, "Fill an empty database with demo data", demo::load),
        Op::new("dev.panic", Post, "/api/dev/panic", Admin, "Developer tool: fails with a panic on purpose, to check that every transport answers 500 internal", dev_panic),
    ]
}

#[derive(Debug, Clone, serde::Serialize, ts_rs::TS, utoipa::ToSchema)]
pub struct Health {
    pub ok: bool,
    pub version: String,
}

fn health(_: &crate::app::App, _: Empty) -> crate::error::Result<Health> {
    Ok(Health {
        ok: true,
        version: env!("CARGO_PKG_VERSION").into(),
    })
}

/// A bug on purpose: what a panicking handler looks like on each transport.
fn dev_panic(_: &crate::app::App, _: Empty) -> crate::error::Result<Empty> {
    panic!("dev.panic: a panic on purpose")
}

/// The OpenAPI document as JSON.
#[derive(Debug, Clone, serde::Serialize, ts_rs::TS)]
pub struct OpenApiDoc(#[ts(type = "Record<string, unknown>")] serde_json::Value);

impl utoipa::PartialSchema for OpenApiDoc {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::Object::new().into()
    }
}
impl utoipa::ToSchema for OpenApiDoc {}

fn openapi_doc(_: &crate::app::App, _: Empty) -> crate::error::Result<OpenApiDoc> {
    Ok(OpenApiDoc(
        serde_json::to_value(super::openapi::document()).expect("document serialises"),
    ))
}
