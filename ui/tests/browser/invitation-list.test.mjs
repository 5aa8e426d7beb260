// The 邀约名单 from an empty database, through the window only: a staff inviter, stores with contacts, a
// seminar; invite stores from the store list and from a store's drawer; confirm (ticket QR, PNG, PDF),
// decline with a reason, bulk-cancel, filter, and download every ticket as one PDF.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { isoDateFromToday, openBrowser, screenshotPath, startServer } from "./harness.mjs";

let server;
let b;
const SEMINAR = "邀约名单测试会";

before(async () => {
  server = await startServer();
  b = await openBrowser();
});
after(async () => {
  await b?.browser.close();
  await server?.stop();
});

async function go(page, hash) {
  await page.evaluate((h) => { location.hash = h; }, hash);
  await page.waitForFunction((h) => location.hash === h, hash);
}

async function closePoppers(dialog) {
  await dialog.locator(".el-dialog__title").click();
}

async function newStaffInviter(page, name) {
  await go(page, "#/staff");
  await page.click("[data-test=new-staff]");
  const form = page.locator(".el-dialog[data-test=staff-form]");
  await form.waitFor({ state: "visible" });
  await form.locator("input[name=name]").fill(name);
  await form.locator("[data-test=roles-select]").click();
  await page.locator(".el-select-dropdown__item:visible", { hasText: "邀约员" }).click();
  await closePoppers(form);
  await page.click("[data-test=staff-save]");
  await form.waitFor({ state: "hidden" });
  await page.locator("[data-test=staff-table] .el-table__row", { hasText: name }).waitFor();
}

/** A store through the store form, then its contacts through the drawer that opens: [name, role label, phone]. */
async function newStore(page, name, contacts) {
  await go(page, "#/stores");
  await page.click("[data-test=new-store]");
  const form = page.locator(".el-dialog[data-test=store-form]");
  await form.waitFor({ state: "visible" });
  await form.locator("input[name=name]").fill(name);
  await form.locator("input[name=city]").fill("郑州");
  await page.click("[data-test=store-save]");
  await form.waitFor({ state: "hidden" });
  const drawer = page.locator(".el-drawer", { hasText: name });
  await drawer.waitFor();
  for (const [person, role, phone] of contacts) {
    await drawer.locator("[data-test=add-contact]").click();
    const cf = page.locator(".el-dialog[data-test=contact-form]");
    await cf.waitFor({ state: "visible" });
    await cf.locator("input[name=name]").fill(person);
    await cf.locator(".el-radio-button", { hasText: new RegExp(`^${role}$`) }).click();
    await cf.locator("input[name=phone]").fill(phone);
    await page.click("[data-test=contact-save]");
    await cf.waitFor({ state: "hidden" });
    await drawer.locator("[data-test=contact-table] .el-table__row", { hasText: person }).waitFor();
  }
  await page.keyboard.press("Escape");
  await drawer.waitFor({ state: "hidden" });
}

function row(page, store) {
  return page.locator("[data-test=invitation-table] .el-table__body .el-table__row", { hasText: store });
}

async function rowCount(page) {
  return page.locator("[data-test=invitation-table] .el-table__body .el-table__row").count();
}

async function waitRows(page, n) {
  await page.waitForFunction(
    (n) => document.querySelectorAll("[data-test=invitation-table] .el-table__body .el-table__row").length === n,
    n,
  );
}

test("a seminar's invitation list, built and worked through the window", async () => {
  const { page, errors } = b;
  await page.goto(server.url);
  const first = page.locator("[data-test=first-launch]");
  await first.waitFor({ state: "visible" });
  await page.click("[data-test=start-empty]");
  await first.waitFor({ state: "hidden" });

  await newStaffInviter(page, "王邀约");
  await newStore(page, "阳光幼儿园", [["陈建国", "老板", "13700001111"], ["刘桂芳", "老板娘", "13712345678"]]);
  await newStore(page, "金苹果超市", [["李强", "老板", "13700002222"]]);
  await newStore(page, "明星美容院", [["张敏", "老板娘", "13700003333"], ["赵磊", "店长", "13700004444"]]);
  await newStore(page, "无人小店", []);

  // No current seminar yet: the store list says why it cannot invite.
  await go(page, "#/stores");
  await page.locator("[data-test=store-table] .el-table__row", { hasText: "无人小店" }).waitFor();
  assert.equal(await page.locator("[data-test=invite-selected]").isDisabled(), true);
  assert.match(await page.locator("[data-test=invite-hint]").innerText(), /当前会销/);

  // A seminar through its form; a new seminar becomes the current one.
  await go(page, "#/seminars");
  await page.click("[data-test=new-seminar]");
  const sf = page.locator(".el-dialog[data-test=seminar-form]");
  await sf.waitFor({ state: "visible" });
  await sf.locator("input[name=title]").fill(SEMINAR);
  const date = sf.locator("input[name=date]");
  await date.fill(isoDateFromToday(20));
  await date.press("Enter");
  await sf.locator("input[name=venue]").fill("郑州国际饭店");
  await sf.locator("input[name=city]").fill("郑州");
  await closePoppers(sf);
  await page.click("[data-test=seminar-save]");
  await sf.waitFor({ state: "hidden", timeout: 10_000 });
  await page.locator("[data-test=seminar-table] .el-table__row", { hasText: SEMINAR }).waitFor();

  // Nothing invited yet: the list says so and offers the two ways in.
  await go(page, "#/invitations");
  const empty = page.locator("[data-test=list-empty]");
  await empty.waitFor();
  assert.match(await empty.innerText(), /还没有邀约任何门店/);
  assert.ok(await empty.locator("[data-test=empty-invite]").isVisible());
  assert.ok(await empty.locator("[data-test=empty-import]").isVisible());
  await page.screenshot({ path: screenshotPath("invitation-list-empty-zh.png") });

  // Invite three stores from the store list's selection: one has no contact and is skipped, with why.
  await go(page, "#/stores");
  for (const s of ["阳光幼儿园", "金苹果超市", "无人小店"]) {
    await page.locator("[data-test=store-table] .el-table__row", { hasText: s }).locator(".el-checkbox").click();
  }
  assert.equal(await page.locator(".el-drawer[data-test=store-drawer]").isVisible(), false, "ticking a row does not open its drawer");
  assert.match(await page.locator("[data-test=invite-selected]").innerText(), /\(3\)/);
  await page.screenshot({ path: screenshotPath("store-list-invite-zh.png") });
  await page.click("[data-test=invite-selected]");
  const result = page.locator(".el-dialog[data-test=invite-result]");
  await result.waitFor({ state: "visible" });
  assert.match(await result.locator("[data-test=result-created]").innerText(), /已邀请 2 家门店/);
  const noContact = result.locator("[data-reason=no_contact]");
  assert.match(await noContact.innerText(), /没有联系人/);
  assert.match(await noContact.innerText(), /无人小店/);
  assert.match(await result.innerText(), /刘桂芳/, "the money-holder is invited for 阳光幼儿园");
  await page.screenshot({ path: screenshotPath("invite-result-zh.png") });
  await result.locator("[data-test=result-close]").click();
  await result.waitFor({ state: "hidden" });

  // Invite one store from its drawer: the money-holder is ticked, an inviter chosen.
  await page.locator("[data-test=store-table] .el-table__row", { hasText: "明星美容院" }).locator("td").nth(1).click();
  const drawer = page.locator(".el-drawer", { hasText: "明星美容院" });
  await drawer.locator("[data-test=drawer-invite]").click();
  const form = page.locator(".el-dialog[data-test=invitation-form]");
  await form.waitFor({ state: "visible" });
  assert.match(await form.locator("[data-test=form-seminar]").innerText(), new RegExp(SEMINAR));
  const zhang = form.locator(".el-checkbox", { hasText: "张敏" });
  await zhang.waitFor();
  assert.match(await zhang.getAttribute("class"), /is-checked/, "the money-holder is pre-selected");
  assert.doesNotMatch(await form.locator(".el-checkbox", { hasText: "赵磊" }).getAttribute("class"), /is-checked/);
  await form.locator("[data-test=form-inviter]").click();
  await page.locator(".el-select-dropdown__item:visible", { hasText: "王邀约" }).click();
  await closePoppers(form);
  await page.screenshot({ path: screenshotPath("invite-from-drawer-zh.png") });
  await form.locator("[data-test=invitation-save]").click();
  await form.waitFor({ state: "hidden" });
  await page.locator(".el-message", { hasText: "已邀请「明星美容院」" }).waitFor();
  await page.keyboard.press("Escape");

  // The list: three stores, who comes with the money-holder marked, the inviter.
  await go(page, "#/invitations");
  await waitRows(page, 3);
  const sun = row(page, "阳光幼儿园");
  assert.match(await sun.innerText(), /刘桂芳/);
  assert.doesNotMatch(await sun.innerText(), /陈建国/);
  assert.equal(await sun.locator("[data-test=money-holder]").count(), 1);
  assert.match(await row(page, "明星美容院").innerText(), /王邀约/);
  assert.match(await sun.innerText(), /已邀约/);

  // The invite-stores dialog of the list: a store already invited is skipped, and says so.
  await page.click("[data-test=open-invite-stores]");
  const dlg = page.locator(".el-dialog[data-test=invite-stores]");
  await dlg.waitFor({ state: "visible" });
  await dlg.locator("[data-test=invite-store-table] .el-table__row", { hasText: "阳光幼儿园" }).locator(".el-checkbox").click();
  assert.match(await dlg.locator("[data-test=invite-picked]").innerText(), /已选 1 家/);
  await dlg.locator("[data-test=invite-submit]").click();
  await result.waitFor({ state: "visible" });
  assert.match(await result.locator("[data-reason=already_invited]").innerText(), /已在这场会销的邀约名单里/);
  await result.locator("[data-test=result-close]").click();
  await result.waitFor({ state: "hidden" });

  // Confirm one: its ticket appears, the QR downloads as a PNG, the ticket as a PDF.
  await sun.locator("[data-test=row-confirm]").click();
  await page.locator(".el-message", { hasText: "1 张电子票" }).waitFor();
  await sun.locator("[data-test=row-tickets]").waitFor();
  assert.match(await sun.innerText(), /已确认/);
  await sun.locator("[data-test=row-tickets]").click();
  const tickets = page.locator(".el-dialog[data-test=ticket-dialog]");
  await tickets.locator("img[data-test=ticket-qr]").waitFor();
  assert.match(await tickets.locator("img[data-test=ticket-qr]").getAttribute("alt"), /刘桂芳/);
  await page.screenshot({ path: screenshotPath("invitation-ticket-zh.png") });
  // The code as text too, for the door to type when a phone's screen is cracked: grouped by four,
  // monospace, the real ticket's code, copied whole by its named button.
  const codeText = tickets.locator("[data-test=ticket-code]");
  const shown = await codeText.innerText();
  assert.match(shown, /^([0-9A-Z]{4} ){6}[0-9A-Z]{2}$/, `grouped for reading: ${shown}`);
  const semId = (await (await fetch(`${server.base}/api/seminars`, { headers: { Authorization: `Bearer ${server.token}` } })).json()).find((x) => x.title === SEMINAR).id;
  const issued = await (await fetch(`${server.base}/api/seminars/${semId}/tickets`, { headers: { Authorization: `Bearer ${server.token}` } })).json();
  const real = issued.find((x) => x.guest_name === "刘桂芳" && !x.revoked);
  assert.equal(shown.replace(/ /g, ""), real.code, "the ticket's own code");
  assert.match(await codeText.evaluate((el) => getComputedStyle(el).fontFamily), /mono/i);
  assert.match(await tickets.innerText(), /票码[\s\S]*扫不出二维码时，签到处可手动输入票码/);
  const copyCode = tickets.locator("[data-test=ticket-code-copy]");
  assert.equal(await copyCode.getAttribute("aria-label"), "复制票码");
  await b.context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.base });
  await copyCode.click();
  await page.locator(".el-message", { hasText: "已复制票码" }).waitFor();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), real.code, "copied without the spaces");
  await page.waitForTimeout(300);
  await tickets.screenshot({ path: screenshotPath("invitation-ticket-code.png") });
  const [png] = await Promise.all([page.waitForEvent("download"), tickets.locator("[data-test=ticket-png]").click()]);
  assert.match(png.suggestedFilename(), /\.png$/);
  const pngBytes = fs.readFileSync(await png.path());
  assert.deepEqual([...pngBytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], "a PNG file");
  const [pdf] = await Promise.all([page.waitForEvent("download"), tickets.locator("[data-test=ticket-pdf]").click()]);
  assert.equal(fs.readFileSync(await pdf.path()).subarray(0, 4).toString(), "%PDF");
  await tickets.locator(".el-dialog__footer .el-button").click();
  await tickets.waitFor({ state: "hidden" });

  // Every ticket of the seminar as one PDF.
  const [all] = await Promise.all([page.waitForEvent("download"), page.click("[data-test=all-tickets-pdf]")]);
  assert.equal(fs.readFileSync(await all.path()).subarray(0, 4).toString(), "%PDF");

  // Edit who comes on the confirmed invitation: the owner joins and gets a ticket too.
  await sun.locator("[data-test=row-edit]").click();
  await form.waitFor({ state: "visible" });
  await form.locator(".el-checkbox", { hasText: "陈建国" }).click();
  await form.locator("input[name=note]").fill("夫妻俩一起来");
  await form.locator("[data-test=invitation-save]").click();
  await form.waitFor({ state: "hidden" });
  await sun.filter({ hasText: "陈建国" }).waitFor();
  await sun.locator("[data-test=row-tickets]", { hasText: "2" }).waitFor();
  assert.match(await sun.innerText(), /夫妻俩一起来/);

  // Decline one: the reason is required.
  await row(page, "金苹果超市").locator("[data-test=row-decline]").click();
  const decline = page.locator(".el-dialog[data-test=decline-dialog]");
  await decline.waitFor({ state: "visible" });
  await decline.locator("[data-test=decline-save]").click();
  await decline.locator(".el-form-item__error", { hasText: "请填写拒绝原因" }).waitFor();
  await decline.locator("input[name=decline_reason]").fill("临时出差");
  await decline.locator("[data-test=decline-save]").click();
  await decline.waitFor({ state: "hidden" });
  await row(page, "金苹果超市").filter({ hasText: "已拒绝" }).waitFor();
  assert.match(await row(page, "金苹果超市").innerText(), /临时出差/);

  // Bulk cancel: the declined store cannot be cancelled and is left as it is; the other one is.
  await row(page, "明星美容院").locator(".el-checkbox").click();
  await row(page, "金苹果超市").locator(".el-checkbox").click();
  await page.locator("[data-test=bulk-bar]").waitFor();
  await page.click("[data-test=bulk-cancel]");
  const box = page.locator(".el-message-box");
  await box.waitFor();
  const boxText = await box.innerText();
  assert.match(boxText, /取消这 1 家门店的邀约/);
  assert.match(boxText, /另有 1 家/);
  await box.locator(".el-button--danger").click();
  await page.locator(".el-message", { hasText: "已更新 1 家门店" }).waitFor();
  await row(page, "明星美容院").filter({ hasText: "已取消" }).waitFor();
  assert.match(await row(page, "金苹果超市").innerText(), /已拒绝/);
  assert.match(await sun.innerText(), /已确认/);
  await page.locator("[data-test=invitation-table] .el-loading-mask").waitFor({ state: "hidden" });
  await page.waitForFunction(() => !document.querySelector(".el-message"), null, { timeout: 8000 });
  await page.screenshot({ path: screenshotPath("invitation-list-zh.png") });

  // Filters: by status, by inviter, by a guest's name, by the phone's last 4 digits.
  await page.locator("[data-test=filter-status]").click();
  await page.locator(".el-select-dropdown__item:visible", { hasText: "已拒绝" }).click();
  await waitRows(page, 1);
  assert.equal(await row(page, "金苹果超市").count(), 1);
  await page.click("[data-test=filter-clear]");
  await waitRows(page, 3);
  await page.locator("[data-test=filter-inviter]").click();
  await page.locator(".el-select-dropdown__item:visible", { hasText: "王邀约" }).click();
  await waitRows(page, 1);
  assert.equal(await row(page, "明星美容院").count(), 1);
  await page.click("[data-test=filter-clear]");
  await waitRows(page, 3);
  await page.locator("input[data-test=filter-q]").fill("刘桂芳");
  await waitRows(page, 1);
  assert.equal(await row(page, "阳光幼儿园").count(), 1);
  await page.locator("input[data-test=filter-q]").fill("2222");
  await row(page, "金苹果超市").waitFor();
  await waitRows(page, 1);
  await page.locator("input[data-test=filter-q]").fill("没有这家店");
  await waitRows(page, 0);
  assert.match(await page.locator("[data-test=invitation-table]").innerText(), /没有符合筛选条件的邀约/);
  await page.click("[data-test=filter-clear]");
  await waitRows(page, 3);
  assert.equal(await rowCount(page), 3);

  // The core agrees.
  const seminars = await (await fetch(`${server.base}/api/seminars`, { headers: { Authorization: `Bearer ${server.token}` } })).json();
  const id = seminars.find((s) => s.title === SEMINAR).id;
  const list = await (await fetch(`${server.base}/api/seminars/${id}/invitations`, { headers: { Authorization: `Bearer ${server.token}` } })).json();
  const by = Object.fromEntries(list.map((i) => [i.store_name, i]));
  assert.equal(by["阳光幼儿园"].status, "confirmed");
  assert.equal(by["阳光幼儿园"].tickets.length, 2);
  assert.equal(by["金苹果超市"].status, "declined");
  assert.equal(by["金苹果超市"].decline_reason, "临时出差");
  assert.equal(by["明星美容院"].status, "cancelled");
  assert.deepEqual(errors, []);
});
