// What the organisation's browser tests share: another laptop of the organisation driven through
// the command line beside the window, and axe-core's serious findings within part of a page.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { BIN } from "./harness.mjs";

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

/** axe-core's critical and serious findings within one part of the page. */
export async function axeWithin(page, selector) {
  if (!(await page.evaluate(() => typeof window.axe !== "undefined"))) await page.addScriptTag({ path: AXE });
  return page.evaluate(async (sel) => (await window.axe.run(sel, { resultTypes: ["violations"] })).violations
    .filter((v) => v.impact === "critical" || v.impact === "serious")
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.html).join(" | ")}`), selector);
}

/**
 * A laptop of its own (a database in a temporary folder) run through the command line:
 * `run(args)` answers stdout, `call(op, input)` an operation's JSON, `remove()` deletes the folder.
 */
export function cliLaptop(name) {
  const db = path.join(fs.mkdtempSync(path.join(os.tmpdir(), `huixiao-${name}-`)), `${name}.db`);
  const run = (args) => {
    const r = spawnSync(BIN, args, { encoding: "utf8", env: { ...process.env, HUIXIAO_DATA_DIR: path.dirname(db) } });
    if (r.status !== 0) throw new Error(`huixiao ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
    return r.stdout;
  };
  return {
    db,
    run,
    call: (op, input) => JSON.parse(run(["--db", db, "call", op, JSON.stringify(input)])),
    remove: () => fs.rmSync(path.dirname(db), { recursive: true, force: true }),
  };
}
