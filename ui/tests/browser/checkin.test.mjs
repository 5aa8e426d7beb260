// Check-in at the door and LAN stations, against the real `huixiao serve --lan` (HTTPS, self-signed):
// the organizer's scan screen, pairing a phone, a check-in station by typed code and by a fake camera
// fed a real ticket QR, an assistant told by push, and an offline station that syncs once.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { adminCall, venueToday, openBrowser, startLanServer } from "./harness.mjs";
import { createStation, docsShot, pngToY4m, seatedTickets, staffWith, todaySeminar } from "./door.mjs";

const PHONE = { width: 390, height: 844 };
let server;
let seminar;
let tickets;
const browsers = [];
let nextTicket = 0;
const take = () => {
  const t = tickets[nextTicket++];
  assert.ok(t, "enough seated demo tickets");
  return t;
};

before(async () => {
  // The hub's clock starts just after the demo's seminar began (14:00 at the venue), whatever the hour the
  // tests run at: the demo's early arrivals (13:15–13:45) are then in the past, as they are at a real door.
  server = await startLanServer({ demo: true, today: venueToday(), clock: `${venueToday()}T14:05:00+08:00` });
  seminar = await todaySeminar(server);
  tickets = await seatedTickets(server, seminar.id);
  assert.ok(tickets.length >= 8, `seated, not yet checked-in demo tickets: ${tickets.length}`);
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

/** The organizer's window in browser mode, on today's seminar. */
async function organizer(hash) {
  const b = await browser();
  await b.page.addInitScript((id) => localStorage.setItem("huixiao.currentSeminar", String(id)), seminar.id);
  await b.page.goto(`${server.url}#${hash}`);
  return b;
}

/** A phone paired through the real flow: the pairing link with the one-time code. */
async function pairedPhone(role, staffId, opts = {}) {
  const pairing = await createStation(server, seminar.id, staffId, role);
  const b = await browser({ viewport: PHONE, isMobile: true, ...opts });
  await b.page.goto(`${server.base}/#/station/pair?code=${pairing.pairing_code}`);
  await b.page.waitForFunction((r) => location.hash.startsWith(`#/station/${r}`), role);
  return { ...b, pairing };
}

async function typeCode(page, code) {
  await page.keyboard.type(code);
  await page.keyboard.press("Enter");
}

async function outcome(page, guest) {
  const panel = page.locator("[data-test=outcome]", { hasText: guest });
  await panel.waitFor({ timeout: 10_000 });
  return { outcome: await panel.getAttribute("data-outcome"), text: await panel.innerText(), panel };
}

test("the organizer's scan screen: a scanner types code + Enter with no click, the table shows; repeats, garbage, search, undo", async () => {
  const t = take();
  const { page, errors } = await organizer("/checkin");
  await page.locator("[data-test=outcome-idle]").waitFor();
  // The field has the focus: a scanner types into it without a click (lower case, as a scanner with caps off would).
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("data-test")), "scan-input");
  await typeCode(page, t.code.toLowerCase());
  const first = await outcome(page, t.guest);
  assert.equal(first.outcome, "checked_in");
  assert.equal(await page.locator("[data-test=outcome-table]").innerText(), String(t.table));
  assert.equal(await page.locator("[data-test=outcome-assistant]").innerText(), t.assistant);
  await page.locator("[data-test=companions-1]").click();
  await page.waitForTimeout(300);
  await page.screenshot({ path: docsShot("checkin-success.png") });

  // The focus came back after the click: the same ticket again is "already checked in", with when and where.
  await typeCode(page, t.code);
  await page.locator("[data-test=outcome][data-outcome=already_checked_in]").waitFor();
  assert.match(await page.locator("[data-test=outcome-when]").innerText(), /\d{2}:\d{2}/);

  // A stray click on the page title takes the focus away from the field; the next scan must still land.
  await page.locator(".page-title").first().click();
  const stray = take();
  await typeCode(page, stray.code);
  assert.equal((await outcome(page, stray.guest)).outcome, "checked_in", "a scan after a stray click is not dropped");

  // A WeChat payment code and a URL: typed outcomes, no crash.
  await typeCode(page, "134567890123456789");
  await page.locator("[data-test=outcome][data-outcome=invalid]", { hasText: "付款码" }).waitFor();
  await typeCode(page, "https://weixin.qq.com/r/abc");
  await page.locator("[data-test=outcome][data-outcome=invalid]", { hasText: "网址" }).waitFor();
  // Each latency is recorded at the frame after its outcome painted: wait for the last one's frame.
  await page.waitForFunction(() => (window.__scanLatencies?.length ?? 0) >= 5, null, { timeout: 5000 });
  const latencies = await page.evaluate(() => window.__scanLatencies);
  assert.equal(latencies.length, 5, "every scan measured");
  assert.ok(latencies.every((x) => x > 0 && x < 5000), JSON.stringify(latencies));

  // Search by the guest's name, one click.
  const s = take();
  await page.locator("[data-test=search-input]").fill(s.guest);
  await page.locator("[data-test=search-hit]", { hasText: s.guest }).locator("[data-test=search-checkin]").click();
  const bySearch = await outcome(page, s.guest);
  assert.equal(bySearch.outcome, "checked_in");
  // Undo it: the hub forgets the check-in.
  await page.locator("[data-test=undo]").click();
  await page.locator("[data-test=outcome]", { hasText: "已撤销签到" }).waitFor();
  const list = await adminCall(server, "GET", `/api/seminars/${seminar.id}/checkins`);
  assert.equal(list.filter((c) => c.guest_name === s.guest).length, 0, "undone");
  assert.equal(list.filter((c) => c.guest_name === t.guest).length, 1, "checked in once");
  assert.equal(list.find((c) => c.guest_name === t.guest).companions, 1, "+1 recorded");
  assert.equal(await page.evaluate(() => document.activeElement?.getAttribute("data-test")), "scan-input", "focus back on the scan field");

  // A walk-in: a few fields, seated at the best free seat.
  await page.locator("[data-test=walkin-open]").click();
  await page.locator("[data-test=walkin-store]").fill("测试临时门店");
  await page.locator("[data-test=walkin-name]").fill("临时客人");
  await page.locator("[data-test=walkin-save]").click();
  const walkIn = await outcome(page, "临时客人");
  assert.equal(walkIn.outcome, "checked_in");

  // The arrival board and the sign-in wall.
  await page.locator("[data-test=tab-board]").click();
  await page.locator("[data-test=board-arrived]").waitFor();
  await page.locator("[data-test=board-recent]", { hasText: "临时客人" }).waitFor();
  await page.waitForTimeout(600);
  await page.screenshot({ path: docsShot("arrival-board.png"), fullPage: true });
  await page.locator("[data-test=open-wall]").click();
  await page.locator("[data-test=sign-in-wall]", { hasText: t.guest }).waitFor();
  await page.screenshot({ path: docsShot("sign-in-wall.png") });
  assert.deepEqual(errors, []);
});

test("stations page: a pairing QR binds a phone; the check-in station checks in by typed code; revoked, it says why", async () => {
  const staff = await staffWith(server, "checkin");
  const { page, errors } = await organizer("/checkin/stations");
  await page.locator("[data-test=lan-info]").waitFor();
  await page.locator("[data-test=station-staff]").click();
  await page.locator(".el-select-dropdown__item", { hasText: staff.name }).first().click();
  await page.locator("[data-test=station-create]").click();
  await page.locator("[data-test=pairing-qr]").waitFor();
  assert.match(await page.locator("[data-test=pairing-countdown]").innerText(), /\d+:\d{2}/);
  // The dialog fades in: wait for its animation to end before the README's picture.
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== "running"));
  await page.waitForTimeout(400);
  await page.screenshot({ path: docsShot("station-pairing.png") });
  const code = (await page.locator("[data-test=pairing-code]").innerText()).trim();

  const phone = await browser({ viewport: PHONE, isMobile: true });
  await phone.page.goto(`${server.base}/#/station/pair?code=${code}`);
  await phone.page.waitForFunction(() => location.hash.startsWith("#/station/checkin"));
  await phone.page.locator("[data-test=station-who]", { hasText: staff.name }).waitFor();
  // The organizer's dialog closes by itself once the phone paired; the list shows it active.
  await page.locator("[data-test=pairing-dialog]").waitFor({ state: "hidden", timeout: 10_000 });
  await page.locator("[data-test=station-status]", { hasText: "使用中" }).waitFor();

  const t = take();
  await phone.page.locator("[data-test=scan-input]").click();
  await typeCode(phone.page, t.code);
  const r = await outcome(phone.page, t.guest);
  assert.equal(r.outcome, "checked_in");
  assert.equal(await phone.page.locator("[data-test=outcome-table]").innerText(), String(t.table));
  await phone.page.locator("[data-test=sync-status][data-offline=false]").waitFor();
  await phone.page.screenshot({ path: docsShot("station-checkin-phone.png"), fullPage: true });

  // The one-time code is spent.
  const again = await browser({ viewport: PHONE, isMobile: true });
  await again.page.goto(`${server.base}/#/station/pair?code=${code}`);
  await again.page.locator("[data-test=pair-error]").waitFor();

  // Revoked: the phone says why and offers to pair again.
  await page.locator("[data-test=station-revoke]").first().click();
  await page.locator(".el-message-box__btns .el-button--primary").click();
  await phone.page.reload();
  await phone.page.locator("[data-test=station-refused]").waitFor();
  assert.match(await phone.page.locator("[data-test=station-refused]").innerText(), /停用|撤销|revoked/i);
  await phone.page.locator("[data-test=pair-again]").click();
  await phone.page.waitForFunction(() => location.hash.startsWith("#/station/pair"));
  assert.deepEqual(errors, []);
  assert.deepEqual(phone.errors, []);
});

test("a check-in station's fake camera reads a real ticket QR and checks the guest in", async () => {
  const t = take();
  const qr = await adminCall(server, "GET", `/api/tickets/${t.code}/qr`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "huixiao-cam-"));
  const video = pngToY4m(Buffer.from(qr.data_base64, "base64"), path.join(dir, "ticket.y4m"));
  const staff = await staffWith(server, "checkin");
  const { page, errors } = await pairedPhone("checkin", staff.id, {
    args: ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", `--use-file-for-fake-video-capture=${video}`],
  });
  await page.locator("[data-test=camera-start]").click();
  const r = await outcome(page, t.guest);
  assert.equal(r.outcome, "checked_in");
  assert.equal(await page.locator("[data-test=outcome-table]").innerText(), String(t.table));
  const list = await adminCall(server, "GET", `/api/seminars/${seminar.id}/checkins`);
  assert.equal(list.filter((c) => c.guest_name === t.guest).length, 1, "one check-in, though the camera keeps seeing the code");
  fs.rmSync(dir, { recursive: true, force: true });
  assert.deepEqual(errors, []);
});

test("an assistant's station is told by push within 2 s when a guest of their table checks in", async () => {
  const t = take();
  const { page, errors } = await pairedPhone("assistant", t.assistant_id);
  await page.locator("[data-test=live][data-connected=true]").waitFor();
  const row = page.locator("[data-test=assistant-guest]", { hasText: t.guest });
  assert.equal(await row.getAttribute("data-arrived"), "false");
  // Phones are masked on stations.
  const text = await page.locator("[data-test=station-assistant]").innerText();
  assert.doesNotMatch(text, /1\d{10}/, "no full phone number on a station");

  const door = await organizer("/checkin");
  await door.page.locator("[data-test=outcome-idle]").waitFor();
  await door.page.keyboard.type(t.code);
  const scanned = Date.now();
  await door.page.keyboard.press("Enter");
  await outcome(door.page, t.guest);
  await page.locator("[data-test=assistant-guest][data-arrived=true].flash", { hasText: t.guest }).waitFor({ timeout: 2000 });
  const ms = Date.now() - scanned;
  assert.ok(ms <= 2000, `told in ${ms} ms`);
  await page.locator("[data-test=arrival-news]", { hasText: t.guest }).waitFor();
  await page.waitForTimeout(1000);
  console.log(`assistant told ${ms} ms after the scanner's Enter at the door`);
  await page.screenshot({ path: docsShot("station-assistant-phone.png"), fullPage: true });
  assert.deepEqual(errors, []);
});

test("an offline check-in station verifies codes locally, queues in IndexedDB and syncs each scan once", async () => {
  const t = take();
  const staff = await staffWith(server, "checkin");
  const { page, context, errors } = await pairedPhone("checkin", staff.id);
  // Online, with the roster it will check codes against once the hub is out of reach.
  await page.locator("[data-test=sync-status][data-offline=false]").waitFor();
  await page.waitForFunction(() => Number(document.querySelector("[data-test=sync-status]")?.getAttribute("data-roster")) > 0);
  await context.setOffline(true);
  await page.locator("[data-test=scan-input]").click();
  await typeCode(page, t.code);
  const r = await outcome(page, t.guest);
  assert.equal(r.outcome, "checked_in");
  await page.locator("[data-test=provisional]").waitFor();
  assert.equal(await page.locator("[data-test=outcome-table]").innerText(), String(t.table));
  await page.locator("[data-test=sync-status][data-offline=true][data-queued='1']").waitFor();
  await page.screenshot({ path: docsShot("station-offline-phone.png"), fullPage: true });
  // The same ticket again while offline: already checked in here, not queued twice.
  await typeCode(page, t.code);
  await page.locator("[data-test=outcome][data-outcome=already_checked_in]").waitFor();
  // A forged code: refused locally.
  await typeCode(page, "0000000000000000000000000Z");
  await page.locator("[data-test=outcome][data-outcome=invalid]").waitFor();
  await page.locator("[data-test=sync-status][data-queued='1']").waitFor();
  // The queue is in IndexedDB.
  const stored = await page.evaluate(
    () =>
      new Promise((resolve) => {
        const req = indexedDB.open("huixiao-station");
        req.onsuccess = () => {
          const all = req.result.transaction("queue").objectStore("queue").getAll();
          all.onsuccess = () => resolve(all.result.length);
        };
      }),
  );
  assert.equal(stored, 1);

  await context.setOffline(false);
  await page.locator("[data-test=sync-status][data-offline=false][data-queued='0']").waitFor({ timeout: 15_000 });
  const list = await adminCall(server, "GET", `/api/seminars/${seminar.id}/checkins`);
  assert.equal(list.filter((c) => c.guest_name === t.guest).length, 1, "synced, once");
  // Online again: the hub now says "already checked in" for it.
  await typeCode(page, t.code);
  await page.locator("[data-test=outcome][data-outcome=already_checked_in]:not(:has([data-test=provisional]))").waitFor();
  assert.deepEqual(errors, []);
});

test("签到记录: every check-in with venue-local time, guest, store, table, desk and companions; search; undo asks first", async () => {
  // A guest checked in at the organizer's laptop with one companion.
  const first = take();
  await adminCall(server, "POST", `/api/seminars/${seminar.id}/checkins/scan`, { seminar_id: seminar.id, code: first.code, ticket_id: null, nonce: null, via: "scan", companions: 1, station_at: null });
  const { page, errors } = await organizer("/checkin");
  await page.locator("[data-test=tab-log]").click();
  await page.waitForFunction(() => location.hash === "#/checkin/log");
  assert.equal(await page.locator(".header-section").innerText(), "签到 · 签到记录");
  const log = page.locator("[data-test=checkin-log]");
  const rows = log.locator(".el-table__body tr");
  await rows.first().waitFor();
  const list = await adminCall(server, "GET", `/api/seminars/${seminar.id}/checkins`);
  assert.equal(await rows.count(), list.length, "one row per check-in");
  assert.equal(await log.locator("[data-test=log-count]").innerText(), `共 ${list.length} 条签到`);
  // The venue's clock, never raw UTC.
  const text = await log.innerText();
  assert.doesNotMatch(text, /\d{4}-\d{2}-\d{2}T|\dZ\b/, "no raw RFC 3339 on screen");
  const mine = list.find((c) => c.guest_name === first.guest);
  const venueClock = new Intl.DateTimeFormat("en-GB", { timeZone: seminar.timezone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(mine.at));
  const row = rows.filter({ has: page.locator("[data-test=log-guest]", { hasText: first.guest }) });
  assert.equal(await row.count(), 1);
  assert.equal(await row.locator("[data-test=log-at]").innerText(), venueClock);
  assert.equal(await row.locator("[data-test=log-store]").innerText(), first.store_name);
  assert.equal(await row.locator("[data-test=log-table-no]").innerText(), `${first.table} 号桌`);
  assert.equal(await row.locator("[data-test=log-station]").innerText(), "组织者电脑");
  assert.equal(await row.locator("[data-test=log-companions]").innerText(), "+1");
  // Newest first.
  const times = await rows.locator("[data-test=log-at]").allInnerTexts();
  assert.deepEqual(times, [...times].sort().reverse());
  await page.screenshot({ path: docsShot("checkin-log.png"), fullPage: true });

  // A check-in made elsewhere (the hub, here) appears without a reload.
  const late = take();
  await adminCall(server, "POST", `/api/seminars/${seminar.id}/checkins/scan`, { seminar_id: seminar.id, code: late.code, ticket_id: null, nonce: null, via: "scan", companions: 2, station_at: null });
  const lateRow = rows.filter({ has: page.locator("[data-test=log-guest]", { hasText: late.guest }) });
  await lateRow.waitFor({ timeout: 10_000 });
  assert.equal(await lateRow.locator("[data-test=log-companions]").innerText(), "+2");
  assert.equal(await rows.first().locator("[data-test=log-guest]").innerText(), late.guest, "the newest on top");

  // Search: by store, then something nobody matches.
  const search = log.locator("input[data-test=log-search]");
  assert.equal(await search.getAttribute("aria-label"), "搜索客人、门店、桌号或签到处");
  await search.fill(first.store_name);
  const total = list.length + 1;
  await page.waitForFunction((n) => document.querySelectorAll("[data-test=checkin-log] .el-table__body tr").length < n, total);
  for (const r of await rows.allInnerTexts()) assert.ok(r.includes(first.store_name), `every row shown has the store: ${r}`);
  await rows.filter({ hasText: first.guest }).waitFor();
  assert.match(await log.locator("[data-test=log-count]").innerText(), /^显示 \d+ \/ \d+ 条$/);
  await search.fill("没有这个人");
  await log.locator(".el-table__empty-text", { hasText: "没有符合搜索的签到" }).waitFor();

  // Undo asks first: 保留 keeps the check-in, 撤销签到 undoes it.
  await search.fill(late.guest);
  await page.waitForFunction(() => document.querySelectorAll("[data-test=checkin-log] .el-table__body tr").length === 1);
  const undo = rows.first().locator("[data-test=log-undo]");
  assert.equal(await undo.getAttribute("aria-label"), `撤销 ${late.guest} 的签到`);
  await undo.click();
  const box = page.locator(".el-message-box", { hasText: "撤销签到？" });
  await box.waitFor();
  assert.match(await box.innerText(), new RegExp(`撤销 ${late.guest}（${late.store_name}）\\d{2}:\\d{2} 的签到`));
  await page.waitForTimeout(300);
  await page.screenshot({ path: docsShot("checkin-log-undo.png") });
  await box.getByRole("button", { name: "保留" }).click();
  await box.waitFor({ state: "hidden" });
  assert.ok((await adminCall(server, "GET", `/api/seminars/${seminar.id}/checkins`)).some((c) => c.guest_name === late.guest), "kept");
  await undo.click();
  await box.waitFor();
  await box.getByRole("button", { name: "撤销签到" }).click();
  await page.locator(".el-message", { hasText: `已撤销 ${late.guest} 的签到` }).waitFor();
  await log.locator(".el-table__empty-text", { hasText: "没有符合搜索的签到" }).waitFor();
  assert.ok(!(await adminCall(server, "GET", `/api/seminars/${seminar.id}/checkins`)).some((c) => c.guest_name === late.guest), "undone at the hub");
  await search.fill("");
  await page.waitForFunction((n) => document.querySelectorAll("[data-test=checkin-log] .el-table__body tr").length === n, list.length);
  assert.equal(await log.locator("[data-test=log-count]").innerText(), `共 ${list.length} 条签到`);
  assert.deepEqual(errors, []);
});
