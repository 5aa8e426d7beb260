import { createRouter, createWebHashHistory, type RouteRecordRaw } from "vue-router";

export const PHASES = ["invitations", "seating", "checkin", "talk", "closing", "data"] as const;
export type Phase = (typeof PHASES)[number];

/** Phases with a page of their own; the others show the generic phase page (which hosts seating). */
const PHASE_PAGES: Partial<Record<Phase, RouteRecordRaw["component"]>> = {
  invitations: () => import("./pages/InvitationsPage.vue"),
  talk: () => import("./pages/TalkPage.vue"),
  closing: () => import("./pages/ClosingPage.vue"),
  data: () => import("./pages/DashboardPage.vue"),
};

const routes: RouteRecordRaw[] = [
  { path: "/", redirect: "/seminars" },
  { path: "/seminars", name: "seminars", component: () => import("./pages/SeminarList.vue") },
  { path: "/seminars/:id", name: "seminar", component: () => import("./pages/SeminarDetail.vue"), props: (r) => ({ id: Number(r.params.id) }) },
  ...PHASES.map((phase) => ({
    path: `/${phase}`,
    name: phase,
    component: PHASE_PAGES[phase] ?? (() => import("./pages/PhasePage.vue")),
    props: { phase },
  })),
  { path: "/prompter/:id", name: "prompter", component: () => import("./pages/PrompterPage.vue"), props: (r) => ({ id: Number(r.params.id) }) },
  { path: "/stores", name: "stores", component: () => import("./pages/StoreList.vue") },
  { path: "/staff", name: "staff", component: () => import("./pages/StaffList.vue") },
  { path: "/settings", name: "settings", component: () => import("./pages/SettingsPage.vue") },
  { path: "/:pathMatch(.*)*", redirect: "/seminars" },
];

export const router = createRouter({ history: createWebHashHistory(), routes });
