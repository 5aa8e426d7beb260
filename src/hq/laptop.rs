//! The organisation's laptops: each signs in to PostgreSQL as its own role, with its own secret,
//! so row-level security can say what each may read and write, and head office can revoke one.

use serde::Serialize;
use tokio_postgres::error::SqlState;
use tokio_postgres::Client;

use super::connect::failure;
use super::link::Link;
use super::schema;
use crate::api::Failure;

#[derive(Debug, Serialize)]
pub struct Added {
    pub name: String,
    /// What the laptop's organizer pastes (or scans) in 设置 → 总部同步. Holds the secret.
    pub join_url: String,
}

pub struct NewLaptop<'a> {
    pub name: &'a str,
    pub cities: Vec<String>,
    pub is_hq: bool,
}

/// Registers a laptop: a row in `hq.laptops` and a login role, member of the organisation's laptop
/// group, with a fresh secret. Answers the join link, made from the address head office used.
pub async fn add(
    client: &mut Client,
    admin: &Link,
    place: &str,
    new: NewLaptop<'_>,
) -> Result<Added, Failure> {
    let e = |err| failure(err, place);
    let name = new.name.trim();
    if name.is_empty() {
        return Err(Failure::remote(
            "电脑的名称不能为空。",
            "The laptop's name cannot be empty.",
        ));
    }
    let cities: Vec<String> = new
        .cities
        .iter()
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect();
    let tx = client.transaction().await.map_err(e)?;
    schema::ensure_current(&tx, place).await?;
    let org = tx
        .query_one("SELECT id::text, short FROM hq.organisation", &[])
        .await
        .map_err(e)?;
    let (org_id, short): (String, String) = (org.get(0), org.get(1));
    let id: i32 = tx
        .query_one(
            "SELECT nextval(pg_get_serial_sequence('hq.laptops', 'id'))::int",
            &[],
        )
        .await
        .map_err(e)?
        .get(0);
    let role = format!("hx_{short}_l{id}");
    let inserted = tx
        .execute(
            "INSERT INTO hq.laptops (id, name, role, cities, is_hq) VALUES ($1, $2, $3, $4, $5)",
            &[&id, &name, &role, &cities, &new.is_hq],
        )
        .await;
    if let Err(err) = inserted {
        if err.code() == Some(&SqlState::UNIQUE_VIOLATION) {
            return Err(Failure::remote(
                format!("已经有一台名为“{name}”的电脑。换个名字，或先撤销原来那台。"),
                format!("A laptop named \"{name}\" exists already. Choose another name, or revoke that one first."),
            ));
        }
        return Err(e(err));
    }
    let secret = crate::token::new_token() + &crate::token::new_token();
    // Identifiers and the secret are ours ([a-z0-9_] and hex): safe to write into the statement,
    // which PostgreSQL cannot take as parameters.
    tx.batch_execute(&format!(
        "CREATE ROLE {role} LOGIN PASSWORD '{secret}' IN ROLE hx_{short}_laptop"
    ))
    .await
    .map_err(e)?;
    tx.commit().await.map_err(e)?;
    Ok(Added {
        name: name.to_string(),
        join_url: join_url(admin, &role, &secret, &org_id, name),
    })
}

/// Revokes a laptop: it cannot sign in from now on, and its open sessions end.
pub async fn revoke(client: &mut Client, place: &str, name: &str) -> Result<(), Failure> {
    let e = |err| failure(err, place);
    let tx = client.transaction().await.map_err(e)?;
    schema::ensure_current(&tx, place).await?;
    let row = tx
        .query_opt(
            "UPDATE hq.laptops SET revoked_at = now() WHERE name = $1 AND revoked_at IS NULL RETURNING role::text",
            &[&name.trim()],
        )
        .await
        .map_err(e)?;
    let Some(row) = row else {
        return Err(Failure::remote(
            format!("没有名为“{}”且未撤销的电脑。", name.trim()),
            format!(
                "There is no laptop named \"{}\" that is not revoked already.",
                name.trim()
            ),
        ));
    };
    let role: String = row.get(0);
    tx.batch_execute(&format!("ALTER ROLE {role} NOLOGIN"))
        .await
        .map_err(e)?;
    tx.commit().await.map_err(e)?;
    client
        .execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1",
            &[&role],
        )
        .await
        .map_err(e)?;
    Ok(())
}

/// The admin's address with the laptop's role and secret in place of the admin's, and the
/// organisation and the laptop's name added.
fn join_url(admin: &Link, role: &str, secret: &str, org: &str, name: &str) -> String {
    signed_in_as(admin, role, secret, &[("org", org), ("laptop", name)])
}

/// The admin's address with another role and secret in place of the admin's, and `extra`
/// parameters added (the CA file the admin's link named stays).
pub(super) fn signed_in_as(
    admin: &Link,
    role: &str,
    secret: &str,
    extra: &[(&str, &str)],
) -> String {
    let (scheme, rest) = admin
        .pg
        .split_once("://")
        .unwrap_or(("postgresql", &admin.pg));
    let host_part = rest.split_once('@').map_or(rest, |(_, h)| h);
    let mut params: Vec<(String, String)> = Vec::new();
    if let Some(ca) = &admin.ca_file {
        params.push(("sslrootcert".into(), ca.display().to_string()));
    }
    params.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    if params.is_empty() {
        return format!("{scheme}://{role}:{secret}@{host_part}");
    }
    let ours = serde_urlencoded::to_string(&params).expect("url encoding");
    let sep = if host_part.contains('?') { '&' } else { '?' };
    format!("{scheme}://{role}:{secret}@{host_part}{sep}{ours}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_join_url_carries_the_laptops_role_and_the_admins_server() {
        let admin = Link::parse("postgresql://admin:pw@db.hq:5433/org?sslmode=require").unwrap();
        let url = join_url(&admin, "hx_ab_l3", "f00d", "0199-uuid", "长沙 1");
        assert!(url.starts_with(
            "postgresql://hx_ab_l3:f00d@db.hq:5433/org?sslmode=require&org=0199-uuid&laptop="
        ));
        let back = Link::parse(&url).unwrap();
        assert_eq!(back.laptop.as_deref(), Some("长沙 1"));
        assert_eq!(
            back.pg,
            "postgresql://hx_ab_l3:f00d@db.hq:5433/org?sslmode=require"
        );
    }
}
