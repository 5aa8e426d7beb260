// Display formatting. Pure functions of (value, language) so they can be unit-tested.
import type { Lang } from "./api/client";

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseDate(date: string): Date | null {
  const m = DATE_RE.exec(date);
  if (!m) return null;
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
}

/** A calendar date `YYYY-MM-DD`: zh → 2026年11月22日, en → Nov 22, 2026. Unparseable input is returned as is. */
export function formatDate(date: string | null | undefined, lang: Lang): string {
  if (!date) return "—";
  const d = parseDate(date);
  if (!d) return date;
  const locale = lang === "zh-CN" ? "zh-CN" : "en-US";
  return new Intl.DateTimeFormat(locale, { year: "numeric", month: lang === "zh-CN" ? "long" : "short", day: "numeric", timeZone: "UTC" }).format(d);
}

/** Compact date for tables and inputs: 2026-11-22 in every language. */
export function formatDateShort(date: string | null | undefined): string {
  return date ? date : "—";
}

/** Short weekday of a `YYYY-MM-DD`: zh → 周日, en → Sun. */
export function formatWeekday(date: string, lang: Lang): string {
  const d = parseDate(date);
  if (!d) return "";
  return new Intl.DateTimeFormat(lang === "zh-CN" ? "zh-CN" : "en-US", { weekday: "short", timeZone: "UTC" }).format(d);
}

/** An RFC 3339 timestamp in local time: 2026-11-22 14:30. */
export function formatDateTime(ts: string | null | undefined): string {
  if (!ts) return "—";
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return ts;
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** Integer fen → ¥1,234.50 (exact: integer arithmetic, no floating point). */
export function formatMoney(fen: number | null | undefined): string {
  if (fen === null || fen === undefined || !Number.isFinite(fen)) return "—";
  const neg = fen < 0;
  const abs = Math.abs(Math.trunc(fen));
  const yuan = Math.floor(abs / 100);
  const cents = abs % 100;
  const grouped = String(yuan).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${neg ? "-" : ""}¥${grouped}.${String(cents).padStart(2, "0")}`;
}

/** Yuan typed by a user → integer fen (see money.ts). */
export { parseYuan } from "./money";

/** A rate 0–1 → "62.5%"; null (denominator 0) → "—". */
export function formatRate(rate: number | null | undefined, digits = 1): string {
  if (rate === null || rate === undefined || !Number.isFinite(rate)) return "—";
  const pct = (rate * 100).toFixed(digits).replace(/\.0+$/, "");
  return `${pct}%`;
}


/** Mask a phone number for display: 138****1234. */
export function maskPhone(phone: string | null | undefined): string {
  if (!phone) return "—";
  const digits = phone.replace(/\s/g, "");
  if (digits.length < 7) return digits;
  return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
}

/** The venue-local date (YYYY-MM-DD) and time (HH:MM) of an RFC 3339 instant in an IANA time zone. */
function venueParts(ts: string, timeZone: string): { date: string; time: string } | null {
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return null;
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat("en-CA", {
      timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    }).formatToParts(d);
  } catch {
    return null; // an unknown time zone
  }
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? "";
  return { date: `${get("year")}-${get("month")}-${get("day")}`, time: `${get("hour")}:${get("minute")}` };
}

/**
 * An RFC 3339 instant as the venue's clock shows it: `14:03` on the seminar's own date
 * (`venueDate`), `2026-11-21 14:03` on another day. An unknown time zone falls back to this
 * computer's local time; never raw UTC.
 */
export function formatVenueTime(ts: string | null | undefined, timeZone: string, venueDate?: string | null): string {
  if (!ts) return "—";
  const p = venueParts(ts, timeZone);
  if (!p) return formatDateTime(ts);
  return venueDate && p.date === venueDate ? p.time : `${p.date} ${p.time}`;
}
