// The 座位 phase in browser mode on the demo data: automatic seating, then a guest dragged onto an
// occupied seat at another table swaps with its guest, and the swap is still there after a reload.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { openBrowser, screenshotPath, startServer } from "./harness.mjs";

let server;
let b;

before(async () => {
  server = await startServer({ demo: true });
  b = await openBrowser();
});
after(async () => {
  await b?.browser.close();
  await server?.stop();
});

async function api(op, path, body) {
  const r = await fetch(`${server.base}${path}`, {
    method: op,
    headers: { Authorization: `Bearer ${server.token}`, "Content-Type": "application/json" },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await r.text();
  assert.ok(r.ok, `${op} ${path}: ${r.status} ${text}`);
  return JSON.parse(text);
}

test("drag a guest onto an occupied seat: they swap, and it persists", async () => {
  const { page, errors } = b;
  const seminars = await api("GET", "/api/seminars");
  const live = seminars.find((s) => s.status === "live");
  await page.goto(server.url);
  await page.evaluate((id) => localStorage.setItem("huixiao.currentSeminar", String(id)), live.id);
  await page.goto(`${server.base}/#/seating`);
  await page.reload();
  await page.locator("[data-test=seating-board]").waitFor();
  await page.click("[data-test=seating-auto]");
  await page.locator("[data-test=floor-plan] .seat.occupied").first().waitFor();
  await page.waitForTimeout(300);

  await page.screenshot({ path: screenshotPath("seating-floor-plan.png") });
  // An occupied seat at one table and one at another.
  const [sa, sb] = await page.evaluate(() => {
    const seats = [...document.querySelectorAll("[data-test^=seat-]")].filter((e) => e.getAttribute("data-guest"));
    const first = seats[0].getAttribute("data-test");
    const table = first.split("-")[1];
    const other = seats.find((e) => e.getAttribute("data-test").split("-")[1] !== table).getAttribute("data-test");
    return [first, other];
  });
  const a = page.locator(`[data-test=${sa}]`);
  const bSeat = page.locator(`[data-test=${sb}]`);
  const ga = await a.getAttribute("data-guest");
  const gb = await bSeat.getAttribute("data-guest");
  assert.ok(ga && gb && ga !== gb, "both seats are occupied after automatic seating");

  const boxA = await a.boundingBox();
  const boxB = await bSeat.boundingBox();
  await page.mouse.move(boxA.x + boxA.width / 2, boxA.y + boxA.height / 2);
  await page.mouse.down();
  await page.mouse.move(boxB.x + boxB.width / 2, boxB.y + boxB.height / 2, { steps: 8 });
  await page.mouse.up();
  // A store's contacts are kept together (a hard rule): the move may ask for confirmation.
  const box = page.locator(".el-message-box");
  try {
    await box.waitFor({ timeout: 1500 });
    await box.locator(".el-button--primary").click();
  } catch {
    /* no hard rule broken */
  }
  await page.waitForFunction(([sel, g]) => document.querySelector(`[data-test=${sel}]`)?.getAttribute("data-guest") === g, [sb, ga]);
  assert.equal(await a.getAttribute("data-guest"), gb, "the other guest took the old seat");

  await page.reload();
  await page.locator("[data-test=floor-plan] .seat.occupied").first().waitFor();
  assert.equal(await page.locator(`[data-test=${sb}]`).getAttribute("data-guest"), ga, "swap persisted");
  assert.equal(await page.locator(`[data-test=${sa}]`).getAttribute("data-guest"), gb, "swap persisted");
  const plan = await api("GET", `/api/seminars/${live.id}/seating`);
  const moved = plan.guests.find((g) => String(g.contact_id) === ga);
  assert.equal(`seat-${moved.table_number}-${moved.seat}`, sb);

  // The guest panel explains the placement.
  await page.locator(`[data-test=${sb}]`).click();
  await page.locator("[data-test=guest-panel]").waitFor();
  await page.screenshot({ path: screenshotPath("seating-swap-zh.png") });
  assert.deepEqual(errors, []);
});
