import { onMounted } from "vue";
import { oneAtATime, useLifetime } from "../composables/useLifetime";

/** Runs `fn` now and every `ms` while the component lives (one call at a time). */
export function usePoll(fn: () => Promise<void>, ms: number): { now: () => Promise<void> } {
  const life = useLifetime();
  const now = oneAtATime(fn);
  const loop = async () => {
    await now().catch(() => {});
    life.after(ms, loop);
  };
  onMounted(() => void loop());
  return { now };
}
