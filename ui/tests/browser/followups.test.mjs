// 成交跟进 on demo data: today's follow-ups are listed; "lost" asks why, and the row leaves the list.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { openBrowser, startServer } from "./harness.mjs";

let server;
let b;

before(async () => {
  server = await startServer({ demo: true });
  b = await openBrowser();
});
after(async () => {
  await b?.browser.close();
  await server?.stop();
});

test("today's follow-ups: record a lost store with its reason", async () => {
  const { page, errors } = b;
  await page.goto(server.url);
  await page.locator("[data-test=seminar-table]").waitFor();
  await page.evaluate(() => (location.hash = "#/closing"));
  const rows = page.locator("[data-test=followups-today] .el-table__body tr");
  await rows.first().waitFor();
  const before = await rows.count();
  assert.ok(before > 0, "the demo has follow-ups due today");
  const store = await rows.first().locator("td").nth(1).innerText();
  await rows.first().getByRole("button", { name: "流失" }).click();
  const dialog = page.locator(".el-dialog").filter({ hasText: "流失原因" });
  await dialog.waitFor();
  await dialog.getByRole("button", { name: "保存" }).click();
  await dialog.waitFor({ state: "hidden" });
  await page.waitForTimeout(300);
  const texts = await rows.allInnerTexts();
  assert.ok(!texts.some((t) => t.includes(store)), `${store} left today's list`);
  assert.deepEqual(errors, []);
});
