// Money typed and shown in ¥, kept as integer fen. Parsing works on the decimal string (never
// `parseFloat(x) * 100`, which turns 19.99 into 1998.9999…), so what the user typed is what is sent.

/** The largest amount the core accepts: just under ¥100,000,000 (well inside a JS number's exact range). */
export const MAX_FEN = 9_999_999_999;

// Full-width digits and punctuation a Chinese input method types (１２３．５，￥).
function halfWidth(text: string): string {
  return text.replace(/[\uff10-\uff19\uff0c\uff0e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
}

/**
 * Yuan typed by a user ("1,234.5", "¥19.99", "１９８００元") → integer fen, or null when it is not a
 * valid amount (more than two decimals, letters, out of range). Negative amounts only with `allowNegative`.
 */
export function parseYuan(text: string, { allowNegative = true }: { allowNegative?: boolean } = {}): number | null {
  const s = halfWidth(text).replace(/[,¥￥\s]/g, "").replace(/元$/, "");
  const m = /^(-?)(\d+)(?:\.(\d{0,2}))?$/.exec(s) ?? /^(-?)()\.(\d{1,2})$/.exec(s);
  if (!m) return null;
  const whole = m[2] || "0";
  if (whole.replace(/^0+/, "").length > 11) return null;
  const fen = Number(whole) * 100 + Number((m[3] ?? "").padEnd(2, "0"));
  if (fen > MAX_FEN) return null;
  if (m[1]) return allowNegative ? (fen === 0 ? 0 : -fen) : null;
  return fen;
}

/** Integer fen → what goes back into an input box: 1980000 → "19800", 1999 → "19.99", 5 → "0.05". */
export function fenToYuanText(fen: number): string {
  const neg = fen < 0;
  const abs = Math.abs(Math.trunc(fen));
  const cents = abs % 100;
  const yuan = String((abs - cents) / 100);
  return `${neg ? "-" : ""}${yuan}${cents ? `.${String(cents).padStart(2, "0")}` : ""}`;
}

/** A tier's price times a quantity, in fen (integers only, so exact). */
export function times(priceFen: number, quantity: number): number {
  return Math.trunc(priceFen) * Math.trunc(quantity);
}
