// End-to-end test of the real desktop window: tauri-driver + WebKitWebDriver under xvfb-run.
// Plain WebDriver over HTTP (Node's fetch); no client library needed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { cli, openWindow, until, workDir } from "./window.mjs";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { writeFileSync, mkdirSync } from "node:fs";

const { work, db } = workDir("huixiao-e2e-");

let win;
const wd = (...args) => win.wd(...args);
let session;




before(async () => {
  execFileSync(cli, ["--db", db, "demo", "--today", "2026-11-22"], { stdio: "inherit" });
  win = await openWindow({ db, work });
  session = win.session;
});

after(async () => {
  await win?.close();
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
  // Visible and on top: the table's loading mask fades out after its rows are in the page.
  await until("the first seminar's row to be visible", () => win.shown(el), 10_000);
  const png = await win.screenshot();
  const out = process.env.SCREENSHOT_DIR ?? work;
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "desktop-seminars.png"), png);
});
