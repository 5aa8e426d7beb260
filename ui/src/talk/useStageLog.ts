import type { Ref } from "vue";
import type { ScriptView, StageRun, TalkState } from "../api/types.gen";
import { call } from "../api/client";
import { showError } from "../composables/errors";
import { useLifetime } from "../composables/useLifetime";

export interface StageLogOptions {
  seminarId: () => number;
  script: Ref<ScriptView | null>;
  stage: Ref<number>;
  step: Ref<number>;
  recording: Ref<boolean>;
  /** The prompter is in rehearsal (checking the screen): nothing is written, the log is not followed. */
  rehearsal: Ref<boolean>;
  stageStartedAt: Ref<number>;
  /** The talk ended elsewhere (the remote): the log has runs and none is open. */
  ended: (log: StageRun[]) => void;
  /** Whether the prompter already shows the talk as ended. */
  isEnded: () => boolean;
  /** A stage is running again: the prompter no longer shows the end. */
  resumed: () => void;
  /** Moves the prompter to the stage the log runs (changed elsewhere). */
  moveTo: (stageIndex: number) => void;
}

/**
 * The prompter and the stage log: the stage changes made here are written in the order they happened
 * (one call after the other), and the changes made elsewhere (the lecturer's remote) are followed by
 * reading the log every second — the window has no push stream. A read that overlaps a change made
 * here is dropped.
 */
export function useStageLog(o: StageLogOptions) {
  /** The stage the log shows (as last read or written here): a different one was set elsewhere. */
  let known: string | null = null;
  /** Calls to the log written from here and not yet answered, and how many were ever queued. */
  let pending = 0;
  let written = 0;
  /** True while the prompter moves to follow the log: nothing is logged again. */
  let following = false;
  /** The writes so far: the talk's end waits for them. */
  let queue: Promise<unknown> = Promise.resolve();

  function write() {
    const sc = o.script.value;
    if (!sc || o.stage.value < 0 || o.rehearsal.value) return;
    const input = { seminar_id: o.seminarId(), stage_key: sc.stages[o.stage.value].key, step: o.step.value };
    known = input.stage_key;
    pending++;
    written++;
    queue = queue
      .then(() => call("talk.goto", input))
      .catch(showError)
      .finally(() => pending--);
  }

  async function follow() {
    const sc = o.script.value;
    if (!sc || pending > 0 || o.rehearsal.value) return;
    const seq = written;
    let state: TalkState;
    try {
      state = await call("talk.state", { seminar_id: o.seminarId() });
    } catch {
      return; /* the next read will do */
    }
    if (seq !== written || pending > 0 || o.script.value !== sc) return;
    o.recording.value = state.recording;
    if (!state.current) {
      if (known !== null && state.recording && state.log.length && !o.isEnded()) o.ended(state.log);
      known = null;
      return;
    }
    if (state.current === known) return;
    show(state);
  }

  /** The prompter stands where the log runs (changed elsewhere, or a step undone). */
  function show(state: TalkState) {
    const sc = o.script.value;
    if (!sc || !state.current) return;
    o.resumed();
    known = state.current;
    const target = sc.stages.findIndex((x) => x.key === state.current);
    if (target < 0) return;
    if (target !== o.stage.value) {
      following = true;
      try {
        o.moveTo(target);
      } finally {
        following = false;
      }
    }
    const run = [...state.log].reverse().find((x) => x.stage_key === state.current && x.ended_at === null);
    if (run) o.stageStartedAt.value = Date.parse(run.started_at);
  }

  /** Takes back the last stage step recorded (or the talk's end) after the writes made so far. */
  async function undo(): Promise<TalkState> {
    await queue;
    pending++;
    try {
      const state = await call("talk.undo", { seminar_id: o.seminarId() });
      written++;
      o.recording.value = state.recording;
      if (state.current) show(state);
      else known = null;
      return state;
    } finally {
      pending--;
    }
  }

  useLifetime().every(1000, follow);

  return {
    write,
    /** Whether the prompter is moving to follow the log (a move that must not be logged again). */
    following: () => following,
    /** The stage the log was last seen running (null: none). */
    setKnown: (key: string | null) => (known = key),
    /** Waits for the writes made so far. */
    written: () => queue,
    undo,
  };
}
