import { computed, ref, shallowRef } from "vue";
import { call, toApiError, type ApiError } from "../api/client";
import type { Seminar } from "../api/types.gen";

const KEY = "huixiao.currentSeminar";

/** Bumped whenever a seminar is created or changed, so other screens reload their lists. */
export const seminarsVersion = ref(0);

type Fetch = (id: number) => Promise<Seminar>;

/**
 * The one owner of the seminar the phase pages (invitations, seating, …) work on: the chosen id (kept
 * in localStorage), the seminar itself, whether it is loading and the error that stopped it. Only a
 * seminar the core says is gone forgets the saved choice; any other error keeps it, to retry. An older
 * answer arriving after a newer question is dropped.
 */
export function createCurrentSeminar(fetch: Fetch, storage: Storage | null) {
  const saved = Number(storage?.getItem(KEY));
  const id = ref<number | null>(Number.isFinite(saved) && saved > 0 ? saved : null);
  const seminar = shallowRef<Seminar | null>(null);
  const loading = ref(false);
  const error = shallowRef<ApiError | null>(null);
  let asked = 0;

  async function refresh(): Promise<void> {
    const question = ++asked;
    const want = id.value;
    error.value = null;
    if (!want) {
      seminar.value = null;
      loading.value = false;
      return;
    }
    if (seminar.value?.id !== want) seminar.value = null;
    loading.value = true;
    try {
      const answer = await fetch(want);
      if (question === asked) seminar.value = answer;
    } catch (e) {
      if (question !== asked) return;
      const err = toApiError(e);
      if (err.code === "not_found") select(null);
      else error.value = err;
    } finally {
      if (question === asked) loading.value = false;
    }
  }

  function select(next: number | null): void {
    if (next === id.value) return;
    id.value = next;
    if (next) storage?.setItem(KEY, String(next));
    else storage?.removeItem(KEY);
    void refresh();
  }

  return {
    id: computed(() => id.value),
    seminar: computed(() => seminar.value),
    loading: computed(() => loading.value),
    error: computed(() => error.value),
    select,
    refresh,
  };
}

export type CurrentSeminar = ReturnType<typeof createCurrentSeminar>;

const current = createCurrentSeminar(
  (id) => call("seminars.get", { id }),
  typeof localStorage !== "undefined" ? localStorage : null,
);

/** The current seminar, shared by every screen. */
export function useCurrentSeminar(): CurrentSeminar {
  return current;
}
