// Stores, contacts and staff against the real core: create, edit, erase personal data, lecturer select.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { openBrowser, screenshotPath, startServer } from "./harness.mjs";

let server;
let b;

before(async () => {
  server = await startServer();
  b = await openBrowser();
  await b.page.addInitScript(() => localStorage.setItem("huixiao.firstLaunchDismissed", "1"));
});
after(async () => {
  await b?.browser.close();
  await server?.stop();
});

async function open(page) {
  await page.goto(server.url);
  await page.locator("[data-test=seminar-table]").waitFor();
}

async function go(page, hash) {
  await page.evaluate((h) => { location.hash = h; }, hash);
  await page.waitForFunction((h) => location.hash === h, hash);
}

test("a staff member with the lecturer role can be picked for a seminar", async () => {
  const { page } = b;
  await open(page);
  await go(page, "#/staff");
  await page.click("[data-test=new-staff]");
  const form = page.locator(".el-dialog[data-test=staff-form]");
  await form.waitFor({ state: "visible" });
  await form.locator("input[name=name]").fill("张讲师");
  await form.locator("input[name=phone]").fill("13900002222");
  await form.locator("[data-test=roles-select]").click();
  await page.locator(".el-select-dropdown__item:visible", { hasText: "讲师" }).click();
  await form.locator(".el-dialog__title").click();
  await page.click("[data-test=staff-save]");
  await form.waitFor({ state: "hidden" });
  await page.locator("[data-test=staff-table] .el-table__row", { hasText: "张讲师" }).waitFor();

  await go(page, "#/seminars");
  await page.click("[data-test=new-seminar]");
  const sf = page.locator(".el-dialog[data-test=seminar-form]");
  await sf.waitFor({ state: "visible" });
  await sf.locator("[data-test=lecturer-select]").click();
  await page.locator(".el-select-dropdown__item:visible", { hasText: "张讲师" }).waitFor();
  await page.keyboard.press("Escape");
});

test("create a store, add the owner's wife as a contact, erase her personal data", async () => {
  const { page, errors } = b;
  await open(page);
  await go(page, "#/stores");
  await page.click("[data-test=new-store]");
  const form = page.locator(".el-dialog[data-test=store-form]");
  await form.waitFor({ state: "visible" });
  await page.click("[data-test=store-save]");
  await form.locator(".el-form-item__error").first().waitFor();
  await form.locator("input[name=name]").fill("阳光幼儿园");
  await form.locator("input[name=city]").fill("郑州");
  await form.locator("input[name=district]").fill("金水区");
  await page.click("[data-test=store-save]");
  await form.waitFor({ state: "hidden" });

  // The new store opens in its drawer.
  const drawer = page.locator(".el-drawer", { hasText: "阳光幼儿园" });
  await drawer.waitFor();
  await drawer.locator("[data-test=add-contact]").click();
  const cf = page.locator(".el-dialog[data-test=contact-form]");
  await cf.waitFor({ state: "visible" });
  assert.match(await cf.innerText(), /老板娘/);
  await cf.locator("input[name=name]").fill("刘桂芳");
  await cf.locator("input[name=phone]").fill("13712345678");
  await page.click("[data-test=contact-save]");
  await cf.waitFor({ state: "hidden" });
  const row = drawer.locator("[data-test=contact-table] .el-table__row", { hasText: "刘桂芳" });
  await row.waitFor();
  assert.match(await row.innerText(), /老板娘/);
  await page.screenshot({ path: screenshotPath("store-drawer-zh.png") });

  await row.locator(".el-button--danger").click();
  const box = page.locator(".el-message-box");
  await box.waitFor();
  assert.match(await box.innerText(), /刘桂芳/);
  await box.locator(".el-button--danger").click();
  await drawer.locator("[data-test=contact-table] .el-table__row", { hasText: "刘桂芳" }).waitFor({ state: "detached" });
  const after = await drawer.locator("[data-test=contact-table]").innerText();
  assert.ok(!after.includes("13712345678"), "phone gone after erasing");
  await page.keyboard.press("Escape");

  // The list finds it by district and counts its (erased) contact.
  await page.locator("[data-test=store-search]").locator("xpath=self::input | .//input").first().fill("金水");
  await page.locator("[data-test=store-table] .el-table__row", { hasText: "阳光幼儿园" }).waitFor();
  assert.deepEqual(errors, []);
});
