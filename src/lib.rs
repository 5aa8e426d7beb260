//! Huixiao 会销助手 — the core: domain, store, operations and their transports (HTTP, CLI).
//! It never depends on Tauri; the desktop shell (`src-tauri`) is a thin adapter over [`api`].

pub mod api;
pub mod app;
pub mod arrivals;
pub mod cadence;
pub mod caller;
pub mod checkin;
pub mod checklist;
pub mod cli;
pub mod contact;
pub mod conversion;
pub mod db;
pub mod deal;
pub mod demo;
pub mod error;
pub mod events;
pub mod export;
pub mod followup;
pub mod http;
pub mod i18n;
pub mod import;
pub mod input;
pub mod invitation;
pub mod lan;
pub mod logging;
pub mod panics;
pub mod pdf;
pub mod phone;
pub mod product;
pub mod referral;
pub mod report;
pub mod script;
pub mod seating;
pub mod seminar;
pub mod settings;
pub mod staff;
pub mod stagelog;
pub mod station;
pub mod store;
pub mod template;
pub mod ticket;
pub mod token;
pub mod validate;
pub mod venue;

pub use app::App;
pub use error::{Error, Result};
