//! Head office for the window (设置 → 总部同步): join with a link, sync now, where the laptop
//! stands, and the 同步问题 list with the actions that resolve each.

use serde::Deserialize;
use ts_rs::TS;
use utoipa::ToSchema;

use super::link::{self, Link};
use super::sync::{self, SyncReport};
use super::{block_on, connect};
use crate::api::Failure;
use crate::app::App;
use crate::input::Empty;
use crate::invitation::{self, InvitationStatus, InvitationStatusChange};
use crate::replica::clash;
use crate::replica::status::{self, SyncConflict, SyncResolution, SyncStatus};

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct JoinInput {
    /// The join link from `huixiao hq laptop add` (postgresql://…&org=…&laptop=…).
    pub link: String,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct ResolveInput {
    pub id: i64,
    pub resolution: SyncResolution,
}

fn db_path(app: &App) -> Result<std::path::PathBuf, Failure> {
    app.db.path().map(ToOwned::to_owned).ok_or_else(|| {
        Failure::remote(
            "只有保存在文件里的数据库才能加入总部。",
            "Only a database kept in a file can join head office.",
        )
    })
}

fn saved_link(app: &App) -> Result<Link, Failure> {
    link::load(&db_path(app)?)?.ok_or_else(|| {
        Failure::remote(
            "这台电脑还没有加入总部：请粘贴总部给的加入链接。",
            "This laptop has not joined head office yet: paste the join link head office gave you.",
        )
    })
}

pub fn status_op(app: &App, _: Empty) -> Result<SyncStatus, Failure> {
    Ok(status::status(&app.db.conn())?)
}

/// Joins with the link (kept beside the database, readable by this user only), then syncs.
pub fn join_op(app: &App, input: JoinInput) -> Result<SyncReport, Failure> {
    let path = db_path(app)?;
    let link = Link::parse(&input.link)?;
    block_on(sync::join(app, &link))?;
    link::save(&path, &input.link)?;
    block_on(sync::sync(app, &link))
}

pub fn sync_op(app: &App, _: Empty) -> Result<SyncReport, Failure> {
    let link = saved_link(app)?;
    block_on(sync::sync(app, &link))
}

pub fn conflicts_op(app: &App, _: Empty) -> Result<Vec<SyncConflict>, Failure> {
    Ok(status::conflicts(&app.db.conn())?)
}

/// Resolves a conflict; taking head office's version reads it fresh when head office is
/// reachable (else the version kept when the change was refused).
pub fn resolve_op(app: &App, input: ResolveInput) -> Result<Vec<SyncConflict>, Failure> {
    let mut theirs = None;
    if input.resolution == SyncResolution::UseTheirs {
        let open = status::conflicts(&app.db.conn())?;
        if let (Some(c), Ok(link)) = (open.iter().find(|c| c.id == input.id), saved_link(app)) {
            let (tbl, gid) = (c.tbl.clone(), c.gid.clone());
            theirs = block_on(async move {
                let Ok(client) = connect::connect(&link).await else {
                    return Ok(None);
                };
                Ok(sync::row_of(&client, &tbl, &gid).await)
            })?;
        }
    }
    if input.resolution == SyncResolution::CancelMine {
        // Through the invitation's own transition, like a cancel on the invitation list; the
        // change goes to head office with the next sync.
        let open = status::conflicts(&app.db.conn())?;
        let gid = open
            .iter()
            .find(|c| c.id == input.id && c.kind == "double_invitation")
            .map(|c| c.gid.clone());
        let local = match gid {
            Some(gid) => clash::invitation_id(&app.db.conn(), &gid)?,
            None => None,
        };
        if let Some(id) = local {
            let cancel = InvitationStatusChange {
                id,
                status: InvitationStatus::Cancelled,
                decline_reason: String::new(),
            };
            invitation::set_status(app, cancel)?;
        }
    }
    status::resolve(
        &mut app.db.conn(),
        input.id,
        input.resolution,
        theirs,
        &app.now_str(),
    )?;
    Ok(status::conflicts(&app.db.conn())?)
}
