import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { effectScope } from "vue";
import { oneAtATime, useLifetime } from "./useLifetime";

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("useLifetime", () => {
  it("stops a timer started after an await once the component is gone", async () => {
    const scope = effectScope();
    const life = scope.run(() => useLifetime())!;
    let ticks = 0;
    const mounted = (async () => {
      await Promise.resolve(); // the page's load
      life.every(1000, () => ticks++);
    })();
    scope.stop(); // the page closes during the load
    await mounted;
    vi.advanceTimersByTime(5000);
    expect(ticks).toBe(0);
  });

  it("clears its timers and subscriptions when it ends", () => {
    const scope = effectScope();
    const life = scope.run(() => useLifetime())!;
    let ticks = 0;
    let once = 0;
    const unsubscribed = vi.fn();
    life.every(1000, () => ticks++);
    life.after(1500, () => once++);
    life.onEnd(unsubscribed);
    vi.advanceTimersByTime(1000);
    scope.stop();
    vi.advanceTimersByTime(5000);
    expect(ticks).toBe(1);
    expect(once).toBe(0);
    expect(unsubscribed).toHaveBeenCalledOnce();
    life.onEnd(unsubscribed);
    expect(unsubscribed).toHaveBeenCalledTimes(2);
  });

  it("does not overlap a slow run with the next tick", async () => {
    const scope = effectScope();
    const life = scope.run(() => useLifetime())!;
    let running = 0;
    let most = 0;
    let runs = 0;
    life.every(2500, async () => {
      runs++;
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 6000)); // a slow upload
      running--;
    });
    await vi.advanceTimersByTimeAsync(12_000);
    expect(most).toBe(1);
    expect(runs).toBeLessThan(4);
    scope.stop();
  });
});

describe("oneAtATime", () => {
  it("gives a call made while running the running promise", async () => {
    let calls = 0;
    const run = oneAtATime(async () => ++calls);
    const [a, b] = await Promise.all([run(), run()]);
    expect([a, b, calls]).toEqual([1, 1, 1]);
    expect(await run()).toBe(2);
  });
});
