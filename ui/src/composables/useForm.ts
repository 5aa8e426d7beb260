import { getCurrentInstance, reactive, ref, useTemplateRef, watch, type Ref } from "vue";
import type { FormInstance } from "element-plus";
import { isApiError } from "../api/client";
import { showError } from "./errors";

export interface FormOptions<I extends object, E extends string> {
  /** An empty form. Its keys are the fields a server error may name. A form kept elsewhere (a draft) has none. */
  blank?: () => I;
  /** The dialog's visibility: the form is filled again each time it opens. */
  visible?: Ref<boolean>;
  /** What the form opens with (the record being edited), or null for a blank form. */
  values?: () => I | null;
  /** Fields the core may name that the form holds elsewhere (a step of a wizard, a whole list). */
  extra?: readonly E[];
  /** Runs after the form is filled on opening. */
  onOpen?: () => void;
}

/**
 * One form: its values, the Element Plus form it validates with, whether it is saving, and the core's
 * errors by field (`errors.name` under the field it names; an error naming no field of the form is a toast).
 * A form with rules binds `<el-form ref="formRef">`: saving validates it first.
 */
export function useForm<I extends object = Record<never, never>, const E extends string = never>(options: FormOptions<I, E>) {
  const blank = options.blank ?? (() => ({}) as I);
  const form = reactive(blank()) as I;
  // The template's `<el-form ref="formRef">`, when the form has one to validate with.
  const formRef = getCurrentInstance() ? useTemplateRef<FormInstance>("formRef") : ref<FormInstance>();
  const saving = ref(false);
  const fields = [...Object.keys(blank()), ...(options.extra ?? [])] as (keyof I | E)[];
  const errors = reactive({}) as Record<keyof I | E, string>;

  function clear(): void {
    for (const f of fields) errors[f] = "";
  }

  /** Shows a failed call: under its field when the form has it, else as a toast. */
  function apply(e: unknown): void {
    clear();
    if (isApiError(e) && e.field && (fields as string[]).includes(e.field)) errors[e.field as keyof I | E] = e.message;
    else showError(e);
  }

  function open(values: I | null = options.values?.() ?? null): void {
    clear();
    Object.assign(form, values ?? blank());
    formRef.value?.clearValidate();
    options.onOpen?.();
  }

  /** Validates the form, then runs `work`; a failure lands on the form. Says whether it was saved. */
  async function save(work: () => Promise<unknown>): Promise<boolean> {
    clear();
    if (formRef.value && !(await formRef.value.validate().catch(() => false))) return false;
    saving.value = true;
    try {
      await work();
      return true;
    } catch (e) {
      apply(e);
      return false;
    } finally {
      saving.value = false;
    }
  }

  const visible = options.visible;
  if (visible) watch(visible, (shown) => { if (shown) open(); }, { immediate: true });
  else clear();

  return { form, saving, errors, open, save, apply, clear };
}
