// The prompter's rules, as pure functions: timer colours, time left, the next cue ahead, where the
// reading line is in the script.
import type { Cue, CuePoint, Stage } from "../api/types.gen";

export type TimerState = "ok" | "amber" | "red";

/** Amber from 80% of the stage's target, red past it. */
export function timerState(elapsedSeconds: number, targetMinutes: number): TimerState {
  const target = targetMinutes * 60;
  if (elapsedSeconds > target) return "red";
  if (elapsedSeconds >= target * 0.8) return "amber";
  return "ok";
}

/** Seconds left in the talk: the rest of the current stage (never below 0) and every later stage. */
export function totalLeftSeconds(stages: Stage[], current: number, elapsedSeconds: number): number {
  if (current < 0) return stages.reduce((n, s) => n + s.target_minutes * 60, 0);
  const rest = stages.slice(current + 1).reduce((n, s) => n + s.target_minutes * 60, 0);
  return rest + Math.max(0, (stages[current]?.target_minutes ?? 0) * 60 - elapsedSeconds);
}

/** 75 → "1:15", 3725 → "1:02:05", -30 → "-0:30". */
export function clock(seconds: number): string {
  const neg = seconds < 0;
  let s = Math.floor(Math.abs(seconds));
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  const sec = String(s % 60).padStart(2, "0");
  const body = h > 0 ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
  return neg ? `-${body}` : body;
}

/** The index of the schedule point at (stage, step), or -1. */
export function pointIndex(schedule: CuePoint[], stage: number, step: number): number {
  return schedule.findIndex((p) => p.stage_index === stage && p.step === step);
}

/** The next point after (stage, step) that fires cues, with them. */
export function nextCue(schedule: CuePoint[], stage: number, step: number): { point: CuePoint; cue: Cue } | null {
  for (const p of schedule) {
    if (p.stage_index < stage || (p.stage_index === stage && p.step <= step)) continue;
    if (p.cues.length) return { point: p, cue: p.cues[0] };
  }
  return null;
}

/**
 * Where the reading line is: the last stage whose top is at or above it, and in that stage the last
 * marker at or above it. `stageTops[i]` and `markerTops[i][k]` are offsets in the scrolled content.
 */
export function locate(stageTops: number[], markerTops: number[][], line: number): { stage: number; step: number } {
  let stage = 0;
  for (let i = 0; i < stageTops.length; i++) if (stageTops[i] <= line) stage = i;
  let step = 0;
  const marks = markerTops[stage] ?? [];
  for (let k = 0; k < marks.length; k++) if (marks[k] <= line) step = k + 1;
  return { stage, step };
}
