// An offline check-in station: the roster it last synced, the scans it queued while the hub was out
// of reach, and the upload of that queue (each scan once, by its nonce).
import type { DoorGuest, ScanInput, ScanResult } from "../api/types.gen";
import { normalizeCode, looksLikeTicket, sha256Hex } from "./code";

/** One scan made without the hub. */
export interface QueuedScan {
  nonce: string;
  code: string | null;
  ticket_id: number | null;
  /** When the station scanned it (RFC 3339), so the organizer sees duplicates with their time. */
  station_at: string;
  companions: number;
}

/** Where the queue lives: IndexedDB on a station, memory in unit tests. */
export interface QueueStore {
  all(): Promise<QueuedScan[]>;
  put(scan: QueuedScan): Promise<void>;
  remove(nonces: string[]): Promise<void>;
}

export class MemoryQueue implements QueueStore {
  private items = new Map<string, QueuedScan>();
  async all() {
    return [...this.items.values()].sort((a, b) => a.station_at.localeCompare(b.station_at));
  }
  async put(scan: QueuedScan) {
    this.items.set(scan.nonce, scan);
  }
  async remove(nonces: string[]) {
    for (const n of nonces) this.items.delete(n);
  }
}

/** The provisional answer of an offline station; the hub has the last word when it syncs. */
export interface LocalVerdict {
  outcome: "checked_in" | "already_checked_in" | "invalid";
  guest: DoorGuest | null;
}

/**
 * Checks a scanned code against the roster: its SHA-256 must be one of the expected tickets'.
 * `checkedHere` holds the ticket ids this station checked in while offline (a second scan of the
 * same ticket is "already checked in", never queued twice).
 */
export async function verifyOffline(roster: DoorGuest[], raw: string, checkedHere: Set<number>): Promise<LocalVerdict> {
  const code = normalizeCode(raw);
  if (!looksLikeTicket(code)) return { outcome: "invalid", guest: null };
  const digest = await sha256Hex(code);
  const guest = roster.find((g) => g.code_sha256 === digest) ?? null;
  return verdictFor(guest, checkedHere);
}

/** The verdict for a guest found by search (by ticket id). */
export function verdictFor(guest: DoorGuest | null, checkedHere: Set<number>): LocalVerdict {
  if (!guest) return { outcome: "invalid", guest: null };
  if (guest.checkin_id !== null || checkedHere.has(guest.ticket_id)) return { outcome: "already_checked_in", guest };
  return { outcome: "checked_in", guest };
}

/** A guest search over the cached roster: name, store, or the phone's last 4 digits. */
export function searchRoster(roster: DoorGuest[], q: string): DoorGuest[] {
  const s = q.trim().toLowerCase();
  if (!s) return [];
  return roster
    .filter((g) => (g.guest ?? "").toLowerCase().includes(s) || g.store.toLowerCase().includes(s) || (/^\d{4}$/.test(s) && g.phone_last4 === s))
    .slice(0, 20);
}

/** The queued scans as the hub's `checkins.sync` takes them. */
export function toSyncScans(seminarId: number, queued: QueuedScan[]): ScanInput[] {
  return queued.map((q) => ({
    seminar_id: seminarId,
    code: q.code,
    ticket_id: q.ticket_id,
    nonce: q.nonce,
    via: "offline",
    companions: q.companions,
    station_at: q.station_at,
  }));
}

/**
 * Uploads the queue. On success the uploaded scans leave the queue (the hub counts each nonce once,
 * so an upload cut off half-way can be sent again safely). A failure leaves the queue as it was and
 * is thrown to the caller.
 */
export async function flushQueue(
  store: QueueStore,
  seminarId: number,
  send: (scans: ScanInput[]) => Promise<ScanResult[]>,
): Promise<ScanResult[]> {
  const queued = await store.all();
  if (!queued.length) return [];
  const results = await send(toSyncScans(seminarId, queued));
  await store.remove(queued.map((q) => q.nonce));
  return results;
}

// ---- IndexedDB ----

const DB_NAME = "huixiao-station";
const QUEUE = "queue";
const ROSTER = "roster";

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains(QUEUE)) db.createObjectStore(QUEUE, { keyPath: "nonce" });
      if (!db.objectStoreNames.contains(ROSTER)) db.createObjectStore(ROSTER);
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function done<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** The queue in IndexedDB: it survives a reload of the station page. */
export class IdbQueue implements QueueStore {
  private db: Promise<IDBDatabase> | null = null;
  private get conn() {
    this.db ??= openDb();
    return this.db;
  }
  async all(): Promise<QueuedScan[]> {
    const db = await this.conn;
    const items = await done(db.transaction(QUEUE).objectStore(QUEUE).getAll() as IDBRequest<QueuedScan[]>);
    return items.sort((a, b) => a.station_at.localeCompare(b.station_at));
  }
  async put(scan: QueuedScan): Promise<void> {
    const db = await this.conn;
    await done(db.transaction(QUEUE, "readwrite").objectStore(QUEUE).put(scan));
  }
  async remove(nonces: string[]): Promise<void> {
    const db = await this.conn;
    const tx = db.transaction(QUEUE, "readwrite");
    for (const n of nonces) tx.objectStore(QUEUE).delete(n);
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
  }
  async saveRoster(seminarId: number, guests: DoorGuest[]): Promise<void> {
    const db = await this.conn;
    await done(db.transaction(ROSTER, "readwrite").objectStore(ROSTER).put(guests, seminarId));
  }
  async loadRoster(seminarId: number): Promise<DoorGuest[] | null> {
    const db = await this.conn;
    return ((await done(db.transaction(ROSTER).objectStore(ROSTER).get(seminarId))) as DoorGuest[] | undefined) ?? null;
  }
}
