// Helpers of the seminar journey: browser contexts on the app's clock, screenshots, Element Plus
// selects, downloads read back (PDF through pdftotext, xlsx through its shared strings), ticket QR decoding.
import { execFileSync, execSync, spawnSync } from "node:child_process";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";
import { PNG } from "pngjs";
import jsQR from "jsqr";
import { BIN, CHROMIUM_ARGS, SCREENSHOT_DIR, recordOps } from "../harness.mjs";

export const SHOTS = path.join(SCREENSHOT_DIR, "journey");
export const PHONE = { width: 390, height: 844 };
export const TMP = fs.mkdtempSync(path.join(os.tmpdir(), "huixiao-journey-"));

/** Does the core binary take `serve --clock`? (wt-core adds it; main's build does not.) */
export function hasClock() {
  const r = spawnSync(BIN, ["serve", "--help"], { encoding: "utf8" });
  return /--clock/.test(r.stdout + r.stderr);
}

let browser;
export async function launch() {
  const exe = process.env.CHROMIUM_BIN ?? execSync("command -v chromium", { shell: "/bin/sh" }).toString().trim();
  browser = await chromium.launch({ executablePath: exe, args: [...CHROMIUM_ARGS, "--ignore-certificate-errors"] });
  fs.rmSync(SHOTS, { recursive: true, force: true });
  fs.mkdirSync(SHOTS, { recursive: true });
  return browser;
}
export async function closeBrowser() {
  await browser?.close().catch(() => {});
  fs.rmSync(TMP, { recursive: true, force: true });
}

/**
 * A browser context at the venue (Asia/Shanghai, zh-CN) whose clock starts at `at` and runs on, like the
 * app's clock: a laptop window or a phone (390×844, touch). Its pages' operations are recorded.
 */
export async function openContext({ at = null, phone = false } = {}) {
  const context = await browser.newContext({
    viewport: phone ? PHONE : { width: 1366, height: 820 },
    isMobile: phone,
    hasTouch: phone,
    deviceScaleFactor: phone ? 2 : 1,
    locale: "zh-CN",
    timezoneId: "Asia/Shanghai",
    ignoreHTTPSErrors: true,
    acceptDownloads: true,
  });
  await recordOps(context, "seminar");
  if (at) await context.clock.install({ time: new Date(at) });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(e.message));
  return { context, page, errors };
}

/**
 * Waits until no Element Plus message (the .el-message toasts: "已保存", …) is over the page; one still there
 * after `timeout` (a message that stays) is closed by its close button when it has one.
 */
export async function quiet(page, { timeout = 5000 } = {}) {
  const toasts = page.locator(".el-message");
  if ((await toasts.count()) === 0) return;
  if (await toasts.first().waitFor({ state: "detached", timeout }).then(() => true, () => false)) return;
  for (const close of await page.locator(".el-message .el-message__closeBtn").all()) await close.click().catch(() => {});
}

let shotNo = 0;
/** Saves ui/tests/browser/screenshots/journey/NN-name.png; toasts are waited out and animations let to settle. */
export async function shot(page, name, { fullPage = false } = {}) {
  await quiet(page);
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== "running" || a.effect?.getTiming().iterations === Infinity), null, { timeout: 3000 }).catch(() => {});
  shotNo += 1;
  const file = path.join(SHOTS, `${String(shotNo).padStart(2, "0")}-${name}.png`);
  await page.screenshot({ path: file, fullPage });
  return file;
}

/** Clicks a sidebar entry (会销, 会前邀约, 座位, …) and waits for its page. */
export async function nav(page, key) {
  await page.locator(`.app-aside [data-nav="${key}"]`).click();
  await page.waitForFunction((k) => location.hash.startsWith(`#/${k}`), key);
}

/** Chooses an option of an Element Plus select; `type` first for filterable ones. Retried once or twice when
 * the select re-renders under the click (a list that reloads after a save). */
export async function choose(page, select, text, { type = false } = {}) {
  for (let attempt = 1; ; attempt++) {
    try {
      await select.click();
      if (type) await page.keyboard.type(text);
      const option = page.locator(".el-select-dropdown__item:visible", { hasText: text }).first();
      await option.click({ timeout: attempt < 3 ? 4000 : 15_000 });
      return;
    } catch (e) {
      if (attempt >= 3) throw e;
      await page.keyboard.press("Escape").catch(() => {});
      await page.waitForTimeout(300);
    }
  }
}

/** Closes an open select popper by clicking the dialog's title. */
export async function settle(dialog) {
  await dialog.locator(".el-dialog__title, .el-drawer__title").first().click();
}

/** Clicks `trigger` and returns the downloaded file's { name, path, bytes }; an error toast fails at once, naming it. */
export async function download(page, trigger, { timeout = 60_000 } = {}) {
  const got = page.waitForEvent("download", { timeout });
  const failed = page.locator(".el-message--error, .el-message-box").first().waitFor({ timeout }).then(async () => {
    throw new Error(`no download, the app said: ${await page.locator(".el-message--error, .el-message-box").first().innerText()}`);
  });
  failed.catch(() => {});
  await trigger();
  const d = await Promise.race([got, failed]);
  const file = path.join(TMP, `${Date.now()}-${d.suggestedFilename()}`);
  await d.saveAs(file);
  return { name: d.suggestedFilename(), path: file, bytes: fs.readFileSync(file) };
}

/** A downloaded PDF: starts with %PDF; its text (pdftotext) returned. */
export function pdfText(file) {
  assert.equal(file.bytes.subarray(0, 4).toString("latin1"), "%PDF", `${file.name} is a PDF`);
  return execFileSync("pdftotext", ["-layout", file.path, "-"], { encoding: "utf8" });
}

/** A downloaded xlsx: a zip whose shared strings (and inline strings) are returned as one text. */
export function xlsxText(file) {
  assert.equal(file.bytes.subarray(0, 2).toString("latin1"), "PK", `${file.name} is an xlsx (zip)`);
  const list = execFileSync("unzip", ["-Z1", file.path], { encoding: "utf8" }).split("\n").filter((x) => /^xl\/(sharedStrings|worksheets\/sheet\d+)\.xml$/.test(x));
  return list.map((x) => execFileSync("unzip", ["-p", file.path, x], { encoding: "utf8", maxBuffer: 64 << 20 })).join("\n");
}

/** What a scanner reads from a ticket's QR PNG. */
export function decodeQr(bytes) {
  const png = PNG.sync.read(bytes);
  const r = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  assert.ok(r?.data, "the ticket PNG holds a readable QR code");
  return r.data;
}

/** Types like a barcode scanner: the code's keys, then Enter, into whatever has the focus. */
export async function scan(page, code) {
  await page.keyboard.type(code, { delay: 5 });
  await page.keyboard.press("Enter");
}

/** Waits until `fn` returns a truthy value in Node (polling the screen through locators), or fails with `what`. */
export async function until(what, fn, { timeout = 10_000, every = 150 } = {}) {
  const end = Date.now() + timeout;
  let last;
  while (Date.now() < end) {
    try {
      last = await fn();
      if (last) return last;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, every));
  }
  throw new Error(`timed out waiting for ${what}${last instanceof Error ? `: ${last.message}` : ""}`);
}

/** A clear failure when a screen the journey needs is not there. */
export async function need(locator, screen, timeout = 10_000) {
  try {
    await locator.first().waitFor({ timeout });
  } catch {
    throw new Error(`missing screen: ${screen} (${locator})`);
  }
}
