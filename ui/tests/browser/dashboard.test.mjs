// The dashboard (数据) on demo data: the closed seminar's funnel and verdict, seminars compared,
// the four territory rates — and a deal recorded at the live seminar shows up after a reload.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import { apiCall, openBrowser, screenshotPath, startServer } from "./harness.mjs";

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

const api = (method, path, body) => apiCall(server, method, path, body);

test("the dashboard shows the funnel, the verdict, the comparison and the territory", async () => {
  const { page, errors } = b;
  await page.goto(server.url);
  await page.locator("[data-test=seminar-table]").waitFor();
  await page.evaluate(() => (location.hash = "#/data"));
  const seminar = page.locator("[data-test=dashboard-seminar]");
  await seminar.waitFor();
  const funnel = await seminar.locator("[data-test=funnel]").innerText();
  const closed = (await api("GET", "/api/reports/seminars")).seminars.find((s) => s.status === "closed");
  assert.ok(funnel.includes(String(closed.invited)) && funnel.includes(String(closed.attended)), funnel);
  assert.match(await seminar.locator("[data-test=verdict]").innerText(), /中位数/);
  const territory = page.locator("[data-test=dashboard-territory]");
  await territory.locator(".el-statistic").first().waitFor();
  assert.equal(await territory.locator(".el-statistic").count(), 4);
  assert.ok((await page.locator("[data-test=dashboard-compare] svg").count()) > 0, "the comparison chart is drawn");
  await page.screenshot({ path: screenshotPath("dashboard.png"), fullPage: true });
  assert.deepEqual(errors, []);
});

test("a deal recorded at the live seminar changes the dashboard", async () => {
  const { page } = b;
  const live = (await api("GET", "/api/reports/seminars")).seminars.find((s) => s.status === "live");
  const invitations = await api("GET", `/api/seminars/${live.seminar_id}/invitations`);
  const checkins = await api("GET", `/api/seminars/${live.seminar_id}/checkins`);
  const came = invitations.find((i) => checkins.some((c) => c.invitation_id === i.id));
  const product = (await api("GET", "/api/products"))[0];
  const row = page.locator("[data-test=dashboard-compare] .el-table__body tr", { hasText: live.title });
  const before = await row.innerText();
  await api("POST", "/api/deals", {
    seminar_id: live.seminar_id, store_id: came.store_id, product_id: product.id, tier_id: product.tiers[1].id,
    amount_fen: product.tiers[1].price_fen, payment: "full",
  });
  await page.reload();
  await row.waitFor();
  const after = await row.innerText();
  assert.notEqual(after, before, "the live seminar's row changes");
  const now = (await api("GET", "/api/reports/seminars")).seminars.find((s) => s.seminar_id === live.seminar_id);
  assert.equal(now.closed_deals, live.closed_deals + 1);
});

test("the dashboard's lists and the store list export to Excel", async () => {
  const { page, errors } = b;
  await page.evaluate(() => (location.hash = "#/data"));
  const xlsx = async (button, name) => {
    const [download] = await Promise.all([page.waitForEvent("download"), button.click()]);
    assert.match(download.suggestedFilename(), new RegExp(`^${name}$`));
    const bytes = fs.readFileSync(await download.path());
    assert.equal(bytes.subarray(0, 2).toString(), "PK", "an xlsx file is a zip");
    assert.ok(bytes.length > 2000, `${name}: ${bytes.length} bytes`);
  };
  await xlsx(page.locator("[data-test=dashboard-compare] [data-test=export-dashboard]"), "会销对比\\.xlsx");
  const territory = page.locator("[data-test=dashboard-territory] [data-test=export-territory]");
  await territory.waitFor();
  const city = (await page.locator("[data-test=territory-city]").innerText()).trim();
  assert.ok(city, "a city is picked");
  await xlsx(territory, `区域-${city}\\.xlsx`);
  const commissions = page.locator("[data-test=dashboard-commissions]");
  const partners = (await api("GET", "/api/reports/commissions")).length;
  assert.equal(await commissions.locator(".el-table__body tr").count(), partners);
  await xlsx(commissions.locator("[data-test=export-commissions]"), "介绍佣金\\.xlsx");
  await page.evaluate(() => (location.hash = "#/stores"));
  await page.locator("[data-test=store-table]").waitFor();
  await xlsx(page.locator("[data-test=export-stores]"), "门店\\.xlsx");
  assert.deepEqual(errors, []);
});
