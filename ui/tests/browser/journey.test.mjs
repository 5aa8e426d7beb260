// The seminar journey: a new organizer takes an EMPTY database through a whole seminar in Chromium
// (browser mode, `huixiao serve`), with clicks and keys only — no API calls, no demo data. The only thing
// set outside the UI is the app's clock between the phases (`serve --clock` and the browser's clock):
// ten days before the seminar, its day before the start, the day after. Every step asserts what the
// user sees and saves ui/tests/browser/screenshots/journey/NN-step.png. Steps live in ./journey/.
import { after, before, test } from "node:test";
import { closeBrowser, hasClock, launch } from "./journey/lib.mjs";
import * as B from "./journey/before.mjs";
import * as D from "./journey/day.mjs";
import * as A from "./journey/after.mjs";

const S = { clocked: hasClock() };
if (S.clocked) {
  // A Saturday seminar at 14:00 in Zhengzhou (Asia/Shanghai).
  S.date = "2026-12-12";
  S.at = { before: "2026-12-02T09:00:00+08:00", day: "2026-12-12T13:00:00+08:00", after: "2026-12-13T10:00:00+08:00" };
  S.callBack = "2026-12-04";
} else {
  // A core without `serve --clock`: the "before" phase runs on the real clock, ten days ahead.
  const day = (n) => new Intl.DateTimeFormat("en-CA", { timeZone: "Asia/Shanghai" }).format(new Date(Date.now() + n * 86_400_000));
  S.date = day(10);
  S.at = {};
  S.callBack = day(2);
}

before(launch);
after(async () => {
  for (const c of [S.org, S.door, S.assistant, S.prompter].filter(Boolean)) await c.context.close().catch(() => {});
  await closeBrowser();
  await S.server?.stop();
});

/** One step of the journey; once a step fails, the later ones are skipped (they need its result). */
function step(name, fn) {
  test(name, async (t) => {
    if (S.broken) return t.skip(`after the failed step "${S.broken}"`);
    try {
      await fn(S);
    } catch (e) {
      S.broken = name;
      const page = S.failPage?.() ?? S.org?.page;
      await page?.screenshot({ path: `${process.env.TMPDIR ?? "/tmp"}/journey-failed.png` }).catch(() => {});
      throw e;
    }
  });
}

// Before (D-10).
step("before: first launch, start empty", B.firstLaunch);
step("before: staff — inviters, assistants, a lecturer, door staff; a phone corrected", B.staff);
step("before: import a store list — bad rows reported, the file fixed, imported", B.importStores);
step("before: corrections — a store's address and note, a contact's phone (the store drawer)", B.corrections);
step("before: a product with three price tiers", B.product);
step("before: the seminar, opened for invitations; its venue edited", B.seminar);
step("before: invitations naming who comes (store list, drawer, invite dialog, edit)", B.invitations);
step("before: the cadence", B.cadence);
step("before: today's touches — reached, confirmed, declined with a reason, call back", B.touches);
step("before: tickets — a ticket's QR, every ticket as one PDF", B.tickets);
step("before: tables, automatic seating, a keep-apart rule, a drag-and-drop move, table cards", B.seating);
step("before: the checklist and the script", B.checklistAndScript);

// The day.
step("the day: the seminar goes live", D.live);
step("the day: stations paired from the 工作站 screen (LAN on): check-in, assistant; the door station renewed", D.stations);
step("the day: check-ins at the laptop and a station — wrong code, stray click, undo, walk-in; the assistant sees arrivals", D.checkins);
step("the day: the doors close; a re-seating after the no-shows proposed, and rejected", D.reseat);
step("the day: the prompter through six stages; deals from the assistant's station up to the quota; the ticker moves", D.talkAndDeals);
step("the day: the end — LAN stations off, the phones cut off", D.lanOff);

// After (D+1).
step("after: close the seminar", A.close);
step("after: follow-ups — one closes with a deal", A.followups);
step("after: a deal cancelled with its reason — the total and the funnel follow", A.cancelDeal);
step("after: the report and its PDF, the dashboard, Excel", A.reportAndData);
