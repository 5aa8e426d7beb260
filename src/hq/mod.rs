//! Head office (总部): the organisation's PostgreSQL database, reached by each laptop directly.
//! This module is a transport, like the CLI and the LAN server: it speaks PostgreSQL's protocol and
//! reaches the laptop's own store only through the domain's `replica` module. The design is in `docs/organisation-design.md`.
//!
//! - [`link`]: the URL a laptop is given (a PostgreSQL URL with the organisation and the laptop's name)
//! - [`connect`]: a client over TLS as the link's `sslmode` says
//! - [`schema`]: `hq init`, the versioned schema in `pg/`
//! - [`laptop`]: `hq laptop add` and `hq laptop revoke`, one PostgreSQL role per laptop
//! - [`handover`]: `hq handover`, a seminar given to another laptop, and `hq seminars` to find it
//! - [`bi`]: `hq bi add`, a read-only sign-in for the organisation's BI tool (phones masked)
//! - [`holders`]: who else holds a store, asked at the moment it is invited
//! - [`stores`]: two stores that share a person's mobile under two names, merged or kept apart
//! - [`background`]: the app syncing by itself every few minutes, never during a live seminar
//! - [`sync`]: `huixiao sync`, a laptop joining, pushing its outbox and pulling what it may read
//! - [`ops`]: the same for the window (设置 → 总部同步) and its 同步问题 list

pub mod background;
pub mod bi;
pub mod connect;
pub mod handover;
pub mod holders;
pub mod laptop;
pub mod link;
pub mod ops;
pub mod schema;
pub mod staff;
pub mod stores;
pub mod sync;

use crate::api::Failure;

/// Runs one head-office job on a small runtime of its own, on a thread of its own: the CLI is
/// synchronous, and the window's and the LAN server's calls may already be inside a runtime.
pub fn block_on<T: Send>(
    job: impl std::future::Future<Output = Result<T, Failure>> + Send,
) -> Result<T, Failure> {
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .map_err(|e| Failure::Refused(e.into()))?
                    .block_on(job)
            })
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}
