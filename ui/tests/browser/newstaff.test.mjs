// 新员工待总部确认 as head office meets it, against a real PostgreSQL: the window is head office's
// laptop, which has 王芳 (137 0000 1111). A 长沙 laptop, once joined, adds two assistants on the day:
// 王芳 with a new number, and 李娜. After a sync the 同步问题 list shows each with the laptop that
// added them, beside head office's staff of the same name or phone, in Chinese and in English; head
// office merges the new 王芳 into its own and approves 李娜, and the 长沙 laptop then holds one 王芳.
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
  links.hq = JSON.parse(huixiao(["hq", "laptop", "add", "--pg", url, "--name", "总部", "--hq", "--json"])).join_url;
  links.changsha = JSON.parse(huixiao(["hq", "laptop", "add", "--pg", url, "--name", "长沙", "--cities", "长沙", "--json"])).join_url;
  server = await startServer();
  b = await openBrowser();
});
after(async () => {
  await b?.browser.close();
  await server?.stop();
  pg?.stop();
  other?.remove();
});

test("staff a city laptop added are shown to head office and merged or approved by a click", async () => {
  const { page, errors } = b;
  const wang = await api("POST", "/api/staff", { name: "王芳", phone: "13700001111", roles: ["inviter"], active: true });
  await api("POST", "/api/sync/join", { link: links.hq });

  huixiao(["sync", "--db", other.db, "--join", links.changsha, "--json"]);
  otherCall("staff.create", { name: "王芳", phone: "13700009999", roles: ["assistant"], active: true });
  otherCall("staff.create", { name: "李娜", phone: "13600002222", roles: ["assistant"], active: true });
  otherCall("staff.create", { name: "周杰", phone: "13500003333", roles: ["assistant"], active: true });
  huixiao(["sync", "--db", other.db, "--json"]);

  // Head office's laptop holds staff but no seminar or store yet: the welcome dialog asks first.
  await page.goto(`${server.url}#/sync`);
  await page.click("[data-test=start-empty]");
  await page.click("[data-test=sync-now]");
  const rows = page.locator("[data-test=sync-conflicts] .el-table__body-wrapper .el-table__row");
  const wangRow = rows.filter({ hasText: "13700009999" });
  await wangRow.waitFor();
  assert.equal(await rows.filter({ hasText: "城市电脑新加的员工，等总部确认" }).count(), 3);
  const mine = await wangRow.locator("[data-test=conflict-mine]").innerText();
  const theirs = await wangRow.locator("[data-test=conflict-theirs]").innerText();
  assert.match(mine, /城市电脑新加的员工/);
  assert.match(mine, /由「长沙」添加/);
  assert.match(mine, /助教/);
  assert.match(theirs, /总部已有的同名或同电话员工/);
  assert.match(theirs, /王芳 13700001111 · 邀约员/);
  const liRow = rows.filter({ hasText: "13600002222" });
  assert.match(await liRow.locator("[data-test=conflict-theirs]").innerText(), /总部没有同名或同电话的员工/);
  // The new 王芳 is offered head office's 王芳 to merge into, first.
  assert.match(await wangRow.locator("[data-test=conflict-merge-into]").innerText(), /王芳 13700001111/);
  assert.deepEqual(await axeWithin(page, "[data-test=sync-conflicts]"), []);
  await page.screenshot({ path: screenshotPath("sync-new-staff.png"), fullPage: true });

  // In English: the reason, both sides and the three actions.
  await api("PUT", "/api/settings", { ...(await api("GET", "/api/settings")), language: "en" });
  await page.reload();
  const en = rows.filter({ hasText: "Added on a city laptop, waiting for head office" }).filter({ hasText: "13700009999" });
  await en.waitFor();
  const text = await en.innerText();
  assert.match(text, /Added by "长沙"/);
  assert.match(text, /Head office's staff with the same name or phone/);
  assert.match(text, /Approve as head office staff/);
  assert.match(text, /Retire/);
  assert.deepEqual(await axeWithin(page, "[data-test=sync-conflicts]"), []);
  await api("PUT", "/api/settings", { ...(await api("GET", "/api/settings")), language: "zh-CN" });
  await page.reload();
  await wangRow.waitFor();

  // The new 王芳 is head office's 王芳: merged. 李娜 is approved.
  await wangRow.locator("[data-test=conflict-merge-staff]").click();
  await wangRow.waitFor({ state: "detached" });
  await liRow.locator("[data-test=conflict-approve]").click();
  await liRow.waitFor({ state: "detached" });
  // 周杰 is not one of head office's: retired, everywhere.
  await rows.filter({ hasText: "13500003333" }).locator("[data-test=conflict-retire]").click();
  await page.locator("[data-test=sync-conflicts]").filter({ hasText: "没有待处理的同步问题" }).waitFor();
  const here = (await api("GET", "/api/staff")).filter((s) => s.name === "王芳").map((s) => s.phone);
  assert.deepEqual(here, ["13700001111"], "one 王芳 at head office");
  assert.equal(wang.phone, "13700001111");

  // The 长沙 laptop, at its next sync: one 王芳, head office's, and 李娜.
  huixiao(["sync", "--db", other.db, "--json"]);
  const there = otherCall("staff.list", {}).map((s) => `${s.name} ${s.phone} ${s.active ? "在岗" : "停用"}`).sort();
  assert.deepEqual(there, ["周杰 13500003333 停用", "李娜 13600002222 在岗", "王芳 13700001111 在岗"]);
  assert.deepEqual(errors, []);
});
