// Shared set-up for the browser tests: start the real core (`huixiao serve`) on a temp database and a free
// port, and drive Debian's Chromium with playwright-core. Never downloads a browser.
import { spawn, spawnSync, execSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

export const UI_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const DIST_DIR = path.join(UI_DIR, "dist");
export const SCREENSHOT_DIR = path.join(UI_DIR, "tests/browser/screenshots");
export const BIN = path.resolve(UI_DIR, process.env.HUIXIAO_BIN ?? "../target/debug/huixiao");

export const CHROMIUM_ARGS = [
  "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
  "--disable-background-networking", "--disable-component-update", "--disable-sync",
];

function chromiumPath() {
  if (process.env.CHROMIUM_BIN) return process.env.CHROMIUM_BIN;
  try {
    return execSync("command -v chromium", { shell: "/bin/sh" }).toString().trim();
  } catch {
    throw new Error("Debian chromium not found (apt-get install chromium); the tests never download a browser");
  }
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHealth(base, child, logs) {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`huixiao serve exited with ${child.exitCode}:\n${logs.join("")}`);
    try {
      const r = await fetch(`${base}/api/health`);
      if (r.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`huixiao serve did not answer /api/health within 20 s:\n${logs.join("")}`);
}

/**
 * Start the core on a fresh temp database. `demo: true` fills it first with `huixiao demo --db`;
 * `clock` (RFC 3339) starts the app's clock at that instant (`serve --clock`).
 * Returns { base, token, url (with ?token=), db, restart({clock}), stop() }: `restart` stops the server
 * and starts it again on the same port and database, e.g. with the clock days later.
 */
export async function startServer({ demo = false, clock = null } = {}) {
  if (!fs.existsSync(BIN)) throw new Error(`core binary not found at ${BIN}: run \`cargo build\` in the repo root or set HUIXIAO_BIN`);
  if (!fs.existsSync(path.join(DIST_DIR, "index.html"))) throw new Error(`${DIST_DIR} is not built: run \`npm run build\``);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "huixiao-ui-"));
  const db = path.join(dir, "t.db");
  if (demo) {
    const r = spawnSync(BIN, ["demo", "--db", db], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`huixiao demo failed (${r.status}): ${r.stderr}${r.stdout}`);
  }
  const port = await freePort();
  const token = crypto.randomBytes(16).toString("hex");
  const logs = [];
  const base = `http://127.0.0.1:${port}`;
  let child;
  const launch = async (at) => {
    const args = ["serve", "--db", db, "--addr", `127.0.0.1:${port}`, "--admin-token", token, "--ui-dir", DIST_DIR];
    if (at) args.push("--clock", at);
    child = spawn(BIN, args, { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, HUIXIAO_DATA_DIR: dir } });
    child.stdout.on("data", (d) => logs.push(String(d)));
    child.stderr.on("data", (d) => logs.push(String(d)));
    try {
      await waitForHealth(base, child, logs);
    } catch (e) {
      child.kill("SIGKILL");
      throw e;
    }
  };
  const halt = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    const t = setTimeout(() => child.kill("SIGKILL"), 3000);
    await gone;
    clearTimeout(t);
  };
  await launch(clock);
  return {
    base,
    token,
    db,
    dir,
    logs,
    url: `${base}/?token=${token}`,
    async restart({ clock: at = null } = {}) {
      await halt();
      await launch(at);
    },
    async stop() {
      await halt();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The LAN server as a hub without a screen: `huixiao serve --lan --addr 127.0.0.1:0` (HTTPS with its
 * self-signed certificate). Its first line names the address and the admin token.
 * Returns { base (https://127.0.0.1:PORT), token, url, db, logs, stop(), kill(), restart() }.
 */
export async function startLanServer({ demo = true, today = null, clock = null } = {}) {
  if (!fs.existsSync(BIN)) throw new Error(`core binary not found at ${BIN}: run \`cargo build\` in the repo root or set HUIXIAO_BIN`);
  if (!fs.existsSync(path.join(DIST_DIR, "index.html"))) throw new Error(`${DIST_DIR} is not built: run \`npm run build\``);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "huixiao-lan-"));
  const db = path.join(dir, "t.db");
  if (demo) {
    const r = spawnSync(BIN, ["--db", db, "demo", ...(today ? ["--today", today] : [])], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`huixiao demo failed (${r.status}): ${r.stderr}${r.stdout}`);
  }
  const token = crypto.randomBytes(16).toString("hex");
  const logs = [];
  let child;
  let port = 0;
  const launch = async () => {
    const args = ["--db", db, "serve", "--lan", "--addr", `127.0.0.1:${port}`, "--admin-token", token, "--ui-dir", DIST_DIR];
    if (clock) args.push("--clock", clock);
    child = spawn(BIN, args, {
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, HUIXIAO_DATA_DIR: dir },
    });
    child.stderr.on("data", (d) => logs.push(String(d)));
    const first = await new Promise((resolve, reject) => {
      let buf = "";
      const t = setTimeout(() => reject(new Error(`huixiao serve --lan printed no address within 20 s:\n${logs.join("")}`)), 20_000);
      child.stdout.on("data", (d) => {
        logs.push(String(d));
        buf += String(d);
        const m = /https:\/\/127\.0\.0\.1:(\d+)\/\?token=\w+/.exec(buf);
        if (m) {
          clearTimeout(t);
          resolve(m);
        }
      });
      child.once("exit", (code) => {
        clearTimeout(t);
        reject(new Error(`huixiao serve --lan exited with ${code}:\n${logs.join("")}`));
      });
    });
    port = Number(first[1]);
  };
  await launch();
  const base = `https://127.0.0.1:${port}`;
  const stopChild = async (signal) => {
    if (child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child.once("exit", r));
      child.kill(signal);
      const t = setTimeout(() => child.kill("SIGKILL"), 3000);
      await gone;
      clearTimeout(t);
    }
  };
  return {
    base,
    token,
    db,
    dir,
    logs,
    url: `${base}/?token=${token}`,
    /** Takes the hub away (as a Wi-Fi drop would), keeping the database. */
    async kill() {
      await stopChild("SIGKILL");
    },
    /** Brings the hub back on the same port. */
    async restart() {
      await launch();
    },
    async stop() {
      await stopChild("SIGTERM");
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** An admin call to a server over HTTPS with its self-signed certificate (loopback only). */
export async function adminCall(server, method, urlPath, body) {
  const { request } = await import("node:https");
  return new Promise((resolve, reject) => {
    const req = request(
      server.base + urlPath,
      { method, rejectUnauthorized: false, headers: { Authorization: `Bearer ${server.token}`, "Content-Type": "application/json", Accept: "application/json" } },
      (res) => {
        let text = "";
        res.on("data", (d) => (text += d));
        res.on("end", () => {
          const data = text ? JSON.parse(text) : null;
          if (res.statusCode >= 400) reject(new Error(`${method} ${urlPath}: ${res.statusCode} ${text}`));
          else resolve(data);
        });
      },
    );
    req.on("error", reject);
    if (body !== undefined) req.write(JSON.stringify(body));
    req.end();
  });
}

/** An API call as the organizer over plain HTTP (`startServer`'s server); fails with the core's answer. */
export async function apiCall(server, method, urlPath, body) {
  const r = await fetch(`${server.base}${urlPath}`, {
    method,
    headers: { authorization: `Bearer ${server.token}`, "content-type": "application/json" },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  if (!r.ok) throw new Error(`${method} ${urlPath}: ${r.status} ${text}`);
  return JSON.parse(text);
}

/** A Chromium page; collects page errors so tests can assert there were none. */
export async function openBrowser({ args = [], viewport = { width: 1366, height: 820 }, isMobile = false } = {}) {
  const browser = await chromium.launch({ executablePath: chromiumPath(), args: [...CHROMIUM_ARGS, "--ignore-certificate-errors", ...args] });
  const context = await browser.newContext({ viewport, locale: "zh-CN", ignoreHTTPSErrors: true, isMobile, hasTouch: isMobile, deviceScaleFactor: isMobile ? 2 : 1 });
  // Every browser test is a journey through the UI: what its pages call counts for scripts/check-ops.mjs.
  await recordOps(context, path.basename(process.argv[1] ?? "browser", ".test.mjs"));
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  return { browser, context, page, errors };
}

/** Where journeys record the operations their pages called: one JSON list per journey, read by scripts/check-ops.mjs. */
export const OPS_DIR = process.env.HUIXIAO_OPS_DIR ?? path.join(UI_DIR, "tests/browser/.ops");
const recorded = new Map();

/**
 * Records every operation the UI calls in `context`'s pages (the API client calls `__huixiaoRecordOp`)
 * into OPS_DIR/`journey`.json, written as it goes so a failing journey still says how far it came.
 * `openBrowser` does this for its context under the test file's name; once per context.
 */
const recording = new WeakSet();
export async function recordOps(context, journey) {
  if (recording.has(context)) return;
  recording.add(context);
  if (!recorded.has(journey)) recorded.set(journey, new Set());
  const seen = recorded.get(journey);
  await context.exposeFunction("__huixiaoRecordOp", (op) => {
    if (seen.has(op)) return;
    seen.add(op);
    fs.mkdirSync(OPS_DIR, { recursive: true });
    fs.writeFileSync(path.join(OPS_DIR, `${journey}.json`), JSON.stringify([...seen].sort(), null, 1) + "\n");
  });
}

export function screenshotPath(name) {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return path.join(SCREENSHOT_DIR, name);
}

/** Today at the venue (the demo's seminars are in Asia/Shanghai), YYYY-MM-DD — not the machine's date. */
export function venueToday() {
  return new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date());
}

/** The date `days` after today at the venue, YYYY-MM-DD (the machine's own date differs after 16:00 UTC). */
export function isoDateFromToday(days) {
  const d = new Date(`${venueToday()}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/** Minutes since midnight at the venue. */
export function venueMinutesNow() {
  const [h, m] = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Shanghai", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
    .format(new Date())
    .split(":")
    .map(Number);
  return h * 60 + m;
}

export function loadCatalogue(lang) {
  return JSON.parse(fs.readFileSync(path.join(UI_DIR, "src/i18n", `${lang}.json`), "utf8"));
}

export function flattenValues(obj, out = []) {
  for (const v of Object.values(obj)) {
    if (v && typeof v === "object") flattenValues(v, out);
    else out.push(String(v));
  }
  return out;
}
