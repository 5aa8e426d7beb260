import { ref } from "vue";
import { call } from "../api/client";
import type { Settings } from "../api/types.gen";

/** The organisation's settings as last read from the core (header, defaults for new seminars). */
export const settings = ref<Settings | null>(null);

export async function loadSettings(): Promise<Settings> {
  settings.value = await call("settings.get", {});
  return settings.value;
}
