// The seminar's day (the app's clock an hour before the start): the seminar goes live, the LAN is turned
// on from browser mode and two phones are paired through the links on the 工作站 screen, guests check in
// at the laptop and at the door phone, the assistant sees them arrive, the lecturer's prompter runs
// through the six stages, and the assistant closes deals up to the limited tier's quota.
import assert from "node:assert/strict";
import { PRODUCT, SEMINAR, floorPlan } from "./before.mjs";
import { choose, nav, need, openContext, scan, shot, until } from "./lib.mjs";

/** The guests who come (by store); 百味烘焙 and 快乐童年托管 confirmed but stay away. */
const COMING = { 刘桂芳: "阳光幼儿园", 陈建国: "阳光幼儿园", 张敏: "明星美容院", 赵磊: "明星美容院", 郑华: "绿源农资", 王丽: "小天鹅舞蹈" };
const STAGES = ["icebreak", "trend", "pain", "tool", "value", "price"];

async function outcome(page, guest, want = "checked_in") {
  const panel = page.locator(`[data-test=outcome][data-outcome=${want}]`, { hasText: guest });
  await panel.waitFor({ timeout: 10_000 });
  return panel;
}

export async function live(S) {
  if (!S.clocked) throw new Error("the core binary has no `serve --clock` (wt-core): the seminar's day cannot come");
  await S.org.context.close();
  await S.server.restart({ clock: S.at.day });
  S.org = await openContext({ at: S.at.day });
  const { page } = S.org;
  await page.goto(S.server.url);
  await page.locator("[data-test=seminar-table] .el-table__row", { hasText: SEMINAR }).click();
  await page.locator("[data-test=next-status]", { hasText: "开始会销" }).click();
  const box = page.locator(".el-message-box");
  await box.waitFor();
  await box.locator(".el-button--primary").click();
  await page.locator(".page-title .el-tag", { hasText: "进行中" }).waitFor();
  await shot(page, "day-live");
}

/** On the 工作站 screen: a pairing QR for `staff` in `role`; returns the link shown under the QR. */
async function pairingLink(page, role, staff) {
  await page.locator(`[data-test=station-role] [data-role=${role}]`).click();
  await choose(page, page.locator("[data-test=station-staff]"), staff);
  await page.click("[data-test=station-create]");
  const dialog = page.locator("[data-test=pairing-dialog]");
  await dialog.locator("[data-test=pairing-qr]").waitFor();
  const link = (await dialog.locator(".pair-urls code").first().innerText()).trim();
  assert.match(link, /^https:\/\/.+#\/station\/pair\?code=\w+$/, `the pairing link: ${link}`);
  return { dialog, link };
}

async function phone(S, link, role) {
  const p = await openContext({ at: S.at.day, phone: true });
  await p.page.goto(link);
  await p.page.waitForFunction((r) => location.hash.startsWith(`#/station/${r}`), role, { timeout: 15_000 });
  return p;
}

export async function stations(S) {
  const { page } = S.org;
  await nav(page, "checkin");
  await page.locator("[data-test=tab-stations]").click();
  await need(page.locator("[data-test=stations]"), "工作站 screen");
  await page.locator("[data-test=lan-switch]").click();
  await page.locator("[data-test=lan-info]").waitFor({ timeout: 15_000 });
  assert.match(await page.locator("[data-test=lan-info]").innerText(), /https:\/\//);

  const door = await pairingLink(page, "checkin", "孙前台");
  await shot(page, "pairing-qr");
  S.door = await phone(S, door.link, "checkin");
  await S.door.page.locator("[data-test=station-who]", { hasText: "孙前台" }).waitFor();
  await door.dialog.waitFor({ state: "hidden", timeout: 10_000 });

  // The assistant of the table where most of the coming stores sit.
  const stores = (t) => new Set(Object.keys(COMING).filter((n) => S.plan.tableOf[n] === t).map((n) => COMING[n])).size;
  S.assistantTable = stores(1) >= stores(2) ? 1 : 2;
  S.assistantName = S.plan.assistants[S.assistantTable];
  assert.ok(S.assistantName, `table ${S.assistantTable} has an assistant`);
  const asst = await pairingLink(page, "assistant", S.assistantName);
  S.assistant = await phone(S, asst.link, "assistant");
  await asst.dialog.waitFor({ state: "hidden", timeout: 10_000 });
  await S.assistant.page.locator("[data-test=live][data-connected=true]").waitFor({ timeout: 15_000 });
  const tableCard = S.assistant.page.locator("[data-test=assistant-table]", { hasText: `${S.assistantTable} 号桌` });
  await tableCard.waitFor();
  assert.doesNotMatch(await S.assistant.page.locator("[data-test=station-assistant]").innerText(), /1\d{10}/, "phones masked on a station");
  await until("both stations active", async () => (await page.locator("[data-test=station-status]", { hasText: "使用中" }).count()) === 2);

  // The door phone will also serve tomorrow's follow-up visits: renewed, its expiry moves a day on.
  const doorRow = page.locator("[data-test=station-table] .el-table__body .el-table__row", { hasText: "孙前台" });
  const expires = async () => (await doorRow.locator("td").nth(5).innerText()).trim();
  const was = await expires();
  assert.match(was, /^\d{4}-\d\d-\d\d \d\d:\d\d$/, `the door station's expiry: ${was}`);
  await doorRow.getByRole("button", { name: "续期一天" }).click();
  const now = await until("the expiry moved", async () => ((await expires()) !== was ? expires() : null));
  const minutes = (x) => Date.parse(x.replace(" ", "T") + ":00Z") / 60_000;
  assert.equal(minutes(now) - minutes(was), 24 * 60, `renewed one day: ${was} → ${now}`);
  assert.match(await doorRow.locator("[data-test=station-status]").innerText(), /使用中/);
  await shot(page, "stations");
}

export async function checkins(S) {
  const { page } = S.org;
  const code = (name) => S.codes[name];
  // At the laptop: the scan field has the focus; a scanner types into it.
  await page.locator("[data-test=tab-door]").click();
  await page.locator("[data-test=outcome-idle]").waitFor();
  await scan(page, code("刘桂芳"));
  const first = await outcome(page, "刘桂芳");
  assert.equal(await first.locator("[data-test=outcome-table]").innerText(), String(S.plan.tableOf["刘桂芳"]));
  await shot(page, "checkin-laptop");
  // A wrong code.
  await scan(page, "ZZ9999999999");
  await page.locator("[data-test=outcome][data-outcome=invalid]").waitFor();
  // A stray click on the page takes the focus from the scan field; the next scan still lands.
  await page.locator(".page-title").first().click();
  // The field takes the focus back by itself (no click on it): wait for that, as the scanner's user would.
  await page.waitForFunction(() => document.activeElement?.getAttribute("data-test") === "scan-input");
  await scan(page, code("陈建国"));
  await outcome(page, "陈建国");
  // Undone (as when the wrong person was scanned), then done again.
  await page.locator("[data-test=undo]").click();
  await page.locator("[data-test=outcome]", { hasText: "已撤销签到" }).waitFor();
  await scan(page, code("陈建国"));
  await outcome(page, "陈建国");
  // A walk-in without a ticket.
  await page.click("[data-test=walkin-open]");
  const walk = page.locator("[data-test=walkin-dialog]");
  await walk.waitFor({ state: "visible" });
  await walk.locator("[data-test=walkin-store] input, input[data-test=walkin-store]").first().fill("花语花店");
  await walk.locator("[data-test=walkin-name] input, input[data-test=walkin-name]").first().fill("钱芳");
  await walk.locator("[data-test=walkin-phone] input, input[data-test=walkin-phone]").first().fill("13700009090");
  await walk.locator("[data-test=walkin-save]").click();
  const w = await outcome(page, "钱芳");
  assert.match(await w.innerText(), /号桌|桌/);
  await shot(page, "walk-in");

  // At the door phone (a touch screen keeps no focus for its keyboard): the scan field is tapped, then
  // a Bluetooth scanner types.
  const door = S.door.page;
  await door.locator("[data-test=scan-input]").click();
  await scan(door, code("张敏"));
  await outcome(door, "张敏");
  for (const n of ["赵磊", "郑华", "王丽"]) {
    await scan(door, code(n));
    await outcome(door, n);
  }
  // The same ticket twice: already checked in.
  await scan(door, code("王丽"));
  await door.locator("[data-test=outcome][data-outcome=already_checked_in]").waitFor();
  await shot(door, "checkin-station");

  // The assistant's phone: its table's guests who came are marked, with the news.
  const mine = Object.keys(COMING).filter((n) => S.plan.tableOf[n] === S.assistantTable);
  const ast = S.assistant.page;
  for (const n of mine) await ast.locator("[data-test=assistant-guest][data-arrived=true]", { hasText: n }).waitFor({ timeout: 10_000 });
  await ast.locator("[data-test=arrival-news]").first().waitFor();
  await shot(ast, "assistant-arrivals");
  S.arrivedAtTable = mine;
}

/**
 * The doors close at the start (no more arrivals expected); the organizer asks for a re-seating after the
 * no-shows. A table is compacted only when at most half its guest places are taken and none of its present
 * guests is locked; the proposal says what it would do, and the organizer decides.
 */
export async function reseat(S) {
  const { page } = S.org;
  await nav(page, "seating");
  const board = page.locator("[data-test=seating-board]");
  await need(board, "seating board");
  const closeDoors = board.getByRole("button", { name: "关门（不再等人）" });
  await need(closeDoors, "re-seating on the day (关门)");
  const plan = await floorPlan(page);
  const present = [...Object.keys(COMING), "钱芳"];
  assert.ok(plan.tableOf["钱芳"], "the walk-in has a seat");
  const places = await page.evaluate(() => Object.fromEntries([...document.querySelectorAll("[data-test^=table-]")].map((g) => [g.getAttribute("data-test").split("-")[1], g.querySelectorAll(".seat:not(.assistant)").length])));
  const locked = await page.evaluate(() => [...document.querySelectorAll("[data-test^=seat-]")].filter((e) => e.querySelector(".lock-mark")).map((e) => e.querySelector("title").textContent.split(" · ")[0]));
  const sources = Object.keys(places).filter((t) => {
    const here = present.filter((n) => String(plan.tableOf[n]) === t);
    return here.length > 0 && here.length * 2 <= places[t] && !here.some((n) => locked.includes(n));
  });
  await closeDoors.click();
  const propose = board.getByRole("button", { name: "生成调座方案" });
  await propose.waitFor();
  assert.equal(await closeDoors.count(), 0, "the doors are closed");
  await propose.click();
  const proposal = board.locator(".proposal");
  await proposal.waitFor();
  const said = await proposal.innerText();
  const before = JSON.stringify((await floorPlan(page)).tableOf);
  if (sources.length === 0) {
    // Nothing to compact: the board says so rather than proposing to move nobody.
    assert.match(said, /没有半空的桌子可以合并/, `no table is half empty (${JSON.stringify(places)} places): ${said}`);
    await shot(page, "reseat-proposal");
    await proposal.getByRole("button", { name: "知道了" }).click();
  } else {
    assert.ok(Number(/移动 (\d+) 位客人/.exec(said)?.[1]) > 0, `tables ${sources} are half empty: ${said}`);
    await shot(page, "reseat-proposal");
    // The assistants know their tables: the organizer keeps the room as it is.
    await proposal.getByRole("button", { name: "拒绝" }).click();
  }
  await proposal.waitFor({ state: "detached" });
  await propose.waitFor();
  assert.equal(JSON.stringify((await floorPlan(page)).tableOf), before, "nobody moved");
}

export async function talkAndDeals(S) {
  const { page } = S.org;
  await nav(page, "talk");
  await page.click("[data-test=open-prompter]");
  const prompter = page.locator("[data-test=prompter]");
  await need(prompter, "prompter");
  const stage = () => prompter.getAttribute("data-stage");
  await until("the prompter on its first stage", async () => (await stage()) === STAGES[0]);
  for (const key of STAGES.slice(1)) {
    await page.keyboard.press("PageDown");
    await until(`stage ${key}`, async () => (await stage()) === key);
    if (key === "pain") await shot(page, "prompter-stage");
  }
  for (let i = 0; i < 3; i++) await page.keyboard.press("ArrowDown");
  await until("three tiers revealed", async () => (await page.locator("[data-test=ticker-tier]").count()) === 3);
  const ticker = page.locator("[data-test=ticker]");
  assert.match(await ticker.innerText(), /¥12,800\.00/);
  assert.match(await ticker.innerText(), /剩余名额 2/);
  await shot(page, "prompter-price");

  // The assistant closes the limited tier with two stores at the table, then finds it full.
  const ast = S.assistant.page;
  const arrived = ast.locator(`[data-test=assistant-guest][data-arrived=true]`);
  const rows = await arrived.evaluateAll((els) => els.map((e) => ({ name: e.querySelector(".guest-name")?.firstChild?.textContent?.trim(), store: e.querySelector(".guest-sub")?.textContent?.trim().split(" ")[0] })));
  const picked = [];
  for (const r of rows) if (!picked.some((p) => p.store === r.store)) picked.push(r);
  assert.ok(picked.length >= 2, `two stores arrived at the assistant's table: ${JSON.stringify(rows)}`);
  S.dealStores = [];
  for (const [i, g] of picked.slice(0, 2).entries()) {
    await ast.locator("[data-test=assistant-guest]", { hasText: g.name }).locator("[data-test=deal-open]").click();
    const form = ast.locator("[data-test=deal-form]");
    await form.locator("[data-test=deal-submit]").waitFor();
    await form.locator(".el-radio-button", { hasText: PRODUCT }).click();
    await form.locator("[data-test=deal-tier-3]").click();
    assert.equal(await form.locator("[data-test=deal-amount]").inputValue(), "12800");
    assert.match(await form.locator("[data-test=deal-places-left]").innerText(), new RegExp(`剩余名额 ${2 - i}`));
    await form.locator("[data-test=deal-payment-deposit]").click();
    if (i === 0) await shot(ast, "assistant-deal-form");
    await form.locator("[data-test=deal-submit]").click();
    await form.locator("[data-test=deal-submit]").waitFor({ state: "hidden" });
    await ast.locator("[data-test=table-deal]", { hasText: g.store }).waitFor();
    S.dealStores.push(g.store);
    // The prompter's ticker follows.
    await page.locator("[data-test=ticker]", { hasText: `已成交 ${i + 1} 单` }).waitFor({ timeout: 10_000 });
  }
  await ast.locator("[data-test=assistant-guest][data-arrived=true]").first().locator("[data-test=deal-open]").click();
  const form = ast.locator("[data-test=deal-form]");
  await form.locator(".el-radio-button", { hasText: PRODUCT }).click();
  await form.locator("[data-test=deal-places-left]", { hasText: "名额已满" }).waitFor();
  await shot(ast, "assistant-quota-full");
  await form.getByRole("button", { name: "取消" }).click();
  await form.locator("[data-test=deal-submit]").waitFor({ state: "hidden" });
  assert.match(await ticker.innerText(), /已成交 2 单/);
  await shot(page, "ticker-moved");
  await page.keyboard.press("Escape");
  await page.locator("[data-phase=talk]").waitFor();
}

/** The end of the day: the LAN stations are turned off on the 工作站 screen; the phones lose the hub. */
export async function lanOff(S) {
  const { page } = S.org;
  await nav(page, "checkin");
  await page.locator("[data-test=tab-stations]").click();
  await need(page.locator("[data-test=stations]"), "工作站 screen");
  const lan = page.locator("[data-test=lan-switch]");
  await page.locator("[data-test=lan-info]").waitFor();
  await lan.click();
  await page.locator("[data-test=lan-info]").waitFor({ state: "detached", timeout: 15_000 });
  await page.locator("[data-test=lan-switch]:not(.is-checked)").waitFor();
  await page.locator("[data-test=stations] .el-alert", { hasText: "请先开启局域网工作站" }).waitFor();
  await shot(page, "lan-off");
  await S.assistant.page.locator("[data-test=live][data-connected=false]").waitFor({ timeout: 20_000 });
  assert.match(await S.assistant.page.locator("[data-test=live]").innerText(), /正在连接主机/);
}
