// 设置 → 备份 and 设置 → 关于, as an organizer uses them: back up now, back up to a folder (a USB
// stick, after the warning that it holds every phone), restore an older backup (the data from before is
// backed up first and the app reloads on the restored data), the version and the logs for support.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { apiCall, openBrowser, screenshotPath, startServer } from "./harness.mjs";

let server;
let b;

const api = (method, path, body) => apiCall(server, method, path, body);

before(async () => {
  server = await startServer({ demo: true });
  b = await openBrowser();
});
after(async () => {
  await b?.browser.close();
  await server?.stop();
});

const rows = () => b.page.locator("[data-test=backup-list] .el-table__body-wrapper .el-table__row");

async function openTab(name) {
  const { page } = b;
  await page.goto(`${server.url}#/settings`);
  await page.getByRole("tab", { name }).click();
}

test("back up now, and to a folder after the warning about phone numbers", async () => {
  const { page, errors } = b;
  await openTab("备份");
  // Count once the list shows every backup the hub has (it loads after the tab opens).
  const before = (await api("GET", "/api/backups")).length;
  await page.waitForFunction(
    (n) => document.querySelectorAll("[data-test=backup-list] .el-table__body-wrapper .el-table__row").length === n,
    before,
  );
  await page.click("[data-test=backup-now]");
  await page.locator(".el-message--success").filter({ hasText: "已备份并检查完好" }).waitFor();
  await rows().nth(before).waitFor();
  assert.equal(await rows().count(), before + 1);
  assert.match(await page.locator("[data-test=backup-list]").innerText(), /手动[\s\S]*3 场会销，300 家门店/);

  const usb = fs.mkdtempSync(path.join(os.tmpdir(), "huixiao-usb-"));
  await page.fill("input[data-test=backup-folder]", usb);
  await page.click("[data-test=backup-to]");
  const box = page.locator(".el-message-box");
  await box.filter({ hasText: "所有客户的姓名和电话号码" }).waitFor();
  await box.getByRole("button", { name: "写入备份" }).click();
  await page.locator(".el-message--success").filter({ hasText: usb }).first().waitFor();
  const written = fs.readdirSync(usb).filter((f) => f.endsWith(".db"));
  assert.equal(written.length, 1, `one backup file on the stick: ${fs.readdirSync(usb)}`);
  await page.locator("[data-test=backup-list]").filter({ hasText: usb }).waitFor();
  await box.waitFor({ state: "hidden" });
  await page.locator(".el-message").first().waitFor({ state: "hidden", timeout: 10_000 });
  await page.screenshot({ path: screenshotPath("settings-backup.png"), fullPage: true });
  assert.deepEqual(errors, []);
});

test("restoring a backup brings its data back and keeps what was there before", async () => {
  const { page, errors } = b;
  // A store added after the last backup: the restore takes the data back to before it.
  await api("POST", "/api/stores", { name: "恢复测试门店", city: "长沙" });
  const stores = (await api("GET", "/api/stores?q=恢复测试门店")).total;
  assert.equal(stores, 1);
  await openTab("备份");
  const manual = rows().filter({ hasText: "手动" }).first();
  await manual.getByRole("button", { name: /恢复/ }).click();
  const ask = page.locator(".el-message-box").filter({ hasText: "恢复前会先自动备份当前数据" });
  await ask.getByRole("button", { name: "恢复" }).click();
  const done = page.locator(".el-message-box").filter({ hasText: "已恢复" });
  await done.waitFor();
  assert.match(await done.innerText(), /3 场会销，300 家门店/);
  await Promise.all([page.waitForEvent("load"), done.getByRole("button").last().click()]);
  assert.equal((await api("GET", "/api/stores?q=恢复测试门店")).total, 0, "the store added after the backup is gone");
  await openTab("备份");
  await rows().filter({ hasText: "恢复前" }).first().waitFor();
  const before = (await api("GET", "/api/backups")).find((x) => x.reason === "before_restore");
  assert.equal(before.stores, 301, "the data from before the restore is kept in its own backup");
  assert.deepEqual(errors, []);
});

test("关于 names the version and the folders, and exports the logs as a zip", async () => {
  const { page, errors } = b;
  await openTab("关于");
  const about = await api("GET", "/api/support/about");
  await page.locator("[data-test=about-version]").filter({ hasText: about.version }).waitFor();
  assert.match(await page.locator("[data-test=about-card]").innerText(), new RegExp(about.log_dir.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")));
  const [download] = await Promise.all([page.waitForEvent("download"), page.click("[data-test=about-logs]")]);
  assert.match(download.suggestedFilename(), /^huixiao-logs-\d{8}\.zip$/);
  const bytes = fs.readFileSync(await download.path());
  assert.equal(bytes.subarray(0, 2).toString(), "PK", "a zip file");
  await page.screenshot({ path: screenshotPath("settings-about.png"), fullPage: true });
  assert.deepEqual(errors, []);
});

test("in English the tabs and the backup list speak English", async () => {
  const { page } = b;
  await page.goto(`${server.url}#/settings`);
  await page.click("[data-test=lang-switch] [data-lang=en]");
  await page.getByRole("tab", { name: "Backups" }).click();
  await rows().first().waitFor();
  const text = await page.locator("[data-test=backup-card]").innerText();
  assert.match(text, /Back up now/);
  assert.match(text, /seminars, \d+ stores/);
  assert.doesNotMatch(text, /[\u4e00-\u9fff]/, "no Chinese outside what the user typed");
  await page.waitForTimeout(400); // the tab's underline slides over for 0.3 s
  await page.screenshot({ path: screenshotPath("settings-backup-en.png"), fullPage: true });
});
