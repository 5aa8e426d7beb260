// The cadence editor's checks, as pure functions: the core's rules (the day range it generates into
// rules.gen.ts, only known variables in a message), found before saving and shown on the field.
import { CADENCE_OFFSET_DAYS } from "../api/rules.gen";
import type { Step } from "../api/types.gen";

export type StepProblem = { field: "offset_days" | "message"; key: string; params?: Record<string, string | number> };

/** The `{…}` variables a message uses that are not in `known`. */
export function unknownVariables(message: string, known: readonly string[]): string[] {
  const out: string[] = [];
  for (const m of message.matchAll(/\{[^{}]*\}/g)) if (!known.includes(m[0]) && !out.includes(m[0])) out.push(m[0]);
  return out;
}

/** The problems of each step, by index (empty when the step is fine). */
export function stepProblems(steps: Step[], known: readonly string[]): StepProblem[][] {
  return steps.map((s) => {
    const p: StepProblem[] = [];
    const { min, max } = CADENCE_OFFSET_DAYS;
    if (!Number.isInteger(s.offset_days) || s.offset_days < min || s.offset_days > max) p.push({ field: "offset_days", key: "invite.cadence.offsetRange" });
    const bad = unknownVariables(s.message, known);
    if (bad.length) p.push({ field: "message", key: "invite.cadence.unknownVariable", params: { var: bad.join(" "), list: known.join(" ") } });
    return p;
  });
}

/** "D-10", "D0", "D+3". */
export function dayLabel(offset: number): string {
  return offset > 0 ? `D+${offset}` : `D${offset === 0 ? "0" : offset}`;
}

/** Inserts `text` into `value` at `at` (a caret position; the end when absent), with the caret after it. */
export function insertAt(value: string, text: string, at?: number | null): { value: string; caret: number } {
  const i = at === undefined || at === null || at < 0 || at > value.length ? value.length : at;
  return { value: value.slice(0, i) + text + value.slice(i), caret: i + text.length };
}

/** A fresh step: a message the day before, with nothing filled in. */
export function newStep(): Step {
  return { offset_days: -1, kind: "custom", channel: "message", message: "", until_confirmed: false, with_ticket: false };
}
