//! Integration tests of the core: one test binary, one module per area.

mod bad_input;
mod cadence;
mod cli;
mod conversion;
mod deals;
mod followups;
mod http;
mod import;
mod seating;
mod seating_quality;
mod store;
mod support;
mod talk;
mod tsgen;
