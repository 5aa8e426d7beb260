// The one API client. Inside the Tauri window it talks IPC, in a browser it talks HTTP;
// callers cannot tell which.
import { invoke } from "@tauri-apps/api/core";
import { OPS, type OpTypes } from "./ops.gen";

export type OpName = keyof OpTypes;
export type Lang = "zh-CN" | "en";

/** Error thrown by every call: `message` is already in the user's language, `field` names the input field at fault. */
export class ApiError extends Error {
  readonly code: string;
  readonly field: string | null;
  constructor(code: string, message: string, field: string | null = null) {
    super(message);
    this.name = "ApiError";
    this.code = code;
    this.field = field;
  }
}

export function isApiError(e: unknown): e is ApiError {
  return e instanceof ApiError;
}

/** Turns whatever a transport rejected with into an ApiError. */
export function toApiError(raw: unknown, fallbackCode = "internal"): ApiError {
  if (raw instanceof ApiError) return raw;
  if (raw && typeof raw === "object") {
    const o = raw as Record<string, unknown>;
    if (typeof o.code === "string" && typeof o.message === "string") {
      return new ApiError(o.code, o.message, typeof o.field === "string" ? o.field : null);
    }
    if (raw instanceof Error) return new ApiError(fallbackCode, raw.message);
  }
  if (typeof raw === "string") {
    try {
      return toApiError(JSON.parse(raw), fallbackCode);
    } catch {
      return new ApiError(fallbackCode, raw);
    }
  }
  return new ApiError(fallbackCode, String(raw));
}

export interface HttpRequest {
  method: string;
  url: string;
  body: string | undefined;
}

/** Maps an operation and its input to an HTTP request, per docs/api-contract.md. */
export function buildRequest(op: OpName, input: object): HttpRequest {
  const spec = OPS[op] as { method: string; path: string };
  const rest: Record<string, unknown> = { ...(input as Record<string, unknown>) };
  const path = spec.path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const v = rest[name];
    if (v === undefined || v === null) throw new ApiError("validation", `missing path parameter ${name}`, name);
    delete rest[name];
    return encodeURIComponent(String(v));
  });
  if (spec.method === "GET" || spec.method === "DELETE") {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(rest)) {
      if (v === undefined || v === null) continue;
      if (Array.isArray(v)) v.forEach((x) => qs.append(k, String(x)));
      else qs.append(k, String(v));
    }
    const q = qs.toString();
    return { method: spec.method, url: q ? `${path}?${q}` : path, body: undefined };
  }
  return { method: spec.method, url: path, body: JSON.stringify(rest) };
}

export interface HttpOptions {
  fetch: typeof fetch;
  baseUrl: string;
  token: string | null;
  lang: Lang;
}

/**
 * The browser tests' journeys hear of every operation the UI calls (Playwright exposes this function
 * on the page), so CI can list the operations no screen reaches.
 */
function recordCall(op: OpName): void {
  const w = typeof window !== "undefined" ? (window as { __huixiaoRecordOp?: (op: string) => void }) : undefined;
  w?.__huixiaoRecordOp?.(op);
}

export async function httpCall<K extends OpName>(
  op: K,
  input: OpTypes[K]["input"],
  opts: HttpOptions,
): Promise<OpTypes[K]["output"]> {
  recordCall(op);
  const req = buildRequest(op, input as object);
  const headers: Record<string, string> = { Accept: "application/json", "Accept-Language": opts.lang };
  if (opts.token) headers.Authorization = `Bearer ${opts.token}`;
  if (req.body !== undefined) headers["Content-Type"] = "application/json";
  let res: Response;
  try {
    res = await opts.fetch(opts.baseUrl + req.url, { method: req.method, headers, body: req.body });
  } catch (e) {
    throw new ApiError("network", e instanceof Error ? e.message : String(e));
  }
  const text = await res.text();
  let data: unknown = undefined;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = text;
    }
  }
  if (!res.ok) {
    const fallback = res.status === 401 ? "unauthorized" : res.status === 403 ? "forbidden" : res.status === 404 ? "not_found" : "internal";
    if (data && typeof data === "object") throw toApiError(data, fallback);
    throw new ApiError(fallback, typeof data === "string" && data ? data : `HTTP ${res.status}`);
  }
  return data as OpTypes[K]["output"];
}

// ---- runtime state: language and browser-mode token ----

const TOKEN_KEY = "huixiao.token";
let currentLang: Lang = "zh-CN";
let token: string | null = null;

export function setClientLang(lang: Lang): void {
  currentLang = lang;
}

export function getClientLang(): Lang {
  return currentLang;
}

export function inTauri(): boolean {
  return typeof window !== "undefined" && "__TAURI_INTERNALS__" in window;
}

/**
 * Browser mode: the server prints `http://127.0.0.1:PORT/?token=TOKEN`. Take the token from the URL,
 * keep it in sessionStorage and remove it from the visible address.
 */
export function initBrowserToken(): void {
  if (typeof window === "undefined") return;
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get("token");
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl);
    url.searchParams.delete("token");
    window.history.replaceState(window.history.state, "", url.pathname + url.search + url.hash);
  }
  token = sessionStorage.getItem(TOKEN_KEY);
}

export async function call<K extends OpName>(op: K, input: OpTypes[K]["input"]): Promise<OpTypes[K]["output"]> {
  if (inTauri()) {
    recordCall(op);
    try {
      return await invoke<OpTypes[K]["output"]>("api", { op, input, lang: currentLang });
    } catch (e) {
      throw toApiError(e);
    }
  }
  return httpCall(op, input, { fetch: window.fetch.bind(window), baseUrl: "", token, lang: currentLang });
}
