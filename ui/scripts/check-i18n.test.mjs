import path from "node:path";
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { checkI18n } from "./check-i18n.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const fixture = (name) => path.join(here, "fixtures", name);

describe("check-i18n", () => {
  const problems = checkI18n(fixture("i18n-bad"));
  const lines = problems.map((p) => `${p.file}:${p.line}: ${p.message}`);
  const has = (file, line, text) =>
    expect(problems.some((p) => p.file === file && p.line === line && p.message.includes(text)), `${file}:${line} ${text}\n${lines.join("\n")}`).toBe(true);

  it("finds literal text and user-visible attributes in templates", () => {
    has("src/Bad.vue", 11, "Welcome back");
    has("src/Bad.vue", 12, "placeholder");
    has("src/Bad.vue", 13, "title");
    has("src/Bad.vue", 14, "CJK literal in template expression");
  });
  it("finds CJK string literals in script code", () => {
    has("src/Bad.vue", 4, "保存成功");
    has("src/util.ts", 1, "会销");
    expect(lines.some((l) => l.includes("plain ascii"))).toBe(false);
  });
  it("finds keys missing from one catalogue", () => {
    has("src/i18n/en.json", 1, 'key "greeting.bye" is in zh-CN.json');
  });
  it("finds keys used in code but missing from the catalogues", () => {
    has("src/Bad.vue", 13, 'key "missing.key" missing from en.json');
    has("src/Bad.vue", 13, 'key "missing.key" missing from zh-CN.json');
    has("src/Bad.vue", 15, 'no key starting with "status."');
  });
  it("passes a clean tree", () => {
    expect(checkI18n(fixture("i18n-good"))).toEqual([]);
  });
  it("exits 1 from the command line on the bad fixture", () => {
    let code = 0;
    let stderr = "";
    try {
      execFileSync(process.execPath, [path.join(here, "check-i18n.mjs"), fixture("i18n-bad")], { stdio: "pipe" });
    } catch (e) {
      code = e.status;
      stderr = String(e.stderr);
    }
    expect(code).toBe(1);
    expect(stderr).toMatch(/src\/Bad\.vue:11: /);
  });
  it("passes on the real UI", () => {
    expect(checkI18n(path.join(here, ".."))).toEqual([]);
  });
});
