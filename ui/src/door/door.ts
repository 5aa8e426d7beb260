// What a check-in screen needs from the hub. The organizer's window calls the core directly; a
// station goes over the LAN and falls back to its offline roster.
import type { DoorGuest, ScanResult, Via, WalkInInput } from "../api/types.gen";
import { call } from "../api/client";

export type DoorOutcome = ScanResult & { provisional?: boolean; undone?: boolean };
export type WalkInForm = Omit<WalkInInput, "seminar_id" | "nonce" | "inviter_id">;

export interface ScanRequest {
  code: string | null;
  ticket_id: number | null;
  via: Via;
  nonce: string;
  companions?: number;
}

export interface Door {
  scan(req: ScanRequest): Promise<DoorOutcome>;
  search(q: string): Promise<DoorGuest[]>;
  walkIn(form: WalkInForm, nonce: string): Promise<DoorOutcome>;
  undo(checkinId: number): Promise<void>;
  companions(checkinId: number, n: number): Promise<void>;
}

/** The organizer's door: the core, through the one API client. */
export function organizerDoor(seminarId: number): Door {
  return {
    scan: (r) =>
      call("checkins.scan", { seminar_id: seminarId, code: r.code, ticket_id: r.ticket_id, nonce: r.nonce, via: r.via, companions: r.companions ?? 0, station_at: null }),
    search: (q) => call("checkins.search", { seminar_id: seminarId, q }),
    walkIn: (f, nonce) => call("checkins.walk_in", { ...f, seminar_id: seminarId, inviter_id: null, nonce }),
    undo: async (id) => {
      await call("checkins.undo", { id });
    },
    companions: async (id, n) => {
      await call("checkins.companions", { id, companions: n });
    },
  };
}
