import { describe, expect, it, vi } from "vitest";
import type { DoorGuest } from "../api/types.gen";
import { MemoryQueue, flushQueue, searchRoster, toSyncScans, verdictFor, verifyOffline } from "./offline";
import { sha256Hex } from "./code";

const CODE = "0ZGSNS9ENTJ8GFMPP14ZJ3RBST";
const OTHER = "1RDFWBZVFN4VZDTJ04BFA733AB";

async function guest(over: Partial<DoorGuest> = {}): Promise<DoorGuest> {
  return {
    ticket_id: 1,
    code_sha256: await sha256Hex(CODE),
    guest: "陈学文",
    role: "owner",
    store: "青丝美发",
    phone_last4: "1234",
    table: 5,
    assistant: "彭小燕",
    inviter: null,
    walk_in: false,
    checkin_id: null,
    checked_in_at: null,
    station: null,
    ...over,
  };
}

describe("verifyOffline", () => {
  it("checks a code in when its SHA-256 is on the roster, whatever the case a scanner typed", async () => {
    const roster = [await guest()];
    const v = await verifyOffline(roster, CODE.toLowerCase(), new Set());
    expect(v.outcome).toBe("checked_in");
    expect(v.guest?.table).toBe(5);
  });
  it("says already checked in for a guest the hub or this station checked in", async () => {
    expect((await verifyOffline([await guest({ checkin_id: 9 })], CODE, new Set())).outcome).toBe("already_checked_in");
    expect((await verifyOffline([await guest()], CODE, new Set([1]))).outcome).toBe("already_checked_in");
  });
  it("refuses codes not on the roster and garbage", async () => {
    const roster = [await guest()];
    expect((await verifyOffline(roster, OTHER, new Set())).outcome).toBe("invalid");
    expect((await verifyOffline(roster, "https://example.com", new Set())).outcome).toBe("invalid");
    expect((await verifyOffline(roster, CODE.slice(0, 20), new Set())).outcome).toBe("invalid");
  });
  it("verdictFor a searched guest", async () => {
    expect(verdictFor(null, new Set()).outcome).toBe("invalid");
    expect(verdictFor(await guest(), new Set()).outcome).toBe("checked_in");
  });
});

describe("searchRoster", () => {
  it("finds by name, store or the phone's last 4 digits", async () => {
    const roster = [await guest(), await guest({ ticket_id: 2, guest: "王勇", store: "渔家饭庄", phone_last4: "5969" })];
    expect(searchRoster(roster, "王").map((g) => g.ticket_id)).toEqual([2]);
    expect(searchRoster(roster, "美发").map((g) => g.ticket_id)).toEqual([1]);
    expect(searchRoster(roster, "5969").map((g) => g.ticket_id)).toEqual([2]);
    expect(searchRoster(roster, " ")).toEqual([]);
  });
});

describe("the offline queue", () => {
  const scan = (nonce: string, at: string) => ({ nonce, code: CODE, ticket_id: null, station_at: at, companions: 0 });

  it("uploads every queued scan with its nonce and station time, then empties", async () => {
    const q = new MemoryQueue();
    await q.put(scan("b", "2026-11-22T06:01:00Z"));
    await q.put(scan("a", "2026-11-22T06:00:00Z"));
    const send = vi.fn(async (scans: unknown[]) => scans.map(() => ({}) as never));
    await flushQueue(q, 7, send);
    expect(send).toHaveBeenCalledOnce();
    const sent = send.mock.calls[0][0] as ReturnType<typeof toSyncScans>;
    expect(sent.map((s) => s.nonce)).toEqual(["a", "b"]);
    expect(sent.every((s) => s.via === "offline" && s.seminar_id === 7 && s.station_at)).toBe(true);
    expect(await q.all()).toEqual([]);
  });
  it("keeps the queue when the hub is still out of reach, so the same nonces go again later", async () => {
    const q = new MemoryQueue();
    await q.put(scan("a", "2026-11-22T06:00:00Z"));
    await expect(flushQueue(q, 7, async () => Promise.reject(new Error("offline")))).rejects.toThrow("offline");
    expect((await q.all()).map((s) => s.nonce)).toEqual(["a"]);
  });
  it("a scan put twice with its nonce is queued once", async () => {
    const q = new MemoryQueue();
    await q.put(scan("a", "2026-11-22T06:00:00Z"));
    await q.put(scan("a", "2026-11-22T06:00:00Z"));
    expect(await q.all()).toHaveLength(1);
  });
  it("sends nothing when nothing is queued", async () => {
    const send = vi.fn();
    expect(await flushQueue(new MemoryQueue(), 7, send)).toEqual([]);
    expect(send).not.toHaveBeenCalled();
  });
});
