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

/** The longest a single WebDriver call may take (session creation gets more: it starts the app). */
export const WD_TIMEOUT_MS = 30_000;

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
export async function openWindow({ db, work, application = app }) {
  // Each window gets its own ports: a WebKitWebDriver left over from the previous test file (still on
  // the default 4445) must not be the one this test talks to.
  const port = await freePort();
  const nativePort = await freePort();
  const args = ["--port", String(port), "--native-port", String(nativePort), "--native-driver", "/usr/bin/WebKitWebDriver"];
  const driver = spawn("tauri-driver", args, {
    // The webview keeps its localStorage (first-launch answer, current seminar) under XDG_DATA_HOME:
    // each window gets its own, in its work directory, so no test sees another test's or run's state.
    env: {
      ...process.env,
      HUIXIAO_DB: db,
      HUIXIAO_DATA_DIR: work,
      XDG_DATA_HOME: join(work, "xdg-data"),
    },
    stdio: ["ignore", "inherit", "inherit"],
    detached: true,
  });
  /**
   * One WebDriver call. Every call has a deadline far below the test runner's: a driver that hangs
   * fails this call within `ms`, naming it, instead of the whole file after 300 s.
   */
  async function wd(method, path, body, ms = WD_TIMEOUT_MS) {
    let res;
    try {
      res = await fetch(`http://127.0.0.1:${port}${path}`, {
        method,
        headers: { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(ms),
      });
    } catch (e) {
      const why = e?.name === "TimeoutError" ? `no answer within ${ms / 1000} s` : e.message;
      throw new Error(`WebDriver ${method} ${path}: ${why}`);
    }
    const json = await res.json();
    if (!res.ok) throw new Error(`${method} ${path}: ${JSON.stringify(json.value ?? json)}`);
    return json.value;
  }
  await until("tauri-driver", () => wd("GET", "/status").then(() => true), 30000, 250);
  const created = await wd(
    "POST",
    "/session",
    { capabilities: { alwaysMatch: { "tauri:options": { application } } } },
    90_000,
  );
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
  const exec = (script, args = []) => wd("POST", `/session/${session}/execute/sync`, { script, args });

  /**
   * A screenshot of the window (PNG bytes). Without compositing — the shell's default when there is no
   * GPU, as under Xvfb — WebKitGTK answers WebDriver's screenshot only after the page paints again, and
   * an idle page may never paint: the call hung for good on a fresh machine. So the page is made to
   * repaint a tiny corner for half a second first, and a call that still gets no answer is tried again.
   */
  async function screenshot() {
    for (let attempt = 1; ; attempt++) {
      await exec(REPAINT);
      try {
        return Buffer.from(await wd("GET", `/session/${session}/screenshot`, undefined, 10_000), "base64");
      } catch (e) {
        if (attempt === 3) throw e;
      }
    }
  }

  /**
   * Whether the user can see `element` (a WebDriver element reference): laid out, visible, and on top at
   * its centre. Asked of the page itself, as WebDriver users do with WebKit, rather than through
   * WebDriver's "displayed", which waits for a paint like the screenshot above.
   */
  const shown = (element) => exec(SHOWN, [element]);

  return { wd, session, close, exec, screenshot, shown };
}

/** Changes one corner pixel's colour every frame for half a second (imperceptible), so the page paints. */
const REPAINT = `
  const dot = document.createElement("div");
  dot.style.cssText = "position:fixed;left:0;top:0;width:1px;height:1px;pointer-events:none;z-index:2147483647";
  document.documentElement.append(dot);
  let frame = 0;
  const step = () => {
    dot.style.background = frame % 2 ? "rgba(0,0,0,0.01)" : "rgba(0,0,0,0.02)";
    if (++frame < 30) requestAnimationFrame(step);
    else dot.remove();
  };
  requestAnimationFrame(step);`;

const SHOWN = `
  const el = arguments[0];
  // The first line box: an inline element wrapped over two lines has its box's centre between them.
  const r = el.getClientRects()[0];
  if (!el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true }) || !r || r.width === 0 || r.height === 0) return false;
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return hit !== null && (hit === el || el.contains(hit));`;
