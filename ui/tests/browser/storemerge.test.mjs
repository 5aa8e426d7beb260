// 合并门店 as an organizer meets it, against a real PostgreSQL: this laptop (the window) typed
// 美丽人生美容院 with the owner's mobile; a second 长沙 laptop typed 美丽人生（分店） with the same
// mobile. After a sync the 同步问题 list shows both stores side by side (name, city, level, people
// with phones masked, who typed each), in Chinese and in English; one click merges them, and both
// laptops then hold one store with the person once.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { apiCall, openBrowser, screenshotPath, startServer } from "./harness.mjs";
import { axeWithin, cliLaptop } from "./laptops.mjs";
import { startPostgres } from "./pg.mjs";

let pg;
let server;
let b;
/** The other laptop, through the command line. */
let other;
const links = {};

const api = (method, urlPath, body) => apiCall(server, method, urlPath, body);
const huixiao = (args) => other.run(args);
const otherCall = (op, input) => other.call(op, input);

before(async () => {
  pg = await startPostgres();
  other = cliLaptop("other");
  const url = pg.database();
  huixiao(["hq", "init", "--pg", url, "--json"]);
  links.one = JSON.parse(huixiao(["hq", "laptop", "add", "--pg", url, "--name", "长沙1号", "--cities", "长沙", "--json"])).join_url;
  links.two = JSON.parse(huixiao(["hq", "laptop", "add", "--pg", url, "--name", "长沙2号", "--cities", "长沙", "--json"])).join_url;
  server = await startServer();
  b = await openBrowser();
});
after(async () => {
  await b?.browser.close();
  await server?.stop();
  pg?.stop();
  other?.remove();
});

test("two stores with the same mobile under two names are shown side by side and merged by a click", async () => {
  const { page, errors } = b;
  const mine = await api("POST", "/api/stores", { name: "美丽人生美容院", city: "长沙", district: "岳麓区", level: "A" });
  await api("POST", `/api/stores/${mine.id}/contacts`, { store_id: mine.id, name: "张美丽", role: "owner", phone: "13900001111" });
  await api("POST", "/api/sync/join", { link: links.one });

  huixiao(["sync", "--db", other.db, "--join", links.two, "--json"]);
  const theirs = otherCall("stores.create", { name: "美丽人生（分店）", city: "长沙", district: "雨花区", level: "B" });
  otherCall("contacts.create", { store_id: theirs.id, name: "张美丽", role: "owner", phone: "13900001111" });
  huixiao(["sync", "--db", other.db, "--json"]);

  await page.goto(`${server.url}#/sync`);
  await page.click("[data-test=sync-now]");
  const row = page.locator("[data-test=sync-conflicts] .el-table__body-wrapper .el-table__row").filter({ hasText: "同一个手机号登记在两家名称不同的门店下" });
  await row.waitFor();
  const left = await row.locator("[data-test=conflict-mine]").innerText();
  const right = await row.locator("[data-test=conflict-theirs]").innerText();
  const both = `${left}\n${right}`;
  assert.match(both, /美丽人生美容院/);
  assert.match(both, /美丽人生（分店）/);
  assert.match(both, /长沙 岳麓区 · A 级/);
  assert.match(both, /长沙 雨花区 · B 级/);
  assert.match(both, /张美丽（老板）\s*139\*\*\*\*1111/, "phones masked");
  assert.doesNotMatch(both, /13900001111/);
  assert.match(both, /录入：长沙1号/);
  assert.match(both, /录入：长沙2号/);
  assert.match(await row.innerText(), /保留「美丽人生美容院」/);
  assert.deepEqual(await axeWithin(page, "[data-test=sync-conflicts]"), []);
  await page.screenshot({ path: screenshotPath("sync-store-merge.png"), fullPage: true });

  // In English: the same pair, its reason and its two actions.
  await api("PUT", "/api/settings", { ...(await api("GET", "/api/settings")), language: "en" });
  await page.reload();
  const en = page.locator("[data-test=sync-conflicts] .el-table__body-wrapper .el-table__row").filter({ hasText: "The same mobile is recorded under two stores" });
  await en.waitFor();
  assert.match(await en.innerText(), /Typed on: 长沙2号/);
  assert.match(await en.locator("[data-test=conflict-merge]").innerText(), /Merge/);
  assert.match(await en.locator("[data-test=conflict-keep-apart]").innerText(), /Keep apart/);
  assert.deepEqual(await axeWithin(page, "[data-test=sync-conflicts]"), []);
  await api("PUT", "/api/settings", { ...(await api("GET", "/api/settings")), language: "zh-CN" });
  await page.reload();
  await row.waitFor();

  // Keep this laptop's 美丽人生美容院 (already chosen) and merge.
  assert.equal(await row.locator("[data-test=conflict-keep-mine] input").isChecked(), true);
  await row.locator("[data-test=conflict-merge]").click();
  await page.locator("[data-test=sync-conflicts]").filter({ hasText: "没有待处理的同步问题" }).waitFor();
  const stores = (await api("GET", "/api/stores?q=%E7%BE%8E%E4%B8%BD")).items.map((s) => s.name);
  assert.deepEqual(stores, ["美丽人生美容院"]);
  const kept = await api("GET", `/api/stores/${mine.id}`);
  assert.equal(kept.contacts.filter((c) => c.name === "张美丽").length, 1, "the person once");
  assert.match(kept.store.note, /美丽人生（分店）/, "the other name is kept");

  // The other laptop, at its next sync: one store too.
  huixiao(["sync", "--db", other.db, "--json"]);
  assert.deepEqual(otherCall("stores.list", {}).items.map((s) => s.name).filter((n) => n.startsWith("美丽人生")), ["美丽人生美容院"]);
  assert.deepEqual(errors, []);
});
