// The lecturer remote's rules, as pure functions: where the talk stands in the stage log, and which
// stage a previous/next tap goes to.
import type { Stage, TalkState } from "../api/types.gen";

/** The index of the running stage in the script (-1 before the talk or when it is not in the script). */
export function runningIndex(stages: Pick<Stage, "key">[], state: Pick<TalkState, "current"> | null): number {
  if (!state?.current) return -1;
  return stages.findIndex((s) => s.key === state.current);
}

/** When the running stage started (ms since the epoch), or null. */
export function runningSince(state: Pick<TalkState, "current" | "log"> | null): number | null {
  if (!state?.current) return null;
  const run = [...state.log].reverse().find((r) => r.stage_key === state.current && r.ended_at === null);
  return run ? Date.parse(run.started_at) : null;
}

/** The stage a previous (-1) or next (+1) tap goes to; null at either end. Before the talk, next starts the first. */
export function stepTarget(count: number, current: number, delta: number): number | null {
  if (count === 0) return null;
  if (current < 0) return delta > 0 ? 0 : null;
  const next = current + delta;
  return next < 0 || next >= count ? null : next;
}
