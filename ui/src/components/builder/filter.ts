// The builder's filter as the screen holds it: every field present, empty ones null. The core takes
// the same fields (StoreFilter); a saved segment keeps only those that are set.
import type { StoreFilter } from "../../api/types.gen";

export const LEVELS = ["A", "B", "C"] as const;
export const STAGES = ["never_invited", "invited", "confirmed", "attended", "closed", "repurchase", "advocate"] as const;

export function emptyFilter(): StoreFilter {
  return {
    city: null,
    district: null,
    industry: null,
    level: null,
    score_min: null,
    score_max: null,
    stage: null,
    last_attended_before: null,
    never_invited: null,
    referred_by: null,
  };
}

/** Only the fields that are set (blank text and null dropped), as a segment saves them. */
export function cleanFilter(f: StoreFilter): Partial<StoreFilter> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(f)) {
    if (v === null || v === undefined) continue;
    if (typeof v === "string" && v.trim() === "") continue;
    out[k] = typeof v === "string" ? v.trim() : v;
  }
  return out as Partial<StoreFilter>;
}

/** A saved (partial) filter with every field present. */
export function fullFilter(f: Partial<StoreFilter>): StoreFilter {
  return { ...emptyFilter(), ...f };
}

export function sameFilter(a: StoreFilter, b: StoreFilter): boolean {
  const x = cleanFilter(a);
  const y = cleanFilter(b);
  const keys = new Set([...Object.keys(x), ...Object.keys(y)]);
  for (const k of keys) if ((x as Record<string, unknown>)[k] !== (y as Record<string, unknown>)[k]) return false;
  return true;
}
