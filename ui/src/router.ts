import { createRouter, createWebHashHistory, type RouteRecordRaw } from "vue-router";

export const PHASES = ["invitations", "seating", "checkin", "talk", "closing", "data"] as const;
export type Phase = (typeof PHASES)[number];

/** Phases with a page of their own; the others show the generic phase page (which hosts seating). */
const PHASE_PAGES: Partial<Record<Phase, RouteRecordRaw["component"]>> = {
  invitations: () => import("./pages/InvitationsPage.vue"),
  checkin: () => import("./pages/CheckinPage.vue"),
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
    props: phase === "checkin" ? { view: "door" } : { phase },
  })),
  { path: "/checkin/board", name: "checkin-board", component: () => import("./pages/CheckinPage.vue"), props: { view: "board" } },
  { path: "/checkin/stations", name: "checkin-stations", component: () => import("./pages/CheckinPage.vue"), props: { view: "stations" } },
  { path: "/checkin/log", name: "checkin-log", component: () => import("./pages/CheckinPage.vue"), props: { view: "log" } },
  { path: "/wall", name: "wall", component: () => import("./pages/SignInWall.vue"), meta: { bare: true } },
  // Station pages: phones and laptops on the LAN, paired to one staff member in one role.
  { path: "/station", name: "station", component: () => import("./pages/station/StationHome.vue"), meta: { bare: true, station: true } },
  { path: "/station/pair", name: "station-pair", component: () => import("./pages/station/StationPair.vue"), meta: { bare: true, station: true } },
  { path: "/station/checkin", name: "station-checkin", component: () => import("./pages/station/StationCheckin.vue"), meta: { bare: true, station: true } },
  { path: "/station/assistant", name: "station-assistant", component: () => import("./pages/station/StationAssistant.vue"), meta: { bare: true, station: true } },
  { path: "/station/inviter", name: "station-inviter", component: () => import("./pages/station/StationInviter.vue"), meta: { bare: true, station: true } },
  { path: "/station/lecturer", name: "station-lecturer", component: () => import("./pages/station/StationLecturer.vue"), meta: { bare: true, station: true } },
  { path: "/prompter/:id", name: "prompter", component: () => import("./pages/PrompterPage.vue"), props: (r) => ({ id: Number(r.params.id) }) },
  { path: "/stores", name: "stores", component: () => import("./pages/StoreList.vue") },
  { path: "/partners", name: "partners", component: () => import("./pages/PartnersPage.vue") },
  { path: "/staff", name: "staff", component: () => import("./pages/StaffList.vue") },
  { path: "/products", name: "products", component: () => import("./pages/ProductsPage.vue") },
  { path: "/sync", name: "sync", component: () => import("./pages/SyncPage.vue") },
  { path: "/settings", name: "settings", component: () => import("./pages/SettingsPage.vue") },
  { path: "/:pathMatch(.*)*", redirect: "/seminars" },
];

export const router = createRouter({ history: createWebHashHistory(), routes });
