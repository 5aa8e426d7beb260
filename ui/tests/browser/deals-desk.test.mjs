// The deals desk on the organizer's laptop, on demo data (`huixiao demo` with the real date, so the live
// seminar is today at the venue and a deal recorded now is "at the event"): a product with three price
// tiers made on the 产品 page and a tier's price edited; a deal recorded on the laptop for a store that
// checked in (a store that did not needs a reason), corrected, refunded with a reason, its history read
// as old → new; a follow-up of the closed seminar answered 成交 with its deal, which moves that
// seminar's "closed in follow-up"; the session report downloaded as a PDF.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { apiCall, openBrowser, screenshotPath, startServer } from "./harness.mjs";

let server;
let b;
const PRODUCT = "门店小程序会员系统（测试）";

before(async () => {
  server = await startServer({ demo: true });
  b = await openBrowser({ viewport: { width: 1440, height: 900 } });
});
after(async () => {
  await b?.browser.close();
  await server?.stop();
});

const api = (method, path, body) => apiCall(server, method, path, body);

/** Chooses an option of an Element Plus select (typing first when it filters). */
async function choose(page, select, text, { type = false } = {}) {
  await select.click();
  if (type) await page.keyboard.type(text);
  const option = page.locator(".el-select-dropdown__item:visible", { hasText: text }).first();
  await option.click();
}

/** Opens `hash` once the app shows a page: a hash set while it is still starting gives way to its first route. */
async function go(page, hash) {
  await page.locator(".page-title").first().waitFor();
  await page.evaluate((h) => (location.hash = h), hash);
  await page.waitForFunction((h) => location.hash === h, hash);
}

test("products: a three-tier quote is created, then a tier's price is edited (tiers keep their ids)", async () => {
  const { page, errors } = b;
  await page.goto(server.url);
  await page.locator("[data-test=seminar-table]").waitFor();
  await page.locator("[data-nav=products]").click();
  await page.locator("[data-test=products-table]").waitFor();
  await page.locator("[data-test=new-product]").click();
  const form = page.locator("[data-test=product-form]");
  await form.locator("[data-test=product-name]").waitFor();
  // The classic three-step quote is suggested: 原价 → 会场价 → 限量特惠.
  assert.deepEqual(await form.locator("[data-test=tier-name]").evaluateAll((xs) => xs.map((x) => x.value)), ["原价", "会场价", "限量特惠"]);
  await form.locator("[data-test=product-name]").fill(PRODUCT);
  const prices = ["39800", "19800", "12,800.50"];
  for (const [i, p] of prices.entries()) await form.locator(`[data-test=tier-row-${i + 1}] [data-test=tier-price]`).fill(p);
  // A bad quota is refused on its row before anything is sent.
  await form.locator("[data-test=tier-row-3] [data-test=tier-quota]").fill("0");
  await form.locator("[data-test=product-save]").click();
  await form.locator("[data-test=tier-row-3] .el-form-item__error").waitFor();
  await form.locator("[data-test=tier-row-3] [data-test=tier-quota]").fill("2");
  await page.screenshot({ path: screenshotPath("product-form.png") });
  await form.locator("[data-test=product-save]").click();
  await form.waitFor({ state: "hidden" });
  const row = page.locator("[data-test=products-table] .el-table__body tr", { hasText: PRODUCT });
  await row.waitFor();
  const text = await row.innerText();
  for (const s of ["¥39,800.00", "¥19,800.00", "¥12,800.50", "限 2 名", "不限"]) assert.ok(text.includes(s), `${s} in ${text}`);
  const created = (await api("GET", "/api/products")).find((p) => p.name === PRODUCT);
  assert.deepEqual(created.tiers.map((x) => [x.rank, x.price_fen, x.quota]), [[1, 3980000, null], [2, 1980000, null], [3, 1280050, 2]], "¥ typed, integer fen stored");

  // Edit: the event price goes down; the form says past deals keep their amounts.
  await row.locator("[data-test=product-edit]").click();
  await form.locator("[data-test=product-past-deals]").waitFor();
  assert.match(await form.locator("[data-test=product-past-deals]").innerText(), /已记录的成交保留原来的金额/);
  await form.locator("[data-test=tier-row-2] [data-test=tier-price]").fill("18800");
  await form.locator("[data-test=product-save]").click();
  await form.waitFor({ state: "hidden" });
  await page.locator("[data-test=products-table] .el-table__body tr", { hasText: "¥18,800.00" }).waitFor();
  const edited = (await api("GET", "/api/products")).find((p) => p.name === PRODUCT);
  assert.deepEqual(edited.tiers.map((x) => x.id), created.tiers.map((x) => x.id), "tiers keep their ids");
  assert.equal(edited.tiers.find((x) => x.rank === 2).price_fen, 1880000);
  await page.locator("[data-test=products-table] .el-loading-mask").waitFor({ state: "hidden" });
  await page.screenshot({ path: screenshotPath("products.png") });
  assert.deepEqual(errors, []);
});

test("a deal recorded on the laptop, corrected, refunded with a reason; its history reads old → new", async () => {
  const { page, errors } = b;
  const live = (await api("GET", "/api/seminars")).find((s) => s.status === "live");
  const invitations = await api("GET", `/api/seminars/${live.id}/invitations`);
  const came = invitations.find((i) => i.arrived);
  const absent = invitations.find((i) => !i.arrived && i.status === "confirmed");
  assert.ok(came && absent, "the live demo seminar has stores that checked in and stores that did not");
  await page.evaluate((id) => localStorage.setItem("huixiao.currentSeminar", String(id)), live.id);
  await page.reload();
  await go(page, "#/closing");
  await page.locator("[data-test=deals-table]").waitFor();
  const dealsBefore = (await api("GET", `/api/seminars/${live.id}/deals`)).length;

  await page.locator("[data-test=record-deal]").click();
  const dialog = page.locator("[data-test=deal-dialog]");
  await dialog.locator("[data-test=deal-store]").waitFor();
  // A store that did not check in needs a reason: asked on its field, nothing sent.
  await choose(page, dialog.locator("[data-test=deal-store]"), absent.store_name, { type: true });
  await choose(page, dialog.locator("[data-test=deal-product]"), PRODUCT);
  await dialog.locator("[data-test=deal-tier-2]").click();
  assert.equal(await dialog.locator("[data-test=deal-amount]").inputValue(), "18800", "the tier's price fills the amount");
  await dialog.locator("[data-test=deal-submit]").click();
  await dialog.locator("[data-test=deal-reason-item] .el-form-item__error").waitFor();
  assert.equal((await api("GET", `/api/seminars/${live.id}/deals`)).length, dealsBefore);

  // The store that checked in, chosen with the keyboard: no reason; the limited tier shows its places;
  // Enter in the amount records.
  await dialog.locator("[data-test=deal-store] input").focus();
  await page.keyboard.type(came.store_name);
  await page.locator(".el-select-dropdown__item:visible", { hasText: came.store_name }).first().waitFor();
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await dialog.locator(".el-select", { hasText: came.store_name }).first().waitFor();
  assert.equal(await dialog.locator("[data-test=deal-reason-item]").count(), 0);
  assert.match(await dialog.locator("[data-test=deal-places-left]").innerText(), /剩余名额 2\/2/);
  await dialog.locator("[data-test=deal-payment-deposit]").click();
  await choose(page, dialog.locator("[data-test=deal-method]"), "支付宝");
  await dialog.locator("[data-test=deal-note]").fill("老板娘现场交定金");
  await page.screenshot({ path: screenshotPath("deal-dialog.png") });
  await dialog.locator("[data-test=deal-amount]").press("Enter");
  await dialog.waitFor({ state: "hidden" });
  const row = page.locator("[data-test=deals-table] .el-table__body tr", { hasText: came.store_name }).filter({ hasText: PRODUCT });
  await row.waitFor();
  assert.match(await row.innerText(), /¥18,800\.00/);
  const product = (await api("GET", "/api/products")).find((p) => p.name === PRODUCT);
  let deal = (await api("GET", `/api/seminars/${live.id}/deals`)).find((d) => d.store_id === came.store_id && d.product_id === product.id);
  assert.equal(deal.amount_fen, 1880000);
  assert.equal(deal.tier_id, product.tiers.find((x) => x.rank === 2).id);
  assert.equal(deal.payment, "deposit");
  assert.equal(deal.method, "alipay");
  assert.equal(deal.closed, true);

  // 更正: the amount goes down by ¥1,000.
  await row.locator("[data-test=deal-correct-open]").click();
  const correct = page.locator("[data-test=deal-correct]");
  // The core refuses a negative amount; its message lands on the amount field.
  await correct.locator("[data-test=correct-amount]").fill("-100");
  await correct.locator("[data-test=correct-save]").click();
  const amountError = correct.locator("[data-test=correct-amount-item] .el-form-item__error");
  await amountError.waitFor();
  assert.match(await amountError.innerText(), /金额不能为负数/);
  await correct.locator("[data-test=correct-amount]").fill("17800");
  await correct.locator("[data-test=correct-save]").click();
  await correct.waitFor({ state: "hidden" });
  await page.locator("[data-test=deals-table] .el-table__body tr", { hasText: "¥17,800.00" }).waitFor();

  // 退款: the reason is required.
  await row.locator("[data-test=deal-refund-open]").click();
  const end = page.locator("[data-test=deal-end]");
  await end.locator("[data-test=end-save]").click();
  await end.locator(".el-form-item__error").waitFor();
  await end.locator("[data-test=end-reason]").fill("客户改主意，定金已退回");
  await end.locator("[data-test=end-save]").click();
  await end.waitFor({ state: "hidden" });
  await row.locator("[data-test=deal-state]", { hasText: "已退款" }).waitFor();
  deal = (await api("GET", `/api/seminars/${live.id}/deals`)).find((d) => d.id === deal.id);
  assert.equal(deal.state, "refunded");
  assert.equal(deal.closed, false);
  await page.screenshot({ path: screenshotPath("deals-desk.png") });

  // 记录: who, when, old → new.
  await row.locator("[data-test=deal-history-open]").click();
  const history = page.locator("[data-test=deal-history]");
  await history.locator("[data-test=deal-history-change]").nth(2).waitFor();
  const changes = await history.locator("[data-test=deal-history-change]").allInnerTexts();
  assert.ok(changes.some((c) => /¥18,800\.00\s*→\s*¥17,800\.00/.test(c)), changes.join(" | "));
  assert.ok(changes.some((c) => /有效\s*→\s*已退款，原因：客户改主意，定金已退回/.test(c)), changes.join(" | "));
  await page.screenshot({ path: screenshotPath("deal-history.png") });
  await page.keyboard.press("Escape");
  await history.waitFor({ state: "hidden" });
  assert.deepEqual(errors, []);
});

test("a follow-up answered 成交 records its deal, and the seminar's closed-in-follow-up moves", async () => {
  const { page, errors } = b;
  const closed = (await api("GET", "/api/seminars")).find((s) => s.status === "closed");
  const followups = await api("GET", `/api/followups?seminar_id=${closed.id}&open_only=true`);
  const open = followups.find((f) => f.kind === "after_event" && f.outcome === null);
  assert.ok(open, "the closed demo seminar has an open after-event follow-up");
  const reportBefore = await api("GET", `/api/seminars/${closed.id}/report`);

  await page.locator("[data-nav=seminars]").click();
  await go(page, `#/seminars/${closed.id}`);
  const funnelValue = page.locator("[data-test=funnel-closedInFollowup] .funnel-value");
  await funnelValue.waitFor();
  assert.equal(Number((await funnelValue.innerText()).trim()), reportBefore.closed_in_followup);

  await go(page, "#/closing");
  await page.locator("[data-test=closing-tabs]").getByRole("tab", { name: "跟进" }).click();
  await page.locator("[data-test=followup-view-search]").click();
  await choose(page, page.locator("[data-test=followup-seminar]"), closed.title, { type: true });
  const row = page.locator("[data-test=followups-search] .el-table__body tr", { hasText: open.store_name });
  await row.waitFor();
  await row.locator("[data-test=followup-closed]").click();
  const dialog = page.locator("[data-test=deal-dialog]");
  await dialog.locator("[data-test=deal-payment-fixed]").waitFor();
  assert.match(await dialog.locator("[data-test=deal-payment-fixed]").innerText(), /全款/);
  const product = (await api("GET", "/api/products")).find((p) => p.active && p.name !== PRODUCT);
  await choose(page, dialog.locator("[data-test=deal-product]"), product.name);
  await dialog.locator("[data-test=deal-tier-2]").click();
  await page.waitForTimeout(300); // the radio's transition
  await page.screenshot({ path: screenshotPath("followup-deal.png") });
  await dialog.locator("[data-test=deal-submit]").click();
  await dialog.waitFor({ state: "hidden" });
  await row.waitFor({ state: "detached" }); // answered: it leaves the list of open follow-ups
  const after = (await api("GET", `/api/followups?seminar_id=${closed.id}`)).find((f) => f.id === open.id);
  assert.equal(after.outcome, "closed");
  const deal = (await api("GET", `/api/seminars/${closed.id}/deals`)).find((d) => d.store_id === open.store_id && d.product_id === product.id);
  assert.ok(deal, "the follow-up's deal is recorded for its store and seminar");
  assert.equal(deal.payment, "full");
  assert.equal(deal.amount_fen, product.tiers.find((x) => x.rank === 2).price_fen);

  // The seminar's report: one more store closed in follow-up.
  await go(page, `#/seminars/${closed.id}`);
  await funnelValue.waitFor();
  await page.waitForFunction(
    (n) => Number(document.querySelector("[data-test=funnel-closedInFollowup] .funnel-value")?.textContent?.trim()) === n,
    reportBefore.closed_in_followup + 1,
  );
  await page.screenshot({ path: screenshotPath("seminar-followup-closed.png"), fullPage: true });
  assert.deepEqual(errors, []);
});

test("the session report downloads as a PDF, from the seminar page and from the closing page", async () => {
  const { page, errors } = b;
  for (const where of ["seminar", "closing"]) {
    if (where === "closing") await go(page, "#/closing");
    const button = page.locator("[data-test=report-pdf]");
    await button.waitFor();
    const [download] = await Promise.all([page.waitForEvent("download"), button.click()]);
    assert.match(download.suggestedFilename(), /\.pdf$/);
    const bytes = fs.readFileSync(await download.path());
    assert.equal(bytes.subarray(0, 4).toString("latin1"), "%PDF", `${where}: a PDF`);
  }
  assert.deepEqual(errors, []);
});
