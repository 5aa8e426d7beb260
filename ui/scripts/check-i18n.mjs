#!/usr/bin/env node
// Fails (exit 1, listing file:line) when user-visible text bypasses the i18n catalogues:
//  (a) literal text in a .vue template (text nodes, user-visible static attributes),
//  (b) CJK string literals in .vue/.ts script code outside the i18n folder (tests excepted),
//  (c) a key present in one catalogue but missing in the other,
//  (d) a t('key') / $t('key') used in code but missing from a catalogue.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseSfc } from "@vue/compiler-sfc";
import { NodeTypes } from "@vue/compiler-dom";
import ts from "typescript";

const CJK = /[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]/;
const LETTER = /\p{L}/u;
/** Static attributes whose value a user reads. */
export const USER_ATTRS = new Set([
  "label", "placeholder", "title", "content", "description", "alt", "aria-label", "text", "tooltip",
  "confirm-button-text", "cancel-button-text", "active-text", "inactive-text", "empty-text", "no-data-text",
  "no-match-text", "loading-text", "start-placeholder", "end-placeholder", "range-separator", "sub-title",
  "prefix", "suffix", "header", "message", "button-text", "ok-text", "cancel-text", "value-on", "value-off",
]);

function walkFiles(dir, out = []) {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === "node_modules" || e.name.startsWith(".")) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walkFiles(p, out);
    else if (/\.(vue|ts)$/.test(e.name) && !/\.d\.ts$/.test(e.name)) out.push(p);
  }
  return out;
}

function lineAt(text, index) {
  let line = 1;
  for (let i = 0; i < index && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function flatten(obj, prefix = "", out = new Map()) {
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === "object") flatten(v, key, out);
    else out.set(key, v);
  }
  return out;
}

// ---- (a) templates ----
function checkTemplate(ast, file, problems) {
  const visit = (node) => {
    if (node.type === NodeTypes.TEXT) {
      const text = node.content;
      if (LETTER.test(text)) {
        const lead = text.length - text.trimStart().length;
        const line = node.loc.start.line + (text.slice(0, lead).match(/\n/g) || []).length;
        problems.push({ file, line, message: `literal text in template: "${text.trim().slice(0, 40)}"` });
      }
    } else if (node.type === NodeTypes.INTERPOLATION) {
      const exp = node.content?.content ?? "";
      if (CJK.test(exp)) problems.push({ file, line: node.loc.start.line, message: `CJK literal in template expression: ${exp.trim().slice(0, 40)}` });
    }
    if (node.type === NodeTypes.ELEMENT) {
      for (const p of node.props) {
        if (p.type === NodeTypes.ATTRIBUTE) {
          const v = p.value?.content ?? "";
          if ((USER_ATTRS.has(p.name) && LETTER.test(v)) || CJK.test(v)) {
            problems.push({ file, line: p.loc.start.line, message: `literal attribute ${p.name}="${v.slice(0, 40)}"` });
          }
        } else if (p.type === NodeTypes.DIRECTIVE) {
          const exp = p.exp?.content ?? "";
          if (CJK.test(exp)) problems.push({ file, line: p.loc.start.line, message: `CJK literal in template expression: ${exp.trim().slice(0, 40)}` });
        }
      }
    }
    for (const c of node.children ?? []) visit(c);
  };
  visit(ast);
}

// ---- (b) script code ----
function checkScript(code, file, lineOffset, problems) {
  const sf = ts.createSourceFile(file, code, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const visit = (node) => {
    if (
      ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node) ||
      ts.isTemplateHead(node) || ts.isTemplateMiddle(node) || ts.isTemplateTail(node)
    ) {
      if (CJK.test(node.text)) {
        const { line } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
        problems.push({ file, line: lineOffset + line + 1, message: `CJK string literal in code: "${node.text.slice(0, 40)}"` });
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
}

// ---- (d) keys used ----
const T_CALL = /(?:^|[^\w$])\$?t[ce]?\(\s*(?:(['"])([^'"\n]+?)\1|`([^`$\n]*)(\$\{)?[^`\n]*`)/g;
function checkKeys(text, file, catalogues, problems) {
  for (const m of text.matchAll(T_CALL)) {
    const line = lineAt(text, m.index);
    if (m[2] !== undefined) {
      for (const [name, keys] of catalogues) {
        if (!keys.has(m[2])) problems.push({ file, line, message: `key "${m[2]}" missing from ${name}` });
      }
    } else if (m[3] !== undefined) {
      const prefix = m[3];
      const dynamic = m[4] !== undefined;
      for (const [name, keys] of catalogues) {
        const ok = dynamic ? [...keys.keys()].some((k) => k.startsWith(prefix)) : keys.has(prefix);
        if (!ok) problems.push({ file, line, message: dynamic ? `no key starting with "${prefix}" in ${name}` : `key "${prefix}" missing from ${name}` });
      }
    }
  }
}

/**
 * Check a UI tree. `root` holds `src/`; catalogues are `src/i18n/*.json`.
 * Returns problems as {file (relative to root), line, message}.
 */
export function checkI18n(root, { srcDir = "src", i18nDir = "src/i18n" } = {}) {
  const problems = [];
  const abs = (p) => path.resolve(root, p);
  const rel = (p) => path.relative(root, p);
  const i18nAbs = abs(i18nDir);

  // (c) catalogue parity
  const catalogues = new Map();
  for (const f of fs.readdirSync(i18nAbs).filter((f) => f.endsWith(".json")).sort()) {
    catalogues.set(f, flatten(JSON.parse(fs.readFileSync(path.join(i18nAbs, f), "utf8"))));
  }
  for (const [a, ka] of catalogues) {
    for (const [b, kb] of catalogues) {
      if (a === b) continue;
      const text = fs.readFileSync(path.join(i18nAbs, b), "utf8");
      for (const k of ka.keys()) {
        if (!kb.has(k)) {
          const leaf = k.split(".").pop();
          const idx = text.indexOf(`"${leaf}"`);
          problems.push({ file: rel(path.join(i18nAbs, b)), line: idx >= 0 ? lineAt(text, idx) : 1, message: `key "${k}" is in ${a} but missing here` });
        }
      }
    }
  }

  for (const file of walkFiles(abs(srcDir))) {
    const text = fs.readFileSync(file, "utf8");
    const r = rel(file);
    const inI18n = file.startsWith(i18nAbs + path.sep);
    const isTest = /\.test\.ts$/.test(file);
    if (file.endsWith(".vue")) {
      const { descriptor, errors } = parseSfc(text, { filename: file });
      if (errors.length) problems.push({ file: r, line: errors[0].loc?.start.line ?? 1, message: `cannot parse: ${errors[0].message}` });
      if (descriptor.template?.ast) checkTemplate(descriptor.template.ast, r, problems);
      for (const block of [descriptor.script, descriptor.scriptSetup]) {
        if (block) checkScript(block.content, r, block.loc.start.line - 1, problems);
      }
    } else if (!inI18n && !isTest) {
      checkScript(text, r, 0, problems);
    }
    if (!isTest) checkKeys(text, r, catalogues, problems);
  }
  return problems;
}

function main() {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const root = path.resolve(process.argv[2] ?? path.join(here, ".."));
  const problems = checkI18n(root);
  for (const p of problems) console.error(`${p.file}:${p.line}: ${p.message}`);
  if (problems.length) {
    console.error(`check-i18n: ${problems.length} problem(s)`);
    process.exit(1);
  }
  console.log("check-i18n: ok");
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
