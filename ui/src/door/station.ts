// A paired station's credentials (kept in localStorage on the device) and its calls to the hub.
import { ApiError, httpCall, getClientLang, type OpName } from "../api/client";
import type { OpTypes } from "../api/ops.gen";
import type { Event, Identity } from "../api/types.gen";

const KEY = "huixiao.station";

export interface StationAuth {
  token: string;
  identity: Identity;
}

export function loadStation(): StationAuth | null {
  try {
    const raw = localStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as StationAuth) : null;
  } catch {
    return null;
  }
}

export function saveStation(auth: StationAuth): void {
  localStorage.setItem(KEY, JSON.stringify(auth));
}

export function forgetStation(): void {
  localStorage.removeItem(KEY);
}

/** The page of a station's role. */
export function stationHome(role: Identity["role"]): string {
  return `/station/${role}`;
}

/** A call with the station's token (always HTTP: stations are browsers on the LAN). */
export function stationCall<K extends OpName>(op: K, input: OpTypes[K]["input"], token: string | null = loadStation()?.token ?? null): Promise<OpTypes[K]["output"]> {
  return httpCall(op, input, { fetch: fetchWithTimeout, baseUrl: "", token, lang: getClientLang() });
}

/** A dropped Wi-Fi can leave a request hanging: after this long the hub counts as out of reach. */
const TIMEOUT_MS = 5000;

function fetchWithTimeout(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const ctrl = new AbortController();
  const timer = setTimeout(() => ctrl.abort(), TIMEOUT_MS);
  return window.fetch(input, { ...init, signal: ctrl.signal }).finally(() => clearTimeout(timer));
}

/** Whether an error means the hub was not reached (Wi-Fi down, server off), not that it refused. */
export function isNetworkError(e: unknown): boolean {
  return e instanceof ApiError && e.code === "network";
}

/** Whether the hub refused the token (the station must pair again). */
export function isRefused(e: unknown): boolean {
  return e instanceof ApiError && e.code === "unauthorized";
}

/** What the push stream brings: the core's events (generated), or word that some were missed. */
export type PushEvent = Event | { type: "lagged" };

/**
 * Listens to the hub's push stream (`GET /api/events`, server-sent events with the bearer token, read
 * with fetch since EventSource cannot send a header). Reconnects after a drop; `lagged` and every
 * reconnection call `onEvent({type: "lagged"})` so the page re-reads what it shows. Returns a stop function.
 */
export function listen(token: string, onEvent: (e: PushEvent) => void, onState?: (connected: boolean, error?: ApiError) => void): () => void {
  let stopped = false;
  let ctrl: AbortController | null = null;
  const run = async () => {
    let first = true;
    while (!stopped) {
      ctrl = new AbortController();
      try {
        const res = await fetch("/api/events", {
          headers: { Authorization: `Bearer ${token}`, Accept: "text/event-stream", "Accept-Language": getClientLang() },
          signal: ctrl.signal,
        });
        if (!res.ok || !res.body) {
          let err: ApiError | undefined;
          try {
            const j = await res.json();
            err = new ApiError(j.code ?? "unauthorized", j.message ?? `HTTP ${res.status}`, j.field ?? null);
          } catch {
            err = new ApiError(res.status === 401 ? "unauthorized" : "internal", `HTTP ${res.status}`);
          }
          onState?.(false, err);
          if (res.status === 401 || res.status === 403) return;
          throw err;
        }
        onState?.(true);
        if (!first) onEvent({ type: "lagged" });
        first = false;
        const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
        let buf = "";
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buf += value;
          let i: number;
          while ((i = buf.indexOf("\n\n")) >= 0) {
            const block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            let event = "message";
            const data: string[] = [];
            for (const line of block.split("\n")) {
              if (line.startsWith("event:")) event = line.slice(6).trim();
              else if (line.startsWith("data:")) data.push(line.slice(5).trimStart());
            }
            if (event === "lagged") onEvent({ type: "lagged" });
            else if (data.length) {
              try {
                onEvent(JSON.parse(data.join("\n")) as PushEvent);
              } catch {
                /* not JSON: ignore */
              }
            }
          }
        }
      } catch {
        if (stopped) return;
        onState?.(false);
      }
      first = false;
      if (!stopped) await new Promise((r) => setTimeout(r, 1500));
    }
  };
  void run();
  return () => {
    stopped = true;
    ctrl?.abort();
  };
}

/** A short name of this device for the organizer's list ("Android · Chrome 120"). */
export function deviceName(ua: string = navigator.userAgent): string {
  const os = /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iOS" : /Windows/.test(ua) ? "Windows" : /Mac OS X/.test(ua) ? "macOS" : /Linux/.test(ua) ? "Linux" : "";
  const b = /MicroMessenger\/([\d.]+)/.exec(ua)
    ? `WeChat ${/MicroMessenger\/(\d+)/.exec(ua)![1]}`
    : /Edg\/(\d+)/.exec(ua)
      ? `Edge ${/Edg\/(\d+)/.exec(ua)![1]}`
      : /(?:Chrome|CriOS)\/(\d+)/.exec(ua)
        ? `Chrome ${/(?:Chrome|CriOS)\/(\d+)/.exec(ua)![1]}`
        : /Firefox\/(\d+)/.exec(ua)
          ? `Firefox ${/Firefox\/(\d+)/.exec(ua)![1]}`
          : /Version\/(\d+).*Safari/.exec(ua)
            ? `Safari ${/Version\/(\d+)/.exec(ua)![1]}`
            : "";
  return [os, b].filter(Boolean).join(" · ") || ua.slice(0, 60);
}
