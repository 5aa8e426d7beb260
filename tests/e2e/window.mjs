// The real desktop window for end-to-end tests: tauri-driver + WebKitWebDriver under xvfb-run, spoken to
// in plain WebDriver over HTTP (Node's fetch); no client library needed. Shared by every e2e test.
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import net from "node:net";

export const root = resolve(import.meta.dirname, "../..");
export const app = process.env.HUIXIAO_DESKTOP ?? join(root, "target/debug/huixiao-desktop");
export const cli = process.env.HUIXIAO_BIN ?? join(root, "target/debug/huixiao");

/** A fresh working directory with the path of its database. */
export function workDir(prefix) {
  const work = mkdtempSync(join(tmpdir(), prefix));
  return { work, db: join(work, "demo.db") };
}

const freePort = () =>
  new Promise((ok) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const p = s.address().port;
      s.close(() => ok(p));
    });
  });

/** Polls `fn` until it returns something truthy, or fails naming `what` and the last error. */
export async function until(what, fn, ms = 30000, every = 100) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, every));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ""}`);
}

/**
 * Starts tauri-driver and opens the app's window on `db`. Returns `wd(method, path, body)` for
 * WebDriver calls, the `session` id, and `close()`.
 */
export async function openWindow({ db, work }) {
  // Each window gets its own ports: a WebKitWebDriver left over from the previous test file (still on
  // the default 4445) must not be the one this test talks to.
  const port = await freePort();
  const nativePort = await freePort();
  const args = ["--port", String(port), "--native-port", String(nativePort), "--native-driver", "/usr/bin/WebKitWebDriver"];
  const driver = spawn("tauri-driver", args, {
    env: { ...process.env, HUIXIAO_DB: db, HUIXIAO_DATA_DIR: work },
    stdio: ["ignore", "inherit", "inherit"],
    detached: true,
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
  await until("tauri-driver", () => wd("GET", "/status").then(() => true), 30000, 250);
  const created = await wd("POST", "/session", {
    capabilities: { alwaysMatch: { "tauri:options": { application: app } } },
  });
  const session = created.sessionId;
  /** Ends the session and waits for the drivers to exit (SIGKILL after 5 s). */
  async function close() {
    await wd("DELETE", `/session/${session}`).catch(() => {});
    const exited = new Promise((ok) => (driver.exitCode !== null ? ok() : driver.once("exit", ok)));
    const signal = (sig) => {
      try {
        process.kill(-driver.pid, sig);
      } catch {
        /* already gone */
      }
    };
    signal("SIGTERM");
    const timer = setTimeout(() => signal("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  }
  return { wd, session, close };
}
