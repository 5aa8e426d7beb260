// 介绍人, as an organizer uses it: the partners with what each earned, was paid and is owed; the one
// owed most opens with the stores they sent and where each stands; a payout recorded (a bad amount
// named under its field first), the statement downloaded as PDF and Excel, the payout deleted again.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
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

test("record a payout to a partner, download the statement, delete the payout", async () => {
  const { page, errors } = b;
  const partners = await api("GET", "/api/partners");
  assert.ok(partners.length > 0, "the demo has partners");
  const top = partners[0];
  await page.goto(`${server.url}#/partners`);
  const table = page.locator("[data-test=partners-table]");
  await table.locator(".el-table__row").first().waitFor();
  assert.equal(await table.locator(".el-table__body-wrapper .el-table__row").count(), partners.length);
  const detail = page.locator("[data-test=partner-detail]");
  await detail.filter({ hasText: top.name }).waitFor();
  const sent = detail.locator("[data-test=partner-stores] .el-table__body-wrapper .el-table__row");
  assert.equal(await sent.count(), top.referred_stores);

  // A bad amount is named under its field; nothing is written.
  await page.click("[data-test=partner-pay]");
  const dialog = page.locator("[data-test=payout-dialog]");
  await dialog.waitFor();
  await dialog.locator("input[data-test=payout-amount]").fill("0");
  await dialog.locator("[data-test=payout-save]").click();
  await dialog.locator(".el-form-item__error").filter({ hasText: "大于 0" }).waitFor();
  assert.equal((await api("GET", `/api/partners/${top.partner_id}`)).payouts.length, 0);

  await dialog.locator("input[data-test=payout-amount]").fill("300.50");
  await dialog.locator("input[data-test=payout-note]").fill("十二月结算");
  await dialog.locator("[data-test=payout-save]").click();
  await dialog.waitFor({ state: "hidden" });
  const payouts = detail.locator("[data-test=partner-payouts] .el-table__body-wrapper .el-table__row");
  await payouts.filter({ hasText: "十二月结算" }).waitFor();
  assert.match(await payouts.first().innerText(), /¥300\.50/);
  const after = await api("GET", `/api/partners/${top.partner_id}`);
  assert.equal(after.partner.paid_fen, 30050);
  assert.equal(after.partner.owed_fen, top.owed_fen - 30050);
  const owedText = (n) => `¥${(Math.abs(n) / 100).toFixed(2).replace(/\B(?=(\d{3})+(?!\d))/g, ",")}`;
  await detail.locator("[data-test=partner-owed]").filter({ hasText: owedText(after.partner.owed_fen) }).waitFor();
  await page.locator(".el-message").first().waitFor({ state: "hidden", timeout: 10_000 });
  await page.screenshot({ path: screenshotPath("partners.png"), fullPage: true });

  // The statement, as PDF (one page, the partner and the payout, no phone) and as Excel.
  const [pdf] = await Promise.all([page.waitForEvent("download"), page.click("[data-test=statement-pdf]")]);
  assert.match(pdf.suggestedFilename(), /\.pdf$/);
  const file = await pdf.path();
  assert.equal(fs.readFileSync(file).subarray(0, 4).toString(), "%PDF");
  const text = execFileSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
  assert.match(text, /介绍人对账单/);
  assert.ok(text.includes(top.name), text);
  assert.match(text, /¥300\.50/);
  assert.doesNotMatch(text.replace(/[\s-]/g, ""), /1[3-9]\d{9}/, "no mobile number in the statement");
  const [xlsx] = await Promise.all([page.waitForEvent("download"), page.click("[data-test=statement-xlsx]")]);
  assert.match(xlsx.suggestedFilename(), /\.xlsx$/);
  assert.equal(fs.readFileSync(await xlsx.path()).subarray(0, 2).toString(), "PK");

  // Recorded by mistake: deleted after a confirmation, the owed amount is back.
  await payouts.first().locator("[data-test=payout-delete]").click();
  const box = page.locator(".el-message-box");
  await box.filter({ hasText: "¥300.50" }).waitFor();
  await box.getByRole("button", { name: "删除付款" }).click();
  await detail.locator("[data-test=partner-payouts]").filter({ hasText: "尚无付款" }).waitFor();
  assert.equal((await api("GET", `/api/partners/${top.partner_id}`)).partner.owed_fen, top.owed_fen);
  assert.deepEqual(errors, []);
});
