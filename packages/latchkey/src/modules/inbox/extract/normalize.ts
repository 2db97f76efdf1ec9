// Character-level normalisation shared by every stage: digit folding, case folding and invisible characters.

/**
 * Starts of the Unicode decimal-digit blocks folded to ASCII. Each block holds ten consecutive code points
 * in the Basic Multilingual Plane, so folding maps one UTF-16 unit to one and keeps every offset valid.
 */
const DIGIT_BLOCK_STARTS = [
  0x0660, // Arabic-Indic
  0x06f0, // Extended Arabic-Indic (Persian, Urdu)
  0x0966, // Devanagari
  0x09e6, // Bengali
  0x0a66, // Gurmukhi
  0x0ae6, // Gujarati
  0x0be6, // Tamil
  0x0c66, // Telugu
  0x0ce6, // Kannada
  0x0d66, // Malayalam
  0x0e50, // Thai
  0x1040, // Myanmar
  0xff10, // Fullwidth
];

/** The ASCII digit a code unit stands for, or -1. */
export function digitValue(unit: number): number {
  if (unit >= 0x30 && unit <= 0x39) return unit - 0x30;
  if (unit < 0x0660) return -1;
  for (const start of DIGIT_BLOCK_STARTS) {
    if (unit >= start && unit <= start + 9) return unit - start;
  }
  return -1;
}

/**
 * Folds every decimal digit to ASCII and fullwidth Latin letters to ASCII letters, one code unit for one,
 * so positions found in the folded string are positions in the original.
 */
export function foldDigits(text: string): string {
  let changed = false;
  const out: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    let mapped = unit;
    if (unit >= 0x0660) {
      const d = digitValue(unit);
      if (d >= 0) mapped = 0x30 + d;
      else if (unit >= 0xff21 && unit <= 0xff3a) mapped = unit - 0xff21 + 0x41;
      else if (unit >= 0xff41 && unit <= 0xff5a) mapped = unit - 0xff41 + 0x61;
    }
    if (mapped !== unit) changed = true;
    out.push(String.fromCharCode(mapped));
  }
  return changed ? out.join('') : text;
}

/**
 * Lower-cases without changing the length. `String.prototype.toLowerCase` turns `İ` into two code units,
 * which would shift every later offset; such characters are left as they are.
 */
export function lowerSameLength(text: string): string {
  const lowered = text.toLowerCase();
  if (lowered.length === text.length) return lowered;
  const out: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const ch = text.charAt(i);
    const low = ch.toLowerCase();
    out.push(low.length === 1 ? low : ch);
  }
  return out.join('');
}

/** Zero-width characters and the soft hyphen: invisible in a mail client, so dropped from readable text. */
const INVISIBLE =
  /\u034f|[\u00ad\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064\u206a-\u206f\ufeff]/g;
/** Spaces other than U+0020 (no-break, thin, ideographic …) render as a space. */
const ODD_SPACES = /[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/g;

/** Removes invisible characters and turns exotic spaces into plain ones; line breaks become `\n`. */
export function cleanInvisible(text: string): string {
  return text
    .replace(INVISIBLE, '')
    .replace(ODD_SPACES, ' ')
    .replace(/\r\n?|[\u2028\u2029\u0085]/g, '\n');
}
