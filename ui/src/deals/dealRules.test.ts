import { describe, expect, it } from "vitest";
import type { Deal, DealChange, Product } from "../api/types.gen";
import {
  activeProducts, blankDraft, checkDraft, describeChange, paymentForOutcome, placesLeft, placesTaken,
  startProduct, tierAmount, toDealInput, toFollowUpDeal,
} from "./dealRules";

const product = (id: number, active = true): Product => ({
  id,
  name: `P${id}`,
  description: "",
  active,
  tiers: [
    { id: id * 10 + 1, rank: 1, name: "原价", price_fen: 3980000, quota: null },
    { id: id * 10 + 2, rank: 2, name: "会场价", price_fen: 1980000, quota: null },
    { id: id * 10 + 3, rank: 3, name: "限量特惠", price_fen: 1280050, quota: 2 },
  ],
});
const deal = (tier_id: number | null, state: Deal["state"] = "active"): Deal => ({
  id: Math.random(), seminar_id: 1, store_id: 1, store_name: "S", contact_id: null, product_id: 1, tier_id, quantity: 1,
  amount_fen: 100, payment: "deposit", method: "wechat", state, closed: state === "active", assistant_id: null, note: "", reason: "", at: "",
});
// A stand-in for vue-i18n's t: the key and its values, so assertions read what was asked for.
const t = (key: string, named?: Record<string, unknown>) => (named ? `${key}(${Object.values(named).join("|")})` : key);

describe("products and tiers", () => {
  it("sells only active products and starts on the one chosen before if still sold", () => {
    const list = [product(1, false), product(2), product(3)];
    expect(activeProducts(list).map((p) => p.id)).toEqual([2, 3]);
    expect(startProduct(activeProducts(list), 3)).toBe(3);
    expect(startProduct(activeProducts(list), 1)).toBe(2);
    expect(startProduct([], null)).toBeNull();
    expect(blankDraft(activeProducts(list), null, "full")).toMatchObject({ productId: 2, tierId: null, quantity: 1, amount: "", payment: "full" });
  });
  it("counts the places of a limited tier as the core does: active deals only, unlimited is null", () => {
    const deals = [deal(13), deal(13, "cancelled"), deal(13, "refunded"), deal(12)];
    expect(placesTaken(deals, 13)).toBe(1);
    expect(placesLeft(deals, { id: 13, quota: 2 })).toBe(1);
    expect(placesLeft([...deals, deal(13), deal(13)], { id: 13, quota: 2 })).toBe(0);
    expect(placesLeft(deals, { id: 12, quota: null })).toBeNull();
  });
  it("fills the amount with the tier's price times the quantity, exactly", () => {
    expect(tierAmount({ price_fen: 1280050 }, 1)).toBe("12800.50");
    expect(tierAmount({ price_fen: 1999 }, 3)).toBe("59.97");
  });
});

describe("checkDraft", () => {
  const ok = { ...blankDraft([product(1)]), amount: "19800" };
  it("passes a complete draft with the amount in fen", () => {
    expect(checkDraft(ok)).toEqual({ ok: true, amountFen: 1980000 });
  });
  it("names the field at fault", () => {
    expect(checkDraft({ ...ok, productId: null })).toMatchObject({ ok: false, field: "product_id" });
    expect(checkDraft({ ...ok, amount: "19.999" })).toMatchObject({ ok: false, field: "amount_fen" });
    expect(checkDraft({ ...ok, amount: "" })).toMatchObject({ ok: false, field: "amount_fen" });
    expect(checkDraft({ ...ok, quantity: 0 })).toMatchObject({ ok: false, field: "quantity" });
  });
  it("leaves the sign of the amount to the core, whose message names the field", () => {
    expect(checkDraft({ ...ok, amount: "-5" })).toEqual({ ok: true, amountFen: -500 });
  });
  it("asks for a reason only when the store did not check in", () => {
    expect(checkDraft(ok, { needsReason: true })).toMatchObject({ ok: false, field: "reason" });
    expect(checkDraft({ ...ok, reason: "  " }, { needsReason: true })).toMatchObject({ ok: false, field: "reason" });
    expect(checkDraft({ ...ok, reason: "came later" }, { needsReason: true }).ok).toBe(true);
  });
});

describe("what is sent", () => {
  const d = { ...blankDraft([product(1)]), tierId: 12, quantity: 2, amount: "39600", note: " 老板娘付的 ", method: "alipay" };
  it("builds deals.create's input", () => {
    expect(toDealInput(d, 3960000, { seminarId: 7, storeId: 3, contactId: 9, assistantId: null })).toEqual({
      seminar_id: 7, store_id: 3, contact_id: 9, product_id: 1, tier_id: 12, quantity: 2, amount_fen: 3960000,
      payment: "deposit", method: "alipay", assistant_id: null, note: "老板娘付的", reason: "",
    });
  });
  it("builds a follow-up's deal, and 成交 pays in full, 定金 a deposit", () => {
    expect(toFollowUpDeal(d, 3960000)).toEqual({ product_id: 1, tier_id: 12, quantity: 2, amount_fen: 3960000, method: "alipay", note: "老板娘付的" });
    expect(paymentForOutcome("closed")).toBe("full");
    expect(paymentForOutcome("deposit")).toBe("deposit");
    expect(paymentForOutcome("thinking")).toBeNull();
    expect(paymentForOutcome("lost")).toBeNull();
  });
});

describe("describeChange", () => {
  const c = (action: string, field: string, old: string, nw: string): DealChange => ({ at: "", actor: "admin", action, field, old, new: nw });
  it("reads a creation as payment and amount", () => {
    expect(describeChange(c("create", "", "", "deposit 1980000"), t)).toEqual({ action: "deals.history.actions.create", field: "", old: "", new: "deal.payments.deposit ¥19,800.00" });
  });
  it("shows amounts in ¥ and payments by name, old → new", () => {
    expect(describeChange(c("update", "amount_fen", "1980000", "1880000"), t)).toMatchObject({ field: "deals.history.fields.amount_fen", old: "¥19,800.00", new: "¥18,800.00" });
    expect(describeChange(c("update", "payment", "deposit", "full"), t)).toMatchObject({ old: "deal.payments.deposit", new: "deal.payments.full" });
  });
  it("shows a refund's state with its reason", () => {
    expect(describeChange(c("refund", "state", "active", "refunded: 客户改主意"), t)).toMatchObject({
      action: "deals.history.actions.refund",
      old: "deal.states.active",
      new: "deals.history.stateWithReason(deal.states.refunded|客户改主意)",
    });
  });
  it("keeps what it does not know as it is", () => {
    expect(describeChange(c("merge", "colour", "", "red"), t)).toMatchObject({ action: "merge", field: "colour", old: "common.none", new: "red" });
  });
});
