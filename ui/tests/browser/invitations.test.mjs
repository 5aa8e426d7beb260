// The 会前邀约 phase against the real core: import a GBK store list through the wizard (errors by row
// and column, valid rows only, the skipped rows to fix), then work through today's touches.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { spawnSync } from "node:child_process";
import { openBrowser, screenshotPath, startServer } from "./harness.mjs";

let server;
let b;
let seminarId;

async function api(op, method, url, body) {
  const r = await fetch(`${server.base}${url}`, {
    method,
    headers: { Authorization: `Bearer ${server.token}`, "Content-Type": "application/json" },
    body: body ? JSON.stringify(body) : undefined,
  });
  assert.ok(r.ok, `${op}: HTTP ${r.status}`);
  return r.json();
}

/** GBK bytes of `text`, as Chinese Excel/WPS write CSV (Node's TextEncoder only writes UTF-8). */
function gbk(text) {
  const r = spawnSync("python3", ["-c", "import sys; sys.stdout.buffer.write(sys.stdin.buffer.read().decode('utf-8').encode('gbk'))"], { input: Buffer.from(text, "utf8") });
  assert.equal(r.status, 0, String(r.stderr));
  return r.stdout;
}

before(async () => {
  server = await startServer({ demo: true });
  const seminars = await api("seminars.list", "GET", "/api/seminars");
  seminarId = seminars.find((s) => s.status === "inviting").id;
  b = await openBrowser();
  await b.page.addInitScript((id) => {
    localStorage.setItem("huixiao.firstLaunchDismissed", "1");
    localStorage.setItem("huixiao.currentSeminar", String(id));
  }, seminarId);
});
after(async () => {
  await b?.browser.close();
  await server?.stop();
});

const CSV = "门店名称,联系人,电话,角色,城市,行业\n" +
  "导入测试幼儿园,刘丽,13700001111,老板娘,长沙,幼儿园\n" +
  "导入测试超市,李五,12345,老板,长沙,超市\n" +
  "导入测试美容院,张敏,13700002222,老板爹,长沙,美容\n" +
  "导入测试幼儿园,陈建国,13700003333,老板,长沙,幼儿园\n";

test("import a store list through the wizard: errors by row and column, valid rows only", async () => {
  const { page, errors } = b;
  const before = await api("stores.list", "GET", "/api/stores?page_size=1");
  await page.goto(`${server.url}#/invitations`);
  await page.locator("[data-phase=invitations]").waitFor();
  await page.click("[data-test=open-import]");
  const wizard = page.locator(".el-dialog[data-test=import-wizard]");
  await wizard.waitFor({ state: "visible" });
  const bytes = gbk(CSV);
  await wizard.locator("[data-test=import-file]").setInputFiles({ name: "门店名单.csv", mimeType: "text/csv", buffer: bytes });
  const preview = wizard.locator("[data-test=import-preview]");
  await preview.waitFor();
  const errs = wizard.locator("[data-test=import-errors] .el-table__row");
  assert.equal(await errs.count(), 2);
  assert.match(await errs.nth(0).innerText(), /3\s+C 电话[\s\S]*手机号应为 11 位/);
  assert.match(await errs.nth(1).innerText(), /4\s+D 角色[\s\S]*老板爹/);
  assert.match(await wizard.locator("[data-test=import-merges]").innerText(), /导入测试幼儿园[\s\S]*第 2 行新建[\s\S]*同城同名/);
  // All-or-nothing is the default: with errors, the import button stays disabled.
  assert.equal(await wizard.locator("[data-test=import-run]").isDisabled(), true);
  await page.screenshot({ path: screenshotPath("import-preview.png") });
  await wizard.locator("[data-test=import-mode] .el-radio").nth(1).click();
  await wizard.locator("[data-test=import-run]").click();
  await wizard.locator("[data-test=import-done]").waitFor();
  assert.match(await wizard.locator("[data-test=import-done]").innerText(), /新门店 1 家，合并 1 行/);
  const download = page.waitForEvent("download");
  await wizard.locator("[data-test=import-skipped]").click();
  const file = await (await download).path();
  const skipped = fs.readFileSync(file, "utf8");
  assert.match(skipped, /导入测试超市,李五,12345/);
  const after = await api("stores.list", "GET", "/api/stores?page_size=1");
  assert.equal(after.total, before.total + 1);
  await wizard.locator(".el-dialog__footer .el-button").first().click();
  assert.deepEqual(errors, []);
});

test("import: a phone another row has under another store name is a conflict, both sides shown, the person decides", async () => {
  const { page, errors } = b;
  const before = await api("stores.list", "GET", "/api/stores?page_size=1");
  await page.goto(`${server.url}#/invitations`);
  await page.locator("[data-phase=invitations]").waitFor();
  await page.click("[data-test=open-import]");
  const wizard = page.locator(".el-dialog[data-test=import-wizard]");
  await wizard.waitFor({ state: "visible" });
  const csv = "门店名称,联系人,电话,角色,城市,行业\n" +
    "冲突测试美容院,张敏,13700005555,老板,长沙,美容\n" +
    "冲突测试美容院二店,张敏,13700005555,老板娘,长沙,美容\n" +
    "冲突测试花店,王芳,13700006666,老板,长沙,花店\n" +
    "冲突测试花点,王芳,13700006666,老板,长沙,花店\n";
  await wizard.locator("[data-test=import-file]").setInputFiles({ name: "冲突.csv", mimeType: "text/csv", buffer: Buffer.from(csv, "utf8") });
  const conflicts = wizard.locator("[data-test=import-conflicts]");
  await conflicts.waitFor();
  const rows = conflicts.locator(".el-table__body-wrapper .el-table__row");
  assert.equal(await rows.count(), 2);
  // Both sides: this row's store and person, the phone, the other row's store and person.
  assert.match(await rows.nth(0).innerText(), /第 3 行[\s\S]*冲突测试美容院二店 · 张敏[\s\S]*13700005555[\s\S]*第 2 行[\s\S]*冲突测试美容院 · 张敏/);
  // Nothing is decided for the person: the import waits for every decision.
  assert.equal(await wizard.locator("[data-test=import-run]").isDisabled(), true);
  assert.match(await wizard.locator("[data-test=conflicts-undecided]").innerText(), /还有 2 处冲突/);
  await wizard.locator("[data-test=conflict-3-apart]").click();
  await wizard.locator("[data-test=conflict-5-skip]").click();
  await page.screenshot({ path: screenshotPath("import-conflicts.png") });
  await wizard.locator("[data-test=import-run]").click();
  await wizard.locator("[data-test=import-done]").waitFor();
  assert.match(await wizard.locator("[data-test=import-done-conflicts]").innerText(), /分开 1，合并 0，跳过 1/);
  const download = page.waitForEvent("download");
  await wizard.locator("[data-test=import-skipped]").click();
  const skipped = fs.readFileSync(await (await download).path(), "utf8");
  assert.match(skipped, /冲突测试花点,王芳,13700006666[\s\S]*第 4 行/);
  const after = await api("stores.list", "GET", "/api/stores?page_size=1");
  assert.equal(after.total, before.total + 3, "two beauty salons kept apart, one flower shop");
  const second = (await api("stores.list", "GET", `/api/stores?q=${encodeURIComponent("冲突测试美容院二店")}`)).items[0];
  const detail = await api("stores.get", "GET", `/api/stores/${second.id}`);
  assert.deepEqual(detail.contacts.map((c) => [c.name, c.role]), [["张敏", "owner_spouse"]]);
  await wizard.locator(".el-dialog__footer .el-button").first().click();
  assert.deepEqual(errors, []);
});

test("work through today's touches: copy, confirm (tickets), decline with a reason, no answer", async () => {
  const { page, errors } = b;
  await page.goto(`${server.url}#/invitations`);
  await page.locator(".el-tabs__item", { hasText: "今日任务" }).click();
  const touches = page.locator("[data-test=touch]");
  await touches.first().waitFor();
  const n = await touches.count();
  assert.ok(n >= 3, `several touches due today (${n})`);
  const first = touches.first();
  assert.match(await first.locator("[data-test=touch-message]").innerText(), /您好/);
  assert.doesNotMatch(await first.locator("[data-test=touch-message]").innerText(), /\{/, "variables filled in");
  await page.waitForTimeout(600); // let the tags finish fading in
  await page.screenshot({ path: screenshotPath("inviter-day.png") });

  await first.locator("[data-test=copy]").click();
  await page.locator(".el-message", { hasText: "已复制" }).waitFor();

  const firstId = await first.getAttribute("data-touch");
  await first.locator("[data-test=outcome-confirmed]").click();
  await page.locator(".el-message", { hasText: "电子票" }).waitFor();
  await page.locator(`[data-touch="${firstId}"]`).waitFor({ state: "detached" });

  const second = touches.first();
  const secondId = await second.getAttribute("data-touch");
  await second.locator("[data-test=outcome-declined]").click();
  const dialog = page.locator(".el-dialog", { hasText: "拒绝原因" });
  await dialog.locator(".el-button--danger").click();
  await dialog.locator(".form-error", { hasText: /请填写.*拒绝原因/ }).waitFor();
  await dialog.locator("input[data-test=decline-reason]").fill("临时出差");
  await dialog.locator(".el-button--danger").click();
  await page.locator(`[data-touch="${secondId}"]`).waitFor({ state: "detached" });

  const third = touches.first();
  const thirdId = await third.getAttribute("data-touch");
  await third.locator("[data-test=outcome-no_answer]").click();
  await page.locator(`[data-touch="${thirdId}"]`).waitFor({ state: "detached" });
  assert.equal(await touches.count(), n - 3);

  await page.locator(".el-tabs__item", { hasText: "邀约进度" }).click();
  const table = page.locator("[data-test=progress-table]");
  await table.waitFor();
  const p = await api("invitations.progress", "GET", `/api/seminars/${seminarId}/invitations/progress`);
  assert.ok(p.confirmed >= 1 && p.declined >= 1);
  assert.match(await page.locator("[data-test=progress]").innerText(), new RegExp(`会场容纳 ${p.capacity} 人`));
  await page.screenshot({ path: screenshotPath("inviter-progress.png"), fullPage: true });
  assert.deepEqual(errors, []);
});

test("the tabs stay current: an outcome in 今日任务 shows in 邀约名单, a cancel in 邀约名单 leaves 今日任务", async () => {
  const { page, errors } = b;
  await page.goto(`${server.url}#/invitations`);
  const table = page.locator("[data-test=invitation-table]");
  await table.locator(".el-table__row").first().waitFor();
  const row = (store) => table.locator(".el-table__row", { has: page.locator(".cell-strong", { hasText: new RegExp(`^${store}$`) }) });

  // 今日任务: two stores due a touch whose invitations are not confirmed yet.
  await page.locator(".el-tabs__item", { hasText: "今日任务" }).click();
  const touches = page.locator("[data-test=today] [data-test=touch]", { has: page.locator("[data-test=outcome-confirmed]") });
  await touches.first().waitFor();
  const stores = [...new Set(await touches.evaluateAll((els) => els.map((e) => e.getAttribute("data-store"))))];
  assert.ok(stores.length >= 2, `two stores with touches today: ${stores}`);
  const [confirmed, cancelled] = stores;
  assert.match(await row(confirmed).innerText(), /已邀约/, "the list as it was");
  assert.match(await row(cancelled).innerText(), /已邀约/);

  // Confirm the first in 今日任务; 邀约名单 shows it confirmed, with its ticket, without a reload.
  await page.locator(`[data-test=today] [data-test=touch][data-store="${confirmed}"]`).first().locator("[data-test=outcome-confirmed]").click();
  await page.locator(".el-message", { hasText: "电子票" }).waitFor();
  await page.locator(".el-tabs__item", { hasText: "邀约名单" }).click();
  await row(confirmed).filter({ hasText: "已确认" }).waitFor({ timeout: 5000 });
  await row(confirmed).locator("[data-test=row-tickets]").waitFor();
  await page.screenshot({ path: screenshotPath("invitations-tabs-current.png") });

  // Cancel the second in 邀约名单 (asked first); 今日任务 no longer lists its touches.
  await row(cancelled).locator("[data-test=row-cancel]").click();
  await page.locator(".el-message-box").getByRole("button", { name: "取消邀约" }).click();
  await row(cancelled).filter({ hasText: "已取消" }).waitFor();
  const due = await api("touches.today", "GET", `/api/touches/today?seminar_id=${seminarId}`);
  assert.ok(!due.some((x) => x.store_name === cancelled), "the hub has no touch for the cancelled store");
  await page.locator(".el-tabs__item", { hasText: "今日任务" }).click();
  await page.waitForFunction((s) => !document.querySelector(`[data-test=today] [data-test=touch][data-store="${s}"]`), cancelled, { timeout: 5000 });
  assert.equal(await page.locator(`[data-test=today] [data-test=touch][data-store="${cancelled}"]`).count(), 0);
  assert.deepEqual(errors, []);
});
