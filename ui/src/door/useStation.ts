// A station page's identity: the token this device keeps, who it is (`stations.me`), and whether the
// hub refused it. No token → the pairing page.
import { onMounted, ref } from "vue";
import { useRouter } from "vue-router";
import type { Me, StationRole } from "../api/types.gen";
import type { ApiError } from "../api/client";
import { isRefused, loadStation, stationCall, stationHome, saveStation } from "./station";

export function useStation(role: StationRole) {
  const router = useRouter();
  const auth = loadStation();
  const me = ref<Me | null>(auth ? { identity: auth.identity, seminar_title: "", seminar_date: "", seminar_timezone: null } : null);
  const refused = ref<ApiError | null>(null);
  const ready = ref(false);

  /** Call this with every error the hub answers: a refused token shows "pair again". */
  function check(e: unknown): boolean {
    if (isRefused(e)) {
      refused.value = e as ApiError;
      return true;
    }
    return false;
  }

  onMounted(async () => {
    if (!auth) {
      await router.replace("/station/pair");
      return;
    }
    if (auth.identity.role !== role) {
      await router.replace(stationHome(auth.identity.role));
      return;
    }
    try {
      me.value = await stationCall("stations.me", {}, auth.token);
      if (me.value.identity) saveStation({ token: auth.token, identity: me.value.identity });
    } catch (e) {
      check(e);
    }
    ready.value = true;
  });

  return { auth, me, refused, ready, check, token: auth?.token ?? "", seminarId: auth?.identity.seminar_id ?? 0 };
}
