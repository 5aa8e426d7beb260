// The rules of a deal form, shared by the assistant's phone (components/station/DealForm.vue) and the
// organizer's laptop (components/deals/DealDialog.vue): which products can be sold, the places left of
// a limited tier, the amount a tier fills in, what must be there before the core is asked, and how a
// deal's audit trail reads. Pure functions, so they are tested without a screen.
import { PAYMENT_METHODS } from "../api/rules.gen";
import type { Deal, DealChange, DealInput, FollowUpOutcome, Payment, PriceTier, Product } from "../api/types.gen";
import { fenToYuanText, parseYuan, times } from "../money";
import { formatMoney } from "../format";

/** The payment methods the core names (rules.gen.ts). */
export const METHODS = PAYMENT_METHODS;
export const PAYMENTS: Payment[] = ["deposit", "full", "promised"];
/** The fields a core error can name on a deal form: the input's, and a follow-up's deal as a whole. */
export const DEAL_FIELDS = ["store_id", "contact_id", "product_id", "tier_id", "quantity", "amount_fen", "payment", "method", "note", "reason", "deal"] as const satisfies readonly (keyof DealInput | "deal")[];
export type DealField = (typeof DEAL_FIELDS)[number];

export interface DealDraft {
  productId: number | null;
  tierId: number | null;
  quantity: number;
  /** Yuan as typed. */
  amount: string;
  payment: Payment;
  method: string;
  note: string;
  reason: string;
}

export function activeProducts(products: Product[]): Product[] {
  return products.filter((p) => p.active);
}

/** The product a fresh form starts on: the one already chosen if it is still sold, else the first. */
export function startProduct(active: Product[], current: number | null): number | null {
  if (current !== null && active.some((p) => p.id === current)) return current;
  return active[0]?.id ?? null;
}

export function blankDraft(active: Product[], current: number | null = null, payment: Payment = "deposit"): DealDraft {
  return { productId: startProduct(active, current), tierId: null, quantity: 1, amount: "", payment, method: "wechat", note: "", reason: "" };
}

/** Places of a tier used in a seminar: its deals not cancelled or refunded (as the core counts them). */
export function placesTaken(deals: Deal[], tierId: number): number {
  return deals.filter((d) => d.tier_id === tierId && d.state === "active").length;
}

/** Places left at a limited tier; null when the tier is unlimited. */
export function placesLeft(deals: Deal[], tier: Pick<PriceTier, "id" | "quota">): number | null {
  if (tier.quota === null) return null;
  return Math.max(0, tier.quota - placesTaken(deals, tier.id));
}

/** What choosing a tier writes into the amount box: its price times the quantity, in yuan. */
export function tierAmount(tier: Pick<PriceTier, "price_fen">, quantity: number): string {
  return fenToYuanText(times(tier.price_fen, quantity));
}

/** The payment a follow-up's outcome records: 成交 is paid in full, 定金 a deposit; the others record no deal. */
export function paymentForOutcome(outcome: FollowUpOutcome): Payment | null {
  return outcome === "closed" ? "full" : outcome === "deposit" ? "deposit" : null;
}

export type DraftCheck =
  | { ok: true; amountFen: number }
  | { ok: false; field: DealField; key: string };

/**
 * What the form checks before asking the core (which checks again, and alone knows quotas and
 * check-ins): a product, an amount written as yuan, and a reason when the store did not check in.
 * The amount's sign and range are the core's rules: its message lands on the amount field.
 */
export function checkDraft(d: DealDraft, { needsReason = false }: { needsReason?: boolean } = {}): DraftCheck {
  if (d.productId === null) return { ok: false, field: "product_id", key: "deal.pickProduct" };
  if (!Number.isInteger(d.quantity) || d.quantity < 1) return { ok: false, field: "quantity", key: "deals.quantityInvalid" };
  const fen = parseYuan(d.amount);
  if (fen === null) return { ok: false, field: "amount_fen", key: "deal.amountInvalid" };
  if (needsReason && !d.reason.trim()) return { ok: false, field: "reason", key: "deals.reasonRequired" };
  return { ok: true, amountFen: fen };
}

/** The deal as `deals.create` takes it. */
export function toDealInput(
  d: DealDraft,
  amountFen: number,
  who: { seminarId: number | null; storeId: number; contactId: number | null; assistantId: number | null },
): DealInput {
  return {
    seminar_id: who.seminarId,
    store_id: who.storeId,
    contact_id: who.contactId,
    product_id: d.productId as number,
    tier_id: d.tierId,
    quantity: d.quantity,
    amount_fen: amountFen,
    payment: d.payment,
    method: d.method,
    assistant_id: who.assistantId,
    note: d.note.trim(),
    reason: d.reason.trim(),
  };
}

/** The deal a follow-up's 成交 / 定金 carries (`followups.record`'s `deal`). */
export function toFollowUpDeal(d: DealDraft, amountFen: number) {
  return { product_id: d.productId as number, tier_id: d.tierId, quantity: d.quantity, amount_fen: amountFen, method: d.method, note: d.note.trim() };
}

type T = (key: string, named?: Record<string, unknown>) => string;

/** One value of the audit trail as a person reads it (fen as ¥, payment and method by name). */
export function changeValue(field: string, value: string, t: T): string {
  if (value === "") return t("common.none");
  switch (field) {
    case "amount_fen":
      return /^-?\d+$/.test(value) ? formatMoney(Number(value)) : value;
    case "payment":
      return (PAYMENTS as string[]).includes(value) ? t(`deal.payments.${value}`) : value;
    case "method":
      return (METHODS as readonly string[]).includes(value) ? t(`deal.methods.${value}`) : value;
    case "state": {
      // "refunded: the customer changed their mind"
      const m = /^(active|cancelled|refunded)(?::\s*(.*))?$/s.exec(value);
      if (!m) return value;
      const state = t(`deal.states.${m[1]}`);
      return m[2] ? t("deals.history.stateWithReason", { state, reason: m[2] }) : state;
    }
    default:
      return value;
  }
}

/** An audit entry as "field: old → new" parts; a creation ("deposit 12345") reads as payment and amount. */
export function describeChange(c: DealChange, t: T): { action: string; field: string; old: string; new: string } {
  const action = ["create", "update", "cancel", "refund"].includes(c.action) ? t(`deals.history.actions.${c.action}`) : c.action;
  if (c.action === "create") {
    const m = /^(\w+)\s+(-?\d+)$/.exec(c.new);
    const created = m ? `${changeValue("payment", m[1], t)} ${changeValue("amount_fen", m[2], t)}` : c.new;
    return { action, field: "", old: "", new: created };
  }
  const known = ["quantity", "amount_fen", "payment", "method", "note", "state"];
  const field = known.includes(c.field) ? t(`deals.history.fields.${c.field}`) : c.field;
  return { action, field, old: changeValue(c.field, c.old, t), new: changeValue(c.field, c.new, t) };
}
