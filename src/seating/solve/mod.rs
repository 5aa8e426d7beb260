//! Automatic seating as a pure function of guests, tables and rules: no database here.
//!
//! The score is a sum of rewards (higher is better, never negative):
//! - grouping rules (by inviter, industry, district, level): `weight` for every pair of guests at
//!   the same table who share the value;
//! - keep-together rules (a store's contacts, a referrer with the stores they referred, groups
//!   marked by hand): `weight` for every pair at the same table;
//! - keep-apart rules (competitors, pairs marked by hand): `weight` for every pair *not* at the
//!   same table;
//! - key customers near the stage: `weight` at a front table, half at a middle one;
//! - the assistant's seat and the walk-in reserve: `weight` for each of those seats left free.
//!
//! Hard rules are never broken: capacity (with the assistant's seat and the walk-in reserve when
//! those rules are hard), locks, hard keep-together (guests moved as one block) and hard
//! keep-apart. The search is a greedy construction followed by simulated annealing over block
//! moves and swaps, with a seeded generator: the same input always gives the same seating.
//!
//! The parts: the rules (`rules`), the problem (`problem`), the model that scores a seating
//! (`model`) and refuses what breaks a hard rule (`hard`), the search (`search`), seat numbers at
//! a table (`seats`), the explanations (`explain`) and the tables' assistants (`assistants`).

// Guests and tables are indices into parallel arrays here: index loops read better than zips.
#![allow(clippy::needless_range_loop)]

mod assistants;
mod explain;
mod hard;
mod model;
mod problem;
mod rules;
mod search;
mod seats;

pub use assistants::{adjacent_small, assign_assistants, check_assistants};
pub use explain::{explain, GuestReport};
pub use model::Model;
pub use problem::{said, GuestIn, Problem, Said, TableIn};
pub use rules::{Rule, RuleKind};
pub use search::{solve, solve_model, Rng, Solution};
pub use seats::{back_seats, seat_numbers};
