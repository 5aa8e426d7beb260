//! The laptop's side of the organisation (issue #14): which tables travel to head office, and the
//! capture of every change to them into an outbox, in the same transaction as the change. Pushing
//! and pulling over PostgreSQL is the `hq` transport's; this module never leaves the SQLite file.
//!
//! - [`tables`]: the replicated tables and who owns their rows
//! - [`capture`]: the triggers that write the outbox, installed on joining, and the snapshot a
//!   laptop that already holds data joins with
//! - [`outbox`]: the changes as they are sent, in batches stamped before sending
//! - [`apply`]: what head office sent, written by gid with capture off
//! - [`merge`]: a second copy here of one of head office's rows, merged into head office's
//! - [`clash`]: a store two laptops invited to seminars whose attribution windows overlap
//! - [`pairs`]: two stores that share a person's mobile under two names, for a person to merge
//!   or keep apart
//! - [`overwritten`]: a field this laptop wrote that a later write of another laptop overwrote
//! - [`status`]: where the laptop stands (joined, waiting changes, conflicts)
//! - [`unpushed`]: the changes head office has not taken yet, as a person knows them

pub mod apply;
pub mod capture;
pub mod checked;
pub mod clash;
mod indexes;
pub mod merge;
pub mod newstaff;
pub mod outbox;
pub mod overwritten;
pub mod pairs;
pub mod status;
pub mod tables;
pub mod unpushed;
