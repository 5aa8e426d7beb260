// How the dashboard's cards name their groups and show their rates.
import type { Group } from "../../api/types.gen";

type T = (key: string, named?: Record<string, unknown>) => string;

/** A rate (0–1) as a percentage with one decimal, for the charts. */
export const pct = (r: number | null) => (r === null ? null : Math.round(r * 1000) / 10);

/** A group named by its label, or "none" for the guests without one. */
export const labelOrNone = (t: T) => (g: Group) => g.label || t("breakdown.none");
