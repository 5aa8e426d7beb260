// The sidebar's seminar picker. Its select loads just after start (not with the entry chunk); until then a
// still copy stands in. The copy must look the same, be a labelled combobox, and hand over focus and
// clicks; the select must be usable with the keyboard alone.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { PNG } from "pngjs";
import { openBrowser, startServer } from "./harness.mjs";

let server;
let b;

before(async () => {
  server = await startServer({ demo: true });
  b = await openBrowser();
  await b.page.addInitScript(() => localStorage.setItem("huixiao.firstLaunchDismissed", "1"));
});
after(async () => {
  await b?.browser.close();
  await server?.stop();
});

const LABEL = "选择一场会销";
const seminars = () => fetch(`${server.base}/api/seminars`, { headers: { authorization: `Bearer ${server.token}` } }).then((r) => r.json());

/** Holds back the select's chunk until `release()`: the still copy is what the page shows meanwhile. */
async function holdSelect(page) {
  let release;
  const gate = new Promise((r) => (release = r));
  await page.route(/SeminarSelect-.*\.js$/, async (route) => {
    await gate;
    await route.continue();
  });
  return async () => {
    release();
    await page.locator("[data-test=seminar-picker]").waitFor();
    await page.unroute(/SeminarSelect-.*\.js$/);
  };
}

function samePixels(a, b) {
  const x = PNG.sync.read(a);
  const y = PNG.sync.read(b);
  return x.width === y.width && x.height === y.height && x.data.equals(y.data);
}

test("chosen with the keyboard alone: Tab to the labelled combobox, arrows, Enter", async () => {
  const { page, errors } = b;
  const list = await seminars();
  assert.ok(list.length >= 2, `demo seminars: ${list.length}`);
  await page.goto(server.url);
  const picker = page.getByRole("combobox", { name: LABEL });
  await page.locator("[data-test=seminar-picker]").waitFor();
  await picker.focus();
  await page.keyboard.press("ArrowDown");
  await page.locator(".el-select-dropdown__item:visible").first().waitFor();
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  const chosen = await page.evaluate(() => Number(localStorage.getItem("huixiao.currentSeminar")));
  const s = list.find((x) => x.id === chosen);
  assert.ok(s, `a demo seminar is chosen: ${chosen}`);
  await assert.doesNotReject(page.locator(".nav-picker", { hasText: `${s.date} ${s.title}` }).waitFor({ timeout: 5000 }));
  assert.deepEqual(errors, []);
});

test("the still copy looks like the select, and hands over focus and clicks", async () => {
  const { page, errors } = b;
  // The chosen seminar (previous test) is shown by the copy as by the select.
  let release = await holdSelect(page);
  await page.goto(server.url);
  await page.reload();
  await page.locator(".nav-picker .el-select__placeholder:not(.is-transparent)").waitFor();
  await page.waitForTimeout(300);
  assert.equal(await page.locator("[data-test=seminar-picker]").count(), 0, "the select is held back");
  await assert.doesNotReject(page.getByRole("combobox", { name: LABEL }).waitFor({ timeout: 2000 }));
  const still = await page.locator(".nav-picker").screenshot();
  await release();
  await page.waitForTimeout(300);
  assert.ok(samePixels(still, await page.locator(".nav-picker").screenshot()), "the copy and the select look the same");

  // Focus on the copy ends on the select's own input.
  release = await holdSelect(page);
  await page.reload();
  await page.locator(".nav-picker input").focus();
  await release();
  await page.waitForFunction(() => document.activeElement?.closest("[data-test=seminar-picker]") !== null);

  // A click on the copy opens the select's list.
  release = await holdSelect(page);
  await page.reload();
  await page.locator(".nav-picker .el-select__wrapper").click();
  await release();
  await assert.doesNotReject(page.locator(".el-select-dropdown__item:visible").first().waitFor({ timeout: 5000 }));
  assert.deepEqual(errors, []);
});
