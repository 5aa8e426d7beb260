import { describe, expect, it } from "vitest";
import { ApiError } from "../api/client";
import type { Seminar } from "../api/types.gen";
import { createCurrentSeminar } from "./useCurrentSeminar";

class MemoryStorage {
  items = new Map<string, string>();
  getItem(k: string) { return this.items.get(k) ?? null; }
  setItem(k: string, v: string) { this.items.set(k, v); }
  removeItem(k: string) { this.items.delete(k); }
}

const seminar = (id: number) => ({ id, title: `S${id}` }) as Seminar;

/** A fetch whose answers the test releases by hand, in any order. */
function manualFetch() {
  const pending = new Map<number, { resolve: (s: Seminar) => void; reject: (e: unknown) => void }>();
  const fetch = (id: number) => new Promise<Seminar>((resolve, reject) => pending.set(id, { resolve, reject }));
  return { fetch, pending };
}

const storage = (id?: number) => {
  const s = new MemoryStorage();
  if (id) s.setItem("huixiao.currentSeminar", String(id));
  return s as unknown as Storage;
};
const tick = () => new Promise((r) => setTimeout(r, 0));

describe("current seminar", () => {
  it("starts from the saved choice and loads it", async () => {
    const { fetch, pending } = manualFetch();
    const cur = createCurrentSeminar(fetch, storage(7));
    expect(cur.id.value).toBe(7);
    void cur.refresh();
    expect(cur.loading.value).toBe(true);
    pending.get(7)!.resolve(seminar(7));
    await tick();
    expect(cur.seminar.value?.id).toBe(7);
    expect(cur.loading.value).toBe(false);
  });

  it("drops an older answer that arrives after a newer one", async () => {
    const { fetch, pending } = manualFetch();
    const cur = createCurrentSeminar(fetch, storage(1));
    void cur.refresh();
    cur.select(2);
    pending.get(2)!.resolve(seminar(2));
    await tick();
    pending.get(1)!.resolve(seminar(1));
    await tick();
    expect(cur.seminar.value?.id).toBe(2);
    expect(cur.loading.value).toBe(false);
  });

  it("keeps the saved choice on a network error and shows the error", async () => {
    const { fetch, pending } = manualFetch();
    const store = storage(3);
    const cur = createCurrentSeminar(fetch, store);
    void cur.refresh();
    pending.get(3)!.reject(new ApiError("network", "offline"));
    await tick();
    expect(cur.id.value).toBe(3);
    expect(store.getItem("huixiao.currentSeminar")).toBe("3");
    expect(cur.error.value?.code).toBe("network");
    expect(cur.loading.value).toBe(false);
  });

  it("forgets a seminar the core no longer has", async () => {
    const { fetch, pending } = manualFetch();
    const store = storage(4);
    const cur = createCurrentSeminar(fetch, store);
    void cur.refresh();
    pending.get(4)!.reject(new ApiError("not_found", "gone"));
    await tick();
    expect(cur.id.value).toBe(null);
    expect(store.getItem("huixiao.currentSeminar")).toBe(null);
    expect(cur.error.value).toBe(null);
  });

  it("keeps showing the seminar while it is read again", async () => {
    const { fetch, pending } = manualFetch();
    const cur = createCurrentSeminar(fetch, storage(5));
    void cur.refresh();
    pending.get(5)!.resolve(seminar(5));
    await tick();
    void cur.refresh();
    expect(cur.seminar.value?.id).toBe(5);
    expect(cur.loading.value).toBe(true);
  });
});
