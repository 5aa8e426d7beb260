//! Head office for the window (设置 → 总部同步): join with a link, sync now, where the laptop
//! stands, and the 同步问题 list with the actions that resolve each.

use serde::Deserialize;
use ts_rs::TS;
use utoipa::ToSchema;

use super::link::{self, redact, Link};
use super::sync::{self, SyncReport};
use super::{block_on, connect};
use crate::api::Failure;
use crate::app::App;
use crate::input::Empty;
use crate::invitation::{self, InvitationStatus, InvitationStatusChange};
use crate::replica::status::{self, SyncConflict, SyncResolution, SyncStatus};
use crate::replica::{clash, newstaff, overwritten, pairs};

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct JoinInput {
    /// The join link from `huixiao hq laptop add` (postgresql://…&org=…&laptop=…).
    pub link: String,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct UseMineInput {
    pub id: i64,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct MergeStoresInput {
    /// The 同步问题 entry of kind `store_merge`.
    pub id: i64,
    /// The store that stays (one of the pair's two, by its organisation-wide id); the other's
    /// people, invitations, deals and follow-ups move to it, and its name is kept in the note.
    pub keep: String,
}

#[derive(Debug, Clone, Deserialize, TS, ToSchema)]
pub struct MergeStaffInput {
    /// The 同步问题 entry of kind `new_staff`.
    pub id: i64,
    /// The staff member (this laptop's id) the new one is: what names the new one (invitations,
    /// tables, deals, follow-ups) names them from now on, on every laptop.
    pub into: i64,
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
    if input.resolution == SyncResolution::KeepApart {
        let pair = pairs::pair_of(&app.db.conn(), input.id)?;
        let link = saved_link(app)?;
        block_on(async move {
            let client = connect::connect(&link).await?;
            super::stores::keep_apart(&client, &redact(&link.pg), &pair.0, &pair.1).await
        })?;
    }
    if matches!(
        input.resolution,
        SyncResolution::Approve | SyncResolution::Retire
    ) {
        let staff = newstaff::staff_of(&app.db.conn(), input.id)?;
        let settled = if input.resolution == SyncResolution::Approve {
            "approved"
        } else {
            "retired"
        };
        let link = saved_link(app)?;
        block_on(async move {
            let client = connect::connect(&link).await?;
            super::staff::review(&client, &redact(&link.pg), &staff, settled).await
        })?;
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

/// A field another laptop overwrote: this laptop's value written back as a new edit, which wins
/// everywhere after the next sync (keeping theirs is `sync.resolve` with `dismiss`).
pub fn use_mine_op(app: &App, input: UseMineInput) -> Result<Vec<SyncConflict>, Failure> {
    overwritten::use_mine(&mut app.db.conn(), input.id, &app.now_str())?;
    Ok(status::conflicts(&app.db.conn())?)
}

/// Two stores found to be one: merged at head office (the other's people, invitations, deals and
/// follow-ups move to the one that stays), then synced, so this laptop shows one store at once.
pub fn merge_stores_op(app: &App, input: MergeStoresInput) -> Result<Vec<SyncConflict>, Failure> {
    let (a, b) = pairs::pair_of(&app.db.conn(), input.id)?;
    let gone = if input.keep == a {
        b
    } else if input.keep == b {
        a
    } else {
        return Err(crate::error::invalid(
            "keep",
            "请选择两家门店中的一家作为保留的门店。",
            "Choose one of the two stores as the one that stays.",
        )
        .into());
    };
    let link = saved_link(app)?;
    let (keep, place) = (input.keep.clone(), redact(&link.pg));
    let to = link.clone();
    block_on(async move {
        let client = connect::connect(&to).await?;
        super::stores::merge(&client, &place, &keep, &gone).await
    })?;
    pairs::settled(&app.db.conn(), input.id, "merged", &app.now_str())?;
    // The merge is done at head office: a sync that fails now (kept in the status, in words)
    // brings it here at the next one.
    if let Err(e) = block_on(sync::sync(app, &link)) {
        tracing::warn!("the sync after a merge of two stores failed: {e:?}");
    }
    Ok(status::conflicts(&app.db.conn())?)
}

/// A staff member a city laptop added is one head office already has: merged at head office (what
/// names them moves to the one chosen), then synced, so this laptop shows one person at once.
pub fn merge_staff_op(app: &App, input: MergeStaffInput) -> Result<Vec<SyncConflict>, Failure> {
    let (gone, keep) = {
        let conn = app.db.conn();
        (
            newstaff::staff_of(&conn, input.id)?,
            newstaff::gid_of_staff(&conn, input.into)?,
        )
    };
    if gone == keep {
        return Err(crate::error::invalid(
            "into",
            "请选择另一位员工：不能并入他自己。",
            "Choose another staff member: they cannot be merged into themselves.",
        )
        .into());
    }
    let link = saved_link(app)?;
    let place = redact(&link.pg);
    let to = link.clone();
    block_on(async move {
        let client = connect::connect(&to).await?;
        super::staff::merge(&client, &place, &keep, &gone).await
    })?;
    newstaff::settled(&app.db.conn(), input.id, "merged", &app.now_str())?;
    // The merge is done at head office: a sync that fails now (kept in the status, in words)
    // brings it here at the next one.
    if let Err(e) = block_on(sync::sync(app, &link)) {
        tracing::warn!("the sync after a merge of two staff members failed: {e:?}");
    }
    Ok(status::conflicts(&app.db.conn())?)
}
