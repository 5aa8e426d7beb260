import { describe, expect, it } from "vitest";
import type { CuePoint, Stage } from "../api/types.gen";
import { clock, locate, nextCue, timerState, totalLeftSeconds } from "./prompter";
import { renderMarkdown } from "./markdown";

const stage = (key: string, minutes: number): Stage => ({ key, kind: "custom", title: key, target_minutes: minutes, text: "", key_lines: [] });

describe("the stage timer", () => {
  it("turns amber at 80% of the target and red past it", () => {
    expect(timerState(0, 10)).toBe("ok");
    expect(timerState(479, 10)).toBe("ok");
    expect(timerState(480, 10)).toBe("amber");
    expect(timerState(600, 10)).toBe("amber");
    expect(timerState(601, 10)).toBe("red");
  });
  it("counts the time left in the talk", () => {
    const stages = [stage("a", 10), stage("b", 20), stage("c", 5)];
    expect(totalLeftSeconds(stages, -1, 0)).toBe(35 * 60);
    expect(totalLeftSeconds(stages, 1, 300)).toBe(15 * 60 + 5 * 60);
    expect(totalLeftSeconds(stages, 2, 900)).toBe(0);
  });
  it("formats clocks", () => {
    expect(clock(75)).toBe("1:15");
    expect(clock(3725)).toBe("1:02:05");
    expect(clock(-30)).toBe("-0:30");
  });
});

describe("positions", () => {
  it("finds the stage and marker at the reading line", () => {
    const tops = [0, 1000, 2500];
    const marks = [[200, 600], [1300], []];
    expect(locate(tops, marks, 100)).toEqual({ stage: 0, step: 0 });
    expect(locate(tops, marks, 650)).toEqual({ stage: 0, step: 2 });
    expect(locate(tops, marks, 1000)).toEqual({ stage: 1, step: 0 });
    expect(locate(tops, marks, 1400)).toEqual({ stage: 1, step: 1 });
    expect(locate(tops, marks, 9000)).toEqual({ stage: 2, step: 0 });
  });
  it("shows the next cue ahead", () => {
    const cue = { stage: "b", step: 1, action: "slide" as const, file: "", volume: 0, fade_seconds: 0, tier: 0, note: "p5" };
    const schedule: CuePoint[] = [
      { stage_index: 0, stage_key: "a", step: 0, cues: [], music: null, revealed_tiers: 0 },
      { stage_index: 1, stage_key: "b", step: 0, cues: [], music: null, revealed_tiers: 0 },
      { stage_index: 1, stage_key: "b", step: 1, cues: [cue], music: null, revealed_tiers: 0 },
    ];
    expect(nextCue(schedule, 0, 0)?.cue.note).toBe("p5");
    expect(nextCue(schedule, 1, 1)).toBeNull();
  });
});

describe("markdown", () => {
  it("numbers the headings as markers and escapes HTML", () => {
    const html = renderMarkdown("intro <b>x</b>\n## 一\n**重点**\n\n- a\n- b\n# 二");
    expect(html).toContain("intro &lt;b&gt;x&lt;/b&gt;");
    expect(html).toContain('<h3 class="marker" data-marker="1">一</h3>');
    expect(html).toContain('<h3 class="marker" data-marker="2">二</h3>');
    expect(html).toContain("<strong>重点</strong>");
    expect(html).toContain("<ul><li>a</li><li>b</li></ul>");
  });
});
