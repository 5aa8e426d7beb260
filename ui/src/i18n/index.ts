import { computed, ref } from "vue";
import { createI18n } from "vue-i18n";
import zhCN from "./zh-CN.json";
import en from "./en.json";
import { call, setClientLang, type Lang } from "../api/client";
import { settings } from "../composables/useSettings";

export type MessageSchema = typeof zhCN;

const LANG_KEY = "huixiao.lang";

function initialLang(): Lang {
  const saved = typeof localStorage !== "undefined" ? localStorage.getItem(LANG_KEY) : null;
  return saved === "en" || saved === "zh-CN" ? saved : "zh-CN";
}

export const i18n = createI18n<[MessageSchema], Lang>({
  legacy: false,
  locale: initialLang(),
  fallbackLocale: "zh-CN",
  messages: { "zh-CN": zhCN, en },
});

const lang = ref<Lang>(initialLang());
setClientLang(lang.value);
applyDocumentLang(lang.value);

function applyDocumentLang(l: Lang) {
  if (typeof document !== "undefined") document.documentElement.lang = l;
}

/** The current UI language (reactive). */
export const currentLang = computed(() => lang.value);

/** Switch the UI (and API error messages) to `l` now; localStorage keeps it for the next start. */
export function applyLang(l: Lang): void {
  lang.value = l;
  (i18n.global.locale as unknown as { value: Lang }).value = l;
  setClientLang(l);
  applyDocumentLang(l);
  localStorage.setItem(LANG_KEY, l);
}

/** Switch language and store it in the settings too. */
export async function changeLang(l: Lang): Promise<void> {
  applyLang(l);
  const s = await call("settings.get", {});
  if (s.language !== l) {
    settings.value = await call("settings.update", { org_name: s.org_name, language: l, timezone: s.timezone });
  }
}
