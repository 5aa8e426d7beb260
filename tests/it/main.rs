//! Integration tests of the core: one test binary, one module per area.

mod about;
mod bad_input;
mod cadence;
mod checkin;
mod cli;
mod conversion;
mod conversion_reference;
mod crash;
mod deals;
mod door_load;
mod export;
mod followups;
mod http;
mod import;
mod invitations;
mod layers;
mod products;
mod seating;
mod seating_quality;
mod serve;
mod station_race;
mod stations;
mod store;
mod support;
mod talk;
mod tsgen;
