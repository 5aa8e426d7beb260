// Table rows that open something (a seminar, a store, a staff member) reachable without a mouse: each
// row takes the focus (Tab) and Enter or Space opens it as a click does. Use as `v-keyboard-rows` on an
// el-table with @row-click; rows added later (paging, filtering) are handled too.
import type { Directive } from "vue";

const ROW = ".el-table__body tr.el-table__row";
const observers = new WeakMap<HTMLElement, MutationObserver>();

function mark(table: HTMLElement) {
  for (const row of table.querySelectorAll<HTMLElement>(ROW)) {
    if (row.tabIndex !== 0) row.tabIndex = 0;
  }
}

function onKey(e: KeyboardEvent) {
  if (e.key !== "Enter" && e.key !== " ") return;
  const row = e.target instanceof HTMLElement && e.target.matches(ROW) ? e.target : null;
  if (!row) return; // a key on a control inside the row is that control's
  e.preventDefault();
  row.click();
}

export const vKeyboardRows: Directive<HTMLElement> = {
  mounted(table) {
    mark(table);
    table.addEventListener("keydown", onKey);
    const observer = new MutationObserver(() => mark(table));
    observer.observe(table, { childList: true, subtree: true });
    observers.set(table, observer);
  },
  unmounted(table) {
    table.removeEventListener("keydown", onKey);
    observers.get(table)?.disconnect();
  },
};
