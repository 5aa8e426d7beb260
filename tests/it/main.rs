//! Integration tests of the core: one test binary, one module per area.

mod bad_input;
mod cadence;
mod cli;
mod http;
mod import;
mod store;
mod support;
mod tsgen;
