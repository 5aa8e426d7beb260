import { ref, watch } from "vue";

const KEY = "huixiao.currentSeminar";
const saved = typeof localStorage !== "undefined" ? Number(localStorage.getItem(KEY)) : NaN;

/** The seminar the phase pages (invitations, seating, …) work on. */
export const currentSeminarId = ref<number | null>(Number.isFinite(saved) && saved > 0 ? saved : null);

watch(currentSeminarId, (id) => {
  if (id) localStorage.setItem(KEY, String(id));
  else localStorage.removeItem(KEY);
});

/** Bumped whenever a seminar is created or changed, so other screens reload their lists. */
export const seminarsVersion = ref(0);
