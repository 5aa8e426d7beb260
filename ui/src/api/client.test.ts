import { describe, expect, it, vi } from "vitest";
import { ApiError, buildRequest, httpCall, toApiError } from "./client";

function stubFetch(status: number, body: unknown) {
  return vi.fn(async (_url: string, _init?: RequestInit) =>
    new Response(body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body), { status }),
  );
}

const opts = (f: ReturnType<typeof stubFetch>, token: string | null = "tok123") => ({
  fetch: f as unknown as typeof fetch,
  baseUrl: "http://127.0.0.1:9999",
  token,
  lang: "en" as const,
});

describe("buildRequest", () => {
  it("substitutes path params and sends the rest as JSON body", () => {
    const r = buildRequest("contacts.create", { store_id: 7, name: "王姐", role: "owner_spouse", phone: null, opted_out: false });
    expect(r.method).toBe("POST");
    expect(r.url).toBe("/api/stores/7/contacts");
    expect(JSON.parse(r.body!)).toEqual({ name: "王姐", role: "owner_spouse", phone: null, opted_out: false });
  });
  it("puts GET input in the query string, skipping null and undefined", () => {
    const r = buildRequest("stores.list", { q: "花 店", city: null, page: 2, page_size: 20 });
    expect(r.method).toBe("GET");
    expect(r.url).toBe("/api/stores?q=%E8%8A%B1+%E5%BA%97&page=2&page_size=20");
    expect(r.body).toBeUndefined();
  });
  it("GET with a path param only has no query string", () => {
    expect(buildRequest("seminars.get", { id: 42 }).url).toBe("/api/seminars/42");
    expect(buildRequest("seminars.list", {}).url).toBe("/api/seminars");
  });
  it("removes the path param from the body", () => {
    const r = buildRequest("seminars.set_status", { id: 3, status: "live" });
    expect(r.url).toBe("/api/seminars/3/status");
    expect(JSON.parse(r.body!)).toEqual({ status: "live" });
  });
  it("refuses a missing path param", () => {
    expect(() => buildRequest("stores.get", {} as { id: number })).toThrow(ApiError);
  });
});

describe("httpCall", () => {
  it("sends the bearer token and language and returns the JSON output", async () => {
    const f = stubFetch(200, { id: 1, title: "x" });
    const out = await httpCall("seminars.get", { id: 1 }, opts(f));
    expect(out).toEqual({ id: 1, title: "x" });
    const [url, init] = f.mock.calls[0];
    expect(url).toBe("http://127.0.0.1:9999/api/seminars/1");
    expect(init?.method).toBe("GET");
    const h = init?.headers as Record<string, string>;
    expect(h.Authorization).toBe("Bearer tok123");
    expect(h["Accept-Language"]).toBe("en");
    expect(h["Content-Type"]).toBeUndefined();
  });
  it("sends JSON with a content type for writes, without a token when there is none", async () => {
    const f = stubFetch(200, { org_name: "A", language: "en", timezone: "Asia/Shanghai", database_empty: false });
    await httpCall("settings.update", { org_name: "A", language: "en", timezone: "Asia/Shanghai" }, opts(f, null));
    const [, init] = f.mock.calls[0];
    const h = init?.headers as Record<string, string>;
    expect(init?.method).toBe("PUT");
    expect(h["Content-Type"]).toBe("application/json");
    expect(h.Authorization).toBeUndefined();
    expect(JSON.parse(init?.body as string)).toEqual({ org_name: "A", language: "en", timezone: "Asia/Shanghai" });
  });
  it("maps an error body to a typed ApiError with its field", async () => {
    const f = stubFetch(422, { code: "validation", message: "Date is in the past", field: "date" });
    const err = await httpCall("seminars.create", {
      title: "t", date: "2000-01-01", start_time: "14:00", timezone: "Asia/Shanghai", venue: "v", city: "c",
      capacity: 10, lecturer_id: null, layout: "round_tables", attribution_days: 30, quota_policy: "refuse",
    }, opts(f)).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe("validation");
    expect(err.message).toBe("Date is in the past");
    expect(err.field).toBe("date");
  });
  it("maps a non-JSON error to a code from the status", async () => {
    const err = await httpCall("staff.list", {}, opts(stubFetch(401, "nope"))).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err.code).toBe("unauthorized");
    expect(err.field).toBeNull();
  });
  it("maps a network failure to code network", async () => {
    const f = vi.fn(async () => { throw new TypeError("Failed to fetch"); });
    const err = await httpCall("staff.list", {}, { ...opts(stubFetch(200, [])), fetch: f as unknown as typeof fetch }).catch((e) => e);
    expect(err.code).toBe("network");
  });
});

describe("toApiError", () => {
  it("accepts IPC rejections as objects or JSON strings", () => {
    expect(toApiError({ code: "not_found", message: "m", field: null }).code).toBe("not_found");
    const e = toApiError('{"code":"conflict","message":"dup","field":"name"}');
    expect([e.code, e.field]).toEqual(["conflict", "name"]);
    expect(toApiError("plain").code).toBe("internal");
  });
});
