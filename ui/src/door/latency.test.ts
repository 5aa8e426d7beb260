import { describe, expect, it } from "vitest";
import { KEEP, record, summary } from "./latency";

describe("scan latencies", () => {
  it("keeps the last 200", () => {
    const list: number[] = [];
    for (let i = 0; i < 250; i++) record(list, i);
    expect(list).toHaveLength(KEEP);
    expect(list[0]).toBe(50);
  });
  it("median and p95 by nearest rank", () => {
    const list = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(summary(list)).toEqual({ median: 50, p95: 95, n: 100 });
    expect(summary([]).n).toBe(0);
  });
});
