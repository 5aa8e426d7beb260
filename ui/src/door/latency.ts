// Scanner Enter → painted outcome, measured in the window: performance.now() at the Enter keydown to
// the next animation frame after the outcome rendered. The last 200 are kept for the e2e test.

declare global {
  interface Window {
    __scanLatencies?: number[];
  }
}

export const KEEP = 200;

/** Adds one measurement, keeping the last `KEEP`. */
export function record(list: number[], ms: number): number[] {
  list.push(ms);
  if (list.length > KEEP) list.splice(0, list.length - KEEP);
  return list;
}

/** Call after the outcome is in the DOM (after nextTick): the frame that paints it ends the measurement. */
export function measureFrom(t0: number): void {
  requestAnimationFrame(() => {
    const ms = performance.now() - t0;
    window.__scanLatencies = record(window.__scanLatencies ?? [], Math.round(ms * 10) / 10);
  });
}

/** Median and 95th percentile of a list (nearest rank). */
export function summary(list: number[]): { median: number; p95: number; n: number } {
  if (!list.length) return { median: NaN, p95: NaN, n: 0 };
  const s = [...list].sort((a, b) => a - b);
  const rank = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))];
  return { median: rank(0.5), p95: rank(0.95), n: s.length };
}
