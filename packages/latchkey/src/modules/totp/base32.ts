// RFC 4648 base32 for TOTP seeds: tolerant of how people copy them, strict about what cannot be a real seed.

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** Longest text we look at; a 1024-byte seed is 1,639 characters, so this leaves room for spaces and hyphens. */
export const MAX_BASE32_TEXT_LENGTH = 8192;

/** Why a text is not base32. The reasons never quote the text: it is a seed. */
export type Base32Result = { ok: true; bytes: Buffer } | { ok: false; reason: string };

const INVALID_CHARACTERS = 'contains characters outside the base32 alphabet A-Z and 2-7';

const VALUES: ReadonlyMap<string, number> = new Map([...ALPHABET].map((ch, index) => [ch, index]));

/** Padding that a correct encoder writes after `rem` (= length mod 8) data characters. */
const PADDING_FOR_REMAINDER: ReadonlyMap<number, number> = new Map([
  [0, 0],
  [2, 6],
  [4, 4],
  [5, 3],
  [7, 1],
]);

/**
 * Decodes base32 the way seeds are actually shared: case-insensitive, with spaces, tabs, line breaks and hyphens
 * (grouping) ignored, and `=` padding optional. Refused: characters outside the alphabet (0, 1, 8, 9 are the
 * usual typos), a length no encoder produces, wrong padding, and non-zero trailing bits. RFC 4648 §3.5 lets a
 * decoder reject those bits; we do, because they almost always mean a character was dropped or mistyped, and
 * a wrong seed enrolled silently yields codes that never work.
 */
export function decodeBase32(text: string): Base32Result {
  if (text.length > MAX_BASE32_TEXT_LENGTH) {
    return { ok: false, reason: `must be at most ${MAX_BASE32_TEXT_LENGTH} characters` };
  }
  const stripped = text.replace(/[\s-]+/g, '');
  // Checked before upper-casing: toUpperCase maps some non-ASCII letters into the alphabet ('ſ' → 'S', 'ß' → 'SS').
  if (/[^A-Za-z2-7=]/.test(stripped)) return { ok: false, reason: INVALID_CHARACTERS };
  const compact = stripped.toUpperCase();
  const firstPad = compact.indexOf('=');
  const data = firstPad === -1 ? compact : compact.slice(0, firstPad);
  const padding = firstPad === -1 ? '' : compact.slice(firstPad);
  if (data.length === 0) return { ok: false, reason: 'is empty' };
  if (!/^=*$/.test(padding)) return { ok: false, reason: 'has characters after the = padding' };
  const expectedPadding = PADDING_FOR_REMAINDER.get(data.length % 8);
  if (expectedPadding === undefined) {
    return { ok: false, reason: 'has a length no base32 encoder produces (a character is missing or extra)' };
  }
  if (padding.length !== 0 && padding.length !== expectedPadding) {
    return { ok: false, reason: 'has the wrong amount of = padding' };
  }
  const bytes = Buffer.alloc(Math.floor((data.length * 5) / 8));
  let buffer = 0;
  let bits = 0;
  let out = 0;
  for (const ch of data) {
    const value = VALUES.get(ch);
    if (value === undefined) return { ok: false, reason: INVALID_CHARACTERS };
    buffer = ((buffer << 5) | value) & 0xfff;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes[out++] = (buffer >> bits) & 0xff;
    }
  }
  if ((buffer & ((1 << bits) - 1)) !== 0) {
    return { ok: false, reason: 'ends in bits that are not zero (a character is probably missing or mistyped)' };
  }
  return { ok: true, bytes };
}

/** Encodes bytes as upper-case base32, without padding unless asked (otpauth URIs omit it). */
export function encodeBase32(bytes: Uint8Array, options: { padding?: boolean } = {}): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = ((buffer << 8) | byte) & 0xfff;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET.charAt((buffer >> bits) & 31);
    }
  }
  if (bits > 0) out += ALPHABET.charAt((buffer << (5 - bits)) & 31);
  if (options.padding === true) out += '='.repeat(PADDING_FOR_REMAINDER.get(out.length % 8) ?? 0);
  return out;
}
