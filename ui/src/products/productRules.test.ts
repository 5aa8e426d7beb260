import { describe, expect, it } from "vitest";
import type { Product } from "../api/types.gen";
import { checkTiers, newTierRows, parseQuota, removedTiers, tierRows } from "./productRules";

const product: Product = {
  id: 1, name: "会员系统", description: "", active: true,
  tiers: [
    { id: 12, rank: 2, name: "会场价", price_fen: 1980000, quota: null },
    { id: 11, rank: 1, name: "原价", price_fen: 3980000, quota: null },
    { id: 13, rank: 3, name: "限量特惠", price_fen: 1280050, quota: 20 },
  ],
};

describe("tier rows", () => {
  it("start a new product with the three-step quote's names", () => {
    expect(newTierRows(["原价", "会场价", "限量特惠", "extra"]).map((r) => r.name)).toEqual(["原价", "会场价", "限量特惠"]);
  });
  it("show an existing product's tiers in reveal order, prices in yuan, keeping their ids", () => {
    expect(tierRows(product)).toEqual([
      { id: 11, name: "原价", price: "39800", quota: "" },
      { id: 12, name: "会场价", price: "19800", quota: "" },
      { id: 13, name: "限量特惠", price: "12800.50", quota: "20" },
    ]);
  });
});

describe("parseQuota", () => {
  it("reads empty as unlimited and whole numbers as places", () => {
    expect(parseQuota("")).toBeNull();
    expect(parseQuota("  ")).toBeNull();
    expect(parseQuota("20")).toBe(20);
    expect(parseQuota("２０")).toBe(20);
  });
  it("refuses zero, fractions and words", () => {
    for (const bad of ["0", "1.5", "-3", "ten", "1000001"]) expect(parseQuota(bad), bad).toBeUndefined();
  });
});

describe("checkTiers", () => {
  it("turns rows into tiers with integer fen", () => {
    const rows = tierRows(product);
    rows[1].price = "18,800.5";
    expect(checkTiers(rows)).toEqual({
      ok: true,
      tiers: [
        { id: 11, name: "原价", price_fen: 3980000, quota: null },
        { id: 12, name: "会场价", price_fen: 1880050, quota: null },
        { id: 13, name: "限量特惠", price_fen: 1280050, quota: 20 },
      ],
    });
  });
  it("takes one to three tiers", () => {
    expect(checkTiers([])).toMatchObject({ ok: false, field: "tiers" });
    expect(checkTiers([...tierRows(product), { id: null, name: "x", price: "1", quota: "" }])).toMatchObject({ ok: false, field: "tiers" });
    expect(checkTiers([{ id: null, name: "原价", price: "100", quota: "" }]).ok).toBe(true);
  });
  it("names the row and the field at fault", () => {
    const rows = newTierRows(["原价", "会场价", "限量特惠"]);
    expect(checkTiers(rows)).toMatchObject({ ok: false, index: 0, field: "price" });
    rows.forEach((r) => (r.price = "100"));
    rows[1].name = " ";
    expect(checkTiers(rows)).toMatchObject({ ok: false, index: 1, field: "name" });
    rows[1].name = "会场价";
    rows[2].quota = "0";
    expect(checkTiers(rows)).toMatchObject({ ok: false, index: 2, field: "quota" });
    rows[2].price = "-1";
    rows[2].quota = "5";
    expect(checkTiers(rows)).toMatchObject({ ok: false, index: 2, field: "price" });
  });
});

describe("removedTiers", () => {
  it("lists the tiers a save would drop", () => {
    const rows = tierRows(product).slice(0, 2);
    expect(removedTiers(product.tiers, rows).map((x) => x.id)).toEqual([13]);
    expect(removedTiers(product.tiers, [...rows, { id: null, name: "新", price: "1", quota: "" }]).map((x) => x.id)).toEqual([13]);
  });
});
