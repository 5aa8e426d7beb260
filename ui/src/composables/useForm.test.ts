import { describe, expect, it, vi } from "vitest";
import { nextTick, ref } from "vue";
import { ApiError } from "../api/client";

const shown: unknown[] = [];
vi.mock("./errors", () => ({ showError: (e: unknown) => shown.push(e) }));
const { useForm } = await import("./useForm");

interface Input { name: string; city: string }
const blank = (): Input => ({ name: "", city: "" });

describe("useForm", () => {
  it("fills the form each time the dialog opens", async () => {
    const visible = ref(false);
    let editing: Input | null = { name: "青丝", city: "长沙" };
    const f = useForm({ blank, visible, values: () => editing });
    expect(f.form.name).toBe("");
    visible.value = true;
    await nextTick();
    expect(f.form).toEqual({ name: "青丝", city: "长沙" });
    visible.value = false;
    editing = null;
    await nextTick();
    visible.value = true;
    await nextTick();
    expect(f.form).toEqual(blank());
  });

  it("puts an error naming one of the input's fields under that field", async () => {
    const f = useForm({ blank });
    const saved = await f.save(() => Promise.reject(new ApiError("validation", "城市必填", "city")));
    expect(saved).toBe(false);
    expect(f.errors.city).toBe("城市必填");
    expect(f.errors.name).toBe("");
    expect(f.saving.value).toBe(false);
  });

  it("shows an error naming no field of the form as a toast, also for extra fields", async () => {
    shown.length = 0;
    const f = useForm({ blank, extra: ["deal"] });
    await f.save(() => Promise.reject(new ApiError("conflict", "taken", "phone")));
    expect(shown).toHaveLength(1);
    await f.save(() => Promise.reject(new ApiError("validation", "no deal", "deal")));
    expect(f.errors.deal).toBe("no deal");
    expect(shown).toHaveLength(1);
  });

  it("clears the field errors when saving again, and says it saved", async () => {
    const f = useForm({ blank });
    await f.save(() => Promise.reject(new ApiError("validation", "bad", "name")));
    let saving = false;
    const ok = await f.save(async () => { saving = f.saving.value; });
    expect(ok).toBe(true);
    expect(saving).toBe(true);
    expect(f.errors.name).toBe("");
  });
});
