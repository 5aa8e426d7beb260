// A first seminar in the real desktop window (tauri-driver + WebKitWebDriver under xvfb-run), from first
// launch on an empty database to a checked-in guest and a recorded deal, through clicks and keys only:
// 从空白开始 → an assistant → a store and its 老板娘 → a product with three price tiers → a seminar today at
// its venue (Asia/Shanghai) → the store invited from its drawer → confirmed in 会前邀约 → the ticket read
// off the ticket dialog's QR on screen → 签到 as a scanner types it → 成交跟进: a deal for the store. Each
// step waits for what the user sees; at the end the CLI reads the database to check it holds the same.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli, openWindow, root, until, workDir } from "./window.mjs";

// The QR decoder the check-in camera bundles, and a PNG reader, from the UI's own dependencies.
const requireUi = createRequire(join(root, "ui/package.json"));
const jsQR = requireUi("jsqr");
const { PNG } = requireUi("pngjs");

const { work, db } = workDir("huixiao-e2e-journey-");
const shots = process.env.SCREENSHOT_DIR ?? work;
const ENTER = "\uE007";
const ELEMENT = "element-6066-11e4-a52e-4f735466cecf";

const ASSISTANT = "李助教";
const STORE = "阳光幼儿园";
const BOSS_WIFE = "刘桂芳";
const PRODUCT = "门店会员小程序";
const SEMINAR = "门店增长分享会";
const TZ = "Asia/Shanghai";

let win;
let S;
const wd = (...args) => win.wd(...args);
const exec = (script, ...args) => win.exec(script, args);
const id = (el) => el[ELEMENT];

/** Today at the venue, not on this machine's clock. */
const venueToday = () => new Intl.DateTimeFormat("en-CA", { timeZone: TZ }).format(new Date());

/**
 * A start later today at the venue that the form offers (07:00 to 22:00 by quarter hours): a new
 * seminar cannot start in the past. Null after 21:55 at the venue, when no start today is left.
 */
function venueStartTime() {
  const [h, m] = new Intl.DateTimeFormat("en-GB", { timeZone: TZ, hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
    .format(new Date())
    .split(":")
    .map(Number);
  const next = Math.max(7 * 60, Math.ceil((h * 60 + m + 5) / 15) * 15);
  if (next > 22 * 60) return null;
  const pad = (n) => String(n).padStart(2, "0");
  return `${pad(Math.floor(next / 60))}:${pad(next % 60)}`;
}

before(async () => {
  mkdirSync(shots, { recursive: true });
  win = await openWindow({ db, work });
  S = win.session;
});

after(async () => {
  await win?.close();
});

// ---- what the user sees, and what they do -------------------------------------------------------

/**
 * The first element matching `css` that is rendered and not hidden (display, visibility, opacity), whose
 * text includes `text` (or equals it, trimmed, with `exact`), optionally inside `within`.
 */
const FIND = `
  const [css, text, exact, within] = arguments;
  const seen = (el) => {
    const r = el.getClientRects()[0];
    return !!r && r.width > 0 && r.height > 0 && el.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
  };
  const has = (el) => text === null || (exact ? el.innerText.trim() === text : el.innerText.includes(text));
  return [...(within ?? document).querySelectorAll(css)].find((el) => seen(el) && has(el)) ?? null;`;

const find = (css, { text = null, exact = false, within = null } = {}) => exec(FIND, css, text, exact, within);

/** Waits until the user sees `css` (with `text`), and returns it. */
const see = (what, css, opts = {}, ms = 15_000) => until(what, () => find(css, opts), ms);

/** Waits until nothing matching `css` (with `text`) is visible any more. */
const gone = (what, css, opts = {}, ms = 15_000) => until(`${what} to close`, async () => (await find(css, opts)) === null, ms);

const READY = `
  const el = arguments[0];
  const box = el.closest(".el-overlay, .el-popper");
  return !el.disabled && !el.closest(".is-disabled, [aria-disabled=true]") &&
    (!box || box.getAnimations({ subtree: true }).every((a) => a.playState !== "running"));`;

/** A WebDriver click; one refused (off screen, under a closing overlay) is scrolled into view and tried again. */
async function click(el) {
  // A person waits for a greyed-out button (still loading what it needs) to come alive, and for a
  // drawer, dialog or dropdown to stop sliding in: WebDriver clicks where the element was a moment ago.
  await until("the element to be enabled and still", () => exec(READY, el), 10_000, 50);
  await until(
    "the click to land",
    async () => {
      try {
        await wd("POST", `/session/${S}/element/${id(el)}/click`, {});
        return true;
      } catch (e) {
        await exec("arguments[0].scrollIntoView({ block: 'center' })", el).catch(() => {});
        throw e;
      }
    },
    5_000,
  );
}

const clickOn = async (what, css, opts) => click(await see(what, css, opts));

/** Clicks into a field and types, as a person does. */
async function type(el, text) {
  await click(el);
  await wd("POST", `/session/${S}/element/${id(el)}/value`, { text });
}

/** Keys to whatever has the focus (a scanner, Escape): WebDriver's active element. */
async function keys(text) {
  const active = await wd("GET", `/session/${S}/element/active`).catch(() => wd("POST", `/session/${S}/element/active`, {}));
  await wd("POST", `/session/${S}/element/${id(active)}/value`, { text });
}

/**
 * An Element Plus select: open it, (type to filter it,) click the option with `text`, until the select
 * shows it. A click that landed on the neighbouring option of a list still scrolling is tried again.
 */
async function choose(select, text, { filter = false } = {}) {
  const shows = () => exec("const s = arguments[0]; return s.innerText.includes(arguments[1]) || [...s.querySelectorAll('input')].some((i) => i.value === arguments[1])", select, text);
  await until(`“${text}” chosen`, async () => {
    if (await shows()) return true;
    let option = await find(".el-select-dropdown__item", { text });
    if (!option) {
      await click(select);
      if (filter) await keys(text);
      option = await see(`the option ${text}`, ".el-select-dropdown__item", { text }, 5_000);
    }
    await still("the dropdown", option);
    await click(option);
    return shows();
  }, 20_000, 200);
}

/** A page through the sidebar, then a mark that it is there. */
async function nav(page, css) {
  await clickOn(`the sidebar's ${page}`, `[data-nav=${page}]`);
  return see(`the ${page} page`, css);
}

const screenText = () => exec("return document.body.innerText");

/** Waits until `el`'s dialog (or `el`) has finished its opening animation, so a screenshot shows it whole. */
const still = (what, el) =>
  until(`${what} to finish opening`, () =>
    exec("const box = arguments[0].closest('.el-overlay, .el-popper') ?? arguments[0]; return box.getAnimations({ subtree: true }).every((a) => a.playState !== 'running')", el),
  5_000);

/** A message toast with `text`. */
const toast = (text) => see(`the message “${text}”`, ".el-message", { text });

async function save(name) {
  const png = await win.screenshot();
  writeFileSync(join(shots, name), png);
  return png;
}

/** The text of a QR code painted on the screen, as a scanner pointed at it would read it. */
function readQr(png) {
  const img = PNG.sync.read(png);
  const found = jsQR(new Uint8ClampedArray(img.data.buffer, img.data.byteOffset, img.data.length), img.width, img.height);
  return found?.data ?? null;
}

function huixiao(...args) {
  return JSON.parse(execFileSync(cli, ["--db", db, ...args]).toString());
}

// ---- the journey ---------------------------------------------------------------------------------

test("first launch on an empty database to a checked-in guest and a recorded deal, in the desktop window", async (t) => {
  const start = venueStartTime();
  if (start === null) {
    t.skip(`no start left today at the venue (${TZ}): the form offers starts up to 22:00 and refuses one in the past`);
    return;
  }
  try {
    await journey(start);
  } catch (e) {
    // What the window showed when it failed: a screenshot and the text of any open dialog and message.
    await save("journey-failure.png").catch(() => {});
    const shown = await exec(
      "return [...document.querySelectorAll('.el-dialog, .el-message, .el-form-item__error, .el-drawer')].filter((x) => x.checkVisibility()).map((x) => x.innerText).join('\\n---\\n')",
    ).catch(() => "");
    e.message += `\n(the window showed, in ${join(shots, "journey-failure.png")}:)\n${shown}`;
    throw e;
  }
});

async function journey(start) {
  const started = Date.now();
  const today = venueToday();

  // 1. First launch: the welcome dialog offers demo data or an empty start.
  const welcome = await see("the first-launch dialog", ".el-dialog[data-test=first-launch]", {}, 60_000);
  assert.match(await exec("return arguments[0].innerText", welcome), /欢迎使用会销助手[\s\S]*数据库还是空的/);
  await clickOn("从空白开始", "[data-test=start-empty]", { text: "从空白开始" });
  await gone("the first-launch dialog", ".el-dialog[data-test=first-launch]");
  await see("the empty seminar list", "[data-test=seminar-table]");

  // 2. An assistant, through the staff form.
  await nav("staff", "[data-test=new-staff]");
  await clickOn("新建员工", "[data-test=new-staff]");
  const staffForm = await see("the staff form", ".el-dialog[data-test=staff-form]");
  await type(await see("the name field", "input[name=name]", { within: staffForm }), ASSISTANT);
  await choose(await see("the roles", "[data-test=roles-select]", { within: staffForm }), "助教");
  await click(await see("the form's title", ".el-dialog__title", { within: staffForm })); // closes the multi-select
  await gone("the roles dropdown", ".el-select-dropdown__item", { text: "讲师" });
  await clickOn("保存", "[data-test=staff-save]");
  await gone("the staff form", ".el-dialog[data-test=staff-form]");
  const staffRow = await see("the assistant in the staff list", "[data-test=staff-table] .el-table__row", { text: ASSISTANT });
  assert.match(await exec("return arguments[0].innerText", staffRow), /助教/);

  // 3. A store, then its 老板娘 in the drawer that opens.
  await nav("stores", "[data-test=new-store]");
  await clickOn("新建门店", "[data-test=new-store]");
  const storeForm = await see("the store form", ".el-dialog[data-test=store-form]");
  await type(await see("the store name", "input[name=name]", { within: storeForm }), STORE);
  await type(await see("the city", "input[name=city]", { within: storeForm }), "郑州");
  await clickOn("保存", "[data-test=store-save]");
  await gone("the store form", ".el-dialog[data-test=store-form]");
  let drawer = await see("the store's drawer", ".el-drawer[data-test=store-drawer]", { text: STORE });
  await click(await see("添加联系人", "[data-test=add-contact]", { within: drawer }));
  const contactForm = await see("the contact form", ".el-dialog[data-test=contact-form]");
  await type(await see("the contact's name", "input[name=name]", { within: contactForm }), BOSS_WIFE);
  await click(await see("老板娘", ".el-radio-button", { text: "老板娘", exact: true, within: contactForm }));
  await type(await see("the phone", "input[name=phone]", { within: contactForm }), "13712345678");
  await clickOn("保存", "[data-test=contact-save]");
  await gone("the contact form", ".el-dialog[data-test=contact-form]");
  const contactRow = await see("the contact in the drawer", "[data-test=contact-table] .el-table__row", { text: BOSS_WIFE, within: drawer });
  assert.match(await exec("return arguments[0].innerText", contactRow), /老板娘/);
  await click(await see("the drawer's close button", ".el-drawer__close-btn", { within: drawer }));
  await gone("the store's drawer", ".el-drawer[data-test=store-drawer]");

  // 4. A product with the classic three-step quote: 原价 → 会场价 → 限量特惠 (2 places).
  await nav("products", "[data-test=new-product]");
  await clickOn("新建产品", "[data-test=new-product]");
  const productForm = await see("the product form", ".el-dialog[data-test=product-form]");
  const tierNames = await exec("return [...arguments[0].querySelectorAll('[data-test=tier-name]')].map((x) => x.value)", productForm);
  assert.deepEqual(tierNames, ["原价", "会场价", "限量特惠"], "the three-step quote is suggested");
  await type(await see("the product name", "[data-test=product-name]", { within: productForm }), PRODUCT);
  for (const [rank, price] of [[1, "39800"], [2, "19800"], [3, "12800"]]) {
    await type(await see(`tier ${rank}'s price`, `[data-test=tier-row-${rank}] [data-test=tier-price]`, { within: productForm }), price);
  }
  await type(await see("tier 3's quota", "[data-test=tier-row-3] [data-test=tier-quota]", { within: productForm }), "2");
  await clickOn("保存", "[data-test=product-save]");
  await gone("the product form", ".el-dialog[data-test=product-form]");
  const productRow = await see("the product in the list", "[data-test=products-table] .el-table__body tr", { text: PRODUCT });
  const productText = await exec("return arguments[0].innerText", productRow);
  for (const s of ["¥39,800.00", "¥19,800.00", "¥12,800.00", "限 2 名"]) assert.ok(productText.includes(s), `${s} in ${productText}`);

  // 5. A seminar dated today at its venue; a new seminar becomes the current one.
  await nav("seminars", "[data-test=new-seminar]");
  await clickOn("新建会销", "[data-test=new-seminar]");
  const seminarForm = await see("the seminar form", ".el-dialog[data-test=seminar-form]");
  await type(await see("the title", "input[name=title]", { within: seminarForm }), SEMINAR);
  await type(await see("the date", "input[name=date]", { within: seminarForm }), today + ENTER);
  await click(await see("the form's title", ".el-dialog__title", { within: seminarForm })); // closes the date panel
  // The default start (14:00) may be over at the venue already: a later one.
  const startItem = await see("the start time", ".el-form-item", { text: "开始时间", within: seminarForm });
  await choose(await see("the start time select", ".el-select", { within: startItem }), start, { filter: true });
  await type(await see("the venue", "input[name=venue]", { within: seminarForm }), "郑州国际饭店");
  await type(await see("the city", "input[name=city]", { within: seminarForm }), "郑州");
  assert.equal(await exec("return arguments[0].querySelector('input[name=date]').value", seminarForm), today);
  await clickOn("保存", "[data-test=seminar-save]");
  await gone("the seminar form", ".el-dialog[data-test=seminar-form]");
  const seminarRow = await see("the seminar in the list", "[data-test=seminar-table] .el-table__row", { text: SEMINAR });
  const seminarText = await exec("return arguments[0].innerText", seminarRow);
  assert.ok(seminarText.includes(today) || seminarText.includes(today.replaceAll("-", "/")) || /\d+月\d+日/.test(seminarText), `the date in ${seminarText}`);
  const seminars = huixiao("seminars", "list", "--json");
  const seminar = seminars.find((s) => s.title === SEMINAR);
  assert.equal(seminar.date, today);
  assert.equal(seminar.start_time, start);
  assert.equal(seminar.timezone, TZ);

  // 6. The store invited from its drawer: the 老板娘 is ticked for it.
  await nav("stores", "[data-test=store-table]");
  const storeCell = await see("the store's row", "[data-test=store-table] .el-table__body .el-table__row td:nth-child(2)", { text: STORE });
  await click(storeCell);
  drawer = await see("the store's drawer", ".el-drawer[data-test=store-drawer]", { text: STORE });
  await click(await see("邀请", "[data-test=drawer-invite]", { within: drawer }));
  const inviteForm = await see("the invitation form", ".el-dialog[data-test=invitation-form]");
  assert.match(await exec("return arguments[0].querySelector('[data-test=form-seminar]').innerText", inviteForm), new RegExp(SEMINAR));
  const wife = await see("the 老板娘's box", ".el-checkbox", { text: BOSS_WIFE, within: inviteForm });
  assert.match(await exec("return arguments[0].className", wife), /is-checked/, "the money-holder is pre-selected");
  await click(await see("邀请", "[data-test=invitation-save]", { within: inviteForm }));
  await gone("the invitation form", ".el-dialog[data-test=invitation-form]");
  await toast(`已邀请「${STORE}」`);
  await click(await see("the drawer's close button", ".el-drawer__close-btn", { within: drawer }));
  await gone("the store's drawer", ".el-drawer[data-test=store-drawer]");

  // 7. 会前邀约 → 邀约名单: confirm; the ticket dialog shows the 老板娘's QR.
  await nav("invitations", "[data-test=invitation-table]");
  const rowCss = "[data-test=invitation-table] .el-table__body .el-table__row";
  let row = await see("the store in 邀约名单", rowCss, { text: STORE });
  assert.match(await exec("return arguments[0].innerText", row), new RegExp(`${BOSS_WIFE}[\\s\\S]*已邀约`));
  await click(await see("确认", "[data-test=row-confirm]", { within: row }));
  await toast("1 张电子票");
  row = await see("the confirmed row", rowCss, { text: "已确认" });
  await click(await see("the tickets", "[data-test=row-tickets]", { within: row }));
  const ticketDialog = await see("the ticket dialog", ".el-dialog[data-test=ticket-dialog]", { text: BOSS_WIFE });
  const qr = await see("the ticket's QR", "img[data-test=ticket-qr]", { within: ticketDialog });
  assert.equal(await exec("return arguments[0].complete && arguments[0].naturalWidth > 0", qr), true);
  await still("the ticket dialog", ticketDialog);
  assert.ok(await win.shown(qr), "the QR is on top, in view");
  // Read the code from the QR on the screen, as a scanner pointed at it does.
  const code = await until("a readable QR on the screen", async () => readQr(await save("journey-ticket.png")), 20_000, 200);
  assert.match(code, /^[0-9A-Z]+$/, `a ticket code of digits and capitals: ${code}`);
  await click(await see("关闭", ".el-dialog__footer .el-button", { text: "关闭", within: ticketDialog }));
  await gone("the ticket dialog", ".el-dialog[data-test=ticket-dialog]");

  // 8. 签到: the scan field has the focus; the scanner types the code and Enter.
  await nav("checkin", "[data-test=outcome-idle]");
  await until("the scan field to hold the focus", () => exec("return document.activeElement?.getAttribute('data-test') === 'scan-input'"), 5_000);
  await keys(code + ENTER);
  const outcome = await see("the check-in outcome", "[data-test=outcome]", { text: BOSS_WIFE });
  assert.equal(await exec("return arguments[0].dataset.outcome", outcome), "checked_in");
  const outcomeText = await exec("return arguments[0].innerText", outcome);
  assert.match(outcomeText, /签到成功/);
  assert.match(outcomeText, new RegExp(STORE));
  await still("the outcome", outcome);
  await save("journey-checked-in.png");

  // 9. 成交跟进 → 成交: a deal for the store, at the event price, credited to the assistant.
  await nav("closing", "[data-test=closing-tabs]");
  await clickOn("the 成交 tab", "[data-test=closing-tabs] .el-tabs__item", { text: "成交", exact: true });
  await clickOn("记录成交", "[data-test=record-deal]");
  const dealDialog = await see("the deal dialog", ".el-dialog[data-test=deal-dialog]");
  await choose(await see("the store field", "[data-test=deal-store]", { within: dealDialog }), STORE);
  const storeOption = await exec("return arguments[0].querySelector('[data-test=deal-store]').innerText", dealDialog);
  assert.match(storeOption, new RegExp(STORE));
  assert.equal(await find("[data-test=deal-reason-item]", { within: dealDialog }), null, "a store that checked in needs no reason");
  await choose(await see("the product field", "[data-test=deal-product]", { within: dealDialog }), PRODUCT);
  await click(await see("会场价", "[data-test=deal-tier-2]", { within: dealDialog }));
  await until("the tier's price in the amount", () => exec("return arguments[0].querySelector('[data-test=deal-amount]').value === '19800'", dealDialog), 5_000);
  await click(await see("定金", "[data-test=deal-payment-deposit]", { within: dealDialog }));
  await choose(await see("the staff field", "[data-test=deal-staff]", { within: dealDialog }), ASSISTANT);
  await click(await see("确认成交", "[data-test=deal-submit]", { within: dealDialog }));
  await gone("the deal dialog", ".el-dialog[data-test=deal-dialog]");
  const dealRow = await see("the deal in the list", "[data-test=deals-table] .el-table__body tr", { text: STORE });
  const dealText = await exec("return arguments[0].innerText", dealRow);
  for (const s of [PRODUCT, "¥19,800.00", "定金"]) assert.ok(dealText.includes(s), `${s} in ${dealText}`);
  await save("journey-deal.png");
  const page = await screenText();
  assert.match(page, new RegExp(SEMINAR), "the current seminar is named on the page");

  // 10. The database holds what the screen said.
  const [ticket, ...otherTickets] = huixiao("tickets", "list", "--seminar", String(seminar.id), "--json");
  assert.equal(otherTickets.length, 0, "one ticket: the 老板娘's");
  assert.equal(ticket.code, code, "the code read off the screen is the ticket's");
  assert.equal(ticket.guest_name, BOSS_WIFE);
  const checkins = huixiao("call", "checkins.list", JSON.stringify({ seminar_id: seminar.id }));
  assert.equal(checkins.length, 1);
  assert.equal(checkins[0].store_name, STORE);
  assert.equal(checkins[0].guest_name, BOSS_WIFE);
  const deals = huixiao("call", "deals.list", JSON.stringify({ seminar_id: seminar.id }));
  assert.equal(deals.length, 1);
  const [deal] = deals;
  const product = huixiao("call", "products.list", "{}").find((p) => p.name === PRODUCT);
  const assistant = huixiao("call", "staff.list", "{}").find((p) => p.name === ASSISTANT);
  assert.equal(deal.store_name, STORE);
  assert.equal(deal.contact_id, checkins[0].contact_id, "the deal is the 老板娘's, who checked in");
  assert.equal(deal.product_id, product.id);
  assert.equal(deal.tier_id, product.tiers.find((x) => x.rank === 2).id);
  assert.equal(deal.amount_fen, 1_980_000, "¥19,800.00 as integer fen");
  assert.equal(deal.payment, "deposit");
  assert.equal(deal.closed, true);
  assert.equal(deal.assistant_id, assistant.id);
  assert.deepEqual(assistant.roles, ["assistant"]);
  console.log(`journey: ${((Date.now() - started) / 1000).toFixed(1)} s in the window; screenshots in ${shots}`);
}
