import { computed, ref, shallowRef } from "vue";
import { createI18n } from "vue-i18n";
import type { Language } from "element-plus/es/locale";
// Precompiled at build (vite.config.ts): the catalogue is code, not text for a runtime compiler.
import zhCN from "./zh-CN.json";
import elZhCn from "element-plus/es/locale/lang/zh-cn";
// Element Plus's English is its own default locale: in the entry chunk whatever we do (3.9 kB).
import elEn from "element-plus/es/locale/lang/en";
import { call, setClientLang, type Lang } from "../api/client";
import { settings } from "../composables/useSettings";

export type MessageSchema = typeof zhCN;

const LANG_KEY = "huixiao.lang";

function savedLang(): Lang {
  const saved = typeof localStorage !== "undefined" ? localStorage.getItem(LANG_KEY) : null;
  return saved === "en" || saved === "zh-CN" ? saved : "zh-CN";
}

// Chinese comes with the entry; the English catalogue only when English is chosen.
export const i18n = createI18n<[MessageSchema], Lang>({
  legacy: false,
  locale: "zh-CN",
  fallbackLocale: "zh-CN",
  messages: { "zh-CN": zhCN } as Record<Lang, MessageSchema>,
});

const lang = ref<Lang>("zh-CN");
/** Element Plus's own texts (date pickers, pagination, empty tables) in the current language. */
export const elementLocale = shallowRef<Language>(elZhCn);
const elementLocales: Record<Lang, Language> = { "zh-CN": elZhCn, en: elEn };
const loaded = new Set<Lang>(["zh-CN"]);

async function loadLang(l: Lang): Promise<void> {
  if (loaded.has(l)) return;
  const messages = await import("./en.json");
  i18n.global.setLocaleMessage(l, messages.default as unknown as MessageSchema);
  loaded.add(l);
}

function applyDocumentLang(l: Lang) {
  if (typeof document !== "undefined") document.documentElement.lang = l;
}

/** The current UI language (reactive). */
export const currentLang = computed(() => lang.value);

let wanted: Lang = "zh-CN";

/** Switch the UI (and API error messages) to `l` as soon as its catalogue is there (at once for
 *  Chinese, after loading English's the first time); localStorage keeps it for the next start. The last
 *  language asked for wins when two switches overlap. */
export async function applyLang(l: Lang): Promise<void> {
  wanted = l;
  setClientLang(l);
  if (typeof localStorage !== "undefined") localStorage.setItem(LANG_KEY, l);
  await loadLang(l);
  if (wanted !== l) return;
  lang.value = l;
  (i18n.global.locale as unknown as { value: Lang }).value = l;
  elementLocale.value = elementLocales[l];
  applyDocumentLang(l);
}

/** The language saved on this device, ready before the first render (Chinese needs no wait). */
export function startLang(): Promise<void> {
  const l = savedLang();
  wanted = l;
  setClientLang(l);
  applyDocumentLang("zh-CN");
  return l === "zh-CN" ? Promise.resolve() : applyLang(l);
}

/** Switch language and store it in the settings too. */
export async function changeLang(l: Lang): Promise<void> {
  await applyLang(l);
  const s = await call("settings.get", {});
  if (s.language !== l) {
    settings.value = await call("settings.update", { org_name: s.org_name, language: l, timezone: s.timezone });
  }
}
