//! `huixiao hq bi add`: a sign-in for the organisation's own BI tool. It reads the plain views of
//! schema `org` (stores, contacts with phones masked, seminars, invitations, check-ins, deals) and
//! nothing else: not the sync's tables, not a phone number.

use serde::Serialize;
use tokio_postgres::Client;

use super::connect::failure;
use super::laptop::signed_in_as;
use super::link::Link;
use super::schema;
use crate::api::Failure;

#[derive(Debug, Serialize)]
pub struct Reader {
    pub role: String,
    /// What the BI tool connects with. Holds the secret.
    pub url: String,
}

/// A new read-only sign-in, member of the organisation's BI group.
pub async fn add(client: &mut Client, admin: &Link, place: &str) -> Result<Reader, Failure> {
    let e = |err| failure(err, place);
    let tx = client.transaction().await.map_err(e)?;
    schema::ensure_current(&tx, place).await?;
    let short: String = tx
        .query_one("SELECT short FROM hq.organisation", &[])
        .await
        .map_err(e)?
        .get(0);
    let role = format!("hx_{short}_r{}", &crate::token::new_token()[..8]);
    let secret = crate::token::new_token() + &crate::token::new_token();
    // Identifiers and the secret are ours ([a-z0-9_] and hex): safe to write into the statement.
    tx.batch_execute(&format!(
        "CREATE ROLE {role} LOGIN PASSWORD '{secret}' IN ROLE hx_{short}_bi"
    ))
    .await
    .map_err(e)?;
    tx.commit().await.map_err(e)?;
    Ok(Reader {
        url: signed_in_as(admin, &role, &secret, &[]),
        role,
    })
}
