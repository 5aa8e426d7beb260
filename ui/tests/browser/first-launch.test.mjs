// First launch on an empty database: the dialog loads the demo data through `demo.load`.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { openBrowser, startServer } from "./harness.mjs";

let server;
let b;

before(async () => {
  server = await startServer();
  b = await openBrowser();
});
after(async () => {
  await b?.browser.close();
  await server?.stop();
});

test("load demo data from the first-launch dialog", async () => {
  const { page, errors } = b;
  await page.goto(server.url);
  const dialog = page.locator("[data-test=first-launch]");
  await dialog.waitFor({ state: "visible" });
  await page.click("[data-test=load-demo]");
  await page.locator("[data-test=seminar-table] .el-table__row").first().waitFor({ timeout: 20_000 });
  assert.ok((await page.locator("[data-test=seminar-table] .el-table__row").count()) >= 1);
  assert.equal(await dialog.isVisible(), false);
  const settings = await (await fetch(`${server.base}/api/settings`, { headers: { Authorization: `Bearer ${server.token}` } })).json();
  assert.equal(settings.database_empty, false);
  assert.deepEqual(errors, []);
});
