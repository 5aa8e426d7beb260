// The day after (the app's clock at 10:00 the next morning): the organizer closes the seminar, works the
// follow-ups that came due (one closes with a deal, a no-show is lost), cancels a deal whose deposit never
// came, reads the session report and its PDF, the dashboard, and takes the seminar and the comparison out to Excel.
import assert from "node:assert/strict";
import { PRODUCT, SEMINAR } from "./before.mjs";
import { choose, download, nav, need, openContext, pdfText, shot, until, xlsxText } from "./lib.mjs";

const ATTENDED = ["阳光幼儿园", "明星美容院", "绿源农资", "小天鹅舞蹈", "花语花店"];

async function openSeminar(page) {
  await nav(page, "seminars");
  await page.locator("[data-test=seminar-table] .el-table__row", { hasText: SEMINAR }).click();
  await page.locator("[data-test=funnel]").waitFor();
}

const funnel = async (page, key) => Number((await page.locator(`[data-test=funnel-${key}] .funnel-value`).first().innerText()).trim());

export async function close(S) {
  for (const c of [S.door, S.assistant]) await c?.context.close().catch(() => {});
  await S.org.context.close();
  await S.server.restart({ clock: S.at.after });
  S.org = await openContext({ at: S.at.after });
  const { page } = S.org;
  await page.goto(S.server.url);
  await page.locator("[data-test=seminar-table] .el-table__row", { hasText: SEMINAR }).click();
  await page.locator("[data-test=next-status]", { hasText: "结束会销" }).click();
  const box = page.locator(".el-message-box");
  await box.waitFor();
  await box.locator(".el-button--primary").click();
  await page.locator(".page-title .el-tag", { hasText: "已结束" }).waitFor();
  assert.equal(await funnel(page, "closedAtEvent"), 2, "two stores closed at the event");
  assert.equal(await funnel(page, "closedInFollowup"), 0);
  await shot(page, "closed");
}

export async function followups(S) {
  const { page } = S.org;
  await nav(page, "closing");
  await page.locator("[data-test=closing-tabs]").getByRole("tab", { name: "跟进" }).click();
  await need(page.locator("[data-test=followups-today]"), "today's follow-ups (跟进)");
  const rows = page.locator("[data-test=followups-today] .el-table__body tr");
  await rows.first().waitFor();
  const texts = await rows.allInnerTexts();
  const open = ATTENDED.filter((s) => !S.dealStores.includes(s));
  for (const s of [...open, "百味烘焙", "快乐童年托管"]) assert.ok(texts.some((x) => x.includes(s)), `${s} is due for a follow-up today: ${texts.join(" | ")}`);
  for (const s of S.dealStores) assert.ok(!texts.some((x) => x.includes(s)), `${s} bought at the event: no follow-up`);
  await shot(page, "followups-today");

  // One store closes in follow-up, with its deal.
  S.followupStore = open.find((s) => s !== "花语花店");
  const row = rows.filter({ hasText: S.followupStore });
  await row.locator("[data-test=followup-closed]").click();
  const dialog = page.locator("[data-test=deal-dialog]");
  await dialog.locator("[data-test=deal-payment-fixed]").waitFor();
  assert.match(await dialog.locator("[data-test=deal-payment-fixed]").innerText(), /全款/);
  await choose(page, dialog.locator("[data-test=deal-product]"), PRODUCT);
  await dialog.locator("[data-test=deal-tier-2]").click();
  assert.equal(await dialog.locator("[data-test=deal-amount]").inputValue(), "19800");
  await shot(page, "followup-deal");
  await dialog.locator("[data-test=deal-submit]").click();
  await dialog.waitFor({ state: "hidden" });
  await until(`${S.followupStore} done`, async () => (await rows.filter({ hasText: S.followupStore }).count()) === 0 || (await rows.filter({ hasText: S.followupStore }).locator("[data-test=followup-done]").count()) > 0);

  // A no-show is lost, with the reason.
  await rows.filter({ hasText: "快乐童年托管" }).locator("[data-test=followup-lost]").click();
  const ask = page.locator(".el-dialog").filter({ hasText: "流失原因" });
  await ask.waitFor();
  await ask.locator("textarea").fill("家里有事没来，明年再约");
  await ask.getByRole("button", { name: "保存" }).click();
  await ask.waitFor({ state: "hidden" });
  await until("快乐童年托管 done", async () => (await rows.filter({ hasText: "快乐童年托管" }).locator("[data-test=followup-lost]").count()) === 0);

  // The deal is listed on the 成交 tab with the two from the event.
  await page.locator("[data-test=closing-tabs]").getByRole("tab", { name: "成交" }).click();
  const deals = page.locator("[data-test=deals-table] .el-table__body tr");
  await until("three deals listed", async () => (await deals.count()) === 3);
  assert.match(await deals.filter({ hasText: S.followupStore }).innerText(), /¥19,800\.00/);
  await shot(page, "deals");
}

/**
 * A deposit from the event never came: that deal is cancelled on the 成交 tab (作废) with the reason. It stays
 * listed as 已作废 (the word of its button) with no actions left; the tab's total, the funnel and the report follow.
 */
export async function cancelDeal(S) {
  const { page } = S.org;
  const deals = page.locator("[data-test=deals-table] .el-table__body tr");
  const summary = page.locator("[data-test=deals-summary]");
  assert.match(await summary.innerText(), /已成交 3 单，合计 ¥45,400\.00（共 3 条记录）/);
  S.cancelledStore = S.dealStores[0];
  const row = deals.filter({ hasText: S.cancelledStore });
  assert.match(await row.innerText(), /¥12,800\.00[\s\S]*定金/);
  await row.locator("[data-test=deal-cancel-open]").click();
  const dialog = page.locator(".el-dialog[data-test=deal-end]");
  await dialog.waitFor({ state: "visible" });
  assert.match(await dialog.innerText(), new RegExp(`作废 ${S.cancelledStore} 的 ${PRODUCT}（¥12,800\\.00）`));
  // No reason, no cancel.
  await dialog.locator("[data-test=end-save]").click();
  await dialog.locator(".el-form-item__error", { hasText: "请写明原因" }).waitFor();
  await dialog.locator("[data-test=end-reason] input, input[data-test=end-reason]").first().fill("定金一直未到账，客户放弃");
  await dialog.locator("[data-test=end-save]").click();
  await dialog.waitFor({ state: "hidden" });
  await row.locator("[data-test=deal-state]", { hasText: "已作废" }).waitFor();
  assert.equal(await row.locator("[data-test=deal-cancel-open]").count(), 0, "a cancelled deal has no 作废 left");
  await summary.filter({ hasText: "已成交 2 单，合计 ¥32,600.00（共 3 条记录）" }).waitFor();
  await shot(page, "deal-cancelled");

  await openSeminar(page);
  await until("closed at the event: 1", async () => (await funnel(page, "closedAtEvent")) === 1);
  assert.equal(await funnel(page, "closedInFollowup"), 1);
}

export async function reportAndData(S) {
  const { page } = S.org;
  await openSeminar(page);
  assert.equal(await funnel(page, "invited"), 9, "eight invited and one walk-in");
  assert.equal(await funnel(page, "attended"), ATTENDED.length);
  assert.equal(await funnel(page, "closedAtEvent"), 1, "two closed at the event, one cancelled");
  await until("closed in follow-up: 1", async () => (await funnel(page, "closedInFollowup")) === 1);
  await shot(page, "report", { fullPage: true });

  const pdf = await download(page, () => page.locator("[data-test=report-pdf]").click());
  const text = pdfText(pdf);
  assert.ok(text.includes(SEMINAR), "the report PDF names the seminar");
  assert.match(text, /现场成交率\s*20(\.0)?%/, "the report PDF: one of five who came closed at the event (the cancelled deal left out)");
  assert.match(text, /现场成交\s*1\s*家，会后成交\s*1\s*家/);

  const xlsx = await download(page, () => page.locator("[data-test=export-seminar]").click());
  assert.match(xlsx.name, /\.xlsx$/);
  const strings = xlsxText(xlsx);
  for (const s of ["阳光幼儿园", "花语花店", "金苹果超市", "年底店里太忙"]) assert.ok(strings.includes(s), `${s} in ${xlsx.name}`);

  await nav(page, "data");
  const dash = page.locator("[data-test=dashboard-seminar]");
  await need(dash, "dashboard (数据)");
  await dash.locator("[data-test=funnel]").waitFor();
  assert.equal(Number((await dash.locator("[data-test=funnel-closedInFollowup] .funnel-value").innerText()).trim()), 1);
  assert.equal(Number((await dash.locator("[data-test=funnel-closedAtEvent] .funnel-value").innerText()).trim()), 1, "the cancelled deal is not counted");
  assert.equal(Number((await dash.locator("[data-test=funnel-attended] .funnel-value").innerText()).trim()), ATTENDED.length);
  await shot(page, "dashboard", { fullPage: true });
  const cmp = await download(page, () => page.locator("[data-test=dashboard-compare] [data-test=export-dashboard]").click());
  assert.ok(xlsxText(cmp).includes(SEMINAR), "the comparison workbook lists the seminar");
  for (const c of [S.org]) assert.deepEqual(c.errors, [], "no page errors");
}
