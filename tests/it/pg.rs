//! A real PostgreSQL for the tests: Debian's server (`scripts/setup.sh test` installs it), one
//! cluster per test binary in a temporary directory, listening on loopback only, stopped when the
//! binary exits. Each test gets its own database on it ([`Cluster::database`]).
//!
//! `initdb` refuses to run as root; as root the cluster runs as the `postgres` user. The superuser
//! signs in with a password over TCP (SCRAM), like every laptop role does.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

pub const SUPERUSER_SECRET: &str = "test-superuser-secret";

pub struct Cluster {
    pub port: u16,
    dir: PathBuf,
    bin: PathBuf,
    /// Kept between runs ([`Cluster::kept`]): stopped, not removed, when dropped.
    keep: bool,
}

static CLUSTER: OnceLock<Cluster> = OnceLock::new();
static STARTED: Mutex<Option<(PathBuf, PathBuf)>> = Mutex::new(None);
static NEXT_DB: AtomicUsize = AtomicUsize::new(0);

/// The test binary's cluster, started on first use.
pub fn cluster() -> &'static Cluster {
    CLUSTER.get_or_init(Cluster::start)
}

fn bin_dir() -> PathBuf {
    let root = Path::new("/usr/lib/postgresql");
    let mut versions: Vec<u32> = std::fs::read_dir(root)
        .unwrap_or_else(|e| {
            panic!("PostgreSQL is not installed ({root:?}: {e}); run scripts/setup.sh test")
        })
        .filter_map(|d| d.ok()?.file_name().to_str()?.parse().ok())
        .filter(|v| *v >= 15)
        .collect();
    versions.sort();
    let v = versions
        .pop()
        .expect("PostgreSQL 15 or newer in /usr/lib/postgresql");
    root.join(v.to_string()).join("bin")
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

/// Runs a PostgreSQL program as the user that owns the cluster.
fn pg_command(bin: &Path, program: &str) -> Command {
    if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(bin.join(program));
        c
    } else {
        Command::new(bin.join(program))
    }
}

fn run(mut c: Command, what: &str) {
    let out = c.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    assert!(
        out.status.success(),
        "{what} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

extern "C" fn stop_at_exit() {
    if let Some((bin, dir)) = STARTED.lock().ok().and_then(|mut s| s.take()) {
        let mut c = pg_command(&bin, "pg_ctl");
        c.arg("-D")
            .arg(dir.join("data"))
            .args(["stop", "-m", "immediate", "-s"]);
        let _ = c.output();
        let _ = std::fs::remove_dir_all(&dir);
    }
}

impl Cluster {
    /// The test binary's shared cluster, stopped when the binary exits.
    fn start() -> Cluster {
        let cluster = Cluster::create();
        *STARTED.lock().unwrap() = Some((cluster.bin.clone(), cluster.dir.clone()));
        // SAFETY: registers a plain extern "C" function with no arguments.
        unsafe { libc::atexit(stop_at_exit) };
        cluster
    }

    /// A cluster of one test's own (to crash and restart), removed when dropped.
    pub fn private() -> Cluster {
        Cluster::create()
    }

    fn create() -> Cluster {
        let bin = bin_dir();
        let dir = tempfile::Builder::new()
            .prefix("huixiao-pg-")
            .tempdir()
            .unwrap()
            .keep();
        Cluster::init(&bin, &dir);
        let cluster = Cluster {
            port: free_port(),
            dir,
            bin,
            keep: false,
        };
        cluster.launch();
        cluster
    }

    /// A cluster kept in `dir` between runs (a benchmark's generated organisation): made there on
    /// the first run, started again on the same port on the next; stopped, not removed, when dropped.
    #[allow(dead_code)] // benches/hq.rs keeps its organisation between runs
    pub fn kept(dir: &Path) -> Cluster {
        let bin = bin_dir();
        std::fs::create_dir_all(dir).unwrap();
        let port_file = dir.join("port");
        if !dir.join("data").exists() {
            Cluster::init(&bin, dir);
            std::fs::write(&port_file, free_port().to_string()).unwrap();
        }
        let port = std::fs::read_to_string(&port_file)
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        let cluster = Cluster {
            port,
            dir: dir.to_path_buf(),
            bin,
            keep: true,
        };
        cluster.launch();
        cluster
    }

    /// initdb in `dir`, with the superuser's secret and the server's certificates beside it.
    fn init(bin: &Path, dir: &Path) {
        let data = dir.join("data");
        let pwfile = dir.join("pw");
        std::fs::write(&pwfile, SUPERUSER_SECRET).unwrap();
        certificates(dir);
        if is_root() {
            run(
                {
                    let mut c = Command::new("chown");
                    c.args(["-R", "postgres:postgres"]).arg(dir);
                    c
                },
                "chown",
            );
        }
        let mut initdb = pg_command(bin, "initdb");
        initdb
            .arg("-D")
            .arg(&data)
            .args([
                "-U",
                "postgres",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
            ])
            .args(["-E", "UTF8", "--locale=C.UTF-8", "--no-sync"])
            .arg(format!("--pwfile={}", pwfile.display()));
        run(initdb, "initdb");
    }

    /// Starts the server (again, after [`Cluster::crash`]).
    pub fn launch(&self) {
        let mut start = pg_command(&self.bin, "pg_ctl");
        start
            .arg("-D")
            .arg(self.dir.join("data"))
            .arg("-o")
            .arg(format!(
                "-c listen_addresses=127.0.0.1 -p {port} -k {d} -c fsync=off -c max_connections=200 \
                 -c ssl=on -c ssl_cert_file={d}/server.crt -c ssl_key_file={d}/server.key",
                port = self.port,
                d = self.dir.display()
            ))
            .arg("-l")
            .arg(self.dir.join("log"))
            .args(["-w", "-s", "start"]);
        run(start, "pg_ctl start");
    }

    /// Stops the server the way a crash does (`pg_ctl stop -m immediate`: no clean shut-down).
    pub fn crash(&self) {
        let mut stop = pg_command(&self.bin, "pg_ctl");
        stop.arg("-D")
            .arg(self.dir.join("data"))
            .args(["stop", "-m", "immediate", "-s"]);
        run(stop, "pg_ctl stop");
    }

    /// The CA that signed the server's certificate (what a link's `sslrootcert` names).
    pub fn ca_file(&self) -> PathBuf {
        self.dir.join("ca.crt")
    }

    /// The superuser's URL for database `db`.
    pub fn url(&self, db: &str) -> String {
        format!(
            "postgresql://postgres:{SUPERUSER_SECRET}@127.0.0.1:{}/{db}?sslmode=disable",
            self.port
        )
    }

    /// A new, empty database for one test; answers its superuser URL.
    pub fn database(&self) -> String {
        let name = format!(
            "t{}_{}",
            std::process::id(),
            NEXT_DB.fetch_add(1, Ordering::SeqCst)
        );
        self.psql("postgres", &format!("CREATE DATABASE {name}"));
        self.url(&name)
    }

    /// Runs SQL as the superuser through the cluster's socket; answers what psql printed.
    pub fn psql(&self, db: &str, sql: &str) -> String {
        let out = pg_command(&self.bin, "psql")
            .args([
                "-X",
                "-q",
                "-t",
                "-A",
                "-v",
                "ON_ERROR_STOP=1",
                "-U",
                "postgres",
            ])
            .arg("-h")
            .arg(&self.dir)
            .args(["-p", &self.port.to_string(), "-d", db, "-c", sql])
            .output()
            .expect("psql");
        assert!(
            out.status.success(),
            "psql {sql}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// The database name at the end of a URL made by [`Cluster::database`].
    pub fn db_name(url: &str) -> String {
        url.rsplit('/')
            .next()
            .unwrap()
            .split('?')
            .next()
            .unwrap()
            .to_string()
    }
}

/// A CA and the server certificate it signed (for localhost and 127.0.0.1), so the tests can
/// speak TLS to the cluster and check its certificate as a laptop does.
fn certificates(dir: &Path) {
    let ca_key = rcgen::KeyPair::generate().unwrap();
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "Huixiao test CA");
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = rcgen::Issuer::from_params(&ca_params, &ca_key);
    let key = rcgen::KeyPair::generate().unwrap();
    let params =
        rcgen::CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])
            .unwrap();
    let cert = params.signed_by(&key, &issuer).unwrap();
    std::fs::write(dir.join("ca.crt"), ca.pem()).unwrap();
    std::fs::write(dir.join("server.crt"), cert.pem()).unwrap();
    let key_file = dir.join("server.key");
    std::fs::write(&key_file, key.serialize_pem()).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&key_file, std::fs::Permissions::from_mode(0o600)).unwrap();
}

impl Drop for Cluster {
    /// Only a private or a kept cluster is ever dropped (the shared one lives in a static).
    fn drop(&mut self) {
        let mode = if self.keep { "fast" } else { "immediate" };
        let mut stop = pg_command(&self.bin, "pg_ctl");
        stop.arg("-D")
            .arg(self.dir.join("data"))
            .args(["stop", "-m", mode, "-s"]);
        let _ = stop.output();
        if !self.keep {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}
