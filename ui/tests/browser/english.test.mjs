// Demo data, switched to English: no Chinese from the catalogue anywhere in the UI chrome.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { flattenValues, loadCatalogue, openBrowser, screenshotPath, startServer } from "./harness.mjs";

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
const zhValues = flattenValues(zhCatalogue).filter((v) => CJK.test(v));
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
