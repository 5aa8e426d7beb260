// Without a mouse: every action of the door (scan, companions, undo, search, walk-in), moving a guest to a
// seat, opening a seminar, a store or a staff member from their list, and the deal form on an assistant's
// phone — each done with page.keyboard only (Tab, Enter, Space, arrows, typing), checking what a user sees.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { adminCall, openBrowser, startLanServer, venueToday } from "./harness.mjs";
import { createStation, docsShot, seatedTickets, staffWith, todaySeminar } from "./door.mjs";

let server;
let seminar;
let tickets;
const browsers = [];

before(async () => {
  server = await startLanServer({ demo: true, today: venueToday() });
  seminar = await todaySeminar(server);
  tickets = await seatedTickets(server, seminar.id);
  assert.ok(tickets.length >= 3, `seated demo tickets: ${tickets.length}`);
});
after(async () => {
  for (const b of browsers) await b.browser.close().catch(() => {});
  await server?.stop();
});

async function organizer(hash) {
  const b = await openBrowser();
  browsers.push(b);
  await b.page.addInitScript((id) => {
    localStorage.setItem("huixiao.currentSeminar", String(id));
    localStorage.setItem("huixiao.firstLaunchDismissed", "1");
  }, seminar.id);
  await b.page.goto(`${server.url}#${hash}`);
  await b.page.waitForLoadState("networkidle");
  return b;
}

/** Presses Tab (or Shift+Tab) until the focused element matches `selector`, as a keyboard user would; fails if it never does. */
async function tabTo(page, selector, { back = false, max = 120 } = {}) {
  const focused = () => page.evaluate((s) => !!document.activeElement?.matches(s), selector);
  for (let i = 0; i < max; i++) {
    if (await focused()) {
      // The focus stays where the user put it (nothing takes it back a moment later).
      await page.waitForTimeout(150);
      assert.ok(await focused(), `the focus left ${selector} right after Tab reached it`);
      return i;
    }
    await page.keyboard.press(back ? "Shift+Tab" : "Tab");
  }
  const at = await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 120));
  assert.fail(`${selector} is not reachable with ${back ? "Shift+" : ""}Tab (focus ends on ${at})`);
}

test("the door without a mouse: scan, companions, undo, search and check in, register a walk-in", async () => {
  const [first, second] = tickets;
  const { page, errors } = await organizer("/checkin");
  await page.locator("[data-test=outcome-idle]").waitFor();
  await page.waitForFunction(() => document.activeElement?.getAttribute("data-test") === "scan-input");

  await page.keyboard.type(first.code);
  await page.keyboard.press("Enter");
  await page.locator("[data-test=outcome][data-outcome=checked_in]").waitFor();
  assert.equal(await page.locator("[data-test=outcome-guest]").innerText(), first.guest);

  // Tab to "+2" and press Enter: the guest's companions change, and the focus stays where the user put it.
  await tabTo(page, "[data-test=companions-2]");
  await page.keyboard.press("Enter");
  await page.locator("[data-test=companions-2][aria-pressed=true]").waitFor();
  const roster = await adminCall(server, "GET", `/api/seminars/${seminar.id}/roster`);
  const checkinId = roster.guests.find((g) => g.ticket_id === first.id)?.checkin_id;
  const checkins = await adminCall(server, "GET", `/api/seminars/${seminar.id}/checkins`);
  assert.equal(checkins.find((c) => c.id === checkinId)?.companions, 2, "companions saved");

  // Undo with the keyboard (Space on the button).
  await tabTo(page, "[data-test=undo]");
  await page.keyboard.press("Space");
  await page.locator("[data-test=outcome]", { hasText: /撤销|Undone|已撤/ }).waitFor();
  const after = await adminCall(server, "GET", `/api/seminars/${seminar.id}/roster`);
  assert.equal(after.guests.find((g) => g.ticket_id === first.id)?.checkin_id, null, "the check-in is undone");

  // Search by name, Tab to its 签到 button, Enter.
  await tabTo(page, "input[data-test=search-input]");
  await page.keyboard.type(second.guest);
  await page.locator("[data-test=search-hit]").first().waitFor();
  await tabTo(page, "[data-test=search-checkin]");
  await page.keyboard.press("Enter");
  await page.locator("[data-test=outcome][data-outcome=checked_in]", { hasText: second.guest }).waitFor();

  // A walk-in: open the form with Enter, fill it by typing and Tab, save with Enter.
  await tabTo(page, "[data-test=walkin-open]");
  await page.keyboard.press("Enter");
  await page.locator("[data-test=walkin-dialog]").waitFor();
  await tabTo(page, "input[data-test=walkin-store]");
  await page.keyboard.type("键盘测试门店");
  await tabTo(page, "input[data-test=walkin-name]");
  await page.keyboard.type("键盘来宾");
  await tabTo(page, "[data-test=walkin-save]");
  await page.keyboard.press("Enter");
  await page.locator("[data-test=outcome]", { hasText: "键盘来宾" }).waitFor();
  assert.deepEqual(errors, []);
});

test("seating without dragging: pick a guest with the keyboard and move them to a table and seat", async () => {
  const { page, errors } = await organizer("/seating");
  await page.locator("[data-test=seating-board]").waitFor();
  // A seated guest: seats with a guest are buttons in the tab order.
  await tabTo(page, "[data-test^=seat-][role=button]");
  const who = Number(await page.evaluate(() => document.activeElement.getAttribute("data-guest")));
  await page.keyboard.press("Enter");
  await page.locator("[data-test=guest-panel]").waitFor();
  const view = await adminCall(server, "GET", `/api/seminars/${seminar.id}/seating`);
  const me = view.guests.find((g) => g.contact_id === who);
  // A table other than the guest's own, with a free seat that is not the assistant's.
  const target = view.tables.find((tb) => tb.id !== me.table_id && Array.from({ length: tb.seats }, (_, k) => k + 1).some((s) => s !== tb.assistant_seat && !view.guests.some((g) => g.table_id === tb.id && g.seat === s)));
  assert.ok(target, "a table with a free seat");

  // The table select: focus it, open it with Enter, walk the options with the arrows, pick with Enter.
  await tabTo(page, "[data-test=move-table] input");
  await page.keyboard.press("Enter");
  const options = page.locator(".el-select-dropdown:visible .el-select-dropdown__item");
  await options.first().waitFor();
  const labels = await options.allInnerTexts();
  const index = labels.findIndex((l) => l.trim() === (/[a-z]/i.test(l) ? `table ${target.number}` : `${target.number} 桌`) || l.includes(String(target.number)));
  for (let i = 0; i <= index; i++) await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await page.locator("[data-test=move-seat]:not(.is-disabled)").waitFor();
  await page.waitForTimeout(300);
  await page.screenshot({ path: docsShot("seating-move-to.png") });
  // The first free seat is chosen for the user; Tab to "move" and press Enter.
  await tabTo(page, "[data-test=move-go]");
  await page.keyboard.press("Enter");
  await page.waitForFunction(async ({ id, tableId, base, token }) => {
    const r = await fetch(`${base}/api/seminars/${id}/seating`, { headers: { authorization: `Bearer ${token}` } });
    const v = await r.json();
    return v.guests.some((g) => g.contact_id === tableId.who && g.table_id === tableId.table);
  }, { id: seminar.id, tableId: { who, table: target.id }, base: server.base, token: server.token });
  assert.match(await page.locator("[data-test=guest-panel]").innerText(), new RegExp(`${target.number}`));
  assert.deepEqual(errors, []);
});

test("list rows open with the keyboard: a seminar, a store's drawer, a staff member's form", async () => {
  const { page, errors } = await organizer("/seminars");
  await page.locator("[data-test=seminar-table] .el-table__row").first().waitFor();
  await tabTo(page, "[data-test=seminar-table] tr.el-table__row");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => /^#\/seminars\/\d+$/.test(location.hash));

  await page.goto(`${server.url}#/stores`);
  await page.locator("[data-test=store-table] .el-table__row").first().waitFor();
  await tabTo(page, "[data-test=store-table] tr.el-table__row");
  const name = await page.evaluate(() => document.activeElement.innerText.split("\n").find((x) => x.trim()));
  await page.keyboard.press("Enter");
  await page.locator(".el-drawer", { hasText: name.trim() }).waitFor();

  await page.goto(`${server.url}#/staff`);
  await page.locator("[data-test=staff-table] .el-table__row").first().waitFor();
  await tabTo(page, "[data-test=staff-table] tr.el-table__row");
  await page.keyboard.press("Space");
  await page.locator(".el-dialog:visible, .el-drawer:visible").first().waitFor();
  assert.deepEqual(errors, []);
});

test("the deal form on an assistant's phone, with the keyboard only", async () => {
  const staff = await staffWith(server, "assistant");
  const pairing = await createStation(server, seminar.id, staff.id, "assistant");
  const b = await openBrowser({ viewport: { width: 390, height: 844 }, isMobile: true });
  browsers.push(b);
  const { page, errors } = b;
  await page.goto(`${server.base}/#/station/pair?code=${pairing.pairing_code}`);
  await page.waitForFunction(() => location.hash.startsWith("#/station/assistant"));
  await page.locator("[data-test=deal-open]").first().waitFor();
  await tabTo(page, "[data-test=deal-open]");
  await page.keyboard.press("Enter");
  await page.locator("[data-test=deal-form]").waitFor();
  // The product: Tab into its radio group, the arrow keys choose (the first is chosen by Space).
  await tabTo(page, "[data-test=deal-product] input[type=radio]");
  await page.keyboard.press("Space");
  const tiers = page.locator("[data-test=deal-tiers] button");
  if (await tiers.count()) {
    await tabTo(page, "[data-test=deal-tiers] button");
    await page.keyboard.press("Enter");
    await page.locator("[data-test=deal-tiers] button[aria-pressed=true]").waitFor();
  }
  await tabTo(page, "input[data-test=deal-amount]");
  await page.keyboard.press("Control+A");
  await page.keyboard.type("1880");
  await tabTo(page, "[data-test=deal-payment] input[type=radio]");
  await page.keyboard.press("Space");
  await tabTo(page, "[data-test=deal-submit]");
  await page.keyboard.press("Enter");
  await page.locator("[data-test=deal-form]").waitFor({ state: "hidden" }).catch(() => {});
  const deals = await adminCall(server, "GET", `/api/seminars/${seminar.id}/deals`);
  assert.ok(deals.some((d) => d.amount_fen === 188000), `a deal of ¥1880 recorded: ${JSON.stringify(deals.map((d) => d.amount_fen))}`);
  assert.deepEqual(errors, []);
});
