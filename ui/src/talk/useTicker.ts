import { ref, type Ref } from "vue";
import type { Ticker } from "../api/types.gen";
import { useLifetime } from "../composables/useLifetime";

/**
 * The live sales ticker of the price stage, shared by the prompter and the lecturer's remote: read
 * every `ms` while the price stage runs. It is a help, not a must: a failed read keeps the last figures.
 */
export function useTicker(read: () => Promise<Ticker>, inPrice: Ref<boolean>, ms: number) {
  const ticker = ref<Ticker | null>(null);
  async function refresh(): Promise<void> {
    try {
      ticker.value = await read();
    } catch {
      /* keep the last figures */
    }
  }
  useLifetime().every(ms, () => inPrice.value && refresh());
  return { ticker, refresh };
}
