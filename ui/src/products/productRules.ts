// The product form's rules: one to three price tiers (三重报价: 原价 → 会场价 → 限量特惠), each priced
// in ¥ (sent as integer fen, parsed from the decimal string) with an optional quota.
import type { PriceTier, Product } from "../api/types.gen";
import { fenToYuanText, parseYuan } from "../money";

export const MAX_TIERS = 3;

/** A tier row as the form holds it: price and quota as typed. */
export interface TierRow {
  /** The tier's id when it already exists (it keeps it on save). */
  id: number | null;
  name: string;
  price: string;
  /** Places at this price; empty means unlimited. */
  quota: string;
}

export interface TierOut {
  id: number | null;
  name: string;
  price_fen: number;
  quota: number | null;
}

export type TiersCheck =
  | { ok: true; tiers: TierOut[] }
  | { ok: false; index: number | null; field: "tiers" | "name" | "price" | "quota"; key: string };

/** The rows a new product starts with: the classic three-step quote, names suggested, prices empty. */
export function newTierRows(names: string[]): TierRow[] {
  return names.slice(0, MAX_TIERS).map((name) => ({ id: null, name, price: "", quota: "" }));
}

/** An existing product's tiers as rows, in the order they are revealed. */
export function tierRows(p: Product): TierRow[] {
  return [...p.tiers]
    .sort((a, b) => a.rank - b.rank)
    .map((x) => ({ id: x.id, name: x.name, price: fenToYuanText(x.price_fen), quota: x.quota === null ? "" : String(x.quota) }));
}

/** A quota typed by a user: empty → unlimited (null); else a whole number of places from 1. */
export function parseQuota(text: string): number | null | undefined {
  const s = text.trim().replace(/[\uff10-\uff19]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
  if (s === "") return null;
  if (!/^\d{1,6}$/.test(s)) return undefined;
  const n = Number(s);
  return n >= 1 && n <= 100_000 ? n : undefined;
}

/** Checks the rows and turns them into what `products.create` / `products.update` take. */
export function checkTiers(rows: TierRow[]): TiersCheck {
  if (rows.length < 1 || rows.length > MAX_TIERS) return { ok: false, index: null, field: "tiers", key: "products.errors.tierCount" };
  const tiers: TierOut[] = [];
  for (const [index, r] of rows.entries()) {
    const name = r.name.trim();
    if (!name) return { ok: false, index, field: "name", key: "products.errors.tierName" };
    const price = parseYuan(r.price, { allowNegative: false });
    if (price === null) return { ok: false, index, field: "price", key: "products.errors.tierPrice" };
    const quota = parseQuota(r.quota);
    if (quota === undefined) return { ok: false, index, field: "quota", key: "products.errors.tierQuota" };
    tiers.push({ id: r.id, name, price_fen: price, quota });
  }
  return { ok: true, tiers };
}

/** The tiers of an existing product that a save would remove (the core refuses it if they have deals). */
export function removedTiers(before: PriceTier[], rows: TierRow[]): PriceTier[] {
  const kept = new Set(rows.map((r) => r.id).filter((id) => id !== null));
  return before.filter((x) => !kept.has(x.id));
}
