// 今日任务 in pages: 60 touches due today, the first 50 shown with the total ("共 60 条"), the next ten
// loaded with 加载更多 (by keyboard), in the order of the whole list; a touch marked done on the second
// page leaves it and the counts follow, the shown touches staying shown.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { apiCall, isoDateFromToday, openBrowser, screenshotPath, startServer } from "./harness.mjs";

let server;
let b;
let seminarId;
const api = (method, url, body) => apiCall(server, method, url, body);

before(async () => {
  server = await startServer();
  await api("POST", "/api/staff", { name: "彭小燕", roles: ["inviter"] });
  // Eight days ahead: the cadence's first call (D-10) is due today.
  const s = await api("POST", "/api/seminars", { title: "春季招生研讨会", date: isoDateFromToday(8), start_time: "14:00", capacity: 30, city: "长沙", venue: "华天大酒店" });
  seminarId = s.id;
  for (let i = 1; i <= 60; i++) {
    const store = await api("POST", "/api/stores", { name: `分页幼儿园${String(i).padStart(2, "0")}`, city: "长沙", district: "岳麓区", industry: "幼儿园", level: i % 3 === 0 ? "A" : "B" });
    await api("POST", `/api/stores/${store.id}/contacts`, { store_id: store.id, name: `老板${i}`, role: "owner", phone: `1390000${String(1000 + i)}` });
  }
  const made = await api("POST", `/api/seminars/${seminarId}/invite-list`, { seminar_id: seminarId, filter: {}, limit: 60 });
  assert.equal(made.invited, 60);
  b = await openBrowser();
  await b.page.addInitScript((id) => {
    localStorage.setItem("huixiao.firstLaunchDismissed", "1");
    localStorage.setItem("huixiao.currentSeminar", String(id));
  }, seminarId);
});
after(async () => {
  await b?.browser.close();
  await server?.stop();
});

const ids = (page) => page.locator("[data-test=today] [data-test=touch]").evaluateAll((els) => els.map((e) => Number(e.dataset.touch)));

test("今日任务 shows the first 50 of 60 with the total, loads the rest with 加载更多, and a touch done on page two leaves it", async () => {
  const { page, errors } = b;
  const whole = await api("GET", `/api/touches/today?seminar_id=${seminarId}`);
  assert.equal(whole.length, 60);
  await page.goto(`${server.url}#/invitations`);
  await page.getByRole("tab", { name: "今日任务", exact: true }).click();
  const cards = page.locator("[data-test=today] [data-test=touch]");
  await cards.first().waitFor();
  assert.equal(await cards.count(), 50, "one screenful");
  assert.deepEqual(await ids(page), whole.slice(0, 50).map((x) => x.touch_id), "the whole list's first 50, in its order");
  assert.match(await page.locator("[data-test=today-count]").innerText(), /共 60 条，逾期 0 条/);
  assert.match(await page.locator("[data-test=today-shown]").innerText(), /已显示 50 条，共 60 条/);

  // 加载更多 by keyboard: focused, Enter.
  const more = page.locator("[data-test=today-more]");
  await more.focus();
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.querySelectorAll("[data-test=today] [data-test=touch]").length === 60);
  assert.deepEqual(await ids(page), whole.map((x) => x.touch_id), "the second page follows the first");
  assert.equal(await more.count(), 0, "nothing more to load");
  assert.match(await page.locator("[data-test=today-shown]").innerText(), /已显示 60 条，共 60 条/);
  // The focus went to the first touch of the new page.
  assert.equal(await page.evaluate(() => document.activeElement?.closest("[data-test=touch]")?.dataset.touch), String(whole[50].touch_id));
  await page.screenshot({ path: screenshotPath("today-pages.png") });

  // Done on the second page: it leaves, the counts follow, the other 59 stay shown.
  const done = whole[55];
  await page.locator(`[data-test=today] [data-touch="${done.touch_id}"] [data-test=outcome-reached]`).click();
  await page.locator(`[data-touch="${done.touch_id}"]`).waitFor({ state: "detached" });
  await page.locator("[data-test=today-count]", { hasText: "共 59 条" }).waitFor();
  assert.equal(await cards.count(), 59);
  assert.match(await page.locator("[data-test=today-shown]").innerText(), /已显示 59 条，共 59 条/);
  const left = await api("GET", `/api/touches/today?seminar_id=${seminarId}`);
  assert.deepEqual(await ids(page), left.map((x) => x.touch_id));
  assert.deepEqual(errors, []);
});
