// English screens laid out for English words: nothing cut (placeholders, selected options, buttons),
// no label squeezing its field, no error message over the next field. Measured in the real browser on the
// demo data, with English screenshots of each screen into docs/screenshots/*-en.png.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { apiCall, openBrowser, startServer } from "./harness.mjs";
import { docsShot } from "./door.mjs";

let server;
let b;
let seminarId;

before(async () => {
  server = await startServer({ demo: true });
  await apiCall(server, "PUT", "/api/settings", { ...(await apiCall(server, "GET", "/api/settings")), language: "en" });
  const list = await apiCall(server, "GET", "/api/seminars");
  seminarId = list.sort((a, b) => b.date.localeCompare(a.date))[0].id;
  b = await openBrowser();
  await b.page.addInitScript((id) => {
    localStorage.setItem("huixiao.currentSeminar", String(id));
    localStorage.setItem("huixiao.lang", "en");
  }, seminarId);
});
after(async () => {
  await b?.browser.close();
  await server?.stop();
});

async function open(hash) {
  await b.page.goto(`${server.url}${hash}`);
  await b.page.reload();
  await b.page.waitForLoadState("networkidle");
  await b.page.waitForTimeout(400);
}

/**
 * Text that does not fit inside `selector`'s visible elements: an input's placeholder wider than the
 * input's text box, or an element whose content is wider than its box (cut or ellipsised).
 */
async function cut(selector) {
  return b.page.evaluate((sel) => {
    const canvas = document.createElement("canvas").getContext("2d");
    const out = [];
    for (const el of document.querySelectorAll(sel)) {
      if (!el.getClientRects().length) continue;
      const style = getComputedStyle(el);
      if (el.matches("input, textarea") && el.placeholder && !el.value) {
        const ph = getComputedStyle(el, "::placeholder");
        canvas.font = `${ph.fontWeight} ${ph.fontSize} ${ph.fontFamily}`;
        canvas.letterSpacing = ph.letterSpacing === "normal" ? "0px" : ph.letterSpacing;
        const room = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        const need = canvas.measureText(el.placeholder).width;
        if (need > room + 1) out.push(`placeholder "${el.placeholder}" needs ${Math.round(need)}px, has ${Math.round(room)}px`);
      } else if (!el.matches("input, textarea") && el.scrollWidth > el.clientWidth + 1) {
        out.push(`"${el.textContent.trim()}" needs ${el.scrollWidth}px, has ${el.clientWidth}px`);
      }
    }
    return out;
  }, selector);
}

/** Pairs of visible elements of `selector` whose boxes overlap. */
async function overlaps(selector, others) {
  return b.page.evaluate(({ sel, oth }) => {
    const vis = (s) => [...document.querySelectorAll(s)].filter((e) => e.getClientRects().length);
    const out = [];
    for (const a of vis(sel)) {
      const r = a.getBoundingClientRect();
      for (const o of vis(oth)) {
        if (o === a || o.contains(a) || a.contains(o) || o.closest(".el-form-item") === a.closest(".el-form-item")) continue;
        const q = o.getBoundingClientRect();
        if (r.left < q.right - 1 && q.left < r.right - 1 && r.top < q.bottom - 1 && q.top < r.bottom - 1) out.push(`"${a.textContent.trim()}" over "${o.textContent.trim() || o.outerHTML.slice(0, 60)}"`);
      }
    }
    return out;
  }, { sel: selector, oth: others });
}

test("the new-seminar dialog in English: labels above their fields, placeholders whole, errors clear of the next field", async () => {
  const { page } = b;
  await open("#/seminars");
  await page.click("[data-test=new-seminar]");
  const dialog = page.locator("[data-test=seminar-form]");
  await dialog.waitFor();
  await page.waitForTimeout(400);
  assert.deepEqual(await cut("[data-test=seminar-form] input, [data-test=seminar-form] .el-form-item__label"), [], "text cut in the dialog");
  // Every field at least as wide as its label's words need: a label beside its field squeezed it.
  const narrow = await page.evaluate(() => [...document.querySelectorAll("[data-test=seminar-form] .el-form-item")]
    .filter((i) => i.querySelector(".el-form-item__content").getBoundingClientRect().width < 160)
    .map((i) => i.querySelector(".el-form-item__label")?.textContent));
  assert.deepEqual(narrow, [], "fields squeezed by their labels");
  await page.click("[data-test=seminar-save]");
  await page.locator("[data-test=seminar-form] .el-form-item__error").first().waitFor();
  await page.waitForTimeout(300);
  const errors = await page.locator("[data-test=seminar-form] .el-form-item__error").allInnerTexts();
  assert.ok(errors.includes("Title is required"), `an English sentence for a missing title: ${JSON.stringify(errors)}`);
  assert.deepEqual(await overlaps("[data-test=seminar-form] .el-form-item__error", "[data-test=seminar-form] .el-form-item__label, [data-test=seminar-form] .el-form-item__content > :not(.el-form-item__error)"), [], "error messages over other fields");
  await dialog.screenshot({ path: docsShot("seminar-form-en.png") });
});

test("the door, the store search, the cadence and the closing page in English: nothing cut", async () => {
  const { page } = b;
  await open("#/checkin");
  await page.locator("[data-test=checkin-screen]").waitFor();
  assert.deepEqual(await cut("[data-test=checkin-screen] input"), [], "check-in screen");
  await page.screenshot({ path: docsShot("checkin-en.png") });

  await open("#/stores");
  await page.locator("[data-test=store-table] .el-table__row:visible").first().waitFor();
  assert.deepEqual(await cut("input[data-test=store-search], .page-head .el-button > span"), [], "store list");
  await page.screenshot({ path: docsShot("stores-en.png") });

  await open("#/invitations");
  await page.locator(".el-tabs__item", { hasText: "Cadence" }).click();
  await page.locator("[data-test=cadence-step]").first().waitFor();
  await page.waitForTimeout(300);
  assert.deepEqual(await cut("[data-test=cadence-kind] .el-select__selected-item, [data-test=cadence-channel] .el-select__selected-item, [data-test=cadence-editor] .el-form-item__label"), [], "cadence kinds");
  assert.deepEqual(await cut("[data-test=cadence-step] .step-day > div"), [], "cadence dates");
  const dayLines = await page.evaluate(() => [...document.querySelectorAll("[data-test=cadence-step] .step-day > .muted")].filter((d) => d.textContent.trim()).map((d) => (d.getBoundingClientRect().height > 2 * parseFloat(getComputedStyle(d).fontSize) ? 2 : 1)));
  assert.ok(dayLines.every((n) => n <= 1), `each step's date on one line: ${dayLines}`);
  await page.screenshot({ path: docsShot("cadence-en.png") });

  await open("#/closing");
  await page.locator("[data-test=deals-table]").waitFor();
  const buttons = ".page-head .el-button, [data-test=deals-table] .el-button, [data-test=closing-tabs] .el-button";
  assert.deepEqual(await cut(buttons), [], "closing page buttons");
  assert.deepEqual(await overlaps(buttons, buttons), [], "closing page buttons over each other");
  await page.screenshot({ path: docsShot("closing-en.png") });
  // The follow-ups: each row's outcome buttons whole and apart.
  await page.locator("[data-test=closing-tabs]").getByRole("tab", { name: "Follow-ups" }).click();
  await page.locator("[data-test=followups-today]").waitFor();
  await page.waitForTimeout(400);
  const outcomes = "[data-test^=followup-]:is(.el-button)";
  assert.ok(await page.locator(outcomes).count(), "follow-ups with outcome buttons in the demo");
  assert.deepEqual(await cut(`${outcomes}, ${outcomes} > span`), [], "follow-up outcome buttons cut");
  assert.deepEqual(await overlaps(outcomes, outcomes), [], "follow-up outcome buttons over each other");
  const clipped = await page.evaluate((sel) => [...document.querySelectorAll(sel)].filter((btn) => {
    const cell = btn.closest(".cell").getBoundingClientRect();
    const r = btn.getBoundingClientRect();
    return r.right > cell.right + 1 || r.bottom > cell.bottom + 1;
  }).map((btn) => btn.textContent.trim()), outcomes);
  assert.deepEqual(clipped, [], "follow-up outcome buttons outside their cell");
  const rowsOnTwoLines = await page.evaluate((sel) => [...document.querySelectorAll("[data-test=followups-today] .el-table__row")]
    .map((row) => new Set([...row.querySelectorAll(sel)].map((btn) => Math.round(btn.getBoundingClientRect().top))).size)
    .filter((lines) => lines > 1).length, outcomes);
  assert.equal(rowsOnTwoLines, 0, "each follow-up's outcome buttons on one line");
  await page.screenshot({ path: docsShot("followups-en.png") });
});
