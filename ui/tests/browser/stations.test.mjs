// The inviter station and the lecturer remote against the real `huixiao serve --lan` (HTTPS,
// self-signed), each paired through the real pairing flow on a phone-sized page; the prompter window
// following a stage change made from the remote; the organizer's cadence editor (edit, save, reload).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { adminCall, venueToday, openBrowser, startLanServer } from "./harness.mjs";
import { createStation, docsShot, staffWith, todaySeminar } from "./door.mjs";

const PHONE = { width: 390, height: 844 };
let server;
let today;
let nextWeek;
const browsers = [];

before(async () => {
  server = await startLanServer({ demo: true, today: venueToday() });
  today = await todaySeminar(server);
  const list = await adminCall(server, "GET", "/api/seminars");
  nextWeek = list.filter((s) => s.date > venueToday()).sort((a, b) => a.date.localeCompare(b.date))[0];
  assert.ok(nextWeek, "a demo seminar still inviting");
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

async function pairedPhone(seminarId, role, staffId) {
  const pairing = await createStation(server, seminarId, staffId, role);
  const b = await browser({ viewport: PHONE, isMobile: true });
  await b.page.goto(`${server.base}/#/station/pair?code=${pairing.pairing_code}`);
  await b.page.waitForFunction((r) => location.hash.startsWith(`#/station/${r}`), role);
  return b;
}

async function organizer(hash, seminarId) {
  const b = await browser();
  await b.page.addInitScript((id) => localStorage.setItem("huixiao.currentSeminar", String(id)), seminarId);
  await b.page.goto(`${server.url}#${hash}`);
  return b;
}

const touchIds = (page) => page.locator("[data-test=touch]").evaluateAll((els) => els.map((e) => Number(e.getAttribute("data-touch"))));

test("an inviter station: its own touches, phones masked, copy, outcomes change the list, the ticket QR big", async () => {
  // A message with the e-ticket due today (D-7), so that confirming a guest puts a ticket in today's work.
  const cadence = await adminCall(server, "GET", `/api/seminars/${nextWeek.id}/cadence`);
  const withTicketStep = { offset_days: -7, kind: "custom", channel: "message", message: "{姓名}您好，您的入场券：{票码}", until_confirmed: false, with_ticket: true };
  await adminCall(server, "PUT", `/api/seminars/${nextWeek.id}/cadence`, { seminar_id: nextWeek.id, name: cadence.name, steps: [...cadence.steps, withTicketStep], save_as_template: null });
  const all = await adminCall(server, "GET", `/api/touches/today?seminar_id=${nextWeek.id}`);
  const counts = new Map();
  for (const x of all) if (x.inviter_id) counts.set(x.inviter_id, (counts.get(x.inviter_id) ?? 0) + 1);
  const [inviterId, n] = [...counts].sort((a, b) => b[1] - a[1])[0] ?? [];
  assert.ok(n >= 2, `an inviter with at least two touches due: ${JSON.stringify([...counts])}`);
  const mine = all.filter((x) => x.inviter_id === inviterId);

  const { page, errors, context } = await pairedPhone(nextWeek.id, "inviter", inviterId);
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.base });
  await page.locator("[data-test=touch]").first().waitFor();
  // Exactly this inviter's touches for this seminar, nobody else's.
  assert.deepEqual(new Set(await touchIds(page)), new Set(mine.map((x) => x.touch_id)));
  assert.equal(await page.locator("[data-test=count-open]").innerText(), String(mine.length));
  assert.equal(await page.locator("[data-test=count-done]").innerText(), "0");
  // Phones are masked, and the page says so.
  const text = await page.locator("[data-test=station-inviter]").innerText();
  assert.doesNotMatch(text, /\d{7,}/, "no full phone number on a station");
  for (const p of await page.locator("[data-test=touch-phone]").allInnerTexts()) assert.match(p, /^\*+\d{4}$/);
  assert.match(await page.locator("[data-test=masked-hint]").innerText(), /后 4 位/);
  await page.waitForTimeout(600); // the tags' entrance
  await page.screenshot({ path: docsShot("station-inviter.png") });

  // One tap copies the filled message.
  const first = page.locator("[data-test=touch]").first();
  const message = await first.locator("[data-test=touch-message]").innerText();
  assert.doesNotMatch(message, /\{(姓名|店名|时间|地址)\}/, "variables are filled in");
  await first.locator("[data-test=copy]").click();
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), message);

  // "Confirmed" on the first touch: it leaves today's list, the done count goes up, and the hub has it.
  const firstId = (await touchIds(page))[0];
  const firstStore = mine.find((x) => x.touch_id === firstId).store_name;
  await page.locator(`[data-touch="${firstId}"] [data-test=outcome-confirmed]`).click();
  await page.waitForFunction((id) => !document.querySelector(`[data-touch="${id}"]`), firstId);
  assert.equal(await page.locator("[data-test=count-done]").innerText(), "1");
  const after1 = await adminCall(server, "GET", `/api/touches/today?seminar_id=${nextWeek.id}&inviter_id=${inviterId}`);
  assert.ok(!after1.some((x) => x.touch_id === firstId), "the hub recorded it");

  // "Declined" asks the reason: refused without one, recorded with one.
  const secondId = (await touchIds(page))[0];
  await page.locator(`[data-touch="${secondId}"] [data-test=outcome-declined]`).click();
  await page.locator("[data-test=decline-save]").click();
  await page.locator("[data-test=dialog-error]").waitFor();
  await page.locator("[data-test=decline-reason]").fill("店里太忙");
  await page.locator("[data-test=decline-save]").click();
  await page.waitForFunction((id) => !document.querySelector(`[data-touch="${id}"]`), secondId);
  assert.equal(await page.locator("[data-test=count-done]").innerText(), "2");
  // The confirmed guest's message of today now carries the ticket: its QR shows big, a real PNG, saved on a tap.
  const withTicket = page.locator(`[data-test=touch][data-store="${firstStore}"]`, { has: page.locator("[data-test=save-qr]") });
  await withTicket.waitFor();
  assert.match(await withTicket.locator("[data-test=touch-message]").innerText(), /入场券：[0-9A-Z]{6,}/);
  await withTicket.locator("[data-test=save-qr]").click();
  const img = page.locator("[data-test=qr-image]");
  await img.waitFor();
  await page.waitForFunction(() => {
    const el = document.querySelector("[data-test=qr-image]");
    return el && el.complete && el.naturalWidth > 50;
  });
  await page.waitForTimeout(400);
  await page.evaluate(() => document.querySelectorAll(".el-message").forEach((m) => m.remove())); // toasts out of the picture
  await page.screenshot({ path: docsShot("station-inviter-qr.png") });
  const download = page.waitForEvent("download");
  await page.locator("[data-test=qr-save]").click();
  assert.match((await download).suggestedFilename(), /\.png$/);
  await page.keyboard.press("Escape");
  await img.waitFor({ state: "hidden" });

  const inv = await adminCall(server, "GET", `/api/seminars/${nextWeek.id}/invitations`).catch(() => null);
  if (Array.isArray(inv)) {
    const declined = mine.find((x) => x.touch_id === secondId);
    assert.equal(inv.find((i) => i.id === declined.invitation_id)?.status, "declined");
  }
  assert.deepEqual(errors, []);
});

test("a lecturer remote moves the talk to the next stage; the prompter window follows, and the remote follows the prompter", async () => {
  const lecturer = await staffWith(server, "lecturer");
  const script = await adminCall(server, "GET", `/api/seminars/${today.id}/script`);
  const keys = script.stages.map((s) => s.key);
  const before = await adminCall(server, "GET", `/api/seminars/${today.id}/talk`);
  assert.equal(before.recording, true, "today's demo seminar is live");

  const prompter = await organizer(`/prompter/${today.id}`, today.id);
  await prompter.page.locator("[data-test=prompter]").waitFor();
  const { page, errors } = await pairedPhone(today.id, "lecturer", lecturer.id);
  await page.locator("[data-test=remote-stage-item]").first().waitFor();
  await page.locator("[data-test=live][data-connected=true]").waitFor();

  const startIndex = before.current ? keys.indexOf(before.current) : -1;
  const target = startIndex + 1;
  await page.locator("[data-test=remote-next]").click();
  await page.waitForFunction((k) => document.querySelector("[data-test=station-lecturer]")?.getAttribute("data-stage") === k, keys[target]);
  const state = await adminCall(server, "GET", `/api/seminars/${today.id}/talk`);
  assert.equal(state.current, keys[target], "talk.state changed");
  // The prompter window follows the log within a couple of seconds.
  await prompter.page.waitForFunction((k) => document.querySelector("[data-test=prompter]")?.dataset.stage === k, keys[target], { timeout: 5000 });

  // Jump from the stage list, two stages on.
  const jump = Math.min(keys.length - 1, target + 2);
  await page.locator(`[data-test=remote-stage-item][data-key="${keys[jump]}"]`).click();
  await prompter.page.waitForFunction((k) => document.querySelector("[data-test=prompter]")?.dataset.stage === k, keys[jump], { timeout: 5000 });
  assert.equal((await adminCall(server, "GET", `/api/seminars/${today.id}/talk`)).current, keys[jump]);

  // The prompter's own clicker key moves on; the remote hears of it by push.
  await prompter.page.keyboard.press("PageDown");
  const after = Math.min(keys.length - 1, jump + 1);
  await page.waitForFunction((k) => document.querySelector("[data-test=station-lecturer]")?.getAttribute("data-stage") === k, keys[after], { timeout: 5000 });
  // The prompter did not jump back to where it was after its own key (the follow ignores its own writes).
  await prompter.page.waitForTimeout(2500);
  assert.equal(await prompter.page.locator("[data-test=prompter]").getAttribute("data-stage"), keys[after]);
  assert.equal((await adminCall(server, "GET", `/api/seminars/${today.id}/talk`)).current, keys[after]);

  // Go to the price stage: the ticker shows on the remote.
  const price = script.stages.findIndex((s) => s.kind === "price");
  if (price >= 0) {
    await page.locator(`[data-test=remote-stage-item][data-key="${keys[price]}"]`).click();
    await page.locator("[data-test=remote-ticker]").waitFor();
    await prompter.page.waitForFunction((k) => document.querySelector("[data-test=prompter]")?.dataset.stage === k, keys[price], { timeout: 5000 });
  }
  assert.match(await page.locator("[data-test=remote-timer]").innerText(), /\d+:\d\d \/ \d+:\d\d/);
  await page.screenshot({ path: docsShot("station-lecturer.png"), fullPage: true });
  assert.deepEqual(errors, []);
  assert.deepEqual(prompter.errors, []);
});

test("the lecturer remote ends the talk in the last stage, confirmed: the remote and the prompter say it ended", async () => {
  const lecturer = await staffWith(server, "lecturer");
  const script = await adminCall(server, "GET", `/api/seminars/${today.id}/script`);
  const keys = script.stages.map((s) => s.key);
  const last = keys[keys.length - 1];
  const prompter = await organizer(`/prompter/${today.id}`, today.id);
  await prompter.page.locator("[data-test=prompter]").waitFor();
  const { page, errors } = await pairedPhone(today.id, "lecturer", lecturer.id);
  await page.locator("[data-test=remote-stage-item]").first().waitFor();
  const endButton = page.locator("[data-test=remote-end-talk]");
  // Not in the first stage: 结束演讲 is the last stage's.
  await page.locator(`[data-test=remote-stage-item][data-key="${keys[0]}"]`).click();
  await page.waitForFunction((k) => document.querySelector("[data-test=station-lecturer]")?.getAttribute("data-stage") === k, keys[0]);
  assert.equal(await endButton.count(), 0);
  await page.locator(`[data-test=remote-stage-item][data-key="${last}"]`).click();
  await page.waitForFunction((k) => document.querySelector("[data-test=station-lecturer]")?.getAttribute("data-stage") === k, last);
  await prompter.page.waitForFunction((k) => document.querySelector("[data-test=prompter]")?.dataset.stage === k, last, { timeout: 5000 });

  // It asks first; 继续讲 keeps the stage running.
  await endButton.click();
  const box = page.locator(".el-message-box", { hasText: "结束演讲？" });
  await box.waitFor();
  assert.match(await box.innerText(), new RegExp(`“${script.stages.at(-1).title}”将停止计时`));
  await page.waitForTimeout(300);
  await page.screenshot({ path: docsShot("station-lecturer-end-confirm.png") });
  await box.getByRole("button", { name: "继续讲" }).click();
  await box.waitFor({ state: "hidden" });
  assert.equal((await adminCall(server, "GET", `/api/seminars/${today.id}/talk`)).current, last);

  // Confirmed: the remote says the talk has ended, and so does the prompter window.
  await endButton.click();
  await box.waitFor();
  await box.getByRole("button", { name: "结束演讲" }).click();
  const ended = page.locator("[data-test=remote-ended]");
  await ended.waitFor();
  assert.match(await ended.innerText(), /演讲已结束/);
  assert.match(await page.locator("[data-test=remote-ended-at]").innerText(), /^\d{2}:\d{2} 结束 · 共用时 \d+:\d{2}(:\d{2})?$/);
  assert.equal(await page.locator("[data-test=remote-next]").count(), 0, "no next stage after the end");
  const state = await adminCall(server, "GET", `/api/seminars/${today.id}/talk`);
  assert.equal(state.current, null, "talk.state: no stage runs");
  assert.ok(state.log.length > 0 && state.log.every((r) => r.ended_at !== null));
  await prompter.page.locator("[data-test=talk-ended]", { hasText: "演讲已结束" }).waitFor({ timeout: 5000 });
  await page.waitForTimeout(400);
  await page.evaluate(() => document.querySelectorAll(".el-message").forEach((m) => m.remove()));
  await page.screenshot({ path: docsShot("station-lecturer-ended.png"), fullPage: true });
  await prompter.page.screenshot({ path: docsShot("prompter-ended-by-remote.png") });
  assert.deepEqual(errors, []);
  assert.deepEqual(prompter.errors, []);
});

test("the cadence editor: a bad variable is shown on its field, an edit is saved and survives a reload, saved as a template", async () => {
  const { page, errors } = await organizer("/invitations", nextWeek.id);
  await page.locator(".el-tabs__item", { hasText: "邀约节奏" }).click();
  const editor = page.locator("[data-test=cadence-editor]");
  await editor.locator("[data-test=cadence-step]").first().waitFor();
  const stepsBefore = await editor.locator("[data-test=cadence-step]").count();

  // An unknown variable is named under its message, and nothing is saved.
  const msg = editor.locator("[data-test=cadence-step]").nth(1).locator("[data-test=cadence-message]");
  await msg.fill("{姓名}您好，{电话}");
  await editor.locator("[data-test=cadence-save]").click();
  await editor.locator("[data-test=cadence-step]").nth(1).locator(".el-form-item__error", { hasText: "{电话}" }).waitFor();
  assert.notEqual((await adminCall(server, "GET", `/api/seminars/${nextWeek.id}/cadence`)).steps[1].message, "{姓名}您好，{电话}");

  // Fix it with a variable button, change the day, add a step, save.
  await msg.fill("{姓名}您好，这周六的会别忘了：");
  await msg.click();
  await msg.press("End");
  await editor.locator("[data-test=cadence-var]", { hasText: "{时间}" }).click();
  const offset = editor.locator("[data-test=cadence-step]").nth(1).locator("[data-test=cadence-offset] input");
  await offset.fill("-6");
  await offset.blur();
  await editor.locator("[data-test=cadence-add]").click();
  const added = editor.locator("[data-test=cadence-step]").nth(stepsBefore);
  await added.locator("[data-test=cadence-message]").fill("{姓名}，会后回访：{店名}用得怎么样？");
  const addedOffset = added.locator("[data-test=cadence-offset] input");
  await addedOffset.fill("2");
  await addedOffset.blur();
  await editor.locator("[data-test=cadence-name]").fill("周六会节奏");
  await page.setViewportSize({ width: 1366, height: 1300 });
  await page.screenshot({ path: docsShot("cadence-editor.png") });
  await page.setViewportSize({ width: 1366, height: 820 });
  await editor.locator("[data-test=cadence-save]").click();
  await page.waitForFunction(() => document.querySelector("[data-test=cadence-editor]")?.getAttribute("data-dirty") === "false");
  const saved = await adminCall(server, "GET", `/api/seminars/${nextWeek.id}/cadence`);
  assert.equal(saved.name, "周六会节奏");
  assert.equal(saved.steps.length, stepsBefore + 1);
  assert.equal(saved.steps[1].offset_days, -6);
  assert.equal(saved.steps[1].message, "{姓名}您好，这周六的会别忘了：{时间}");
  assert.equal(saved.steps[stepsBefore].offset_days, 2);

  // Reload: the editor shows what was saved.
  await page.reload();
  await page.locator(".el-tabs__item", { hasText: "邀约节奏" }).click();
  await editor.locator("[data-test=cadence-step]").first().waitFor();
  assert.equal(await editor.locator("[data-test=cadence-step]").count(), stepsBefore + 1);
  assert.equal(await editor.locator("[data-test=cadence-step]").nth(1).locator("[data-test=cadence-message]").inputValue(), "{姓名}您好，这周六的会别忘了：{时间}");
  assert.equal(await editor.locator("[data-test=cadence-step]").nth(1).locator("[data-test=cadence-offset] input").inputValue(), "-6");

  // Save as a named template; it is offered in the list; applying the default brings its steps back.
  await editor.locator("[data-test=cadence-save-as]").click();
  await page.locator("[data-test=cadence-template-name]").fill("周末会模板");
  await page.locator("[data-test=cadence-template-save]").click();
  await page.locator("[data-test=cadence-template-name]").waitFor({ state: "hidden" });
  const templates = await adminCall(server, "GET", "/api/cadence-templates");
  const tpl = templates.find((x) => x.name === "周末会模板");
  assert.ok(tpl, "the template was saved");
  assert.equal(tpl.steps.length, stepsBefore + 1);
  await editor.locator("[data-test=cadence-template]").click();
  await page.locator(".el-select-dropdown__item:visible", { hasText: "周末会模板" }).waitFor();
  await page.locator(".el-select-dropdown__item:visible", { hasText: templates[0].name }).click();
  await page.waitForFunction((n) => document.querySelectorAll("[data-test=cadence-step]").length === n, templates[0].steps.length);
  assert.equal(await editor.getAttribute("data-dirty"), "true");
  assert.deepEqual(errors, []);
});
