// Lead scores and the bow-tie on screen, from data seeded through the API on a fixed clock: a level A
// store whose money-holder came and bought on 2026-06-10, seen 61 days later. The store list sorts by
// score and filters by segment and "bought then went quiet"; the drawer shows each reason with its points
// and what it counts today; a weight changed in 设置 → 评分权重 changes the score; the data page's
// bow-tie counts the stores at each stage and lists the quiet store, whose link opens its drawer.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { apiCall, openBrowser, startServer } from "./harness.mjs";
import { DOCS_SCREENSHOTS } from "./door.mjs";

const DAY = "2026-06-10";
let server;
let b;
let hot;

const api = (method, p, body) => apiCall(server, method, p, body);
const shot = (name) => path.join(DOCS_SCREENSHOTS, name);

before(async () => {
  server = await startServer({ clock: `${DAY}T02:00:00Z` });
  const store = (body) => api("POST", "/api/stores", { city: "长沙", ...body });
  hot = await store({ name: "甲·小太阳幼儿园", level: "A" });
  await store({ name: "乙·花店", level: "B" });
  await store({ name: "丙·药店", level: "C" });
  await store({ name: "丁·书店", level: "B", key_customer: true, city: "株洲" });
  await api("POST", `/api/stores/${hot.id}/contacts`, { store_id: hot.id, name: "刘丽", role: "owner_spouse", phone: "13800138001" });
  const seminar = await api("POST", "/api/seminars", { title: "招生增长会", date: DAY, start_time: "14:00", capacity: 50, city: "长沙" });
  for (const status of ["inviting", "live"]) await api("POST", `/api/seminars/${seminar.id}/status`, { id: seminar.id, status });
  // The money-holder walks in (found by her phone): invited, confirmed and checked in at once.
  await api("POST", `/api/seminars/${seminar.id}/walk-ins`, {
    seminar_id: seminar.id, store_name: hot.name, guest_name: "刘丽", phone: "13800138001", role: "owner_spouse",
  });
  const product = await api("POST", "/api/products", { name: "招生系统", tiers: [{ name: "会场价", price_fen: 980_000 }] });
  await api("POST", "/api/deals", {
    seminar_id: seminar.id, store_id: hot.id, product_id: product.id, tier_id: product.tiers[0].id, amount_fen: 980_000, payment: "full",
  });
  await api("POST", "/api/segments", { name: "A级门店", filter: { level: "A" } });
  // 61 days later: behaviour points have faded to 2^(−61/30) of their weight, and the store has gone quiet.
  await server.restart({ clock: "2026-08-10T02:00:00Z" });
  b = await openBrowser();
  await b.page.addInitScript(() => localStorage.setItem("huixiao.firstLaunchDismissed", "1"));
});
after(async () => {
  await b?.browser.close();
  await server?.stop();
});

async function go(page, hash) {
  await page.goto(`${server.url}${hash}`);
  await page.reload();
}

const names = (page) => page.locator("[data-test=store-table] .el-table__body tr .cell-strong").allInnerTexts();

test("the store list sorts by score on the server and filters by segment and quiet", async () => {
  const { page, errors } = b;
  await go(page, "#/stores");
  await page.locator("[data-test=store-table] .el-table__body tr").nth(3).waitFor();
  // Sort by the score column's arrow: the highest first (甲: fit 15 + 75 faded to 18.3).
  await page.locator("[data-test=store-table] th", { hasText: "评分" }).click();
  await page.waitForFunction(() => document.querySelector("[data-test=store-table] .cell-strong")?.textContent?.startsWith("甲"));
  assert.deepEqual(await names(page), ["甲·小太阳幼儿园", "丁·书店", "乙·花店", "丙·药店"]);
  const badges = await page.locator("[data-test=store-table] [data-test=score-badge]").allInnerTexts();
  assert.deepEqual(badges.map((s) => s.trim()), ["33.3", "8.0", "0.0", "-5.0"]);
  assert.equal((await page.locator("[data-test=store-table] [data-test=store-stage]").first().innerText()).trim(), "已成交");
  assert.equal(await page.locator("[data-test=store-table] [data-test=quiet-tag]").count(), 1);
  // Lowest first from the sort select.
  await page.locator("[data-test=store-sort]").click();
  await page.locator(".el-select-dropdown__item:visible", { hasText: "评分从低到高" }).click();
  await page.waitForFunction(() => document.querySelector("[data-test=store-table] .cell-strong")?.textContent?.startsWith("丙"));
  assert.deepEqual(await names(page), ["丙·药店", "乙·花店", "丁·书店", "甲·小太阳幼儿园"]);
  // A segment: only the level A store.
  await page.locator("[data-test=segment-filter]").click();
  await page.locator(".el-select-dropdown__item:visible", { hasText: "A级门店" }).click();
  await page.waitForFunction(() => document.querySelectorAll("[data-test=store-table] .el-table__body tr").length === 1);
  assert.deepEqual(await names(page), ["甲·小太阳幼儿园"]);
  // Quiet only, without the segment: still just 甲.
  await page.locator("[data-test=segment-filter] .el-select__wrapper").hover();
  await page.locator("[data-test=segment-filter] .el-select__clear").click();
  await page.locator("[data-test=quiet-filter]").click();
  await page.waitForFunction(() => document.querySelectorAll("[data-test=store-table] .el-table__body tr").length === 1);
  assert.deepEqual(await names(page), ["甲·小太阳幼儿园"]);
  assert.deepEqual(errors, []);
});

test("the drawer shows every reason with its points and what it counts today, the bow-tie dates and the quiet flag", async () => {
  const { page, errors } = b;
  await go(page, "#/stores");
  await page.locator("[data-test=store-table] .el-table__body tr", { hasText: "甲·" }).click();
  const drawer = page.locator(".el-drawer", { hasText: "甲·小太阳幼儿园" });
  await drawer.locator("[data-test=score-reasons] .el-table__body tr").nth(4).waitFor();
  assert.equal((await drawer.locator("[data-test=score-total]").innerText()).trim(), "33.3");
  assert.equal((await drawer.locator("[data-test=score-fit]").innerText()).trim(), "15");
  assert.equal((await drawer.locator("[data-test=score-engagement]").innerText()).trim(), "18.3");
  const reasons = await drawer.locator("[data-test=score-reasons] .el-table__body tr").allInnerTexts();
  const row = (why) => reasons.find((r) => r.includes(why))?.replace(/\s+/g, " ");
  // Attended: +25 on 06-10, 25 × 2^(−61/30) = 6.1 today; the deal +30 → 7.3; level A +15 stays 15.0.
  assert.match(row("到场 2026-06-10 招生增长会"), /2026-06-10 随时间减半 \+25 6\.1/);
  assert.match(row("成交 2026-06-10 招生系统"), /\+30 7\.3/);
  assert.match(row("老板娘到场"), /\+10 2\.4/);
  assert.match(row("A 级门店"), /固有 \+15 15\.0/);
  const stages = await drawer.locator("[data-test=drawer-stages] li").allInnerTexts();
  assert.match(stages[0], /已邀约\s+2026-06-10/);
  assert.match(stages[3], /已成交\s+2026-06-10/);
  assert.match(stages[4], /复购\s+未到达/);
  assert.match(await drawer.locator("[data-test=drawer-quiet]").innerText(), /成交后沉默 · 下场可邀[\s\S]*已沉默 61 天/);
  await page.waitForTimeout(400);
  await page.screenshot({ path: shot("store-score.png") });
  assert.deepEqual(errors, []);
});

test("a weight changed in 设置 → 评分权重 changes the score; a bad one is named; reset fills the defaults", async () => {
  const { page, errors } = b;
  await go(page, "#/settings");
  await page.locator(".el-tabs__item", { hasText: "评分权重" }).click();
  const form = page.locator("[data-test=score-weights]");
  const levelA = form.locator("[data-test=weight-level_a] input");
  await page.waitForFunction(() => document.querySelector("[data-test=weight-level_a] input")?.value === "15");
  assert.match(await form.innerText(), /默认 15/);
  await page.waitForTimeout(300);
  await page.screenshot({ path: shot("score-weights.png") });
  // Out of range: the core names the weight under its field; nothing saved.
  await form.locator("[data-test=weight-money_holder_came] input").fill("150");
  await form.locator("[data-test=weight-money_holder_came] input").blur();
  await form.locator("[data-test=weights-save]").click();
  await form.locator(".el-form-item__error", { hasText: "老板娘到场" }).waitFor();
  assert.equal((await api("GET", "/api/scores/weights")).money_holder_came, 10);
  await form.locator("[data-test=weight-money_holder_came] input").fill("10");
  await levelA.fill("40");
  await levelA.blur();
  await form.locator("[data-test=weights-save]").click();
  await page.locator(".el-message--success").first().waitFor();
  assert.equal((await api("GET", "/api/scores/weights")).level_a, 40);
  await form.locator("[data-test=weights-recompute]").click();
  await page.locator(".el-message--success", { hasText: "已重新计算 4 家门店" }).waitFor();
  // The store list follows: 甲 is now 40 + 18.3.
  await go(page, "#/stores");
  const first = page.locator("[data-test=store-table] .el-table__body tr", { hasText: "甲·" });
  await first.waitFor();
  assert.equal((await first.locator("[data-test=score-badge]").innerText()).trim(), "58.3");
  // Reset to the defaults and save: back to 33.3.
  await go(page, "#/settings");
  await page.locator(".el-tabs__item", { hasText: "评分权重" }).click();
  await page.waitForFunction(() => document.querySelector("[data-test=weight-level_a] input")?.value === "40");
  await form.locator("[data-test=weights-reset]").click();
  assert.equal(await levelA.inputValue(), "15");
  await form.locator("[data-test=weights-save]").click();
  await page.locator(".el-message--success", { hasText: "已保存" }).first().waitFor();
  const s = await api("GET", `/api/stores/${hot.id}/score`);
  assert.equal(s.score, 33.3);
  assert.deepEqual(errors, []);
});

test("the bow-tie on the data page counts the stores at each stage and lists the quiet store", async () => {
  const { page, errors } = b;
  await go(page, "#/data");
  const card = page.locator("[data-test=dashboard-bowtie]");
  await card.locator("[data-test=bowtie-table] tbody tr").first().waitFor();
  assert.match(await card.locator("[data-test=bowtie-total]").innerText(), /共 4 家门店 · 从未邀约 3/);
  const stores = async () => (await card.locator("[data-test=bowtie-stores]").allInnerTexts()).map((s) => Number(s.trim()));
  // invited, confirmed, attended, closed, repurchase, advocate
  assert.deepEqual(await stores(), [1, 1, 1, 1, 0, 0]);
  assert.equal((await card.locator("tr[data-stage=invited] [data-test=bowtie-conversion]").innerText()).trim(), "25%");
  assert.equal((await card.locator("tr[data-stage=closed] [data-test=bowtie-conversion]").innerText()).trim(), "100%");
  assert.match(await card.locator("[data-test=bowtie-quiet]").innerText(), /甲·小太阳幼儿园[\s\S]*2026-06-10[\s\S]*61/);
  await card.scrollIntoViewIfNeeded();
  await page.waitForTimeout(400);
  await card.screenshot({ path: shot("bowtie.png") });
  // The city filter: 株洲 has one store, never invited.
  await card.locator("[data-test=bowtie-city]").click();
  await page.locator(".el-select-dropdown__item:visible", { hasText: "株洲" }).click();
  await page.waitForFunction(() => document.querySelector("[data-test=bowtie-total]")?.textContent?.includes("共 1 家门店"));
  assert.deepEqual(await stores(), [0, 0, 0, 0, 0, 0]);
  await card.locator("[data-test=bowtie-city]").click();
  await page.locator(".el-select-dropdown__item:visible", { hasText: "全部城市" }).click();
  await page.waitForFunction(() => document.querySelector("[data-test=bowtie-total]")?.textContent?.includes("共 4 家门店"));
  // The quiet store's link opens its drawer.
  await card.locator("[data-test=quiet-store]").click();
  await page.locator(".el-drawer", { hasText: "甲·小太阳幼儿园" }).locator("[data-test=drawer-score]").waitFor();
  assert.deepEqual(errors, []);
});

test("English: the drawer, the weights and the bow-tie (screenshots)", async () => {
  const { page, errors } = b;
  await api("PUT", "/api/settings", { ...(await api("GET", "/api/settings")), language: "en" });
  await page.evaluate(() => localStorage.setItem("huixiao.lang", "en"));
  await go(page, "#/stores");
  await page.locator("[data-test=store-table] .el-table__body tr", { hasText: "甲·" }).click();
  const drawer = page.locator(".el-drawer", { hasText: "甲·小太阳幼儿园" });
  await drawer.locator("[data-test=score-reasons] .el-table__body tr").nth(4).waitFor();
  assert.match(await drawer.innerText(), /Attended 2026-06-10/);
  assert.match(await drawer.innerText(), /Bought, then went quiet/);
  await page.waitForTimeout(400);
  await page.screenshot({ path: shot("store-score-en.png") });
  await go(page, "#/settings");
  await page.locator(".el-tabs__item", { hasText: "Score weights" }).click();
  await page.waitForFunction(() => document.querySelector("[data-test=weight-level_a] input")?.value === "15");
  await page.waitForTimeout(300);
  await page.screenshot({ path: shot("score-weights-en.png") });
  await go(page, "#/data");
  const card = page.locator("[data-test=dashboard-bowtie]");
  await card.locator("[data-test=bowtie-table] tbody tr").first().waitFor();
  assert.match(await card.innerText(), /4 stores in all/);
  await card.scrollIntoViewIfNeeded();
  await page.waitForTimeout(400);
  await card.screenshot({ path: shot("bowtie-en.png") });
  await api("PUT", "/api/settings", { ...(await api("GET", "/api/settings")), language: "zh-CN" });
  assert.deepEqual(errors, []);
});
