// The invitation-list builder (邀约名单) from an empty database, through the window: stores made
// through the API, a filter saved as a segment, a list of 50 invitations built from that segment
// and seen on 今日任务, the batch undone (the one store already called stays), and a filter that
// matches nothing said plainly with nothing written.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { apiCall, isoDateFromToday, openBrowser, screenshotPath, startServer, UI_DIR } from "./harness.mjs";

const DOCS = path.resolve(UI_DIR, "../docs/screenshots");
let server;
let b;
let seminarId;
const api = (method, url, body) => apiCall(server, method, url, body);

async function choose(page, select, text) {
  await select.click();
  await page.locator(".el-select-dropdown__item:visible", { hasText: text }).first().click();
}

/** Before a screenshot: no list loading, no focus or hover left on a control, the page at its top. */
async function still(page) {
  await page.locator("[data-test=builder-summary] .el-loading-mask").waitFor({ state: "detached" }).catch(() => {});
  await page.evaluate(() => {
    document.activeElement?.blur();
    for (const el of document.querySelectorAll("*")) if (el.scrollTop) el.scrollTop = 0;
  });
  await page.mouse.move(0, 0);
  await page.waitForTimeout(400);
}

async function invitations() {
  return api("GET", `/api/seminars/${seminarId}/invitations`);
}

before(async () => {
  server = await startServer();
  await api("POST", "/api/staff", { name: "彭小燕", roles: ["inviter"] });
  await api("POST", "/api/staff", { name: "王邀约", roles: ["inviter"] });
  // Eight days ahead: the cadence's first call (D-10) is due today.
  const s = await api("POST", "/api/seminars", { title: "春季招生研讨会", date: isoDateFromToday(8), start_time: "14:00", capacity: 30, city: "长沙", venue: "华天大酒店" });
  seminarId = s.id;
  for (let i = 1; i <= 70; i++) {
    const city = i <= 60 ? "长沙" : "武汉";
    const level = i % 6 === 0 ? "B" : "A"; // 长沙: 50 level A, 10 level B
    const store = await api("POST", "/api/stores", { name: `测试幼儿园${String(i).padStart(2, "0")}`, city, district: "岳麓区", industry: "幼儿园", level });
    await api("POST", `/api/stores/${store.id}/contacts`, { store_id: store.id, name: `老板${i}`, role: "owner", phone: `1390000${String(1000 + i)}` });
    if (i % 2 === 0) await api("POST", `/api/stores/${store.id}/contacts`, { store_id: store.id, name: `老板娘${i}`, role: "owner_spouse", phone: `1380000${String(1000 + i)}` });
  }
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

async function openBuilder(page) {
  await page.goto(`${server.url}#/invitations`);
  await page.locator("[data-phase=invitations]").waitFor();
  await page.getByRole("tab", { name: "按条件邀约" }).click();
  await page.locator("[data-test=builder]").waitFor();
}

async function count(page) {
  return Number(await page.locator("[data-test=builder-count]").innerText());
}

test("save a filter as a segment, build 50 invitations from it, see them on 今日任务, undo the batch", async () => {
  const { page, errors } = b;
  await openBuilder(page);
  // Every store matches at first; narrow to 长沙, level A.
  await page.locator("[data-test=builder-matched]").waitFor();
  await page.waitForFunction(() => document.querySelector("[data-test=builder-matched]")?.textContent?.trim() === "70");
  await choose(page, page.locator("[data-test=builder] [data-test=filter-city]"), "长沙");
  await choose(page, page.locator("[data-test=builder] [data-test=filter-level]"), "A");
  await page.waitForFunction(() => document.querySelector("[data-test=builder-matched]")?.textContent?.trim() === "50");
  // Save it as a segment.
  await page.click("[data-test=segment-save-open]");
  const dialog = page.locator(".el-dialog[data-test=segment-dialog]");
  await dialog.waitFor({ state: "visible" });
  await dialog.locator("[data-test=segment-name]").fill("长沙A级");
  await dialog.locator("[data-test=segment-save]").click();
  await dialog.waitFor({ state: "hidden" });
  const segments = await api("GET", "/api/segments");
  assert.deepEqual(segments.map((s) => [s.name, s.count, s.filter]), [["长沙A级", 50, { city: "长沙", level: "A" }]]);
  // Start again from the segment alone.
  await openBuilder(page);
  await choose(page, page.locator("[data-test=builder-segment]"), "长沙A级");
  await page.waitForFunction(() => document.querySelector("[data-test=builder-count]")?.textContent?.trim() === "50");
  const summary = page.locator("[data-test=builder-summary]");
  assert.equal(await page.locator("[data-test=builder-turnout]").innerText(), "—", "no past seminar: no estimate");
  assert.match(await page.locator("[data-test=builder-warning]").first().innerText(), /还没有往期会销[\s\S]*50 家[\s\S]*30 个座位的 2 倍/);
  assert.match(await page.locator("[data-test=builder-spread]").innerText(), /彭小燕 25[\s\S]*王邀约 25/);
  // The money-holder is pre-selected where the store has one.
  const rows = page.locator("[data-test=builder-preview] .el-table__body-wrapper tr");
  assert.equal(await rows.count(), 50);
  assert.match(await summary.innerText(), /老板娘\d+\s*老板娘/);
  const button = page.locator("[data-test=builder-create]");
  assert.equal((await button.innerText()).trim(), "邀请这 50 家");
  await still(page);
  await page.screenshot({ path: screenshotPath("builder.png"), fullPage: false });
  fs.copyFileSync(screenshotPath("builder.png"), path.join(DOCS, "builder.png"));
  await button.click();
  const result = page.locator("[data-test=builder-result]");
  await result.waitFor();
  assert.match(await page.locator("[data-test=builder-invited]").innerText(), /已邀请 50 家门店/);
  assert.match(await result.innerText(), /彭小燕 25[\s\S]*王邀约 25/);
  const made = await invitations();
  assert.equal(made.length, 50);
  // The list is spent: the same segment now leaves all 50 out as already invited.
  await page.waitForFunction(() => document.querySelector("[data-test=builder-count]")?.textContent?.trim() === "0");
  assert.match(await page.locator("[data-test=builder-excluded]").innerText(), /已在本场名单里 50/);

  // 今日任务: the first call of each of the 50 is due today.
  await page.getByRole("tab", { name: "今日任务", exact: true }).click();
  await page.locator("[data-test=today] [data-test=touch]").first().waitFor();
  const stores = new Set(await page.locator("[data-test=today] [data-test=touch]").evaluateAll((els) => els.map((e) => e.dataset.store)));
  assert.equal(stores.size, 50);

  // An inviter calls one store; then the batch is undone: that one stays, the 49 others go.
  const today = await api("GET", `/api/touches/today?seminar_id=${seminarId}`);
  const called = today[0];
  await api("POST", `/api/touches/${called.touch_id}/outcome`, { id: called.touch_id, outcome: "no_answer" });
  await page.getByRole("tab", { name: "按条件邀约" }).click();
  await result.locator("[data-test=undo-batch]").click();
  const box = page.locator(".el-message-box");
  await box.waitFor();
  assert.match(await box.innerText(), /撤销这批 50 条邀约/);
  await box.locator(".el-button--primary").click();
  await result.locator("[data-test=undo-result]").waitFor();
  assert.match(await result.locator("[data-test=undo-count]").innerText(), /已撤销 49 条邀约/);
  assert.match(await result.locator("[data-reason=touched]").innerText(), new RegExp(`1 条已有联系记录，保留[\\s\\S]*${called.store_name}`));
  const left = await invitations();
  assert.deepEqual(left.map((i) => i.store_name), [called.store_name]);
  await page.waitForFunction(() => document.querySelector("[data-test=builder-count]")?.textContent?.trim() === "49");
  assert.deepEqual(errors, []);
});

test("a filter that matches nothing says so and writes nothing", async () => {
  const { page, errors } = b;
  await openBuilder(page);
  const before = (await invitations()).length;
  await page.locator("[data-test=builder] [data-test=filter-district]").fill("不存在区");
  const error = page.locator("[data-test=builder-error]");
  await error.waitFor();
  assert.match(await error.innerText(), /没有门店符合这些条件：请放宽条件再试/);
  assert.equal(await page.locator("[data-test=builder-create]").count(), 0, "nothing to create from");
  assert.equal((await invitations()).length, before);
  assert.deepEqual(errors, []);
});

test("the segments manager lists each segment with its count, edits and deletes after a confirm", async () => {
  const { page, errors } = b;
  await openBuilder(page);
  // By keyboard: the manager opens with Enter on its button, and Escape closes it.
  await page.locator("[data-test=segment-manager-open]").focus();
  await page.keyboard.press("Enter");
  const manager = page.locator(".el-dialog[data-test=segment-manager]");
  await manager.waitFor({ state: "visible" });
  await page.keyboard.press("Escape");
  await manager.waitFor({ state: "hidden" });
  await page.click("[data-test=segment-manager-open]");
  await manager.waitFor({ state: "visible" });
  const row = manager.locator("[data-test=segment-table] .el-table__body tr").first();
  await row.waitFor();
  // 49 of the 50 are invitable again, but the segment counts every store its filter matches.
  assert.match(await row.innerText(), /长沙A级\s+50\s+跟随会销的邀约节奏/);
  await row.locator("[data-test=segment-edit]").click();
  const edit = page.locator(".el-dialog[data-test=segment-dialog]").last();
  await edit.waitFor({ state: "visible" });
  await edit.locator("[data-test=segment-name]").fill("长沙A级老客户");
  await edit.locator("[data-test=segment-save]").click();
  await edit.waitFor({ state: "hidden" });
  await manager.locator("text=长沙A级老客户").waitFor();
  await manager.locator("[data-test=segment-delete]").first().click();
  const box = page.locator(".el-message-box");
  await box.waitFor();
  assert.match(await box.innerText(), /删除分群“长沙A级老客户”/);
  await box.locator(".el-button--primary").click();
  await manager.locator(".el-table__empty-text").waitFor();
  assert.deepEqual(await api("GET", "/api/segments"), []);
  assert.deepEqual(errors, []);
});

test("撤销这批 in the invite-stores result takes back a store-list selection", async () => {
  const { page, errors } = b;
  await page.goto(`${server.url}#/invitations`);
  await page.locator("[data-phase=invitations]").waitFor();
  const before = (await invitations()).length;
  await page.click("[data-test=open-invite-stores]");
  const dlg = page.locator(".el-dialog[data-test=invite-stores]");
  await dlg.waitFor({ state: "visible" });
  for (const name of ["测试幼儿园61", "测试幼儿园62"]) {
    await dlg.locator("[data-test=invite-search]").fill(name);
    await dlg.locator("[data-test=invite-store-table] .el-table__row", { hasText: name }).locator(".el-checkbox").click();
  }
  assert.match(await dlg.locator("[data-test=invite-picked]").innerText(), /已选 2 家/);
  await dlg.locator("[data-test=invite-submit]").click();
  const result = page.locator(".el-dialog[data-test=invite-result]");
  await result.waitFor({ state: "visible" });
  assert.equal((await invitations()).length, before + 2);
  await result.locator("[data-test=undo-batch]").click();
  await page.locator(".el-message-box .el-button--primary").click();
  await result.locator("[data-test=undo-count]").waitFor();
  assert.match(await result.locator("[data-test=undo-count]").innerText(), /已撤销 2 条邀约/);
  assert.equal((await invitations()).length, before);
  await result.locator("[data-test=result-close]").click();
  assert.deepEqual(errors, []);
});

test("the builder in English (screenshot)", async () => {
  const { page, errors } = b;
  await api("PUT", "/api/settings", { ...(await api("GET", "/api/settings")), language: "en" });
  await page.evaluate(() => localStorage.setItem("huixiao.lang", "en"));
  await page.goto(`${server.url}#/invitations`);
  await page.reload();
  await page.locator("[data-phase=invitations]").waitFor();
  await page.getByRole("tab", { name: "List builder" }).click();
  await choose(page, page.locator("[data-test=builder] [data-test=filter-city]"), "长沙");
  await page.locator("[data-test=builder-limit] input").fill("40");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelector("[data-test=builder-count]")?.textContent?.trim() === "40");
  assert.equal((await page.locator("[data-test=builder-create]").innerText()).trim(), "Invite these 40");
  assert.match(await page.locator("[data-test=builder-excluded]").innerText(), /Already on this seminar's list 1/);
  await still(page);
  await page.screenshot({ path: screenshotPath("builder-en.png") });
  fs.copyFileSync(screenshotPath("builder-en.png"), path.join(DOCS, "builder-en.png"));
  await page.evaluate(() => localStorage.setItem("huixiao.lang", "zh-CN"));
  assert.deepEqual(errors, []);
});
