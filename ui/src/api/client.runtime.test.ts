// The runtime side of the client: Tauri IPC and the browser-mode token, with stubbed globals.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

const invoke = vi.fn();
vi.mock("@tauri-apps/api/core", () => ({ invoke: (...args: unknown[]) => invoke(...args) }));

function memoryStorage() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k) };
}

beforeEach(() => {
  vi.resetModules();
  invoke.mockReset();
});
afterEach(() => {
  vi.unstubAllGlobals();
});

describe("inside Tauri", () => {
  it("calls the one `api` command with op, input and language", async () => {
    vi.stubGlobal("window", { __TAURI_INTERNALS__: {} });
    invoke.mockResolvedValue({ id: 5 });
    const { call, setClientLang } = await import("./client");
    setClientLang("en");
    await expect(call("seminars.get", { id: 5 })).resolves.toEqual({ id: 5 });
    expect(invoke).toHaveBeenCalledWith("api", { op: "seminars.get", input: { id: 5 }, lang: "en" });
  });
  it("turns a rejection into an ApiError", async () => {
    vi.stubGlobal("window", { __TAURI_INTERNALS__: {} });
    invoke.mockRejectedValue({ code: "not_found", message: "找不到", field: null });
    const { call, ApiError } = await import("./client");
    const err = await call("seminars.get", { id: 9 }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe("not_found");
  });
});

describe("in a browser", () => {
  it("takes the token from the URL, keeps it in sessionStorage, hides it and sends it", async () => {
    const replaceState = vi.fn();
    const fetch = vi.fn(async () => new Response("[]", { status: 200 }));
    vi.stubGlobal("sessionStorage", memoryStorage());
    vi.stubGlobal("window", {
      location: { href: "http://127.0.0.1:7315/?token=s3cret#/stores" },
      history: { state: null, replaceState },
      fetch,
    });
    const { call, initBrowserToken } = await import("./client");
    initBrowserToken();
    expect(sessionStorage.getItem("huixiao.token")).toBe("s3cret");
    expect(replaceState).toHaveBeenCalledWith(null, "", "/#/stores");
    await call("staff.list", {});
    const [url, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("/api/staff");
    expect((init.headers as Record<string, string>).Authorization).toBe("Bearer s3cret");
    expect(invoke).not.toHaveBeenCalled();
  });
  it("keeps the token from sessionStorage after a reload", async () => {
    const storage = memoryStorage();
    storage.setItem("huixiao.token", "kept");
    const replaceState = vi.fn();
    vi.stubGlobal("sessionStorage", storage);
    const fetch = vi.fn(async () => new Response("[]", { status: 200 }));
    vi.stubGlobal("window", { location: { href: "http://127.0.0.1:7315/#/seminars" }, history: { state: null, replaceState }, fetch });
    const { initBrowserToken, call } = await import("./client");
    initBrowserToken();
    expect(replaceState).not.toHaveBeenCalled();
    await call("seminars.list", {});
    const [, init] = fetch.mock.calls[0] as unknown as [string, RequestInit];
    expect((init.headers as Record<string, string>).Authorization).toBe("Bearer kept");
  });
});
