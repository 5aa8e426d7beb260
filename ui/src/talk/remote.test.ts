import { describe, expect, it } from "vitest";
import { runningIndex, runningSince, stepTarget } from "./remote";

const run = (key: string, started: string, ended: string | null) => ({ id: 1, stage_key: key, kind: "custom" as const, title: key, target_minutes: 5, started_at: started, ended_at: ended, actual_seconds: null });

describe("runningIndex", () => {
  const stages = [{ key: "a" }, { key: "b" }, { key: "c" }];
  it("finds the running stage by its key", () => {
    expect(runningIndex(stages, { current: "b" })).toBe(1);
  });
  it("is -1 before the talk, or when the stage left the script", () => {
    expect(runningIndex(stages, { current: null })).toBe(-1);
    expect(runningIndex(stages, null)).toBe(-1);
    expect(runningIndex(stages, { current: "gone" })).toBe(-1);
  });
});

describe("runningSince", () => {
  it("takes the open run of the current stage, the latest one when a stage ran twice", () => {
    const log = [run("a", "2026-11-22T06:00:00Z", "2026-11-22T06:05:00Z"), run("b", "2026-11-22T06:05:00Z", "2026-11-22T06:06:00Z"), run("a", "2026-11-22T06:06:00Z", "2026-11-22T06:07:00Z"), run("b", "2026-11-22T06:07:00Z", null)];
    expect(runningSince({ current: "b", log })).toBe(Date.parse("2026-11-22T06:07:00Z"));
  });
  it("is null before the talk", () => {
    expect(runningSince({ current: null, log: [] })).toBeNull();
  });
});

describe("stepTarget", () => {
  it("moves one stage and stops at the ends", () => {
    expect(stepTarget(6, 2, 1)).toBe(3);
    expect(stepTarget(6, 2, -1)).toBe(1);
    expect(stepTarget(6, 5, 1)).toBeNull();
    expect(stepTarget(6, 0, -1)).toBeNull();
  });
  it("starts the first stage on next before the talk, and does nothing without stages", () => {
    expect(stepTarget(6, -1, 1)).toBe(0);
    expect(stepTarget(6, -1, -1)).toBeNull();
    expect(stepTarget(0, -1, 1)).toBeNull();
  });
});
