// Accessibility: axe-core (every rule it runs by default, nothing excluded) on every route of the router,
// its tabs, the main dialogs open and the station pages at phone size, in Chinese and in English, on the
// demo data; and the dashboard of an empty database. Goal: no critical and no serious violation anywhere.
// Prints one line per page (critical / serious counts and the rules) so a failure names the page and rule.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import { adminCall, apiCall, openBrowser, recordOps, startLanServer, startServer, venueToday } from "./harness.mjs";
import { createStation, staffWith, todaySeminar } from "./door.mjs";

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const PHONE = { width: 390, height: 844 };
const LANGS = ["zh-CN", "en"];

let server;
let today;
let nextWeek;
const browsers = [];

before(async () => {
  server = await startLanServer({ demo: true, today: venueToday() });
  today = await todaySeminar(server);
  const list = await adminCall(server, "GET", "/api/seminars");
  nextWeek = list.filter((s) => s.date > venueToday()).sort((a, b) => a.date.localeCompare(b.date))[0];
  // The demo seminar of today: seated, so the seating board and the door have guests and tables.
  await adminCall(server, "POST", `/api/seminars/${today.id}/seating/auto`, { seminar_id: today.id });
});
after(async () => {
  for (const b of browsers) await b.browser.close().catch(() => {});
  await server?.stop();
});

/** axe-core on the page as it is now: { critical, serious, rules: ["rule-id×n (impact)"] }. */
export async function axeScan(page) {
  if (!(await page.evaluate(() => typeof window.axe !== "undefined"))) await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ["violations"] })).violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    nodes: v.nodes.map((n) => `${n.target.join(" ")} ${n.html.slice(0, 120)} ${n.failureSummary?.split("\n").slice(1, 2).join("") ?? ""}`.slice(0, 300)),
  })));
  const bad = violations.filter((v) => v.impact === "critical" || v.impact === "serious");
  // A page heading: every page says what it is in one h1 (axe's own rule for it is only "moderate").
  const h1 = await page.evaluate(() => [...document.querySelectorAll("h1")].filter((h) => h.textContent.trim()).length);
  if (h1 === 0) bad.push({ id: "no-h1", impact: "serious", nodes: ["the page has no h1 with text"] });
  return {
    critical: bad.filter((v) => v.impact === "critical").length,
    serious: bad.filter((v) => v.impact === "serious").length,
    rules: bad.map((v) => `${v.id}×${v.nodes.length} (${v.impact})`),
    details: bad.map((v) => `${v.id}: ${v.nodes.slice(0, 4).join(" | ")}`),
  };
}

/** Lets transitions (dialogs, tags, charts) settle before the scan: half-faded text has no contrast. */
async function settle(page) {
  await page.waitForLoadState("networkidle").catch(() => {});
  await page.waitForTimeout(700);
}

async function go(page, hash) {
  await page.evaluate((h) => { location.hash = h; }, hash);
  await page.waitForFunction((h) => location.hash === h, hash);
  await settle(page);
}

function report(lang, rows) {
  const w = Math.max(...rows.map((r) => r.page.length));
  console.log(`\naxe-core, ${lang}: page / critical / serious / rules`);
  for (const r of rows) console.log(`${r.page.padEnd(w)}  ${String(r.critical).padStart(2)}  ${String(r.serious).padStart(2)}  ${r.rules.join(", ")}`);
  const failing = rows.filter((r) => r.critical || r.serious);
  const total = rows.reduce((a, r) => [a[0] + r.critical, a[1] + r.serious], [0, 0]);
  console.log(`total ${lang}: ${total[0]} critical, ${total[1]} serious on ${failing.length} of ${rows.length} pages`);
  for (const r of failing) for (const d of r.details) console.log(`  ${r.page}: ${d}`);
  return failing;
}

/** The organizer's screens: every route, its tabs, and the main dialogs open. */
const ORGANIZER = [
  { page: "seminars", hash: "#/seminars" },
  { page: "seminars: new seminar", hash: "#/seminars", open: "[data-test=new-seminar]" },
  { page: "seminar detail", hash: () => `#/seminars/${today.id}` },
  { page: "invitations: list", hash: "#/invitations" },
  { page: "invitations: invite stores", hash: "#/invitations", open: "[data-test=open-invite-stores]" },
  { page: "invitations: import", hash: "#/invitations", open: "[data-test=open-import]" },
  { page: "invitations: list builder", hash: "#/invitations", tab: 1 },
  { page: "invitations: save as segment", hash: "#/invitations", tab: 1, open: "[data-test=segment-save-open]" },
  { page: "invitations: segments", hash: "#/invitations", tab: 1, open: "[data-test=segment-manager-open]" },
  { page: "invitations: today", hash: "#/invitations", tab: 2 },
  { page: "invitations: progress", hash: "#/invitations", tab: 3 },
  { page: "invitations: cadence", hash: "#/invitations", tab: 4 },
  { page: "seating", hash: "#/seating" },
  { page: "seating: rules", hash: "#/seating", open: "[data-test=seating-rules-open]" },
  { page: "seating: tables", hash: "#/seating", open: "[data-test=seating-tables-open]" },
  { page: "check-in: door", hash: "#/checkin" },
  { page: "check-in: walk-in", hash: "#/checkin", open: "[data-test=walkin-open]" },
  { page: "check-in: board", hash: "#/checkin/board" },
  { page: "check-in: stations", hash: "#/checkin/stations" },
  { page: "check-in: log", hash: "#/checkin/log" },
  { page: "wall", hash: "#/wall" },
  { page: "talk: script", hash: "#/talk" },
  { page: "talk: checklist", hash: "#/talk", tab: 1 },
  { page: "talk: timing", hash: "#/talk", tab: 2 },
  { page: "prompter", hash: () => `#/prompter/${today.id}` },
  { page: "closing: deals", hash: "#/closing" },
  { page: "closing: deal form", hash: "#/closing", open: "[data-test=record-deal]" },
  { page: "closing: follow-ups", hash: "#/closing", tab: 1 },
  { page: "data", hash: "#/data" },
  { page: "stores", hash: "#/stores" },
  { page: "stores: new store", hash: "#/stores", open: "[data-test=new-store]" },
  { page: "stores: store drawer", hash: "#/stores", open: "[data-test=store-table] .el-table__row" },
  { page: "stores: hottest store's drawer (score reasons, bow-tie)", hash: "#/stores", sort: "[data-test=store-table] th.is-sortable", open: "[data-test=store-table] .el-table__row" },
  { page: "partners", hash: "#/partners" },
  { page: "partners: record a payout", hash: "#/partners", open: "[data-test=partner-pay]" },
  { page: "staff", hash: "#/staff" },
  { page: "staff: new staff", hash: "#/staff", open: "[data-test=new-staff]" },
  { page: "products", hash: "#/products" },
  { page: "products: new product", hash: "#/products", open: "[data-test=new-product]" },
  { page: "head office sync", hash: "#/sync" },
  { page: "settings: general", hash: "#/settings" },
  { page: "settings: backup", hash: "#/settings", tab: 1 },
  { page: "settings: score weights", hash: "#/settings", tab: 2 },
  { page: "settings: about", hash: "#/settings", tab: 3 },
];

async function organizerRows(lang) {
  await adminCall(server, "PUT", "/api/settings", { ...(await adminCall(server, "GET", "/api/settings")), language: lang });
  const b = await openBrowser();
  browsers.push(b);
  const { page } = b;
  await page.addInitScript(({ id, lang: l }) => {
    localStorage.setItem("huixiao.currentSeminar", String(id));
    localStorage.setItem("huixiao.lang", l);
    localStorage.setItem("huixiao.firstLaunchDismissed", "1");
  }, { id: today.id, lang });
  await page.goto(`${server.url}#/seminars`);
  await settle(page);
  const rows = [];
  for (const p of ORGANIZER) {
    const hash = typeof p.hash === "function" ? p.hash() : p.hash;
    // Each page from a fresh load: a dialog or a tab left open never leaks into the next scan.
    await page.goto(`${server.url}${hash}`);
    await page.reload();
    await settle(page);
    if (p.sort) {
      await page.locator(p.sort).first().click();
      await settle(page);
    }
    if (p.tab !== undefined) {
      await page.locator(".el-tabs__item").nth(p.tab).click();
      await settle(page);
    }
    if (p.open) {
      await page.locator(p.open).first().click();
      await page.locator(".el-overlay:visible").first().waitFor();
      await settle(page);
    }
    rows.push({ page: p.page, ...(await axeScan(page)) });
  }
  return rows;
}

/** The station pages on a phone: the pairing page, then each role paired through the real flow. */
async function stationRows(lang) {
  // One Chromium; each phone is a context of its own (its own storage, so its own pairing).
  const shared = await openBrowser({ viewport: PHONE, isMobile: true });
  browsers.push(shared);
  const phone = async () => {
    const context = await shared.browser.newContext({ viewport: PHONE, locale: "zh-CN", ignoreHTTPSErrors: true, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    await recordOps(context, "a11y");
    await context.addInitScript((l) => localStorage.setItem("huixiao.lang", l), lang);
    return { page: await context.newPage(), context };
  };
  const rows = [];
  const first = await phone();
  await first.page.goto(`${server.base}/#/station/pair`);
  await settle(first.page);
  rows.push({ page: "station: pair", ...(await axeScan(first.page)) });
  await first.page.goto(`${server.base}/#/station`);
  await settle(first.page);
  rows.push({ page: "station: home (not paired)", ...(await axeScan(first.page)) });
  await first.context.close();
  const roles = [
    ["checkin", today, "checkin"],
    ["assistant", today, "assistant"],
    ["inviter", nextWeek, "inviter"],
    ["lecturer", today, "lecturer"],
  ];
  for (const [role, seminar, staffRole] of roles) {
    // A phone per role, paired through the real flow (as stations.test.mjs does).
    const { page, context } = await phone();
    const staff = await staffWith(server, staffRole);
    const pairing = await createStation(server, seminar.id, staff.id, role);
    await page.goto(`${server.base}/#/station/pair?code=${pairing.pairing_code}`);
    await page.waitForFunction((r) => location.hash.startsWith(`#/station/${r}`), role);
    await settle(page);
    rows.push({ page: `station: ${role}`, ...(await axeScan(page)) });
    if (role === "assistant" && (await page.locator("[data-test=deal-open]").count())) {
      await page.locator("[data-test=deal-open]").first().click();
      await page.locator("[data-test=deal-form]").waitFor();
      await settle(page);
      rows.push({ page: "station: assistant deal form", ...(await axeScan(page)) });
    }
    await context.close();
  }
  return rows;
}

for (const lang of LANGS) {
  test(`axe-core: no critical or serious violation on the organizer's pages and dialogs (${lang})`, async () => {
    const failing = report(`organizer, ${lang}`, await organizerRows(lang));
    assert.deepEqual(failing.map((r) => `${r.page}: ${r.rules.join(", ")}`), [], `${lang}: pages with critical or serious violations`);
  });
  test(`axe-core: no critical or serious violation on the station pages at phone size (${lang})`, async () => {
    const failing = report(`stations, ${lang}`, await stationRows(lang));
    assert.deepEqual(failing.map((r) => `${r.page}: ${r.rules.join(", ")}`), [], `${lang}: pages with critical or serious violations`);
  });
}

test("axe-core: an empty database (first launch, the dashboard) has no critical or serious violation", async () => {
  const empty = await startServer();
  try {
    const b = await openBrowser();
    browsers.push(b);
    const rows = [];
    for (const lang of LANGS) {
      await apiCall(empty, "PUT", "/api/settings", { ...(await apiCall(empty, "GET", "/api/settings")), language: lang });
      await b.page.goto(`${empty.url}#/seminars`);
      await b.page.locator("[data-test=first-launch]").waitFor();
      await settle(b.page);
      rows.push({ page: `first launch (${lang})`, ...(await axeScan(b.page)) });
      await b.page.evaluate(() => localStorage.setItem("huixiao.firstLaunchDismissed", "1"));
      for (const [name, hash] of [["data", "#/data"], ["seminars", "#/seminars"], ["stores", "#/stores"]]) {
        await b.page.goto(`${empty.url}${hash}`);
        await settle(b.page);
        rows.push({ page: `empty ${name} (${lang})`, ...(await axeScan(b.page)) });
      }
      await b.page.evaluate(() => localStorage.removeItem("huixiao.firstLaunchDismissed"));
    }
    const failing = report("empty database", rows);
    assert.deepEqual(failing.map((r) => `${r.page}: ${r.rules.join(", ")}`), [], "pages with critical or serious violations");
  } finally {
    await empty.stop();
  }
});
