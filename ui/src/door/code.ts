// Pure helpers of the door: what a scanner or a keyboard typed → a ticket code, nonces, the
// offline check of a code against the roster's SHA-256 digests.

/** The ticket alphabet (Crockford base 32): 26 of these make a code. */
const ALPHABET = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/**
 * What a scanner typed → the code the core expects: full-width characters (a Chinese input method
 * may produce them) turned into ASCII, spaces dropped, ASCII letters upper-cased. Anything else is
 * kept as is, so the core can say what it is (a URL, a payment code…).
 */
export function normalizeCode(raw: string): string {
  let out = "";
  for (const ch of raw) {
    const c = ch.codePointAt(0)!;
    // Full-width ASCII (U+FF01–U+FF5E) → ASCII; the ideographic space → a space.
    if (c >= 0xff01 && c <= 0xff5e) out += String.fromCodePoint(c - 0xfee0);
    else if (c === 0x3000) out += " ";
    else out += ch;
  }
  out = out.replace(/\s+/g, "");
  return out.replace(/[a-z]/g, (m) => m.toUpperCase());
}

/** Whether a normalised code has the shape of a ticket (it may still be unknown). */
export function looksLikeTicket(code: string): boolean {
  return ALPHABET.test(code);
}

/** A fresh nonce for one scan: a retried or replayed scan with it counts once. */
export function newNonce(): string {
  const c = globalThis.crypto;
  if (c && typeof c.randomUUID === "function") return c.randomUUID();
  const b = new Uint8Array(16);
  c.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

/** SHA-256 of a string, lower-case hex (what the roster holds as `code_sha256`). */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await globalThis.crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (x) => x.toString(16).padStart(2, "0")).join("");
}

/** The digest the roster keeps for a scanned code (upper-cased, trimmed). */
export function rosterDigest(raw: string): Promise<string> {
  return sha256Hex(normalizeCode(raw));
}

/** A ticket code for reading aloud or typing: groups of `size` (default 4) separated by spaces. */
export function groupCode(code: string, size = 4): string {
  return (code.match(new RegExp(`.{1,${size}}`, "g")) ?? []).join(" ");
}
