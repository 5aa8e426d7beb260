import { ref } from "vue";
import { call } from "../api/client";
import type { SyncStatus } from "../api/types.gen";

/**
 * Where this laptop stands with head office, shared by the sidebar and 总部同步. `sync.status`
 * reads the laptop's own SQLite file only (no network), so refreshing it is cheap.
 */
export const syncStatus = ref<SyncStatus | null>(null);

/** Reads the status again; a failure keeps the last one (the sidebar never shows an error toast). */
export async function refreshSyncStatus(): Promise<SyncStatus | null> {
  try {
    syncStatus.value = await call("sync.status", {});
  } catch {
    // The status is a hint in the sidebar: the page itself says what went wrong.
  }
  return syncStatus.value;
}

/** "just now", "5 minutes ago", … as catalogue keys with their count. */
export function ago(ts: string, now: number): { key: string; n: number } {
  const ms = now - new Date(ts).getTime();
  const min = Math.floor(ms / 60_000);
  if (!Number.isFinite(min) || min < 1) return { key: "sync.side.justNow", n: 0 };
  if (min < 60) return { key: "sync.side.minutesAgo", n: min };
  const h = Math.floor(min / 60);
  if (h < 24) return { key: "sync.side.hoursAgo", n: h };
  return { key: "sync.side.daysAgo", n: Math.floor(h / 24) };
}
