import { describe, expect, it } from "vitest";
import type { Contact, Staff } from "../api/types.gen";
import {
  bulkPlan,
  canMove,
  defaultGuestIds,
  filtersActive,
  inviterOptions,
  listQuery,
  nextStatuses,
  orderedGuests,
  skippedByReason,
} from "./invitationList";

const contact = (id: number, role: Contact["role"], erased = false): Contact => ({
  id, store_id: 1, name: `c${id}`, role, phone: null, phone_kind: null, opted_out: false, erased,
});

describe("nextStatuses", () => {
  it("follows the core's transition rules", () => {
    expect(nextStatuses({ status: "invited", arrived: false })).toEqual(["confirmed", "declined", "cancelled"]);
    expect(nextStatuses({ status: "confirmed", arrived: false })).toEqual(["invited", "declined", "cancelled"]);
    expect(nextStatuses({ status: "declined", arrived: false })).toEqual(["invited", "confirmed"]);
    expect(nextStatuses({ status: "cancelled", arrived: false })).toEqual(["invited", "confirmed"]);
  });
  it("offers nothing that undoes an arrival", () => {
    expect(nextStatuses({ status: "confirmed", arrived: true })).toEqual([]);
    expect(canMove({ status: "confirmed", arrived: true }, "cancelled")).toBe(false);
    expect(canMove({ status: "invited", arrived: true }, "confirmed")).toBe(true);
  });
});

describe("bulkPlan", () => {
  it("keeps only the rows that may move and counts the rest", () => {
    const rows = [
      { id: 1, status: "invited" as const, arrived: false },
      { id: 2, status: "confirmed" as const, arrived: false },
      { id: 3, status: "confirmed" as const, arrived: true },
      { id: 4, status: "cancelled" as const, arrived: false },
    ];
    expect(bulkPlan(rows, "confirmed")).toEqual({ ids: [1, 4], left: 2 });
    expect(bulkPlan(rows, "cancelled")).toEqual({ ids: [1, 2], left: 2 });
    expect(bulkPlan([], "cancelled")).toEqual({ ids: [], left: 0 });
  });
});

describe("defaultGuestIds", () => {
  it("invites the money-holder where there is one", () => {
    expect(defaultGuestIds([contact(1, "owner"), contact(2, "owner_spouse"), contact(3, "manager")])).toEqual([2]);
  });
  it("falls back to the owner, then the first contact, skipping erased people", () => {
    expect(defaultGuestIds([contact(1, "manager"), contact(2, "owner")])).toEqual([2]);
    expect(defaultGuestIds([contact(1, "owner_spouse", true), contact(3, "staff")])).toEqual([3]);
    expect(defaultGuestIds([contact(1, "owner", true)])).toEqual([]);
    expect(defaultGuestIds([])).toEqual([]);
  });
});

describe("inviterOptions", () => {
  it("lists active staff with the inviter role", () => {
    const s = (id: number, roles: Staff["roles"], active = true): Staff => ({ id, name: `s${id}`, phone: null, roles, active });
    expect(inviterOptions([s(1, ["inviter"]), s(2, ["assistant"]), s(3, ["inviter", "assistant"], false), s(4, ["organizer", "inviter"])]).map((x) => x.id)).toEqual([1, 4]);
  });
});

describe("listQuery", () => {
  it("sends empty filters as null and trims the search", () => {
    expect(listQuery(7, { status: "", inviterId: null, q: "  " })).toEqual({ seminar_id: 7, status: null, inviter_id: null, q: null });
    expect(listQuery(7, { status: "declined", inviterId: 3, q: " 5678 " })).toEqual({ seminar_id: 7, status: "declined", inviter_id: 3, q: "5678" });
    expect(filtersActive({ status: null, inviterId: null, q: " " })).toBe(false);
    expect(filtersActive({ status: null, inviterId: 2, q: "" })).toBe(true);
  });
});

describe("skippedByReason", () => {
  it("groups skipped stores by reason, already invited first", () => {
    const g = skippedByReason({
      skipped: [
        { store_id: 1, store_name: "A", reason: "no_contact", held_by: null },
        { store_id: 2, store_name: "B", reason: "already_invited", held_by: null },
        { store_id: 3, store_name: "C", reason: "no_contact", held_by: null },
        { store_id: 4, store_name: "D", reason: "held_by_other_laptop", held_by: "门店“D”已由“长沙”邀请…" },
      ],
    });
    expect(g.map((x) => [x.reason, x.stores.map((s) => s.store_name)])).toEqual([
      ["already_invited", ["B"]],
      ["held_by_other_laptop", ["D"]],
      ["no_contact", ["A", "C"]],
    ]);
    expect(skippedByReason({ skipped: [] })).toEqual([]);
  });
});

describe("orderedGuests", () => {
  it("puts the money-holder first", () => {
    const g = orderedGuests([{ name: "王", role: "owner" as const }, { name: "李", role: "owner_spouse" as const }]);
    expect(g.map((x) => x.name)).toEqual(["李", "王"]);
  });
});
