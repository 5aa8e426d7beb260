//! The URL of the organisation's database as a person pastes it: PostgreSQL's own URL, with the
//! parameters only Huixiao reads taken off before the driver sees it — `org` and `laptop` (in a join
//! link) and `sslrootcert` (the CA file of a cloud's managed PostgreSQL).

use std::path::{Path, PathBuf};

use crate::api::Failure;

#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// The URL the driver reads: scheme, user, secret, host, port, database, its own parameters.
    pub pg: String,
    pub org: Option<String>,
    pub laptop: Option<String>,
    pub ca_file: Option<PathBuf>,
}

const OURS: [&str; 3] = ["org", "laptop", "sslrootcert"];

impl Link {
    pub fn parse(url: &str) -> Result<Link, Failure> {
        let url = url.trim();
        if !(url.starts_with("postgresql://") || url.starts_with("postgres://")) {
            return Err(Failure::remote(
                format!("这不是总部数据库的地址（应以 postgresql:// 开头）：{}", redact(url)),
                format!(
                    "This is not an organisation database address (it should start with postgresql://): {}",
                    redact(url)
                ),
            ));
        }
        let (base, query) = url.split_once('?').unwrap_or((url, ""));
        let mut kept = Vec::new();
        let mut link = Link {
            pg: String::new(),
            org: None,
            laptop: None,
            ca_file: None,
        };
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let decoded = || -> String {
                serde_urlencoded::from_str::<Vec<(String, String)>>(pair)
                    .ok()
                    .and_then(|v| v.into_iter().next())
                    .map(|(_, v)| v)
                    .unwrap_or_else(|| value.to_string())
            };
            match key {
                "org" => link.org = Some(decoded()),
                "laptop" => link.laptop = Some(decoded()),
                "sslrootcert" => link.ca_file = Some(PathBuf::from(decoded())),
                _ => kept.push(pair),
            }
        }
        debug_assert!(OURS.iter().all(|k| !kept.iter().any(|p| p.starts_with(k))));
        link.pg = if kept.is_empty() {
            base.to_string()
        } else {
            format!("{base}?{}", kept.join("&"))
        };
        Ok(link)
    }
}

/// Where a laptop keeps its join link, which holds its secret: beside its database, readable by its
/// user only (and never in a backup of the database).
pub fn saved_at(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".hq-link");
    PathBuf::from(name)
}

/// Keeps the join link for the next syncs (written whole, then renamed into place).
pub fn save(db: &Path, url: &str) -> Result<(), Failure> {
    let path = saved_at(db);
    let tmp = path.with_extension("hq-link.tmp");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let write = || -> std::io::Result<()> {
        use std::io::Write;
        let mut f = options.open(&tmp)?;
        f.write_all(url.trim().as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, &path)
    };
    write().map_err(|e| {
        Failure::remote(
            format!("保存加入链接失败（{}）：{e}", path.display()),
            format!("Could not keep the join link ({}): {e}", path.display()),
        )
    })
}

/// The join link kept by [`save`], if any.
pub fn load(db: &Path) -> Result<Option<Link>, Failure> {
    match std::fs::read_to_string(saved_at(db)) {
        Ok(url) => Link::parse(&url).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(Failure::remote(
            format!("读不了加入链接（{}）：{e}", saved_at(db).display()),
            format!(
                "Cannot read the join link ({}): {e}",
                saved_at(db).display()
            ),
        )),
    }
}

/// The URL with its secret hidden, for messages and logs.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.split_once('@') {
        Some((userinfo, host)) => {
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{scheme}://{user}:***@{host}")
        }
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn our_parameters_come_off_and_the_drivers_stay() {
        let l = Link::parse(
            "postgresql://hx_a:s3cret@db.example:5433/org?sslmode=require&org=1234&laptop=%E9%95%BF%E6%B2%99&sslrootcert=/ca.pem",
        )
        .unwrap();
        assert_eq!(
            l.pg,
            "postgresql://hx_a:s3cret@db.example:5433/org?sslmode=require"
        );
        assert_eq!(l.org.as_deref(), Some("1234"));
        assert_eq!(l.laptop.as_deref(), Some("长沙"));
        assert_eq!(l.ca_file, Some(PathBuf::from("/ca.pem")));
    }

    #[test]
    fn a_secret_never_shows_in_a_message() {
        let e = Link::parse("mysql://u:topsecret@h/db").unwrap_err();
        assert!(!e.message(crate::i18n::Lang::En).contains("topsecret"));
        assert_eq!(
            redact("postgresql://u:topsecret@h:1/db"),
            "postgresql://u:***@h:1/db"
        );
    }
}
