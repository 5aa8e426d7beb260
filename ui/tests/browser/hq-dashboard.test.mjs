// Head office's window, against a real PostgreSQL: two city laptops (长沙's with the demo's seminars, 株洲's
// with a salon of its own) sync into head office's database; head office's laptop joins by scanning its
// join QR code with the camera (the QR `huixiao hq laptop add --qr` wrote, played as a fake camera), and its
// dashboard compares every laptop's seminars, filtered by city and by laptop; the territory and the Excel export
// follow the filters.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import zlib from "node:zlib";
import jsQR from "jsqr";
import { PNG } from "pngjs";
import { BIN, apiCall, isoDateFromToday, openBrowser, startServer } from "./harness.mjs";
import { docsShot, pngToY4m } from "./door.mjs";
import { startPostgres } from "./pg.mjs";

let pg;
let server;
let b;
let dir;
let url;
const links = {};

const api = (method, urlPath, body) => apiCall(server, method, urlPath, body);

function huixiao(args) {
  const r = spawnSync(BIN, args, { encoding: "utf8", env: { ...process.env, HUIXIAO_DATA_DIR: dir } });
  if (r.status !== 0) throw new Error(`huixiao ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  return r.stdout;
}
/** One file of a zip archive (an xlsx), as text: read through the central directory. */
function unzipText(bytes, name) {
  const end = bytes.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let at = bytes.readUInt32LE(end + 16);
  for (let n = bytes.readUInt16LE(end + 10); n > 0; n--) {
    const [method, size, nameLen, extraLen, commentLen, local] = [bytes.readUInt16LE(at + 10), bytes.readUInt32LE(at + 20), bytes.readUInt16LE(at + 28), bytes.readUInt16LE(at + 30), bytes.readUInt16LE(at + 32), bytes.readUInt32LE(at + 42)];
    if (bytes.toString("utf8", at + 46, at + 46 + nameLen) === name) {
      const start = local + 30 + bytes.readUInt16LE(local + 26) + bytes.readUInt16LE(local + 28);
      const data = bytes.subarray(start, start + size);
      return (method === 8 ? zlib.inflateRawSync(data) : data).toString("utf8");
    }
    at += 46 + nameLen + extraLen + commentLen;
  }
  throw new Error(`${name} is not in the archive`);
}
const call = (db, op, input) => JSON.parse(huixiao(["--db", db, "call", op, JSON.stringify(input)]));

before(async () => {
  pg = await startPostgres();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "huixiao-hqdash-"));
  url = pg.database();
  huixiao(["hq", "init", "--pg", url, "--json"]);
  links.changsha = JSON.parse(huixiao(["hq", "laptop", "add", "--pg", url, "--name", "长沙1号", "--cities", "长沙,株洲", "--json"])).join_url;
  links.zhuzhou = JSON.parse(huixiao(["hq", "laptop", "add", "--pg", url, "--name", "株洲1号", "--cities", "株洲", "--json"])).join_url;
  const qr = path.join(dir, "hq-join.png");
  const added = JSON.parse(huixiao(["hq", "laptop", "add", "--pg", url, "--name", "总部", "--hq", "--qr", qr, "--json"]));
  links.hq = added.join_url;
  assert.equal(added.qr, qr);
  // 长沙's laptop holds the demo (seminars in 长沙 and 株洲); 株洲's runs a salon of its own.
  const changsha = path.join(dir, "changsha.db");
  const zhuzhou = path.join(dir, "zhuzhou.db");
  huixiao(["demo", "--db", changsha]);
  huixiao(["sync", "--db", changsha, "--join", links.changsha, "--json"]);
  const salon = call(zhuzhou, "seminars.create", { title: "株洲托育园长沙龙", date: isoDateFromToday(4), start_time: "14:00", capacity: 40, city: "株洲", attribution_days: 30 });
  const stores = ["株洲小蜜蜂托育", "株洲童心幼儿园", "株洲阳光早教"].map((name, i) => {
    const store = call(zhuzhou, "stores.create", { name, city: "株洲", level: "B" });
    call(zhuzhou, "contacts.create", { store_id: store.id, name: `园长${i + 1}`, role: "owner", phone: `1390731000${i}` });
    return store;
  });
  assert.equal(call(zhuzhou, "invitations.create_many", { seminar_id: salon.id, store_ids: stores.map((s) => s.id) }).created.length, 3);
  huixiao(["sync", "--db", zhuzhou, "--join", links.zhuzhou, "--json"]);
  server = await startServer();
  // A join link is long (it carries the secret): its QR is larger than a ticket's, so the fake camera is HD.
  b = await openBrowser({
    args: ["--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream", `--use-file-for-fake-video-capture=${pngToY4m(fs.readFileSync(qr), path.join(dir, "qr.y4m"), { width: 1280, height: 720, size: 640 })}`],
  });
});
after(async () => {
  await b?.browser.close();
  await server?.stop();
  pg?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

test("the join QR code written by hq laptop add decodes to the join link, and only its owner reads it", () => {
  const png = PNG.sync.read(fs.readFileSync(path.join(dir, "hq-join.png")));
  assert.equal(jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data, links.hq);
  assert.equal(fs.statSync(path.join(dir, "hq-join.png")).mode & 0o777, 0o600, "the QR holds the secret");
  // An SVG when asked for one; a file that cannot be written is refused before a laptop is registered.
  const svg = path.join(dir, "spare.svg");
  const spare = JSON.parse(huixiao(["hq", "laptop", "add", "--pg", url, "--name", "备用", "--qr", svg, "--json"]));
  assert.match(fs.readFileSync(svg, "utf8"), /^<svg [^>]*viewBox/);
  assert.ok(spare.join_url.includes("laptop=%E5%A4%87%E7%94%A8") || spare.join_url.includes("laptop=备用"), spare.join_url);
  const bad = spawnSync(BIN, ["hq", "laptop", "add", "--pg", url, "--name", "备用2", "--qr", path.join(dir, "no-such-dir", "q.png")], { encoding: "utf8" });
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /无法写入二维码文件/);
  assert.doesNotMatch(pg.psql(new URL(url).pathname.slice(1), "SELECT string_agg(name, ',') FROM hq.laptops"), /备用2/, "nothing registered");
});

test("head office joins by scanning its QR code and compares every laptop's seminars by city and by laptop", async () => {
  const { page, errors } = b;
  // Head office's laptop starts empty (its organizer answered the first-launch question so).
  await b.context.addInitScript(() => localStorage.setItem("huixiao.firstLaunchDismissed", "1"));
  await page.goto(`${server.url}#/sync`);
  await page.locator("[data-test=sync-join]").waitFor();
  await page.click("[data-test=sync-scan]");
  await page.locator(".el-message--success").filter({ hasText: "已读取加入链接" }).waitFor({ timeout: 20_000 });
  assert.equal(await page.locator("input[data-test=sync-link]").inputValue(), links.hq);
  await page.click("[data-test=sync-join-button]");
  await page.locator(".el-message--success").filter({ hasText: "已加入总部" }).waitFor({ timeout: 60_000 });
  await page.locator("[data-test=sync-status]").filter({ hasText: "总部" }).waitFor();

  await page.getByRole("link", { name: "数据" }).click();
  const filters = page.locator("[data-test=dashboard-filters]");
  await filters.waitFor();
  const rows = page.locator("[data-test=dashboard-compare] .compare-table .el-table__body-wrapper .el-table__row");
  await rows.filter({ hasText: "株洲托育园长沙龙" }).waitFor();
  const all = await api("GET", "/api/reports/seminars");
  assert.deepEqual(all.laptops, ["株洲1号", "长沙1号"]);
  assert.ok(all.cities.includes("长沙") && all.cities.includes("株洲"), JSON.stringify(all.cities));
  assert.equal(await rows.count(), all.seminars.length);
  const salon = rows.filter({ hasText: "株洲托育园长沙龙" });
  assert.match(await salon.innerText(), /株洲1号/, "which laptop runs it");
  await page.locator(".el-message").first().waitFor({ state: "hidden", timeout: 10_000 });
  // The comparison across both laptops and cities, its filters at the top (the page scrolls inside the app).
  await page.setViewportSize({ width: 1366, height: 1000 });
  await filters.evaluate((e) => {
    e.scrollIntoView({ block: "start" });
    let box = e.parentElement;
    while (box && box.scrollHeight <= box.clientHeight) box = box.parentElement;
    if (box) box.scrollTop -= 24;
  });
  await page.screenshot({ path: docsShot("hq-dashboard.png") });
  await page.setViewportSize({ width: 1366, height: 820 });

  // By laptop: only 株洲's salon.
  await filters.locator("[data-test=filter-laptop]").click();
  await page.locator(".el-select-dropdown__item:visible").filter({ hasText: "株洲1号" }).click();
  await page.waitForFunction(() => document.querySelectorAll("[data-test=dashboard-compare] .compare-table .el-table__body-wrapper .el-table__row").length === 1);
  assert.match(await rows.first().innerText(), /株洲托育园长沙龙/);
  // By city with every laptop: 株洲's seminars, the demo's 株洲 one among them.
  await page.reload();
  await rows.filter({ hasText: "株洲托育园长沙龙" }).waitFor();
  const zhuzhouOnly = await api("GET", `/api/reports/seminars?city=${encodeURIComponent("株洲")}`);
  assert.ok(zhuzhouOnly.seminars.length >= 2 && zhuzhouOnly.seminars.every((s) => s.city === "株洲"), JSON.stringify(zhuzhouOnly.seminars.map((s) => s.city)));
  assert.ok(new Set(zhuzhouOnly.seminars.map((s) => s.laptop)).size === 2, "both laptops run seminars in 株洲");
  await filters.locator("[data-test=filter-city]").click();
  await page.locator(".el-select-dropdown__item:visible").filter({ hasText: /^株洲$/ }).click();
  await page.waitForFunction((n) => document.querySelectorAll("[data-test=dashboard-compare] .compare-table .el-table__body-wrapper .el-table__row").length === n, zhuzhouOnly.seminars.length);
  for (const text of await rows.allInnerTexts()) assert.match(text, /株洲/);
  // The territory follows the city chosen.
  const territory = page.locator("[data-test=dashboard-territory]");
  await territory.filter({ hasText: "株洲" }).first().waitFor();

  // And the laptop: 株洲1号's work in 株洲 (the stores its salon invited, against all of 株洲's).
  await filters.locator("[data-test=filter-laptop]").click();
  await page.locator(".el-select-dropdown__item:visible").filter({ hasText: "株洲1号" }).click();
  await page.waitForFunction(() => document.querySelectorAll("[data-test=dashboard-compare] .compare-table .el-table__body-wrapper .el-table__row").length === 1);
  await territory.locator("[data-test=territory-laptop]").filter({ hasText: "株洲1号" }).waitFor();
  const team = await api("GET", `/api/reports/territory?city=${encodeURIComponent("株洲")}&laptop=${encodeURIComponent("株洲1号")}`);
  const everyone = await api("GET", `/api/reports/territory?city=${encodeURIComponent("株洲")}`);
  assert.equal(team.covered, 3, "the salon's three stores");
  assert.ok(everyone.covered > team.covered, `the demo's 株洲 seminar covered more: ${everyone.covered}`);
  const coverage = `${(team.coverage * 100).toFixed(1).replace(/\.0+$/, "")}%`;
  await territory.locator(".el-statistic").first().filter({ hasText: coverage }).waitFor();

  // The Excel export holds what the screen shows: the file says so, and holds 株洲1号's salon alone.
  const [download] = await Promise.all([page.waitForEvent("download"), page.locator("[data-test=dashboard-compare] [data-test=export-dashboard]").click()]);
  assert.equal(download.suggestedFilename(), "会销对比-株洲-株洲1号.xlsx");
  const strings = unzipText(fs.readFileSync(await download.path()), "xl/sharedStrings.xml");
  assert.match(strings, /株洲托育园长沙龙/);
  for (const other of all.seminars.filter((s) => s.title !== "株洲托育园长沙龙")) assert.ok(!strings.includes(other.title), `${other.title} is filtered out`);
  const [territoryFile] = await Promise.all([page.waitForEvent("download"), territory.locator("[data-test=export-territory]").click()]);
  assert.equal(territoryFile.suggestedFilename(), "区域-株洲-株洲1号.xlsx");
  assert.deepEqual(errors, []);
});
