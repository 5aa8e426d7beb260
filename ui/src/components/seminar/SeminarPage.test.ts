// The page shell decides what a phase page shows from the current seminar's state: rendered on the
// server renderer (no DOM needed) with Element Plus and the router stubbed.
import { describe, expect, it, vi } from "vitest";
import { computed, createSSRApp, defineComponent, h, ref, shallowRef, type Component } from "vue";
import { renderToString } from "vue/server-renderer";
import { ApiError } from "../../api/client";
import type { Seminar } from "../../api/types.gen";

const state = {
  id: ref<number | null>(null),
  seminar: shallowRef<Seminar | null>(null),
  loading: ref(false),
  error: shallowRef<ApiError | null>(null),
};
vi.mock("../../composables/useCurrentSeminar", () => ({
  seminarsVersion: ref(0),
  useCurrentSeminar: () => ({
    id: computed(() => state.id.value),
    seminar: computed(() => state.seminar.value),
    loading: computed(() => state.loading.value),
    error: computed(() => state.error.value),
    refresh: async () => {},
    select: () => {},
  }),
}));
const { i18n } = await import("../../i18n");
// A generic component's type does not fit `h`: the test renders it as a plain component.
const SeminarPage = (await import("./SeminarPage.vue")).default as unknown as Component;

/** A stub that renders its name and all its slots (with the props of a custom router-link slot). */
const stub = (name: string) =>
  defineComponent({
    inheritAttrs: false,
    setup: (_, { slots, attrs }) => () => h("div", { "data-stub": name, "data-test": attrs["data-test"], title: attrs.title, description: attrs.description }, Object.values(slots).map((slot) => slot?.({ href: "#/stub", navigate: () => {} }))),
  });

async function render(optional = false): Promise<string> {
  const app = createSSRApp({
    render: () =>
      h(SeminarPage, { phase: "invitations", optional }, {
        default: ({ seminar }: { seminar: Seminar | null }) => h("p", { class: "body" }, seminar ? `body:${seminar.title}` : "body:none"),
      }),
  });
  app.use(i18n);
  for (const name of ["el-card", "el-result", "el-button", "el-empty", "router-link"]) app.component(name, stub(name));
  app.directive("loading", {});
  return renderToString(app);
}

function set(id: number | null, seminar: Seminar | null, loading = false, error: ApiError | null = null) {
  state.id.value = id;
  state.seminar.value = seminar;
  state.loading.value = loading;
  state.error.value = error;
}

describe("SeminarPage", () => {
  it("waits while the saved seminar loads: no 'pick a seminar' flash", async () => {
    set(3, null, true);
    const html = await render();
    expect(html).toContain('data-test="seminar-loading"');
    expect(html).not.toContain(i18n.global.t("phase.noSeminar"));
    expect(html).not.toContain("body:");
  });

  it("shows the body with the seminar once it is there", async () => {
    set(3, { id: 3, title: "长沙站" } as Seminar);
    expect(await render()).toContain("body:长沙站");
  });

  it("shows the error with a retry, keeping the choice", async () => {
    set(3, null, false, new ApiError("internal", "数据库忙"));
    const html = await render();
    expect(html).toContain('data-test="seminar-error"');
    expect(html).toContain("数据库忙");
    expect(html).toContain(i18n.global.t("common.retry"));
  });

  it("points to the seminar list with no seminar chosen, unless the page works without one", async () => {
    set(null, null);
    expect(await render()).toContain(i18n.global.t("phase.noSeminar"));
    const optional = await render(true);
    expect(optional).toContain("body:none");
    expect(optional).not.toContain(i18n.global.t("phase.noSeminar"));
  });
});
