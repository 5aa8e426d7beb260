import { onScopeDispose } from "vue";

/** An async task run one at a time: a call while it runs gets the running one. */
export function oneAtATime<T>(fn: () => Promise<T>): () => Promise<T> {
  let running: Promise<T> | null = null;
  return () => (running ??= fn().finally(() => (running = null)));
}

/**
 * Timers and subscriptions owned by a component's lifetime. Everything started here stops when the
 * component goes, also what was started after an `await` in `onMounted`; once it is gone nothing starts.
 */
export interface Lifetime {
  readonly alive: boolean;
  /** Runs `fn` every `ms`; a tick is skipped while the previous run's promise is pending. */
  every(ms: number, fn: () => unknown): void;
  /** Runs `fn` once after `ms`. */
  after(ms: number, fn: () => unknown): void;
  /** Calls `stop` when the lifetime ends (at once if it already has). */
  onEnd(stop: () => void): void;
}

function createLifetime(): Lifetime & { end(): void } {
  let alive = true;
  const stops = new Set<() => void>();
  function onEnd(stop: () => void): void {
    if (alive) stops.add(stop);
    else stop();
  }
  return {
    get alive() {
      return alive;
    },
    every(ms, fn) {
      if (!alive) return;
      const tick = oneAtATime(async () => void (await fn()));
      const id = setInterval(() => void tick().catch(() => {}), ms);
      onEnd(() => clearInterval(id));
    },
    after(ms, fn) {
      if (!alive) return;
      const id = setTimeout(() => {
        stops.delete(stop);
        fn();
      }, ms);
      const stop = () => clearTimeout(id);
      onEnd(stop);
    },
    onEnd,
    end() {
      alive = false;
      for (const stop of stops) stop();
      stops.clear();
    },
  };
}

/** The lifetime of the calling component (or effect scope). */
export function useLifetime(): Lifetime {
  const life = createLifetime();
  onScopeDispose(life.end);
  return life;
}
