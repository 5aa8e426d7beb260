import { ref, useTemplateRef } from "vue";
import { useLifetime } from "../composables/useLifetime";
import { locate } from "./prompter";

/**
 * The prompter's scroll engine: the viewport scrolls (whole pixels, the content is never transformed)
 * at `speed` px/s while not paused; the reading line is a quarter down the screen. Wherever the text
 * stands, `arrive(stage, step)` hears which stage and marker are on the reading line. The template
 * names its elements `ref="viewport"` (the scrolling box) and `ref="content"` (the text).
 */
export function useScrollEngine(arrive: (stage: number, step: number) => void) {
  const viewport = useTemplateRef<HTMLElement>("viewport");
  const content = useTemplateRef<HTMLElement>("content");
  const paused = ref(true);
  const speed = ref(40); // px per second
  const life = useLifetime();

  let pos = 0;
  let stageTops: number[] = [];
  let markerTops: number[][] = [];
  let raf = 0;
  let lastFrame = 0;

  /** Where the stages and their markers are (offsets within the positioned content). */
  function measure() {
    const c = content.value;
    if (!c) return;
    const sections = Array.from(c.querySelectorAll<HTMLElement>("[data-stage-section]"));
    stageTops = sections.map((s) => s.offsetTop);
    markerTops = sections.map((s) => Array.from(s.querySelectorAll<HTMLElement>("[data-marker]")).map((m) => m.offsetTop));
  }

  function readingLine() {
    return (viewport.value?.clientHeight ?? 800) * 0.25;
  }

  function maxPos() {
    const c = content.value;
    return c && viewport.value ? Math.max(0, c.scrollHeight - readingLine()) : 0;
  }

  function setPos(p: number) {
    pos = Math.min(maxPos(), Math.max(0, p));
    if (viewport.value) viewport.value.scrollTop = Math.round(pos);
    const at = locate(stageTops, markerTops, pos + readingLine() + 1);
    arrive(at.stage, at.step);
  }

  /** Puts stage `i`'s heading on the reading line. */
  function toStage(i: number) {
    setPos(stageTops[i] - readingLine() + 2);
  }

  /** To the next (or previous) stage or marker past the reading line. */
  function jumpMarker(delta: number) {
    const points = stageTops.flatMap((top, i) => [top, ...markerTops[i]]);
    const line = pos + readingLine();
    const target = delta > 0 ? points.find((p) => p > line + 2) : [...points].reverse().find((p) => p < line - 2);
    if (target !== undefined) setPos(target - readingLine() + 2);
  }

  const scrollBy = (dy: number) => setPos(pos + dy);
  /** After a change of layout (the font size, the window): measure again and stay put. */
  function remeasure() {
    measure();
    setPos(pos);
  }

  function changeSpeed(d: number) {
    speed.value = Math.min(300, Math.max(0, speed.value + d));
  }

  function frame(t: number) {
    const dt = lastFrame ? Math.min(100, t - lastFrame) : 0;
    lastFrame = t;
    if (!paused.value) setPos(pos + (speed.value * dt) / 1000);
    if (life.alive) raf = requestAnimationFrame(frame);
  }

  /** Starts the frames (they stop with the component). */
  function run() {
    if (!life.alive) return;
    raf = requestAnimationFrame(frame);
    life.onEnd(() => cancelAnimationFrame(raf));
  }

  return { paused, speed, measure, remeasure, setPos, toStage, jumpMarker, scrollBy, changeSpeed, run };
}
