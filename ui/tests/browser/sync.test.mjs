// 总部同步 as an organizer uses it, against a real PostgreSQL: head office prepares its database and
// registers two laptops; this laptop (the window) pastes its join link and joins with the store it
// already holds; head office's new staff member arrives; a change head office refuses shows on the
// 同步问题 list with both versions, and taking head office's version settles it.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { apiCall, isoDateFromToday, openBrowser, screenshotPath, startServer } from "./harness.mjs";
import { axeWithin, cliLaptop } from "./laptops.mjs";
import { startPostgres } from "./pg.mjs";

let pg;
let server;
let b;
let hqDb;
const links = {};

const api = (method, urlPath, body) => apiCall(server, method, urlPath, body);

/** Until this laptop has nothing waiting to go out (a sync started from the page has finished). */
async function nothingWaiting() {
  for (let i = 0; i < 100 && (await api("GET", "/api/sync")).pending > 0; i++) await new Promise((r) => setTimeout(r, 100));
  assert.equal((await api("GET", "/api/sync")).pending, 0);
}
/** Head office's laptop, through the command line. */
let hqLaptop;
const huixiao = (args) => hqLaptop.run(args);

before(async () => {
  pg = await startPostgres();
  hqLaptop = cliLaptop("hq");
  hqDb = hqLaptop.db;
  const url = pg.database();
  huixiao(["hq", "init", "--pg", url, "--json"]);
  links.changsha = JSON.parse(huixiao(["hq", "laptop", "add", "--pg", url, "--name", "长沙1号", "--cities", "长沙", "--json"])).join_url;
  links.hq = JSON.parse(huixiao(["hq", "laptop", "add", "--pg", url, "--name", "总部", "--hq", "--json"])).join_url;
  server = await startServer();
  b = await openBrowser();
});
after(async () => {
  await b?.browser.close();
  await server?.stop();
  pg?.stop();
  hqLaptop?.remove();
});

test("join head office from the window, receive its staff, and settle a refused change", async () => {
  const { page, errors } = b;
  await api("POST", "/api/stores", { name: "小太阳幼儿园", city: "长沙", level: "A" });
  // Head office's own laptop adds a staff member and syncs.
  huixiao(["sync", "--db", hqDb, "--join", links.hq, "--json"]);
  huixiao(["--db", hqDb, "call", "staff.create", JSON.stringify({ name: "彭小燕", roles: ["inviter"] })]);
  assert.equal(JSON.parse(huixiao(["sync", "--db", hqDb, "--json"])).pushed, 1);

  await page.goto(server.url);
  await page.getByRole("link", { name: "总部同步" }).click();
  await page.locator("[data-test=sync-join]").waitFor();
  // Not joined: the sidebar says nothing about head office.
  assert.equal(await page.locator("[data-test=sidebar-sync]").count(), 0);
  // Joining without a link says what is missing; a wrong link says what is wrong, and nothing changes.
  await page.click("[data-test=sync-join-button]");
  await page.locator(".el-message--warning").filter({ hasText: "请先粘贴总部给的加入链接" }).waitFor();
  await page.fill("input[data-test=sync-link]", "mysql://x:y@h/db");
  await page.click("[data-test=sync-join-button]");
  await page.locator(".el-message--error, .el-message-box").filter({ hasText: "postgresql://" }).first().waitFor();
  assert.equal((await api("GET", "/api/sync")).joined, false);

  await page.fill("input[data-test=sync-link]", links.changsha);
  await page.click("[data-test=sync-join-button]");
  await page.locator(".el-message--success").filter({ hasText: "已加入总部" }).waitFor();
  await page.locator("[data-test=sync-status]").filter({ hasText: "长沙1号" }).waitFor();
  assert.equal(await page.locator("[data-test=sync-pending]").innerText(), "0");
  // The sidebar follows at once: synced just now, in words.
  await page.locator("[data-test=sidebar-sync-state]").filter({ hasText: "已同步 · 刚刚" }).waitFor();
  assert.deepEqual(await axeWithin(page, "[data-test=sidebar-sync]"), []);
  assert.ok(!fs.readFileSync(server.db + ".hq-link", "utf8").includes("\n"), "the link is kept beside the database");
  assert.equal(fs.statSync(server.db + ".hq-link").mode & 0o777, 0o600);
  // Head office's staff member is here now, and head office has this laptop's store.
  const staff = await api("GET", "/api/staff");
  assert.ok(staff.some((s) => s.name === "彭小燕"), JSON.stringify(staff));
  huixiao(["sync", "--db", hqDb, "--json"]);
  assert.match(huixiao(["--db", hqDb, "call", "stores.list", "{}"]), /小太阳幼儿园/);

  // This laptop renames head office's staff member: head office refuses it at the next sync.
  const pxy = staff.find((s) => s.name === "彭小燕");
  await api("PUT", `/api/staff/${pxy.id}`, { ...pxy, name: "彭大燕" });
  // A change made here waits to go out: the sidebar says so on its next look (here, a reload).
  await page.reload();
  await page.locator("[data-test=sidebar-sync-state]").filter({ hasText: "1 条待上传" }).waitFor();
  await page.click("[data-test=sync-now]");
  await page.locator(".el-message--success").filter({ hasText: "同步完成" }).waitFor();
  await page.locator("[data-test=sync-conflict-count]").filter({ hasText: "1" }).waitFor();
  // The problem shows in the sidebar too, in the warning colour and in words, and leads to 同步问题.
  const sideConflicts = page.locator("[data-test=sidebar-sync-conflicts]");
  await sideConflicts.filter({ hasText: "1 个同步问题" }).waitFor();
  assert.equal(await sideConflicts.getAttribute("href"), "#/sync");
  assert.deepEqual(await axeWithin(page, "[data-test=sidebar-sync]"), []);
  const row = page.locator("[data-test=sync-conflicts] .el-table__body-wrapper .el-table__row");
  await row.filter({ hasText: "员工 · 彭大燕" }).waitFor();
  assert.match(await row.innerText(), /只有总部的电脑能修改员工/);
  assert.match(await row.locator("[data-test=conflict-mine]").allInnerTexts().then((t) => t.join(" ")), /名称：「彭大燕」/);
  assert.match(await row.locator("[data-test=conflict-theirs]").allInnerTexts().then((t) => t.join(" ")), /名称：「彭小燕」/);
  await page.locator(".el-message").first().waitFor({ state: "hidden", timeout: 10_000 });
  await page.screenshot({ path: screenshotPath("sync.png"), fullPage: true });

  await row.locator("[data-test=conflict-use-theirs]").click();
  await page.locator("[data-test=sync-conflicts]").filter({ hasText: "没有待处理的同步问题" }).waitFor();
  await page.locator("[data-test=sync-conflict-count]").filter({ hasText: "0" }).waitFor();
  await sideConflicts.waitFor({ state: "detached" });
  assert.ok((await api("GET", "/api/staff")).some((s) => s.name === "彭小燕"), "head office's name is back here");
  assert.deepEqual(errors, []);
});

test("a store head office also invited to an overlapping seminar comes back as a problem to settle", async () => {
  const { page, errors } = b;
  const store = (await api("GET", "/api/stores?q=%E5%B0%8F%E5%A4%AA%E9%98%B3")).items[0];
  await api("POST", `/api/stores/${store.id}/contacts`, { store_id: store.id, name: "陈建国", role: "owner", phone: "13800138000" });
  await page.click("[data-test=sync-now]"); // the store's owner reaches head office
  await page.locator(".el-message--success").filter({ hasText: "同步完成" }).last().waitFor();
  const mine = await api("POST", "/api/seminars", { title: "长沙招生增长会", date: isoDateFromToday(5), start_time: "14:00", capacity: 60, city: "长沙", attribution_days: 30 });
  const invited = await api("POST", `/api/seminars/${mine.id}/invitations/batch`, { seminar_id: mine.id, store_ids: [store.id] });
  assert.equal(invited.created.length, 1, JSON.stringify(invited));
  // Before this laptop's invitation reaches head office, head office invites the same store to its
  // own seminar three days later (online, it would have been refused; here nobody knew yet).
  huixiao(["sync", "--db", hqDb, "--json"]);
  const hqStore = JSON.parse(huixiao(["--db", hqDb, "call", "stores.list", "{}"])).items.find((s) => s.name === "小太阳幼儿园");
  const theirs = JSON.parse(huixiao(["--db", hqDb, "call", "seminars.create", JSON.stringify({ title: "总部大课", date: isoDateFromToday(8), start_time: "14:00", capacity: 200, city: "长沙", attribution_days: 30 })]));
  const made = JSON.parse(huixiao(["--db", hqDb, "call", "invitations.create_many", JSON.stringify({ seminar_id: theirs.id, store_ids: [hqStore.id] })]));
  assert.equal(made.created.length, 1, JSON.stringify(made));
  assert.equal(JSON.parse(huixiao(["sync", "--db", hqDb, "--json"])).conflicts, 0);

  await page.click("[data-test=sync-now]");
  const row = page.locator("[data-test=sync-conflicts] .el-table__body-wrapper .el-table__row");
  await row.filter({ hasText: "小太阳幼儿园" }).waitFor();
  const text = await row.innerText();
  assert.match(text, /另一台电脑邀请/);
  assert.match(text, /总部已邀请：「总部大课」/, "who holds the store, for which seminar");
  assert.match(text, /长沙招生增长会/);
  await row.locator("[data-test=conflict-cancel-mine]").click();
  await page.locator("[data-test=sync-conflicts]").filter({ hasText: "没有待处理的同步问题" }).waitFor();
  const invitations = await api("GET", `/api/seminars/${mine.id}/invitations`);
  assert.equal((invitations.items ?? invitations)[0].status, "cancelled");
  assert.deepEqual(errors, []);
});

test("the builder leaves out a store another laptop invited to an overlapping seminar, and says why", async () => {
  const { page, errors } = b;
  // Head office holds 小太阳幼儿园 for 总部大课 (eight days from now, 30 days of attribution): a
  // seminar of this laptop's six days from now overlaps it.
  const mine = await api("POST", "/api/seminars", { title: "长沙秋季会", date: isoDateFromToday(6), start_time: "14:00", capacity: 40, city: "长沙", attribution_days: 30 });
  await page.evaluate((id) => localStorage.setItem("huixiao.currentSeminar", String(id)), mine.id);
  await page.goto(`${server.url}#/invitations`);
  await page.locator("[data-phase=invitations]").waitFor();
  await page.getByRole("tab", { name: "按条件邀约" }).click();
  const held = page.locator("[data-test=builder-excluded] [data-reason=held_by_other_laptop]");
  await held.waitFor();
  assert.match(await held.innerText(), /其他电脑已邀约到重叠的会销 1/);
  // Colours are judged once the tags have faded in.
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== "running"));
  await page.waitForTimeout(300);
  assert.deepEqual(await axeWithin(page, "[data-test=builder]"), []);
  // Invited by hand all the same, it is refused with who holds it and for which seminar.
  const store = (await api("GET", "/api/stores?q=%E5%B0%8F%E5%A4%AA%E9%98%B3")).items[0];
  const tried = await api("POST", `/api/seminars/${mine.id}/invitations/batch`, { seminar_id: mine.id, store_ids: [store.id] });
  assert.equal(tried.created.length, 0, JSON.stringify(tried));
  assert.match(JSON.stringify(tried.skipped), /held_by_other_laptop/);
  assert.match(JSON.stringify(tried.skipped), /总部大课/);
  await page.goto(`${server.url}#/sync`);
  assert.deepEqual(errors, []);
});

test("a field head office changed after this laptop is listed as overwritten, and this laptop's value can win again", async () => {
  const { page, errors } = b;
  const store = (await api("GET", "/api/stores?q=%E5%B0%8F%E5%A4%AA%E9%98%B3")).items[0];
  const full = (await api("GET", `/api/stores/${store.id}`)).store;
  await api("PUT", `/api/stores/${store.id}`, { ...full, note: "长沙：老板娘管钱" });
  assert.ok((await api("GET", "/api/sync")).pending > 0);
  if (!page.url().endsWith("#/sync")) await page.goto(`${server.url}#/sync`);
  await page.click("[data-test=sync-now]");
  await nothingWaiting();
  // Head office, having received it, writes the same field later.
  huixiao(["sync", "--db", hqDb, "--json"]);
  const hqStore = JSON.parse(huixiao(["--db", hqDb, "call", "stores.list", "{}"])).items.find((s) => s.name === "小太阳幼儿园");
  const hqFull = JSON.parse(huixiao(["--db", hqDb, "call", "stores.get", JSON.stringify({ id: hqStore.id })])).store;
  huixiao(["--db", hqDb, "call", "stores.update", JSON.stringify({ ...hqFull, id: hqStore.id, note: "总部：已签约" })]);
  huixiao(["sync", "--db", hqDb, "--json"]);

  await page.click("[data-test=sync-now]");
  const row = page.locator("[data-test=sync-conflicts] .el-table__body-wrapper .el-table__row").filter({ hasText: "后来被另一台电脑改掉了" });
  await row.waitFor();
  assert.match(await row.innerText(), /门店 · 小太阳幼儿园/);
  const mine = (await row.locator("[data-test=conflict-mine]").allInnerTexts()).join(" ");
  const theirs = (await row.locator("[data-test=conflict-theirs]").allInnerTexts()).join(" ");
  assert.match(mine, /备注：「长沙：老板娘管钱」/);
  assert.match(mine, /修改的电脑：「长沙1号」/);
  assert.match(theirs, /备注：「总部：已签约」/);
  assert.match(theirs, /修改的电脑：「总部」/, "who wrote the value that won");
  assert.match(theirs, /修改时间：「\d{4}-\d\d-\d\d \d\d:\d\d」/, "and when");
  assert.equal((await api("GET", `/api/stores/${store.id}`)).store.note, "总部：已签约", "the later write is here");

  await row.locator("[data-test=conflict-use-mine]").click();
  await page.locator("[data-test=sync-conflicts]").filter({ hasText: "没有待处理的同步问题" }).waitFor();
  assert.equal((await api("GET", `/api/stores/${store.id}`)).store.note, "长沙：老板娘管钱");
  assert.ok((await api("GET", "/api/sync")).pending > 0);
  await page.click("[data-test=sync-now]");
  await nothingWaiting();
  huixiao(["sync", "--db", hqDb, "--json"]);
  const back = JSON.parse(huixiao(["--db", hqDb, "call", "stores.get", JSON.stringify({ id: hqStore.id })])).store;
  assert.equal(back.note, "长沙：老板娘管钱", "this laptop's value wins at head office too");
  assert.deepEqual(errors, []);
});

test("the same page in English", async () => {
  const { page } = b;
  await api("PUT", "/api/settings", { ...(await api("GET", "/api/settings")), language: "en" });
  await page.goto(`${server.url}#/sync`);
  await page.reload();
  await page.locator("[data-test=sync-status]").filter({ hasText: "Sync status" }).waitFor();
  await page.locator("[data-test=sync-conflicts]").filter({ hasText: "No sync conflicts to resolve" }).waitFor();
  await page.screenshot({ path: screenshotPath("sync-en.png"), fullPage: true });
});

test("the sidebar says a failed sync in red, with the error in words", async () => {
  const { page } = b;
  await api("PUT", "/api/settings", { ...(await api("GET", "/api/settings")), language: "zh-CN" });
  // Head office goes away (the last test: PostgreSQL is stopped for good).
  pg.stop();
  pg = null;
  await page.goto(`${server.url}#/sync`);
  await page.reload();
  await page.click("[data-test=sync-now]");
  await page.locator("[data-test=sync-error]").waitFor();
  const state = page.locator("[data-test=sidebar-sync-state]");
  await state.filter({ hasText: "同步失败" }).waitFor();
  const said = (await page.locator("[data-test=sync-error]").innerText()).replace("上次同步失败", "").trim();
  assert.ok(said.length > 0);
  assert.equal(await state.getAttribute("title"), (await api("GET", "/api/sync")).last_error, "the error in words on hover");
  assert.match(await state.innerText(), /同步失败/);
  assert.equal(await state.evaluate((e) => getComputedStyle(e).color), "rgb(255, 155, 155)");
  assert.deepEqual(await axeWithin(page, "[data-test=sidebar-sync]"), []);
});

test("restoring a backup on a joined laptop says which changes head office had not taken yet", async () => {
  const { page, errors } = b;
  // After the test above head office is gone: the store made now cannot reach it.
  await api("POST", "/api/backups", {});
  await api("POST", "/api/stores", { name: "还没上传的店", city: "长沙" });
  await page.goto(`${server.url}#/settings`);
  await page.getByRole("tab", { name: "备份" }).click();
  const manual = page.locator("[data-test=backup-list] .el-table__body-wrapper .el-table__row").filter({ hasText: "手动" }).first();
  await manual.getByRole("button", { name: /恢复/ }).click();
  const ask = page.locator(".el-message-box").filter({ hasText: "恢复前会先自动备份当前数据" });
  await ask.getByRole("button", { name: "恢复" }).click();
  const done = page.locator(".el-message-box").filter({ hasText: "已恢复" });
  await done.waitFor();
  const said = await done.innerText();
  const waiting = Number(said.match(/有 (\d+) 项本机改动还没有同步到总部，恢复后的数据里没有它们（恢复前的备份里还有）/)?.[1]);
  assert.ok(waiting >= 1, said);
  // The sentence names up to eight of them, the newest last.
  assert.match(said, waiting <= 8 ? /新增门店“还没上传的店”/ : /另有 \d+ 项/);
  await Promise.all([page.waitForEvent("load"), done.getByRole("button").last().click()]);
  assert.equal((await api("GET", "/api/stores?q=%E8%BF%98%E6%B2%A1%E4%B8%8A%E4%BC%A0")).total, 0, "the restored data does not hold it");
  assert.equal((await api("GET", "/api/sync")).joined, true, "still joined");
  assert.deepEqual(errors, []);
});
