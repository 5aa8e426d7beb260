import { reactive } from "vue";
import { ElMessage } from "element-plus";
import { isApiError, toApiError } from "../api/client";
import { i18n } from "../i18n";

/** Show an API error to the user: as a toast. Network errors get a sentence from the catalogue. */
export function showError(e: unknown): void {
  const err = toApiError(e);
  const t = i18n.global.t;
  const msg = err.code === "network" ? t("errors.network") : err.code === "unauthorized" ? t("errors.unauthorized") : err.message || t("errors.unknown");
  ElMessage.error({ message: msg, grouping: true });
}

/**
 * Server errors for a form: `errors[field]` is shown under the field it names
 * (bind `:error="errors.title"` on ElFormItem); errors without a known field become a toast.
 */
export function useFormErrors<F extends string>(fields: readonly F[]) {
  const errors = reactive<Record<string, string>>({}) as Record<F, string>;
  function clear() {
    for (const f of fields) errors[f] = "";
  }
  function apply(e: unknown) {
    clear();
    if (isApiError(e) && e.field && (fields as readonly string[]).includes(e.field)) {
      errors[e.field as F] = e.message;
      return;
    }
    showError(e);
  }
  clear();
  return { errors, apply, clear };
}
