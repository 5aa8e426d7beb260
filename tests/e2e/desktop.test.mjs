// End-to-end test of the real desktop window: tauri-driver + WebKitWebDriver under xvfb-run.
// Plain WebDriver over HTTP (Node's fetch); no client library needed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import net from "node:net";

const root = resolve(import.meta.dirname, "../..");
const app = process.env.HUIXIAO_DESKTOP ?? join(root, "target/debug/huixiao-desktop");
const cli = process.env.HUIXIAO_BIN ?? join(root, "target/debug/huixiao");
const work = mkdtempSync(join(tmpdir(), "huixiao-e2e-"));
const db = join(work, "demo.db");

let driver;
let port;
let session;

const freePort = () =>
  new Promise((ok) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const p = s.address().port;
      s.close(() => ok(p));
    });
  });

async function wd(method, path, body) {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) throw new Error(`${method} ${path}: ${JSON.stringify(json.value ?? json)}`);
  return json.value;
}

async function until(what, fn, ms = 30000) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ""}`);
}

before(async () => {
  execFileSync(cli, ["--db", db, "demo", "--today", "2026-11-22"], { stdio: "inherit" });
  port = await freePort();
  driver = spawn("tauri-driver", ["--port", String(port), "--native-driver", "/usr/bin/WebKitWebDriver"], {
    env: { ...process.env, HUIXIAO_DB: db, HUIXIAO_DATA_DIR: work },
    stdio: ["ignore", "inherit", "inherit"],
    // Its own process group: the driver, WebKitWebDriver and the app all end with it.
    detached: true,
  });
  await until("tauri-driver", () => wd("GET", "/status").then(() => true));
  const created = await wd("POST", "/session", {
    capabilities: { alwaysMatch: { "tauri:options": { application: app } } },
  });
  session = created.sessionId;
});

after(async () => {
  if (session) await wd("DELETE", `/session/${session}`).catch(() => {});
  if (driver?.pid) {
    try {
      process.kill(-driver.pid, "SIGTERM");
    } catch {
      /* already gone */
    }
  }
});

test("the window opens and the seminar list shows the demo data", async () => {
  const seminars = JSON.parse(execFileSync(cli, ["--db", db, "seminars", "list", "--json"]).toString());
  assert.equal(seminars.length, 3);
  const title = await wd("POST", `/session/${session}/execute/sync`, { script: "return document.title", args: [] });
  assert.ok(title.length > 0);
  const text = await until("the seminar list", async () => {
    const t = await wd("POST", `/session/${session}/execute/sync`, {
      script: "return document.body.innerText",
      args: [],
    });
    return seminars.every((s) => t.includes(s.title)) ? t : null;
  });
  assert.match(text, /会销/);
  // A real element the user can see: the first seminar's row.
  const el = await wd("POST", `/session/${session}/element`, {
    using: "xpath",
    value: `//*[contains(text(), "${seminars[0].title}")]`,
  });
  const shown = await wd("GET", `/session/${session}/element/${Object.values(el)[0]}/displayed`);
  assert.equal(shown, true);
  const png = await wd("GET", `/session/${session}/screenshot`);
  const out = process.env.SCREENSHOT_DIR ?? work;
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "desktop-seminars.png"), Buffer.from(png, "base64"));
});
