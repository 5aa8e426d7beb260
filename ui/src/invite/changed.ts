// A small shared signal: "the seminar's invitations changed". The 会前邀约 tabs (邀约名单, 今日任务,
// 邀约进度) each re-read their data when another tab made a change, so no tab shows stale data.
import { onScopeDispose, ref, watch } from "vue";

const version = ref(0);

/**
 * `onOther` runs after a change made by another user of the signal. Returns `notify()`, to call after
 * a change made here (it does not call this user's own `onOther`).
 */
export function useInvitationsChanged(onOther: () => void): { notify: () => void } {
  let mine = version.value;
  const stop = watch(version, (v) => {
    if (v !== mine) onOther();
    mine = v;
  });
  onScopeDispose(stop);
  return {
    notify() {
      mine = version.value + 1;
      version.value = mine;
    },
  };
}
