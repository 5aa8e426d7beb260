// 会中话术 on demo data: readiness, the script editor (rename, reorder, a refused save), the set-up
// checklist, and the prompter driven by clicker keys into the price stage with its ticker.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { openBrowser, screenshotPath, startServer } from "./harness.mjs";

let server;
let b;
/** The demo's live seminar (today). */
const LIVE = 2;

before(async () => {
  server = await startServer({ demo: true });
  b = await openBrowser();
});
after(async () => {
  await b?.browser.close();
  await server?.stop();
});

async function api(op, path, method = "GET", body) {
  const res = await fetch(`${server.base}${path}`, {
    method,
    headers: { Authorization: `Bearer ${server.token}`, "Content-Type": "application/json" },
    body: body && JSON.stringify(body),
  });
  const json = await res.json();
  assert.ok(res.ok, `${op}: ${JSON.stringify(json)}`);
  return json;
}

test("the talk page: readiness, script editor, checklist", async () => {
  const { page, errors } = b;
  await page.goto(server.url);
  await page.locator("[data-test=seminar-table]").waitFor();
  await page.evaluate((id) => localStorage.setItem("huixiao.currentSeminar", String(id)), LIVE);
  await page.reload();
  // The app's first route (/ → /seminars) must be in place before the hash changes, or it wins the race.
  await page.locator("[data-test=seminar-table]").waitFor();
  await page.evaluate(() => (location.hash = "#/talk"));
  const readiness = page.locator("[data-test=readiness]");
  await readiness.waitFor();
  assert.equal(await readiness.getAttribute("data-ready"), "false");
  assert.match(await readiness.innerText(), /4 个音频文件找不到/);
  assert.match(await readiness.innerText(), /检查项 4\/9/);

  const rows = page.locator("[data-test=stage-row]");
  await rows.first().waitFor();
  assert.equal(await rows.count(), 6);
  await page.screenshot({ path: screenshotPath("talk-script-editor.png") });

  // Rename the first stage and move the third (戳痛点) up; save; kinds and keys follow the stages.
  await page.locator("input[data-test=stage-title]").fill("开场暖场");
  await rows.nth(2).locator("[data-test=stage-up]").click();
  await page.locator("[data-test=script-save]").click();
  await page.locator(".el-message--success").waitFor();
  const saved = await api("script.get", `/api/seminars/${LIVE}/script`);
  assert.deepEqual(saved.stages.map((s) => [s.key, s.kind]).slice(0, 3), [["icebreak", "icebreak"], ["pain", "pain"], ["trend", "trend"]]);
  assert.equal(saved.stages[0].title, "开场暖场");

  // An empty title is refused with a sentence naming it, and nothing changes.
  await page.locator("input[data-test=stage-title]").fill("");
  await page.locator("[data-test=script-save]").click();
  const alert = page.locator("[data-test=script-error]");
  await alert.waitFor();
  assert.match(await alert.innerText(), /请填写环节名称/);
  assert.equal((await api("script.get", `/api/seminars/${LIVE}/script`)).stages[0].title, "开场暖场");
  await page.locator("input[data-test=stage-title]").fill("开场暖场");

  // The checklist: tick an open item, the summary follows.
  await page.getByRole("tab", { name: "环境调试" }).click();
  const ticks = page.locator("[data-test=checklist-table] [data-test=checklist-tick]");
  await ticks.first().waitFor();
  await ticks.nth(5).click();
  await page.locator("[data-test=readiness]", { hasText: "检查项 5/9" }).waitFor();
  await page.screenshot({ path: screenshotPath("talk-checklist.png") });
  assert.deepEqual(errors, []);
});

test("the prompter: clicker keys move through stages, the price stage reveals tiers with the ticker", async () => {
  const { page, errors } = b;
  await page.evaluate((id) => (location.hash = `#/prompter/${id}`), LIVE);
  const prompter = page.locator("[data-test=prompter]");
  await prompter.waitFor();
  await page.waitForFunction(() => document.querySelector("[data-test=prompter]")?.dataset.stage === "icebreak");
  await page.keyboard.press("PageDown");
  await page.waitForFunction(() => document.querySelector("[data-test=prompter]")?.dataset.stage === "pain");
  await page.keyboard.press("PageUp");
  await page.waitForFunction(() => document.querySelector("[data-test=prompter]")?.dataset.stage === "icebreak");
  for (let i = 0; i < 5; i++) await page.keyboard.press("PageDown");
  await page.waitForFunction(() => document.querySelector("[data-test=prompter]")?.dataset.stage === "price");
  // The price stage's markers reveal the three tiers in order; places left come from the deals.
  const ticker = page.locator("[data-test=ticker]");
  await ticker.waitFor();
  assert.equal(await page.locator("[data-test=ticker-tier]").count(), 0);
  for (let i = 0; i < 3; i++) await page.keyboard.press("ArrowDown");
  await page.waitForFunction(() => document.querySelectorAll("[data-test=ticker-tier]").length === 3);
  const text = await ticker.innerText();
  assert.match(text, /¥19,800\.00/);
  assert.match(text, /剩余名额 10/);
  // Assistants record two deals at the limited tier: the ticker follows within seconds.
  const plan = await api("script.get", `/api/seminars/${LIVE}/script`);
  const product = (await api("products.list", "/api/products")).find((p) => p.id === plan.product_id);
  const checkins = await api("checkins.list", `/api/seminars/${LIVE}/checkins`);
  const invitations = await api("invitations.list", `/api/seminars/${LIVE}/invitations`);
  const stores = checkins.map((c) => invitations.find((i) => i.id === c.invitation_id).store_id);
  for (const store of stores.slice(0, 2)) {
    await api("deals.create", "/api/deals", "POST", {
      seminar_id: LIVE, store_id: store, product_id: product.id, tier_id: product.tiers[2].id,
      amount_fen: product.tiers[2].price_fen, payment: "deposit", method: "微信",
    });
  }
  await page.locator("[data-test=ticker]", { hasText: "剩余名额 8" }).waitFor({ timeout: 10_000 });
  assert.match(await ticker.innerText(), /已成交 2 单 · 剩余名额 8/);
  assert.match(await page.locator("[data-test=next-cue]").innerText(), /播放音乐|助教开始成交/);
  // The log has each stage the prompter went through, the price stage running.
  // The log is written in the order of the presses, one call after the other: wait for the last.
  let state;
  for (let i = 0; i < 50; i++) {
    state = await api("talk.state", `/api/seminars/${LIVE}/talk`);
    if (state.current === "price") break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(state.current, "price");
  assert.equal(state.recording, true, "the live seminar records its stages");
  assert.deepEqual(state.log.map((r) => r.stage_key), ["icebreak", "pain", "icebreak", "pain", "trend", "tool", "value", "price"]);
  await page.screenshot({ path: screenshotPath("prompter-stage.png") });
  // Mirror mode flips the text for a glass prompter.
  await page.keyboard.press("m");
  assert.match(await page.locator(".prompter-stagebox").evaluate((el) => getComputedStyle(el).transform), /matrix\(-1/);
  // Flipped, the text stays clear of the side boxes (the ticker, the next cue) as it is unflipped.
  const side = await page.locator(".prompter-side").boundingBox();
  const words = await page.locator("[data-stage-section].current .stage-text").boundingBox();
  assert.ok(words.x + words.width <= side.x, `mirrored text ends at ${Math.round(words.x + words.width)}px, under the side boxes from ${Math.round(side.x)}px`);
  await page.screenshot({ path: screenshotPath("prompter-mirrored.png") });
  await page.keyboard.press("m");
  // A music file that is missing never stops the prompter: it keeps going and says so.
  await page.keyboard.press("ArrowDown");
  await page.locator("[data-test=prompter-readiness]", { hasText: "有音乐没能播放" }).waitFor();
  await page.keyboard.press("PageUp");
  await page.waitForFunction(() => document.querySelector("[data-test=prompter]")?.dataset.stage === "value");
  assert.deepEqual(errors, []);
});

test("the prompter ends the talk: 结束演讲 in the last stage or the End key, confirmed; the screen and the log say it ended", async () => {
  const { page, errors } = b;
  const stageIs = (k) => page.waitForFunction((key) => document.querySelector("[data-test=prompter]")?.dataset.stage === key, k);
  const settled = async (want) => {
    let state;
    for (let i = 0; i < 50; i++) {
      state = await api("talk.state", `/api/seminars/${LIVE}/talk`);
      if (state.current === want) return state;
      await new Promise((r) => setTimeout(r, 100));
    }
    return state;
  };
  await stageIs("value");
  const endButton = page.locator("[data-test=prompter-end-talk]");
  assert.equal(await endButton.count(), 0, "no 结束演讲 button before the last stage");
  // The End key asks first; 继续讲 keeps the talk running.
  await page.keyboard.press("End");
  const dialog = page.locator(".el-dialog[data-test=end-talk-dialog]");
  await dialog.waitFor();
  assert.match(await dialog.innerText(), /结束演讲？[\s\S]*“亮价值”将停止计时/);
  await dialog.locator("[data-test=end-talk-cancel]").click();
  await dialog.waitFor({ state: "hidden" });
  assert.equal(await page.locator("[data-test=talk-ended]").count(), 0);
  assert.equal((await settled("value")).current, "value", "cancelled: the stage still runs");

  // The last stage shows the button; confirmed, the screen says the talk has ended.
  await page.keyboard.press("PageDown");
  await stageIs("price");
  await endButton.waitFor();
  assert.equal(await endButton.innerText(), "结束演讲");
  await settled("price");
  await endButton.click();
  await dialog.waitFor();
  assert.match(await dialog.innerText(), /“报价格”将停止计时/);
  await page.waitForTimeout(300);
  await page.screenshot({ path: screenshotPath("prompter-end-confirm.png") });
  await dialog.locator("[data-test=end-talk-confirm]").click();
  const ended = page.locator("[data-test=talk-ended]");
  await ended.waitFor();
  assert.match(await ended.innerText(), /演讲已结束/);
  assert.match(await page.locator("[data-test=talk-ended-at]").innerText(), /^\d{2}:\d{2} 结束 · 共用时 \d+:\d{2}$/);
  const state = await api("talk.state", `/api/seminars/${LIVE}/talk`);
  assert.equal(state.current, null, "no stage runs any more");
  assert.ok(state.log.every((r) => r.ended_at !== null), "every run has its end");
  assert.equal(state.log.at(-1).stage_key, "price");
  await page.waitForTimeout(300);
  await page.screenshot({ path: screenshotPath("prompter-ended.png") });
  // Keys do not restart the talk by accident.
  await page.keyboard.press("PageDown");
  await page.keyboard.press("PageUp");
  await page.waitForTimeout(500);
  assert.equal((await api("talk.state", `/api/seminars/${LIVE}/talk`)).current, null);

  // Reopened, the prompter still says the talk has ended.
  await page.reload();
  await ended.waitFor();
  assert.match(await ended.innerText(), /演讲已结束/);
  // 继续演讲 runs the stage again; the End key then ends it again.
  await page.locator("[data-test=talk-resume]").click();
  await ended.waitFor({ state: "hidden" });
  assert.notEqual((await settled("icebreak")).current, null, "the talk runs again");
  await page.keyboard.press("End");
  await dialog.waitFor();
  await dialog.locator("[data-test=end-talk-confirm]").click();
  await ended.waitFor();
  assert.equal((await api("talk.state", `/api/seminars/${LIVE}/talk`)).current, null);
  await page.locator("[data-test=talk-ended-back]").click();
  await page.locator("[data-phase=talk]").waitFor();
  assert.deepEqual(errors, []);
});

test("the prompter during the live seminar: rehearsal mode records nothing; a step recorded by mistake is undone", async () => {
  const { page, errors } = b;
  const stageIs = (k) => page.waitForFunction((key) => document.querySelector("[data-test=prompter]")?.dataset.stage === key, k);
  const logNow = () => api("talk.state", `/api/seminars/${LIVE}/talk`);
  await page.evaluate((id) => (location.hash = `#/prompter/${id}`), LIVE);
  const ended = page.locator("[data-test=talk-ended]");
  await ended.waitFor();
  await page.locator("[data-test=talk-resume]").click();
  await ended.waitFor({ state: "hidden" });
  let before;
  for (let i = 0; i < 50 && !before?.current; i++) before = await logNow();
  assert.equal(before.current, "icebreak");
  await page.locator("[data-test=recording]").waitFor();

  // Rehearsal: clearly shown, and page turns record nothing.
  await page.locator("[data-test=prompter-rehearsal]").click();
  const banner = page.locator("[data-test=rehearsal-banner]");
  await banner.waitFor();
  assert.match(await banner.innerText(), /彩排模式[\s\S]*不会记入报告/);
  assert.equal(await page.locator("[data-test=recording]").count(), 0);
  await page.keyboard.press("PageDown");
  await page.keyboard.press("PageDown");
  await stageIs("trend"); // the script's order here: 破冰, 戳痛点, 讲趋势, 抛工具 …
  await page.waitForTimeout(1500);
  await page.screenshot({ path: screenshotPath("prompter-rehearsal.png") });
  const during = await logNow();
  assert.equal(during.log.length, before.log.length, "nothing recorded in rehearsal");
  assert.equal(during.current, "icebreak");
  await page.locator("[data-test=prompter-rehearsal]").click();
  await banner.waitFor({ state: "hidden" });

  // A page turned by mistake is recorded… and undone: the log, the report and the screen go back.
  await page.keyboard.press("PageDown");
  await stageIs("tool");
  let mistaken;
  for (let i = 0; i < 50 && mistaken?.current !== "tool"; i++) mistaken = await logNow();
  assert.equal(mistaken.log.length, before.log.length + 1);
  await page.locator("[data-test=prompter-undo]").click();
  await page.locator(".el-message--success", { hasText: "已撤销" }).waitFor();
  await stageIs("icebreak");
  const after = await logNow();
  assert.equal(after.log.length, before.log.length);
  assert.equal(after.current, "icebreak");
  assert.equal(after.log.at(-1).ended_at, null, "the stage before runs on");
  await page.keyboard.press("End");
  const dialog = page.locator(".el-dialog[data-test=end-talk-dialog]");
  await dialog.waitFor();
  await dialog.locator("[data-test=end-talk-confirm]").click();
  await ended.waitFor();
  await page.locator("[data-test=talk-ended-back]").click();
  await page.locator("[data-phase=talk]").waitFor();
  assert.deepEqual(errors, []);
});

/** One second of silence as a WAV file (8 kHz, mono, 16-bit). */
function silentWav() {
  const samples = 8000;
  const b = Buffer.alloc(44 + samples * 2);
  b.write("RIFF", 0);
  b.writeUInt32LE(36 + samples * 2, 4);
  b.write("WAVEfmt ", 8);
  b.writeUInt32LE(16, 16);
  b.writeUInt16LE(1, 20);
  b.writeUInt16LE(1, 22);
  b.writeUInt32LE(8000, 24);
  b.writeUInt32LE(16000, 28);
  b.writeUInt16LE(2, 32);
  b.writeUInt16LE(16, 34);
  b.write("data", 36);
  b.writeUInt32LE(samples * 2, 40);
  return b;
}

test("music cues play the organizer's file with fades; a rehearsal records no stages", async () => {
  const { page, errors } = b;
  const fs = await import("node:fs");
  const path = await import("node:path");
  const wav = path.join(path.dirname(server.db), "开场.wav");
  fs.writeFileSync(wav, silentWav());
  const NEXT_WEEK = 3;
  const v = await api("script.get", `/api/seminars/${NEXT_WEEK}/script`);
  v.cues[0].file = wav; // icebreak, at its start: play at 80%, fade in 2 s; marker 1 fades to 20% over 4 s
  await api("script.save", `/api/seminars/${NEXT_WEEK}/script`, "PUT", { seminar_id: NEXT_WEEK, name: v.name, stages: v.stages, cues: v.cues, product_id: v.product_id });
  await page.evaluate((id) => (location.hash = `#/prompter/${id}`), NEXT_WEEK);
  await page.locator("[data-test=rehearsal]").waitFor();
  assert.equal(await page.locator("[data-test=prompter-audio] audio").count(), 0, "no music before the lecturer starts");
  // Start (the lecturer's first key) and pause at once: the first point's music fades in to 80%.
  await page.keyboard.press("b");
  await page.keyboard.press("b");
  await page.waitForFunction(() => {
    const a = document.querySelector("[data-test=prompter-audio] audio");
    return a && !a.paused && a.volume > 0.75;
  }, null, { timeout: 30_000 }); // a 2 s fade; a machine busy with builds once took more than 10 s
  assert.equal(await page.locator("[data-test=prompter-audio] audio").getAttribute("data-file"), wav);
  await page.keyboard.press("ArrowDown"); // marker 1: down to 20%
  await page.waitForFunction(() => {
    const a = document.querySelector("[data-test=prompter-audio] audio");
    return a && !a.paused && a.volume > 0.15 && a.volume < 0.25;
  }, null, { timeout: 30_000 });
  const state = await api("talk.state", `/api/seminars/${NEXT_WEEK}/talk`);
  assert.deepEqual([state.recording, state.log], [false, []]);
  await page.keyboard.press("Escape");
  await page.locator("[data-phase=talk]").waitFor();
  assert.equal(await page.locator("[data-test=prompter-audio] audio").count(), 0, "leaving the prompter stops the music");
  assert.deepEqual(errors, []);
});
