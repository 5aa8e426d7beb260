// Today's touches, as pure functions: the outcome call's input, the order of the list and the counts
// the inviter's station shows at the top.
import type { Outcome, TodayTouch, TouchOutcome, TouchRecorded } from "../api/types.gen";

export type OutcomeExtra = Partial<{ decline_reason: string; call_back_date: string; call_back_time: string }>;

/** The `touches.record` input for an outcome (empty strings become "not given"). */
export function outcomeInput(touch: Pick<TodayTouch, "touch_id">, outcome: Outcome, extra: OutcomeExtra = {}, staffId: number | null = null): TouchOutcome {
  return {
    id: touch.touch_id,
    outcome,
    note: "",
    decline_reason: (extra.decline_reason ?? "").trim(),
    call_back_date: extra.call_back_date || null,
    call_back_time: extra.call_back_time || null,
    staff_id: staffId,
  };
}

/** The catalogue key (and its parameters) of what to say once an outcome is recorded. */
export function recordedMessage(outcome: Outcome, r: Pick<TouchRecorded, "tickets" | "call_back_touch_id">): [string, Record<string, number>] {
  if (r.tickets.length) return ["invite.today.ticketsIssued", { n: r.tickets.length }];
  if (outcome === "no_answer" && r.call_back_touch_id !== null) return ["invite.today.retryTomorrow", {}];
  return ["invite.today.saved", {}];
}

/** Most overdue first, then call-backs at their time, then calls before messages, then by store. */
export function orderTouches<T extends Pick<TodayTouch, "overdue_days" | "call_back" | "call_back_at" | "channel" | "store_name" | "touch_id">>(touches: T[]): T[] {
  const channelRank = { call: 0, visit: 1, message: 2 } as const;
  return [...touches].sort(
    (a, b) =>
      b.overdue_days - a.overdue_days ||
      Number(b.call_back) - Number(a.call_back) ||
      (a.call_back_at ?? "99:99").localeCompare(b.call_back_at ?? "99:99") ||
      channelRank[a.channel] - channelRank[b.channel] ||
      a.store_name.localeCompare(b.store_name, "zh-CN") ||
      a.touch_id - b.touch_id,
  );
}

export interface TouchCounts {
  /** Still to do today, overdue ones included. */
  open: number;
  overdue: number;
  /** Recorded today on this device. */
  done: number;
  /** done / (done + open), 0–100. */
  percent: number;
}

export function touchCounts(touches: Pick<TodayTouch, "overdue_days">[], done: number): TouchCounts {
  const open = touches.length;
  const overdue = touches.filter((x) => x.overdue_days > 0).length;
  const total = open + done;
  return { open, overdue, done, percent: total ? Math.round((done / total) * 100) : 0 };
}
