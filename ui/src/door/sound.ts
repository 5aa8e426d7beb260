// Short beeps per outcome (Web Audio oscillator: no audio files). Silent where there is no sound card.
import type { ScanOutcome } from "../api/types.gen";

let ctx: AudioContext | null = null;

/** [frequency Hz, duration ms][] per outcome: one high beep = in, two low = look at the screen. */
const TUNES: Record<ScanOutcome, [number, number][]> = {
  checked_in: [[1320, 110]],
  already_checked_in: [[660, 120], [660, 120]],
  wrong_seminar: [[440, 160], [330, 220]],
  cancelled: [[392, 160], [294, 260]],
  invalid: [[220, 380]],
};

export function beep(outcome: ScanOutcome): void {
  try {
    const AC = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
    if (!AC) return;
    ctx ??= new AC();
    if (ctx.state === "suspended") void ctx.resume().catch(() => {});
    let t = ctx.currentTime;
    for (const [freq, ms] of TUNES[outcome]) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.type = outcome === "checked_in" ? "sine" : "square";
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.0001, t);
      gain.gain.exponentialRampToValueAtTime(0.25, t + 0.01);
      gain.gain.exponentialRampToValueAtTime(0.0001, t + ms / 1000);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t);
      osc.stop(t + ms / 1000 + 0.02);
      t += ms / 1000 + 0.06;
    }
  } catch {
    /* no audio device: the screen still says it */
  }
}
