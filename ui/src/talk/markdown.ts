// The lecturer's text: a small, safe subset of Markdown. Headings are the markers the prompter jumps
// between and cues attach to — counted exactly as the core's `script::markers` does (a line whose
// first non-blank character is `#`).

const ESC: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

function escape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESC[c]);
}

function inline(s: string): string {
  return escape(s).replace(/\*\*(.+?)\*\*/g, "<strong>$1</strong>").replace(/\*(.+?)\*/g, "<em>$1</em>");
}

export function isMarker(line: string): boolean {
  return line.trimStart().startsWith("#");
}

/** HTML of a stage's text; the n-th heading (1-based) carries `data-marker="n"`. */
export function renderMarkdown(text: string): string {
  const out: string[] = [];
  let para: string[] = [];
  let list: string[] = [];
  let marker = 0;
  const flush = () => {
    if (para.length) out.push(`<p>${para.map(inline).join("<br>")}</p>`);
    if (list.length) out.push(`<ul>${list.map((l) => `<li>${inline(l)}</li>`).join("")}</ul>`);
    para = [];
    list = [];
  };
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (isMarker(raw)) {
      flush();
      marker += 1;
      out.push(`<h3 class="marker" data-marker="${marker}">${inline(line.replace(/^#+/, "").trim())}</h3>`);
    } else if (!line) {
      flush();
    } else if (/^[-*] /.test(line)) {
      if (para.length) flush();
      list.push(line.slice(2));
    } else {
      if (list.length) flush();
      para.push(line);
    }
  }
  flush();
  return out.join("");
}
