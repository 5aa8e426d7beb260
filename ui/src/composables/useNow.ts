import { ref } from "vue";
import { useLifetime } from "./useLifetime";

/** The time, ticking every `ms` while the component lives (stage timers, "seen 5 s ago"). */
export function useNow(ms: number) {
  const now = ref(Date.now());
  useLifetime().every(ms, () => (now.value = Date.now()));
  return now;
}
