// Demo data, switched to English: no Chinese from the catalogue anywhere in the UI chrome. Then an
// organisation created in English, with ASCII data typed by the test: no Chinese at all on any main
// page or station page, so nothing the app generates (defaults, messages, notes, names) is Chinese.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { adminCall, flattenValues, loadCatalogue, openBrowser, screenshotPath, startLanServer, startServer, UI_DIR, venueToday } from "./harness.mjs";

const CJK = /[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]/;
/** UI chrome: never data. Nothing in here may be Chinese on the English page. */
const CHROME = [
  ".nav-menu .el-menu-item", ".nav-group", ".header-section", ".page-head .el-button",
  ".el-table__header", ".el-empty__description", ".el-form-item__label", ".el-descriptions__label",
  ".el-card__header", ".el-pagination", ".el-step__title", ".el-step__description", ".funnel-label", ".funnel-rate-label",
  ".field-hint", ".el-dialog__header", ".el-dialog__footer", ".toolbar", ".back-link", ".phase-seminar-label",
];

let server;
let b;
// Language names ("中文") are shown in their own language on purpose, in the switcher and in settings.
const { lang: _languageNames, ...zhCatalogue } = loadCatalogue("zh-CN");
// Values with Chinese words of their own: "{name}（{role}）" has only full-width brackets around data,
// and would match any data in such brackets (a seminar called "…研讨会（长沙站）").
const zhValues = flattenValues(zhCatalogue).filter((v) => /[\u3400-\u9fff]/.test(v.replace(/\{\w+\}/g, "")));
/** Catalogue values as whole-text matchers ("共 {n} 家门店" matches "共 12 家门店"). */
const zhMatchers = zhValues.map((v) => new RegExp(`^${v.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{\w+\}/g, ".+")}$`));

before(async () => {
  server = await startServer({ demo: true });
  b = await openBrowser();
});
after(async () => {
  await b?.browser.close();
  await server?.stop();
});

async function assertEnglish(page, where) {
  await page.waitForTimeout(400);
  const found = await page.evaluate(({ chrome, cjk }) => {
    const re = new RegExp(cjk);
    const out = { texts: [], chrome: [], placeholders: [] };
    const switcher = document.querySelector("[data-test=lang-switch]");
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const el = n.parentElement;
      if (!el || (switcher && switcher.contains(el))) continue;
      const style = getComputedStyle(el);
      if (style.display === "none" || style.visibility === "hidden" || !el.getClientRects().length) continue;
      const t = n.textContent.trim();
      if (t) out.texts.push(t);
    }
    for (const sel of chrome) {
      for (const el of document.querySelectorAll(sel)) {
        if (switcher && el.contains(switcher)) {
          const clone = el.cloneNode(true);
          clone.querySelector("[data-test=lang-switch]")?.remove();
          if (re.test(clone.textContent)) out.chrome.push(`${sel}: ${clone.textContent.trim().slice(0, 80)}`);
        } else if (el.getClientRects().length && re.test(el.innerText)) {
          out.chrome.push(`${sel}: ${el.innerText.trim().slice(0, 80)}`);
        }
      }
    }
    for (const el of document.querySelectorAll("input[placeholder], textarea[placeholder]")) {
      if (el.getClientRects().length && re.test(el.placeholder)) out.placeholders.push(el.placeholder);
    }
    return out;
  }, { chrome: CHROME, cjk: CJK.source });
  const fromCatalogue = found.texts.filter((t) => zhMatchers.some((m) => m.test(t)));
  assert.deepEqual(fromCatalogue, [], `${where}: zh-CN catalogue text on the English page`);
  assert.deepEqual(found.chrome, [], `${where}: Chinese in UI chrome`);
  assert.deepEqual(found.placeholders, [], `${where}: Chinese placeholders`);
}

async function go(page, hash) {
  await page.evaluate((h) => { location.hash = h; }, hash);
  await page.waitForFunction((h) => location.hash === h, hash);
  await page.waitForLoadState("networkidle");
}

test("switching to English translates every main screen and persists", async () => {
  const { page, errors } = b;
  await page.goto(server.url);
  await page.locator("[data-test=seminar-table] .el-table__row").first().waitFor();
  assert.equal(await page.locator("[data-test=first-launch]").isVisible(), false, "no first-launch dialog on a filled database");
  assert.match(await page.locator(".nav-menu").innerText(), /会前邀约/);
  await page.screenshot({ path: screenshotPath("seminars-zh.png") });

  await page.click("[data-test=lang-switch] [data-lang=en]");
  await page.locator(".nav-menu", { hasText: "Invitations" }).waitFor();
  const nav = await page.locator(".nav-menu").innerText();
  for (const label of ["Seminars", "Invitations", "Seating", "Check-in", "Talk", "Closing", "Data", "Stores", "Staff", "Settings"]) {
    assert.ok(nav.includes(label), `nav has ${label}: ${nav}`);
  }
  await assertEnglish(page, "seminars");
  await page.screenshot({ path: screenshotPath("seminars-en.png") });

  await page.locator("[data-test=seminar-table] .el-table__row").first().click();
  await page.locator("[data-test=funnel]").waitFor();
  await assertEnglish(page, "seminar detail");
  await page.screenshot({ path: screenshotPath("seminar-detail-en.png"), fullPage: true });

  await go(page, "#/invitations");
  await page.locator("[data-test=invitation-table]").waitFor();
  await assertEnglish(page, "invitation list");
  await page.locator(".el-tabs__item", { hasText: "Today" }).click();
  await page.locator("[data-test=today]").waitFor();
  await page.locator("[data-test=touch]").first().waitFor();
  await assertEnglish(page, "invitations");

  await go(page, "#/closing");
  await page.locator("[data-test=deals-table]").waitFor();
  await assertEnglish(page, "closing: deals");
  await page.locator("[data-test=closing-tabs]").getByRole("tab", { name: "Follow-ups" }).click();
  await page.locator("[data-test=followups-today]").waitFor();
  await assertEnglish(page, "closing: follow-ups");

  await go(page, "#/products");
  await page.locator("[data-test=products-table] [data-test=product-tier]").first().waitFor();
  // The demo's tiers are named 原价 / 会场价 (data, like the catalogue's suggested names): check the chrome only.
  for (const sel of [".page-head", "[data-test=products-table] thead", "[data-test=products-table] .el-button"]) {
    for (const text of await page.locator(sel).allInnerTexts()) assert.doesNotMatch(text, CJK, `products: ${sel}`);
  }

  for (const phase of ["seating", "checkin", "talk"]) {
    await go(page, `#/${phase}`);
    await page.locator(`[data-phase=${phase}]`).waitFor();
    if (phase === "seating") {
      // Seating is built: its board, in English.
      await page.locator("[data-test=seating-board]").waitFor();
      const body = await page.locator(`[data-phase=${phase}]`).innerText();
      assert.match(body, /Seat automatically/, "the seating board is in English");
    } else if (phase === "checkin") {
      // Check-in is built: the scan screen, then the arrival board and the stations, in English.
      await page.locator("[data-test=checkin-screen]").waitFor();
      assert.match(await page.locator(`[data-phase=${phase}]`).innerText(), /Scan a ticket/);
      await assertEnglish(page, "check-in screen");
      await go(page, "#/checkin/board");
      await page.locator("[data-test=board-arrived]").waitFor();
      await assertEnglish(page, "arrival board");
      await go(page, "#/checkin/stations");
      await page.locator("[data-test=station-table]").waitFor();
      assert.match(await page.locator(`[data-phase=${phase}]`).innerText(), /LAN stations/);
    } else if (phase === "talk") {
      // The talk is built: readiness and the script editor, in English.
      await page.locator("[data-test=script-editor] [data-test=stage-row]").first().waitFor();
      const body = await page.locator(`[data-phase=${phase}]`).innerText();
      assert.match(body, /Open the prompter/);
      assert.match(body, /Checklist \d+\/\d+/);
      assert.match(body, /Ice-breaking/, "stage kinds in English");
    }
    await assertEnglish(page, phase);
  }
  await go(page, "#/data");
  const compare = page.locator("[data-test=dashboard-compare] .compare-table .el-table__body");
  await compare.waitFor();
  assert.match(await compare.innerText(), /median/, "the core words its findings in English");
  await assertEnglish(page, "data");

  await go(page, "#/stores");
  await page.locator("[data-test=store-table] .el-table__row").first().waitFor();
  await assertEnglish(page, "stores");
  await page.locator("[data-test=store-table] .el-table__row").first().click();
  await page.locator("[data-test=contact-table]").waitFor();
  await assertEnglish(page, "store drawer");
  await page.keyboard.press("Escape");

  await go(page, "#/staff");
  await page.locator("[data-test=staff-table] .el-table__row").first().waitFor();
  await assertEnglish(page, "staff");

  await go(page, "#/settings");
  await page.locator("[data-test=settings-save]").waitFor();
  await assertEnglish(page, "settings");

  // Persisted in the core's settings, and used on the next start even without localStorage.
  const res = await fetch(`${server.base}/api/settings`, { headers: { Authorization: `Bearer ${server.token}` } });
  assert.equal((await res.json()).language, "en");
  await page.evaluate(() => localStorage.removeItem("huixiao.lang"));
  await page.reload();
  await page.locator(".nav-menu", { hasText: "Invitations" }).waitFor();
  assert.deepEqual(errors, []);
});

/** Every visible text, placeholder, title and accessible name on the page that has a Chinese character. */
async function chineseOnPage(page) {
  await page.waitForTimeout(400);
  return page.evaluate((cjk) => {
    const re = new RegExp(cjk);
    const out = [];
    const switcher = document.querySelector("[data-test=lang-switch]");
    const shown = (el) => {
      if (!el || (switcher && switcher.contains(el))) return false;
      const style = getComputedStyle(el);
      return style.display !== "none" && style.visibility !== "hidden" && el.getClientRects().length > 0;
    };
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      const t = n.textContent.trim();
      if (t && re.test(t) && shown(n.parentElement)) out.push(t.slice(0, 120));
    }
    for (const el of document.querySelectorAll("[placeholder], [title], [aria-label]")) {
      if (!shown(el)) continue;
      for (const a of ["placeholder", "title", "aria-label"]) {
        const v = el.getAttribute(a);
        if (v && re.test(v)) out.push(`${a}=${v.slice(0, 120)}`);
      }
    }
    for (const el of document.querySelectorAll("input, textarea")) {
      if (shown(el) && re.test(el.value)) out.push(`value=${el.value.slice(0, 120)}`);
    }
    return [...new Set(out)];
  }, CJK.source);
}

/** The language's own name ("中文" in the switchers and the settings) is Chinese on purpose. */
const LANGUAGE_NAME = loadCatalogue("zh-CN").lang.zh;

async function assertNoChinese(page, where) {
  const found = (await chineseOnPage(page)).filter((t) => t !== LANGUAGE_NAME);
  assert.deepEqual(found, [], `${where}: Chinese on the English page`);
}

const DOCS_SCREENSHOTS = path.resolve(UI_DIR, "../docs/screenshots");

test("an organisation created in English shows no Chinese on any page or station", async () => {
  const hub = await startLanServer({ demo: false });
  const phones = [];
  const org = await openBrowser();
  try {
    const call = (method, url, body) => adminCall(hub, method, url, body);
    const { page, errors } = org;
    // First launch: start empty, switch to English (the organisation's language from now on).
    await page.goto(hub.url);
    await page.locator("[data-test=first-launch]").waitFor({ state: "visible" });
    await page.click("[data-test=start-empty]");
    await page.click("[data-test=lang-switch] [data-lang=en]");
    await page.locator(".nav-menu", { hasText: "Invitations" }).waitFor();
    await page.waitForFunction(() => document.documentElement.lang === "en");
    for (let i = 0; i < 50 && (await call("GET", "/api/settings")).language !== "en"; i++) await page.waitForTimeout(100);
    assert.equal((await call("GET", "/api/settings")).language, "en");
    await call("PUT", "/api/settings", { org_name: "Sunrise Growth", language: "en", timezone: "Asia/Shanghai" });

    // The organisation's data, typed in ASCII.
    const staff = async (name, roles, phone = null) => (await call("POST", "/api/staff", { name, roles, phone })).id;
    const lecturer = await staff("Ming Li", ["lecturer"]);
    const inviter = await staff("Wendy Wang", ["inviter"], "13912345678");
    const assistant = await staff("Leo Zhao", ["assistant"]);
    const door = await staff("Dora Deng", ["checkin"]);
    const stores = [];
    for (const [name, owner, spouse, n] of [["Little Sun Kindergarten", "Jim Chen", "Lily Liu", 1], ["Green Leaf Pharmacy", "Tom Hu", "Amy Hu", 2], ["Bright Smile Salon", "Sam Luo", "Mia Luo", 3]]) {
      const s = await call("POST", "/api/stores", { name, city: "Changsha", district: "Yuelu", industry: "kindergarten", level: "A" });
      const o = await call("POST", `/api/stores/${s.id}/contacts`, { store_id: s.id, name: owner, role: "owner", phone: `1380013800${n}` });
      const sp = await call("POST", `/api/stores/${s.id}/contacts`, { store_id: s.id, name: spouse, role: "owner_spouse", phone: `1380013801${n}` });
      stores.push({ id: s.id, contacts: [o.id, sp.id] });
    }
    const product = await call("POST", "/api/products", { name: "Growth System", tiers: [{ name: "List price", price_fen: 1_980_000 }, { name: "Seminar price", price_fen: 980_000 }] });
    const seminar = async (title, date, start_time) =>
      (await call("POST", "/api/seminars", { title, date, start_time, capacity: 40, lecturer_id: lecturer, city: "Changsha", venue: "Grand Hotel" })).id;
    // Today's starts late in the day whenever the test runs, so it is never in the past.
    const today = await seminar("Growth Seminar Today", venueToday(), "23:30");
    const nextWeekDate = new Date(Date.parse(`${venueToday()}T12:00:00Z`) + 7 * 86_400_000).toISOString().slice(0, 10);
    const later = await seminar("Growth Seminar Next Week", nextWeekDate, "14:00");
    // Next week's: invitations with today's touches (the first call, D-10, is due the day it is made).
    await call("POST", `/api/seminars/${later}/status`, { id: later, status: "inviting" });
    for (const s of stores) await call("POST", `/api/seminars/${later}/invitations`, { seminar_id: later, store_id: s.id, inviter_id: inviter, contact_ids: [s.contacts[1]] });
    // Today's: confirmed, seated, live, two arrived, one deal.
    await call("POST", `/api/seminars/${today}/status`, { id: today, status: "inviting" });
    const invitations = [];
    for (const s of stores) {
      const inv = await call("POST", `/api/seminars/${today}/invitations`, { seminar_id: today, store_id: s.id, inviter_id: inviter, contact_ids: s.contacts });
      await call("POST", `/api/invitations/${inv.id}/status`, { id: inv.id, status: "confirmed" });
      invitations.push(inv);
    }
    const tables = await call("POST", `/api/seminars/${today}/tables/grid`, { seminar_id: today, count: 2 });
    const second = await staff("Kay Zhou", ["assistant"]);
    for (const [i, t] of tables.entries()) await call("PUT", `/api/tables/${t.id}`, { ...t, assistant_id: i === 0 ? assistant : second });
    await call("POST", `/api/seminars/${today}/seating/auto`, { seminar_id: today });
    await call("POST", `/api/seminars/${today}/status`, { id: today, status: "live" });
    const tickets = await call("GET", `/api/seminars/${today}/tickets`);
    for (const t of tickets.slice(0, 3)) await call("POST", `/api/seminars/${today}/checkins/scan`, { seminar_id: today, code: t.code });
    await call("POST", "/api/deals", { seminar_id: today, store_id: stores[0].id, product_id: product.id, tier_id: product.tiers[1].id, amount_fen: 980_000, payment: "full" });
    await call("POST", `/api/seminars/${today}/checklist/copy`, { seminar_id: today, template_id: null });

    const select = async (id) => {
      await page.evaluate((i) => localStorage.setItem("huixiao.currentSeminar", String(i)), id);
      await page.reload();
      await page.locator(".nav-menu", { hasText: "Invitations" }).waitFor();
    };
    await select(later);
    await go(page, "#/seminars");
    await page.locator("[data-test=seminar-table] .el-table__row").first().waitFor();
    await assertNoChinese(page, "seminars");
    await go(page, `#/seminars/${later}`);
    await page.locator("[data-test=funnel]").waitFor();
    await assertNoChinese(page, "seminar detail (inviting)");
    await go(page, "#/invitations");
    await page.locator("[data-test=invitation-table]").waitFor();
    await assertNoChinese(page, "invitation list");
    await page.locator(".el-tabs__item", { hasText: "Today" }).click();
    await page.locator("[data-test=touch]").first().waitFor();
    assert.match(await page.locator("[data-test=today]").innerText(), /Lily Liu|Amy Hu|Mia Luo/);
    await assertNoChinese(page, "today's touches");
    await page.screenshot({ path: path.join(DOCS_SCREENSHOTS, "touches-today-en.png") });
    await page.locator(".el-tabs__item", { hasText: "Progress" }).click();
    await page.waitForTimeout(500);
    await assertNoChinese(page, "invitation progress");
    await page.locator(".el-tabs__item", { hasText: "Cadence" }).click();
    await page.locator("[data-test=cadence-var]").first().waitFor();
    assert.match(await page.locator("[data-test=cadence-var]").first().innerText(), /^\{name\}$/);
    await assertNoChinese(page, "the cadence editor");

    await select(today);
    await go(page, `#/seminars/${today}`);
    await page.locator("[data-test=funnel]").waitFor();
    await assertNoChinese(page, "seminar detail (live)");
    await go(page, "#/seating");
    await page.locator("[data-test=seating-board]").waitFor();
    await assertNoChinese(page, "seating");
    for (const [hash, sel] of [["#/checkin", "[data-test=checkin-screen]"], ["#/checkin/board", "[data-test=board-arrived]"], ["#/checkin/stations", "[data-test=station-table]"], ["#/checkin/log", "[data-phase=checkin]"]]) {
      await go(page, hash);
      await page.locator(sel).first().waitFor();
      await assertNoChinese(page, hash);
    }
    await go(page, "#/talk");
    await page.locator("[data-test=script-editor] [data-test=stage-row]").first().waitFor();
    assert.match(await page.locator("[data-phase=talk]").innerText(), /Standard six-stage seminar script|Ice-breaking/);
    await assertNoChinese(page, "talk: script and checklist");
    await page.screenshot({ path: path.join(DOCS_SCREENSHOTS, "talk-script-editor-en.png"), fullPage: true });
    await page.locator(".el-tabs__item", { hasText: "Venue set-up" }).click();
    await page.waitForTimeout(500);
    assert.match(await page.locator("[data-phase=talk]").innerText(), /Sound check/);
    await assertNoChinese(page, "talk: venue set-up");
    await go(page, `#/prompter/${today}`);
    await page.locator("[data-test=prompter]").waitFor();
    await assertNoChinese(page, "prompter");
    await go(page, "#/closing");
    await page.locator("[data-test=deals-table]").waitFor();
    await assertNoChinese(page, "closing: deals");

    // Stations on phones, each in its user's language.
    const pair = async (role, staffId, home) => {
      const pairing = await call("POST", `/api/seminars/${today}/stations`, { seminar_id: today, staff_id: staffId, role, name: null });
      const b = await openBrowser({ viewport: { width: 390, height: 844 }, isMobile: true });
      phones.push(b);
      await b.context.addInitScript(() => localStorage.setItem("huixiao.lang", "en"));
      await b.page.goto(`${hub.base}/#/station/pair?code=${pairing.pairing_code}`);
      // Pairing redeems the code over HTTPS, then routes to the role's page: slow on a busy machine.
      await b.page.waitForFunction((r) => location.hash.startsWith(`#/station/${r}`), home, { timeout: 60_000 });
      // Station pages keep a live connection open: wait for their first answers, not for silence.
      await b.page.waitForTimeout(1500);
      await assertNoChinese(b.page, `station ${role}`);
      return b;
    };
    await pair("checkin", door, "checkin");
    const phone = await pair("assistant", assistant, "assistant");
    await phone.page.locator("[data-test=assistant-guest]").first().waitFor();
    await assertNoChinese(phone.page, "station assistant with guests");
    await phone.page.screenshot({ path: path.join(DOCS_SCREENSHOTS, "station-assistant-phone-en.png") });
    await pair("inviter", inviter, "inviter");
    await pair("lecturer", lecturer, "lecturer");
    const stations = await call("GET", `/api/seminars/${today}/stations`);
    for (const st of stations) assert.doesNotMatch(st.name, CJK, "a station's default name");

    // After the event: closed, follow-ups planned, the report.
    await call("POST", `/api/seminars/${today}/status`, { id: today, status: "closed" });
    await page.reload();
    await go(page, "#/closing");
    await page.locator("[data-test=closing-tabs]").getByRole("tab", { name: "Follow-ups" }).click();
    await page.locator("[data-test=followups-today]").waitFor();
    await assertNoChinese(page, "closing: follow-ups");
    const followups = await call("GET", `/api/seminars/${today}/followups`);
    assert.ok(followups.length > 0, "closing planned follow-ups");
    for (const f of followups) assert.doesNotMatch(f.note, CJK, "a follow-up's note");
    await go(page, `#/seminars/${today}`);
    await page.locator("[data-test=funnel]").waitFor();
    await assertNoChinese(page, "seminar detail (closed)");
    await page.screenshot({ path: path.join(DOCS_SCREENSHOTS, "seminar-closed-en.png"), fullPage: true });
    await go(page, "#/data");
    await page.locator("[data-test=dashboard-compare]").waitFor();
    await assertNoChinese(page, "data");
    for (const [hash, sel] of [["#/stores", "[data-test=store-table] .el-table__row"], ["#/staff", "[data-test=staff-table] .el-table__row"], ["#/products", "[data-test=products-table]"], ["#/settings", "[data-test=settings-save]"]]) {
      await go(page, hash);
      await page.locator(sel).first().waitFor();
      await assertNoChinese(page, hash);
    }
    assert.deepEqual(errors, []);
  } finally {
    for (const b of phones) await b.browser.close().catch(() => {});
    await org.browser.close().catch(() => {});
    await hub.stop();
  }
});
