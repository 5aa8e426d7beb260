import { describe, expect, it } from "vitest";
import { orderTouches, outcomeInput, recordedMessage, touchCounts } from "./touches";

const touch = (id: number, over: Partial<{ overdue_days: number; call_back: boolean; call_back_at: string | null; channel: "call" | "message" | "visit"; store_name: string }> = {}) => ({
  touch_id: id,
  overdue_days: 0,
  call_back: false,
  call_back_at: null,
  channel: "call" as const,
  store_name: "店",
  ...over,
});

describe("outcomeInput", () => {
  it("fills the record call with nulls for what was not given", () => {
    expect(outcomeInput({ touch_id: 7 }, "reached")).toEqual({ id: 7, outcome: "reached", note: "", decline_reason: "", call_back_date: null, call_back_time: null, staff_id: null });
  });
  it("keeps a declined reason (trimmed) and a call-back date and time, and the station's staff", () => {
    expect(outcomeInput({ touch_id: 1 }, "declined", { decline_reason: "  没时间 " }, 4)).toMatchObject({ decline_reason: "没时间", staff_id: 4 });
    expect(outcomeInput({ touch_id: 1 }, "call_back", { call_back_date: "2026-11-23", call_back_time: "" })).toMatchObject({ call_back_date: "2026-11-23", call_back_time: null });
  });
});

describe("orderTouches", () => {
  it("puts the most overdue first, then call-backs by time, then calls before messages, then stores", () => {
    const list = [
      touch(1, { channel: "message", store_name: "B" }),
      touch(2, { overdue_days: 2 }),
      touch(3, { call_back: true, call_back_at: "15:00" }),
      touch(4, { call_back: true, call_back_at: "10:00" }),
      touch(5, { channel: "call", store_name: "Z" }),
      touch(6, { overdue_days: 1, channel: "message" }),
    ];
    expect(orderTouches(list).map((x) => x.touch_id)).toEqual([2, 6, 4, 3, 5, 1]);
  });
  it("does not change the list it is given", () => {
    const list = [touch(2, { store_name: "B" }), touch(1, { store_name: "A" })];
    orderTouches(list);
    expect(list.map((x) => x.touch_id)).toEqual([2, 1]);
  });
});

describe("touchCounts", () => {
  it("counts open, overdue and done, and the share done", () => {
    expect(touchCounts([{ overdue_days: 0 }, { overdue_days: 3 }, { overdue_days: 0 }], 1)).toEqual({ open: 3, overdue: 1, done: 1, percent: 25 });
  });
  it("is 0% with nothing at all and 100% with everything done", () => {
    expect(touchCounts([], 0).percent).toBe(0);
    expect(touchCounts([], 5).percent).toBe(100);
  });
});

describe("recordedMessage", () => {
  it("says tickets went out, a missed call comes back tomorrow, or just saved", () => {
    expect(recordedMessage("confirmed", { tickets: ["A", "B"], call_back_touch_id: null })).toEqual(["invite.today.ticketsIssued", { n: 2 }]);
    expect(recordedMessage("no_answer", { tickets: [], call_back_touch_id: 7 })).toEqual(["invite.today.retryTomorrow", {}]);
    expect(recordedMessage("no_answer", { tickets: [], call_back_touch_id: null })).toEqual(["invite.today.saved", {}]);
  });
});
