// Browser mode on an empty database: the token from the URL, the first-launch dialog, creating a seminar.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { isoDateFromToday, openBrowser, screenshotPath, startServer, venueMinutesNow, venueToday } from "./harness.mjs";

let server;
let b;

before(async () => {
  server = await startServer();
  b = await openBrowser();
});
after(async () => {
  await b?.browser.close();
  await server?.stop();
});

test("token from the URL is kept and hidden, first launch offers demo data", async () => {
  const { page } = b;
  await page.goto(server.url);
  const dialog = page.locator("[data-test=first-launch]");
  await dialog.waitFor({ state: "visible" });
  assert.ok(!page.url().includes("token="), `token still visible in ${page.url()}`);
  const stored = await page.evaluate(() => sessionStorage.getItem("huixiao.token"));
  assert.equal(stored, server.token);
  await page.click("[data-test=start-empty]");
  await dialog.waitFor({ state: "hidden" });
  await page.reload();
  await page.locator("[data-test=seminar-table]").waitFor();
  await page.waitForTimeout(500);
  assert.equal(await page.locator("[data-test=first-launch]").isVisible(), false, "first-launch dialog shown again after dismissal");
});

test("create a seminar through the dialog and see it in the list", async () => {
  const { page, errors } = b;
  const title = `浏览器测试会销 ${Date.now() % 100000}`;
  const date = isoDateFromToday(30);
  await page.click("[data-test=new-seminar]");
  const form = page.locator(".el-dialog[data-test=seminar-form]");
  await form.waitFor({ state: "visible" });

  // Client-side required checks before anything reaches the core.
  await page.click("[data-test=seminar-save]");
  await form.locator(".el-form-item__error").first().waitFor();
  assert.ok((await form.locator(".el-form-item__error").count()) >= 3, "required fields are flagged");

  await form.locator("input[name=title]").fill(title);
  const dateInput = form.locator("input[name=date]");
  await form.locator("input[name=venue]").fill("郑州国际饭店 3 楼宴会厅");
  await form.locator("input[name=city]").fill("郑州");

  if (venueMinutesNow() > 7 * 60 + 30) {
    // Today at 07:00 is in the past: the core refuses it and the UI shows its message under the date field.
    await dateInput.fill(isoDateFromToday(0));
    await dateInput.press("Enter");
    await form.locator(".el-select", { has: page.locator("input[name=start_time]") }).click();
    await page.locator(".el-select-dropdown__item:visible", { hasText: /^07:00$/ }).click();
    await form.locator(".el-dialog__title").click();
    await page.click("[data-test=seminar-save]");
    const dateError = form.locator(".el-form-item", { has: page.locator("input[name=date]") }).locator(".el-form-item__error");
    await dateError.waitFor();
    assert.ok((await dateError.innerText()).length > 4, "the core's message is shown on the date field");
  }

  await dateInput.fill(date);
  await dateInput.press("Enter");
  await form.locator(".el-dialog__title").click(); // close any picker popper
  await page.click("[data-test=seminar-save]");
  await form.waitFor({ state: "hidden", timeout: 10_000 });

  const row = page.locator("[data-test=seminar-table] .el-table__row", { hasText: title });
  await row.waitFor();
  const text = await row.innerText();
  assert.match(text, /郑州国际饭店/);
  const [y, m, d] = date.split("-").map(Number);
  assert.ok(text.includes(`${y}年${m}月${d}日`), `date shown the Chinese way in: ${text}`);
  assert.match(text, /筹备中/);

  // The core has it too.
  const res = await fetch(`${server.base}/api/seminars`, { headers: { Authorization: `Bearer ${server.token}` } });
  const list = await res.json();
  assert.ok(list.some((s) => s.title === title && s.date === date), "seminar stored by the core");
  await page.screenshot({ path: screenshotPath("seminars-created-zh.png") });

  // Open it and move it from planning to inviting, with a confirmation.
  await row.click();
  await page.locator("[data-test=funnel]").waitFor();
  await page.click("[data-test=next-status]");
  const box = page.locator(".el-message-box");
  await box.waitFor();
  await box.locator(".el-button--primary").click();
  await page.locator(".page-title .el-tag", { hasText: "邀约中" }).waitFor();
  const saved = await (await fetch(`${server.base}/api/seminars`, { headers: { Authorization: `Bearer ${server.token}` } })).json();
  assert.equal(saved.find((s) => s.title === title).status, "inviting");

  // Going live before the seminar's day is refused with the date; moving it to today is offered.
  await page.click("[data-test=next-status]");
  await box.locator(".el-button--primary").click();
  const early = page.locator(".el-message-box", { hasText: "还没到会销当天" });
  await early.waitFor();
  assert.match(await early.innerText(), new RegExp(`定在 ${date}[\\s\\S]*改到今天并开始`));
  await page.screenshot({ path: screenshotPath("seminar-live-early.png") });
  await early.locator(".el-button--primary").click();
  await page.locator(".page-title .el-tag", { hasText: "进行中" }).waitFor();
  const live = (await (await fetch(`${server.base}/api/seminars`, { headers: { Authorization: `Bearer ${server.token}` } })).json()).find((s) => s.title === title);
  assert.equal(live.status, "live");
  assert.equal(live.date, venueToday(), "moved to today on purpose");
  assert.deepEqual(errors, []);
});
