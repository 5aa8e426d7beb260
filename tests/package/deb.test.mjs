// The installer as an organizer meets it: the .deb that `scripts/package.sh --debug` built is installed
// with apt, the installed app is started from its desktop entry's command under Xvfb on a database an
// older release wrote, the window answers and the database is upgraded (with a backup first, listed by
// the installed `huixiao backup list`), and removing the package keeps the user's data.
//
// tests/fixtures/huixiao-v5.db is the demo organisation as release 972bbfc wrote it (schema version 5:
// `huixiao --db huixiao-v5.db demo --today 2026-11-22`, then VACUUM).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { openWindow, root, until, workDir } from "../e2e/window.mjs";

const PACKAGE = "huixiao";
const debDir = join(root, "target/debug/bundle/deb");
const fixture = join(root, "tests/fixtures/huixiao-v5.db");

/** apt and dpkg as root: directly when the tests run as root (CI), else through sudo. */
function asRoot(cmd, args) {
  const [c, a] = process.getuid() === 0 ? [cmd, args] : ["sudo", ["-n", cmd, ...args]];
  return execFileSync(c, a, { env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } }).toString();
}

const installed = () => {
  try {
    const status = execFileSync("dpkg-query", ["-W", "-f=${Status}", PACKAGE], { stdio: ["ignore", "pipe", "ignore"] });
    return status.toString().includes("install ok installed");
  } catch {
    return false;
  }
};

/** One SQL query's first row on a database file (Python's sqlite3: no SQLite CLI needed). */
function sql(db, query) {
  const out = execFileSync("python3", [
    "-c",
    "import json,sqlite3,sys; print(json.dumps(sqlite3.connect(sys.argv[1]).execute(sys.argv[2]).fetchone()))",
    db,
    query,
  ]);
  return JSON.parse(out.toString());
}

let deb;

before(() => {
  const debs = readdirSync(debDir).filter((f) => f.endsWith(".deb"));
  assert.equal(debs.length, 1, `one package in ${debDir}: ${debs}`);
  deb = join(debDir, debs[0]);
  if (installed()) asRoot("apt-get", ["remove", "-y", "-q", PACKAGE]);
});

after(() => {
  if (installed()) asRoot("apt-get", ["remove", "-y", "-q", PACKAGE]);
});

let desktopCommand;

test("apt installs the window, its desktop entry named 会销助手 and the command line", () => {
  asRoot("apt-get", ["install", "-y", "-q", deb]);
  assert.ok(installed(), "dpkg says the package is installed");
  const entry = readFileSync("/usr/share/applications/huixiao.desktop", "utf8");
  assert.match(entry, /^Name=会销助手$/m);
  assert.match(entry, /^Name\[en\]=Huixiao$/m);
  assert.match(entry, /^Icon=huixiao-desktop$/m);
  const exec = entry.match(/^Exec=(.+)$/m)?.[1];
  assert.ok(exec, "the entry has a command");
  desktopCommand = execFileSync("sh", ["-c", `command -v ${exec.split(" ")[0]}`]).toString().trim();
  assert.equal(desktopCommand, "/usr/bin/huixiao-desktop");
  assert.ok(existsSync("/usr/share/icons/hicolor/128x128/apps/huixiao-desktop.png"), "the icon");
  const version = execFileSync("/usr/bin/huixiao", ["--version"]).toString();
  assert.match(version, /^huixiao \d+\.\d+\.\d+/);
});

test("the installed app opens a database an older release wrote, upgrades it and keeps its data", async () => {
  assert.ok(desktopCommand, "installed by the test before");
  const { work } = workDir("huixiao-deb-");
  const db = join(work, "huixiao.db");
  copyFileSync(fixture, db);
  const [before] = sql(db, "PRAGMA user_version");
  assert.equal(before, 5);
  const [stores] = sql(db, "SELECT count(*) FROM stores");
  const [title] = sql(db, "SELECT title FROM seminars ORDER BY date DESC LIMIT 1");

  const win = await openWindow({ db, work, application: desktopCommand });
  try {
    await until(`the window to show the seminar "${title}"`, async () =>
      (await win.exec("return document.body.innerText")).includes(title),
    );
  } finally {
    await win.close();
  }

  const [after] = sql(db, "PRAGMA user_version");
  const latest = Math.max(...readdirSync(join(root, "migrations")).map((f) => parseInt(f, 10)));
  assert.ok(after > before, `user_version rose from ${before} (now ${after})`);
  assert.equal(after, latest, "up to the installed release's schema");
  assert.deepEqual(sql(db, "SELECT count(*) FROM stores"), [stores], "every store is still there");
  const listed = JSON.parse(execFileSync("/usr/bin/huixiao", ["--db", db, "backup", "list", "--json"]).toString());
  const migration = listed.filter((b) => b.reason === "migration");
  assert.equal(migration.length, 1, `one backup before migrating: ${JSON.stringify(listed)}`);
  assert.equal(migration[0].stores, stores);
  assert.deepEqual(sql(migration[0].path, "PRAGMA user_version"), [5], "the backup holds the old schema");
});

test("removing the package removes the programs and keeps the user's data", () => {
  const { work } = workDir("huixiao-deb-keep-");
  const db = join(work, "huixiao.db");
  execFileSync("/usr/bin/huixiao", ["--db", db, "demo", "--today", "2026-11-22"]);
  asRoot("apt-get", ["remove", "-y", "-q", PACKAGE]);
  assert.ok(!installed(), "dpkg says it is gone");
  assert.ok(!existsSync("/usr/bin/huixiao-desktop") && !existsSync("/usr/bin/huixiao"), "the programs are gone");
  assert.ok(!existsSync("/usr/share/applications/huixiao.desktop"), "the desktop entry is gone");
  assert.deepEqual(sql(db, "SELECT count(*) FROM stores"), [300], "the data stays");
});

test("the Windows and macOS release configurations pass Tauri's schema", () => {
  // They cannot be built here (WebView2 and NSIS/MSI, WKWebView and dmg); Tauri's CLI checks each merged
  // configuration against its schema before bundling, so a wrong key or value fails here.
  const tauri = join(root, "ui/node_modules/.bin/tauri");
  for (const platform of ["windows", "macos"]) {
    // With the CLI in the package, as scripts/package.sh bundles it: the package stays the one tested.
    const cli = { bundle: { linux: { deb: { files: { "/usr/bin/huixiao": "../target/debug/huixiao" } } } } };
    const config = ["--config", `tauri.${platform}.conf.json`, "--config", JSON.stringify(cli)];
    const out = execFileSync(tauri, ["bundle", "--debug", "--bundles", "deb", ...config], {
      cwd: join(root, "src-tauri"),
      stdio: ["ignore", "pipe", "pipe"],
    });
    assert.ok(existsSync(deb), `${platform}: the bundler ran (${out.toString().trim().split("\n").pop()})`);
  }
});
