// Helpers of the check-in tests: demo data with a seminar today, tickets with their tables, stations
// paired through the real pairing flow, and a Y4M video of a real ticket QR for Chromium's fake camera.
import fs from "node:fs";
import path from "node:path";
import { PNG } from "pngjs";
import { adminCall, venueToday, UI_DIR } from "./harness.mjs";

export const DOCS_SCREENSHOTS = path.resolve(UI_DIR, "../docs/screenshots");

export function docsShot(name) {
  fs.mkdirSync(DOCS_SCREENSHOTS, { recursive: true });
  return path.join(DOCS_SCREENSHOTS, name);
}

/** The demo seminar on today's date (demo data made with --today = today). */
export async function todaySeminar(server) {
  const list = await adminCall(server, "GET", "/api/seminars");
  const s = list.find((x) => x.date === venueToday());
  if (!s) throw new Error(`no demo seminar today: ${JSON.stringify(list.map((x) => x.date))}`);
  return s;
}

/**
 * The seminar's tickets joined with the roster (table, assistant, checked in or not) and the tables'
 * assistants (staff ids): what a test needs to know where a guest goes.
 */
export async function seatedTickets(server, seminarId) {
  // The demo seminar has tables with assistants; seat its guests the way the organizer would.
  await adminCall(server, "POST", `/api/seminars/${seminarId}/seating/auto`, { seminar_id: seminarId });
  const [tickets, roster, tables] = await Promise.all([
    adminCall(server, "GET", `/api/seminars/${seminarId}/tickets`),
    adminCall(server, "GET", `/api/seminars/${seminarId}/roster`),
    adminCall(server, "GET", `/api/seminars/${seminarId}/tables`),
  ]);
  const byTicket = new Map(roster.guests.map((g) => [g.ticket_id, g]));
  return tickets
    .filter((t) => !t.revoked)
    .map((t) => {
      const g = byTicket.get(t.id);
      const table = tables.find((tb) => g && tb.number === g.table);
      return { ...t, guest: g?.guest, table: g?.table ?? null, assistant: g?.assistant ?? null, assistant_id: table?.assistant_id ?? null, checked_in: g ? g.checkin_id !== null : null, expected: !!g };
    })
    .filter((t) => t.expected && t.table !== null && t.assistant_id !== null && !t.checked_in);
}

/** Creates a station and returns its one-time pairing code (the organizer's "make pairing QR"). */
export async function createStation(server, seminarId, staffId, role) {
  return adminCall(server, "POST", `/api/seminars/${seminarId}/stations`, { seminar_id: seminarId, staff_id: staffId, role, name: null });
}

/** A staff member with a role (the first active one). */
export async function staffWith(server, role) {
  const staff = await adminCall(server, "GET", "/api/staff");
  const s = staff.find((x) => x.active && x.roles.includes(role)) ?? staff.find((x) => x.active);
  if (!s) throw new Error("no staff in the demo data");
  return s;
}

/**
 * A YUV4MPEG2 (4:2:0) video of a PNG: the image centred on a white 640×480 frame, scaled by whole
 * pixels (a QR's modules stay sharp), grey (U = V = 128). Chromium loops it as a camera.
 */
export function pngToY4m(pngBytes, file, { width = 640, height = 480, frames = 15, size = 400 } = {}) {
  const png = PNG.sync.read(pngBytes);
  const scale = Math.max(1, Math.floor(size / Math.max(png.width, png.height)));
  const w = png.width * scale;
  const h = png.height * scale;
  const x0 = Math.floor((width - w) / 2);
  const y0 = Math.floor((height - h) / 2);
  const y = Buffer.alloc(width * height, 255);
  for (let yy = 0; yy < h; yy++) {
    for (let xx = 0; xx < w; xx++) {
      const i = (Math.floor(yy / scale) * png.width + Math.floor(xx / scale)) * 4;
      const a = png.data[i + 3] / 255;
      const lum = 0.299 * png.data[i] + 0.587 * png.data[i + 1] + 0.114 * png.data[i + 2];
      y[(y0 + yy) * width + x0 + xx] = Math.round(lum * a + 255 * (1 - a));
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2), 128);
  const parts = [Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`)];
  for (let f = 0; f < frames; f++) parts.push(Buffer.from("FRAME\n"), y, chroma, chroma);
  fs.writeFileSync(file, Buffer.concat(parts));
  return file;
}
