import { describe, expect, it } from "vitest";
import { effectScope, nextTick } from "vue";
import { useInvitationsChanged } from "./changed";

describe("useInvitationsChanged", () => {
  it("tells the other tabs, not the one that made the change", async () => {
    const seen: string[] = [];
    const scope = effectScope();
    const [a, b, c] = scope.run(() => ["a", "b", "c"].map((n) => useInvitationsChanged(() => seen.push(n))))!;
    a.notify();
    await nextTick();
    expect(seen.sort()).toEqual(["b", "c"]);
    seen.length = 0;
    b.notify();
    c.notify();
    await nextTick();
    expect(seen.sort()).toEqual(["a", "b"]);
    scope.stop();
    seen.length = 0;
    useInvitationsChanged(() => seen.push("d")).notify();
    await nextTick();
    expect(seen).toEqual([]);
  });
});
