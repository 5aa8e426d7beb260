// Music cues in the prompter: local files the organizer chose, fetched through the API (the same over
// IPC and HTTP) and played in an <audio> element with fades. Every failure is reported, never thrown:
// the prompter goes on without the music.
import { call } from "../api/client";
import { base64ToBytes } from "../download";
import type { MusicState } from "../api/types.gen";

type Track = { file: string; el: HTMLAudioElement; fade: number | null };

export class MusicPlayer {
  private urls = new Map<string, Promise<string>>();
  private track: Track | null = null;
  private fading: Track[] = [];
  /** `host` keeps the playing <audio> elements in the page (hidden), where they can be inspected. */
  constructor(
    private seminarId: number,
    private host: HTMLElement | null,
    private onProblem: (file: string, message: string) => void,
  ) {}

  private url(file: string): Promise<string> {
    let u = this.urls.get(file);
    if (!u) {
      u = call("script.audio", { seminar_id: this.seminarId, file }).then((f) =>
        URL.createObjectURL(new Blob([base64ToBytes(f.data_base64)], { type: f.mime })),
      );
      u.catch(() => this.urls.delete(file));
      this.urls.set(file, u);
    }
    return u;
  }

  private fadeTo(t: Track, volume: number, seconds: number, then?: () => void) {
    if (t.fade !== null) clearInterval(t.fade);
    const from = t.el.volume;
    const to = Math.min(1, Math.max(0, volume / 100));
    const steps = Math.max(1, Math.round((seconds * 1000) / 50));
    let i = 0;
    t.fade = window.setInterval(() => {
      i += 1;
      t.el.volume = from + ((to - from) * i) / steps;
      if (i >= steps) {
        if (t.fade !== null) clearInterval(t.fade);
        t.fade = null;
        then?.();
      }
    }, 50);
  }

  private stop(t: Track, seconds: number) {
    this.fading.push(t);
    this.fadeTo(t, 0, seconds, () => {
      t.el.pause();
      t.el.remove();
      this.fading = this.fading.filter((x) => x !== t);
    });
  }

  /** Brings the music to `state` (what the schedule says for the point reached). */
  async apply(state: MusicState | null): Promise<void> {
    try {
      const cur = this.track;
      if (!state || state.volume === 0) {
        if (cur) {
          this.track = null;
          this.stop(cur, state?.fade_seconds ?? 1);
        }
        return;
      }
      if (cur && cur.file === state.file) {
        if (cur.el.paused) await cur.el.play();
        this.fadeTo(cur, state.volume, state.fade_seconds);
        return;
      }
      if (cur) this.stop(cur, state.fade_seconds);
      const el = new Audio();
      el.loop = true;
      el.volume = 0;
      el.dataset.file = state.file;
      this.host?.appendChild(el);
      const t: Track = { file: state.file, el, fade: null };
      this.track = t;
      el.src = await this.url(state.file);
      if (this.track !== t) return; // moved on while loading
      await el.play();
      this.fadeTo(t, state.volume, state.fade_seconds);
    } catch (e) {
      this.onProblem(state?.file ?? "", e instanceof Error ? e.message : String(e));
    }
  }

  /** Everything stops (leaving the prompter). */
  dispose() {
    for (const t of [this.track, ...this.fading]) {
      if (!t) continue;
      if (t.fade !== null) clearInterval(t.fade);
      t.el.pause();
      t.el.remove();
    }
    this.track = null;
    this.fading = [];
    for (const u of this.urls.values()) u.then((x) => URL.revokeObjectURL(x)).catch(() => {});
    this.urls.clear();
  }
}
