//! Head office (总部): the organisation's PostgreSQL database, reached by each laptop directly.
//! This module is a transport, like the CLI and the LAN server: it speaks PostgreSQL's protocol and
//! reaches the laptop's own store only through the domain's `replica` module. The design is in `docs/organisation-design.md`.
//!
//! - [`link`]: the URL a laptop is given (a PostgreSQL URL with the organisation and the laptop's name)
//! - [`connect`]: a client over TLS as the link's `sslmode` says
//! - [`schema`]: `hq init`, the versioned schema in `pg/`
//! - [`laptop`]: `hq laptop add` and `hq laptop revoke`, one PostgreSQL role per laptop
//! - [`sync`]: `huixiao sync`, a laptop joining, pushing its outbox and pulling what it may read

pub mod connect;
pub mod laptop;
pub mod link;
pub mod schema;
pub mod sync;

use crate::api::Failure;

/// Runs one head-office job on a small runtime of its own (the CLI is synchronous).
pub fn block_on<T>(
    job: impl std::future::Future<Output = Result<T, Failure>>,
) -> Result<T, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Failure::Refused(e.into()))?
        .block_on(job)
}
