import { reactive } from "vue";
import { isApiError } from "../api/client";
import { showError } from "./errors";

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
