// A deal recorded from an assistant's station (a phone paired through the real flow) against the real
// `huixiao serve --lan`: the organizer's dashboard shows today's closed-at-event figure, the assistant
// opens "成交" on a checked-in guest of their table, a negative amount is refused on the field (nothing
// written), the deal is recorded and listed under the table, and the dashboard's figure moves by itself.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { adminCall, openBrowser, startLanServer } from "./harness.mjs";
import { createStation, docsShot } from "./door.mjs";

const PHONE = { width: 390, height: 844 };
let server;
let seminar;
const browsers = [];

// The demo's venues are in China: "today" is the venue's day, so that a deal recorded now falls on
// the seminar's day (closed at the event) whatever the test machine's zone and hour.
const VENUE_TODAY = new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date());

before(async () => {
  server = await startLanServer({ demo: true, today: VENUE_TODAY });
  seminar = (await adminCall(server, "GET", "/api/seminars")).find((s) => s.date === VENUE_TODAY);
  assert.ok(seminar, `a demo seminar on ${VENUE_TODAY}`);
  assert.equal(seminar.timezone, "Asia/Shanghai");
});
after(async () => {
  for (const b of browsers) await b.browser.close().catch(() => {});
  await server?.stop();
});

async function browser(opts) {
  const b = await openBrowser(opts);
  browsers.push(b);
  return b;
}

/** A checked-in guest at an assistant's table whose store has no deal yet, with that assistant. */
async function arrivedGuest() {
  const [tables, withGuests, deals] = await Promise.all([
    adminCall(server, "GET", `/api/seminars/${seminar.id}/tables`),
    adminCall(server, "GET", `/api/seminars/${seminar.id}/assistant-tables`),
    adminCall(server, "GET", `/api/seminars/${seminar.id}/deals`),
  ]);
  const dealt = new Set(deals.map((d) => d.store_id));
  for (const tb of withGuests) {
    const assistant = tables.find((x) => x.id === tb.table_id)?.assistant_id;
    const g = tb.guests.find((x) => x.arrived_at && !dealt.has(x.store_id));
    if (assistant && g) return { guest: g, assistant, table: tb.number };
  }
  throw new Error("no checked-in guest at an assistant's table in the demo data");
}

async function closedAtEvent(page) {
  return Number((await page.locator("[data-test=dashboard-seminar] [data-test=funnel-closedAtEvent] .funnel-value").innerText()).trim());
}

test("an assistant records a deal from their phone; a refused amount names the field; the dashboard moves", async () => {
  assert.equal(seminar.status, "live", "today's demo seminar is live");
  const { guest, assistant } = await arrivedGuest();
  const products = await adminCall(server, "GET", "/api/products");
  const product = products.find((p) => p.active && p.tiers.length);
  const tier = product.tiers.find((x) => x.quota === null) ?? product.tiers[0];

  // The organizer's dashboard on today's seminar.
  const org = await browser();
  await org.page.addInitScript((id) => localStorage.setItem("huixiao.currentSeminar", String(id)), seminar.id);
  await org.page.goto(`${server.url}#/data`);
  await org.page.locator("[data-test=dashboard-seminar] [data-test=funnel-closedAtEvent]").waitFor({ timeout: 15_000 }).catch(async (e) => {
    await org.page.screenshot({ path: "/tmp/cl-org.png" });
    throw e;
  });
  const before = await closedAtEvent(org.page);
  const report = await adminCall(server, "GET", `/api/seminars/${seminar.id}/report`);
  assert.equal(before, report.closed_at_event, "the dashboard shows the core's figure");

  // The assistant's phone, paired with the one-time code.
  const pairing = await createStation(server, seminar.id, assistant, "assistant");
  const phone = await browser({ viewport: PHONE, isMobile: true });
  const { page } = phone;
  await page.goto(`${server.base}/#/station/pair?code=${pairing.pairing_code}`);
  await page.waitForFunction(() => location.hash.startsWith("#/station/assistant"));
  const row = page.locator("[data-test=assistant-guest]", { hasText: guest.name }).first();
  await row.waitFor();
  await row.locator("[data-test=deal-open]").click();
  const form = page.locator("[data-test=deal-form]");
  await form.locator("[data-test=deal-submit]").waitFor();
  assert.match(await form.innerText(), new RegExp(guest.name));
  await form.locator(".el-radio-button", { hasText: product.name }).click();
  await form.locator(`[data-test=deal-tier-${tier.rank}]`).click();
  // The tier's price fills the amount (¥, from integer fen).
  assert.equal(await form.locator("[data-test=deal-amount]").inputValue(), String(tier.price_fen / 100));
  if (product.tiers.some((x) => x.quota !== null)) assert.match(await form.locator("[data-test=deal-places-left]").first().innerText(), /剩余名额|名额已满/);
  // A checked-in guest needs no reason.
  assert.equal(await form.locator("[data-test=deal-reason-item]").count(), 0);

  // Refused: a negative amount. The core's message lands on the amount field; nothing is written.
  const dealsBefore = (await adminCall(server, "GET", `/api/seminars/${seminar.id}/deals`)).length;
  await form.locator("[data-test=deal-amount]").fill("-100");
  await form.locator("[data-test=deal-submit]").click();
  const fieldError = form.locator("[data-test=deal-amount-item] .el-form-item__error");
  await fieldError.waitFor();
  assert.match(await fieldError.innerText(), /金额不能为负数/);
  assert.equal((await adminCall(server, "GET", `/api/seminars/${seminar.id}/deals`)).length, dealsBefore, "a refused deal writes nothing");

  // Recorded: the tier's price, a deposit by WeChat.
  await form.locator("[data-test=deal-amount]").fill(String(tier.price_fen / 100));
  await form.locator("[data-test=deal-payment-deposit]").click();
  await form.locator("[data-test=deal-note]").fill("现场交定金");
  await form.locator("[data-test=deal-amount-item] .el-form-item__error").waitFor({ state: "detached", timeout: 3000 }); // the message goes once the amount is changed
  await page.screenshot({ path: docsShot("station-deal-phone.png") });
  await form.locator("[data-test=deal-submit]").click();
  await form.locator("[data-test=deal-submit]").waitFor({ state: "hidden" });
  const listed = page.locator("[data-test=table-deal]", { hasText: guest.store });
  await listed.waitFor();
  assert.match(await listed.innerText(), /定金/);

  const deals = await adminCall(server, "GET", `/api/seminars/${seminar.id}/deals`);
  assert.equal(deals.length, dealsBefore + 1);
  const d = deals.find((x) => x.store_id === guest.store_id);
  assert.equal(d.amount_fen, tier.price_fen, "¥ typed, integer fen stored");
  assert.equal(d.assistant_id, assistant, "recorded as the station's own assistant");
  assert.equal(d.payment, "deposit");
  assert.equal(d.closed, true);

  // The organizer's dashboard moves without a reload: one more store closed at the event.
  const now = await adminCall(server, "GET", `/api/seminars/${seminar.id}/report`);
  assert.equal(now.closed_at_event, before + 1, "the core counts the store as closed at the event");
  await org.page.waitForFunction(
    (want) => Number(document.querySelector("[data-test=dashboard-seminar] [data-test=funnel-closedAtEvent] .funnel-value")?.textContent?.trim()) === want,
    before + 1,
    { timeout: 15_000 },
  );
  assert.equal(await closedAtEvent(org.page), before + 1);
  assert.deepEqual(phone.errors, []);
  assert.deepEqual(org.errors, []);
});
