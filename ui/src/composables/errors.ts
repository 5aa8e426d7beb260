import { ElMessage } from "element-plus";
import { call, toApiError, type OpName } from "../api/client";
import type { OpTypes } from "../api/ops.gen";
import { i18n } from "../i18n";

/** The sentence a user reads for an error: the core's own message, or one from the catalogue when the core was not reached. */
export function errorMessage(e: unknown): string {
  const err = toApiError(e);
  const t = i18n.global.t;
  if (err.code === "network") return t("errors.network");
  if (err.code === "unauthorized") return t("errors.unauthorized");
  return err.message || t("errors.unknown");
}

/** Shows an error to the user as a toast. */
export function showError(e: unknown): void {
  ElMessage.error({ message: errorMessage(e), grouping: true });
}

/** Runs `work`; on failure shows the error and gives `undefined`. */
export async function attempt<T>(work: () => Promise<T>): Promise<T | undefined> {
  try {
    return await work();
  } catch (e) {
    showError(e);
    return undefined;
  }
}

/** Calls an operation; on failure shows the core's message and gives `undefined`. */
export function callOrShow<K extends OpName>(op: K, input: OpTypes[K]["input"]): Promise<OpTypes[K]["output"] | undefined> {
  return attempt(() => call(op, input));
}

/** Whether the user confirmed a message box (closing or cancelling it is a no). */
export async function confirmed(ask: Promise<unknown>): Promise<boolean> {
  try {
    await ask;
    return true;
  } catch {
    return false;
  }
}
