import { onBeforeUnmount, onMounted } from "vue";

/** Runs `fn` now and every `ms` while the component lives (one call at a time). */
export function usePoll(fn: () => Promise<void>, ms: number): { now: () => Promise<void> } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let alive = true;
  let running: Promise<void> | null = null;
  const now = async () => {
    if (running) return running;
    running = fn().finally(() => {
      running = null;
    });
    return running;
  };
  const loop = async () => {
    await now().catch(() => {});
    if (alive) timer = setTimeout(loop, ms);
  };
  onMounted(() => void loop());
  onBeforeUnmount(() => {
    alive = false;
    clearTimeout(timer);
  });
  return { now };
}
