// A real PostgreSQL for the browser tests of head office sync, as the Rust tests start theirs
// (tests/it/pg.rs): Debian's server from /usr/lib/postgresql/<15+>, a cluster in a temporary folder on
// loopback with its socket there, initdb as the postgres user when run as root, stopped afterwards.
import { execFileSync, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

const SECRET = "huixiao-browser-tests";

function binDir() {
  const root = "/usr/lib/postgresql";
  const versions = fs.existsSync(root) ? fs.readdirSync(root).map(Number).filter((v) => v >= 15).sort((a, b) => a - b) : [];
  if (!versions.length) throw new Error("PostgreSQL 15 or newer is not installed: run scripts/setup.sh test");
  return path.join(root, String(versions.at(-1)), "bin");
}

const asOwner = (bin, program, args) =>
  process.getuid?.() === 0 ? ["runuser", ["-u", "postgres", "--", path.join(bin, program), ...args]] : [path.join(bin, program), args];

function run(bin, program, args) {
  const [cmd, argv] = asOwner(bin, program, args);
  const r = spawnSync(cmd, argv, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${program} failed (${r.status}): ${r.stdout}${r.stderr}`);
  return r.stdout.trim();
}

async function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Starts a cluster; returns { database() → a new empty database's superuser URL, psql(db, sql), stop() }. */
export async function startPostgres() {
  const bin = binDir();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "huixiao-pg-"));
  fs.writeFileSync(path.join(dir, "pw"), SECRET);
  if (process.getuid?.() === 0) execFileSync("chown", ["-R", "postgres:postgres", dir]);
  run(bin, "initdb", ["-D", path.join(dir, "data"), "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", `--pwfile=${path.join(dir, "pw")}`]);
  const port = await freePort();
  run(bin, "pg_ctl", ["-D", path.join(dir, "data"), "-o", `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off`, "-l", path.join(dir, "log"), "-w", "-s", "start"]);
  const psql = (db, sql) => run(bin, "psql", ["-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-U", "postgres", "-h", dir, "-p", String(port), "-d", db, "-c", sql]);
  return {
    database() {
      const name = `b${crypto.randomBytes(4).toString("hex")}`;
      psql("postgres", `CREATE DATABASE ${name}`);
      return `postgresql://postgres:${SECRET}@127.0.0.1:${port}/${name}?sslmode=disable`;
    },
    psql,
    stop() {
      try {
        run(bin, "pg_ctl", ["-D", path.join(dir, "data"), "stop", "-m", "immediate", "-s"]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
