#!/usr/bin/env node
// Every operation a person needs has a screen: compares the operations the browser journeys called
// (recorded by the UI's API client into ui/tests/browser/.ops/*.json) with the core's operation list
// (`huixiao call --list`). Fails on an operation that no journey called, unless it stands in
// ui/tests/browser/ops-without-screen.json with the reason why no screen calls it. Prints both lists.
// Usage: node scripts/check-ops.mjs [path to the huixiao binary]
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const bin = process.argv[2] ?? path.join(root, "target/debug/huixiao");
const opsDir = process.env.HUIXIAO_OPS_DIR ?? path.join(root, "ui/tests/browser/.ops");
const allowFile = path.join(root, "ui/tests/browser/ops-without-screen.json");

const all = execFileSync(bin, ["call", "--list"], { encoding: "utf8" })
  .split("\n")
  .map((l) => l.trim().split(/\s+/)[0])
  .filter(Boolean);
const allowed = JSON.parse(fs.readFileSync(allowFile, "utf8"));
const journeys = fs.existsSync(opsDir) ? fs.readdirSync(opsDir).filter((f) => f.endsWith(".json")) : [];
if (journeys.length === 0) {
  console.error(`no journey recorded its operations in ${opsDir}: run the browser tests first`);
  process.exit(1);
}
const called = new Set(journeys.flatMap((f) => JSON.parse(fs.readFileSync(path.join(opsDir, f), "utf8"))));

const unknownAllowed = Object.keys(allowed).filter((op) => !all.includes(op));
const missing = all.filter((op) => !called.has(op) && !(op in allowed));
console.log(`${all.length} operations; the journeys (${journeys.join(", ")}) called ${all.filter((op) => called.has(op)).length}.`);
console.log("Operations without a screen, and why:");
for (const [op, why] of Object.entries(allowed)) console.log(`  ${op.padEnd(26)} ${called.has(op) ? "(called after all) " : ""}${why}`);
if (unknownAllowed.length) console.log(`The list names operations that do not exist: ${unknownAllowed.join(", ")}`);
if (missing.length) {
  console.log(`Operations no journey called (${missing.length}) — give each a screen and a journey step, or a reason in ${path.relative(root, allowFile)}:`);
  for (const op of missing) console.log(`  ${op}`);
}
process.exit(missing.length || unknownAllowed.length ? 1 : 0);
