// Finds the strings in a text that are shaped like a verification code, and drops those whose shape already
// says they are something else (dates, times, amounts, IPs, versions, phone numbers, identifiers).
// Scoring by context happens in codes.ts; this file only looks at characters.
import { findUrlSpans } from './text-urls.js';

/** How a candidate is written; the scorer gives each shape a different prior. */
export type CodeFormat = 'digits' | 'grouped' | 'spaced' | 'prefixed' | 'alnum' | 'alnum-lower';

/** A code-shaped string: offsets into the text, the digits/letters to type, and the shape. */
export interface RawCandidate {
  start: number;
  end: number;
  value: string;
  format: CodeFormat;
}

/** Bounds on work per text, whatever the input. */
const MAX_CHUNKS = 4000;
const MAX_CANDIDATES = 300;

interface Chunk {
  start: number;
  end: number;
  text: string;
}

function isAsciiDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function isAsciiAlnum(c: string | undefined): boolean {
  return c !== undefined && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
}

/**
 * Letters of scripts that separate words with spaces. A code glued to one ("Müller2024", "код123") is part
 * of a word; a code glued to Chinese, Japanese or Korean text ("验证码为470296", "123456입니다") is not.
 */
const WORD_LETTER = /[\p{Script=Latin}\p{Script=Cyrillic}\p{Script=Greek}]/u;

/** Marks every character that belongs to a URL, e-mail address or domain: digits there are never a code. */
function linkMask(text: string): Uint8Array {
  const mask = new Uint8Array(text.length);
  for (const span of findUrlSpans(text)) mask.fill(1, span.start, span.end);
  return mask;
}

/**
 * Splits the text into runs of ASCII letters and digits. `-` and `_` join letters and digits; `.`, `:`,
 * `/` and `,` join digits only, so "10:42:17", "03.06.2025", "198.51.100.7", "1,299" and "12/06" stay whole
 * (and are later dropped) instead of leaking a 4-digit part. One pass: linear.
 */
function scanChunks(folded: string, mask: Uint8Array): Chunk[] {
  const chunks: Chunk[] = [];
  const n = folded.length;
  let i = 0;
  while (i < n && chunks.length < MAX_CHUNKS) {
    if (mask[i] === 1 || !isAsciiAlnum(folded[i])) {
      i++;
      continue;
    }
    const start = i;
    let end = i + 1;
    while (end < n && mask[end] !== 1) {
      const c = folded[end];
      if (isAsciiAlnum(c)) {
        end++;
        continue;
      }
      const next = folded[end + 1];
      if ((c === '-' || c === '_') && isAsciiAlnum(next) && mask[end + 1] !== 1) {
        end += 2;
        continue;
      }
      if ((c === '.' || c === ':' || c === '/' || c === ',') && isAsciiDigit(folded[end - 1]) && isAsciiDigit(next)) {
        end += 2;
        continue;
      }
      break;
    }
    chunks.push({ start, end, text: folded.slice(start, end) });
    i = end;
  }
  return chunks;
}

/** Digit groups that read as one code: 123-456, 1234 5678, 12 34 56. Other groupings are phones or dates. */
function isCodeGrouping(sizes: number[]): boolean {
  const key = sizes.join(',');
  return key === '3,3' || key === '4,4' || key === '2,2,2';
}

/** A number followed by a unit ("600px", "10min", "2nd") is a measure, not a code. */
const NUMBER_WITH_UNIT =
  /^\d+(?:px|pt|em|rem|ms|s|sec|kb|mb|gb|tb|kg|g|lb|lbs|km|m|cm|mm|mi|h|hr|hrs|min|mins|am|pm|st|nd|rd|th|x|k|fps|hz|khz|mhz|ghz|mp|p|i|d|w|y|yr|yrs|gbps|mbps)$/i;

function classifyChunk(chunk: Chunk): RawCandidate | undefined {
  const t = chunk.text;
  if (/[.:/,_]/.test(t)) return undefined;
  const parts = t.split('-');
  if (parts.some((p) => p === '')) return undefined;
  const digitsOnly = parts.every((p) => /^\d+$/.test(p));
  const base = { start: chunk.start, end: chunk.end };
  if (digitsOnly) {
    const value = parts.join('');
    if (parts.length === 1) {
      return value.length >= 4 && value.length <= 8 ? { ...base, value, format: 'digits' } : undefined;
    }
    return isCodeGrouping(parts.map((p) => p.length)) ? { ...base, value, format: 'grouped' } : undefined;
  }
  const [first, ...rest] = parts;
  // "G-412157": a short upper-case letter prefix before the digits the input field takes.
  if (first !== undefined && /^[A-Z]{1,3}$/.test(first) && rest.length > 0 && rest.every((p) => /^\d+$/.test(p))) {
    const value = rest.join('');
    const ok = rest.length === 1 ? value.length >= 4 && value.length <= 8 : isCodeGrouping(rest.map((p) => p.length));
    return ok ? { ...base, value, format: 'prefixed' } : undefined;
  }
  if (parts.length > 3) return undefined;
  const compact = parts.join('');
  if (compact.length < 4 || compact.length > 10) return undefined;
  const letters = compact.replace(/\d/g, '');
  const digits = compact.length - letters.length;
  if (digits === 0 || letters.length === 0) return undefined;
  if (compact.length === 4 && (digits < 2 || letters.length < 2)) return undefined;
  if (NUMBER_WITH_UNIT.test(compact)) return undefined;
  if (letters === letters.toUpperCase()) return { ...base, value: compact, format: 'alnum' };
  if (letters === letters.toLowerCase() && digits >= 2) return { ...base, value: compact, format: 'alnum-lower' };
  // Mixed case ("qlRnn4A1sbt", "Win64") is a hash, an app signature or a product name.
  return undefined;
}

/**
 * The code-shaped strings of `folded` (digits already folded to ASCII), in order. Digit groups separated by
 * single spaces are joined when they form a code grouping (123 456, 1 2 3 4 5 6); runs that do not (a phone
 * "555 0142", a card "4242 4242 4242 4242") are dropped whole, so no part of them becomes a code.
 */
export function findRawCandidates(folded: string): RawCandidate[] {
  const chunks = scanChunks(folded, linkMask(folded));
  const out: RawCandidate[] = [];
  const isPlainDigits = (c: Chunk | undefined): c is Chunk => c !== undefined && /^\d{1,4}$/.test(c.text);
  let i = 0;
  while (i < chunks.length && out.length < MAX_CANDIDATES) {
    const chunk = chunks[i] as Chunk; // i < chunks.length
    const before = folded[chunk.start - 1] ?? '';
    const glued = (c: Chunk): boolean =>
      WORD_LETTER.test(folded[c.start - 1] ?? '') || WORD_LETTER.test(folded[c.end] ?? '');
    // "G-412 157": a letter prefix whose digits continue after one space.
    const prefixed = /^([A-Z]{1,3})-(\d{2,4})$/.exec(chunk.text);
    const next = chunks[i + 1];
    if (
      prefixed?.[2] !== undefined &&
      isPlainDigits(next) &&
      next.start === chunk.end + 1 &&
      folded[chunk.end] === ' '
    ) {
      const after = chunks[i + 2];
      const runsOn = isPlainDigits(after) && after.start === next.end + 1 && folded[next.end] === ' ';
      if (!runsOn && isCodeGrouping([prefixed[2].length, next.text.length])) {
        out.push({ start: chunk.start, end: next.end, value: prefixed[2] + next.text, format: 'prefixed' });
        i += 2;
        continue;
      }
    }
    if (isPlainDigits(chunk)) {
      let j = i;
      while (j + 1 < chunks.length) {
        const cur = chunks[j] as Chunk;
        const nxt = chunks[j + 1];
        if (!isPlainDigits(nxt) || nxt.start !== cur.end + 1 || folded[cur.end] !== ' ') break;
        j++;
      }
      if (j > i) {
        const run = chunks.slice(i, j + 1);
        const sizes = run.map((c) => c.text.length);
        const last = run[run.length - 1] as Chunk;
        const value = run.map((c) => c.text).join('');
        const spaced = sizes.every((s) => s === 1) && sizes.length >= 4 && sizes.length <= 8;
        if ((spaced || isCodeGrouping(sizes)) && !glued({ start: chunk.start, end: last.end, text: value })) {
          out.push({ start: chunk.start, end: last.end, value, format: spaced ? 'spaced' : 'grouped' });
          i = j + 1;
          continue;
        }
        if (value.length > 8 || sizes.every((s) => s >= 3) || (sizes.length > 2 && sizes.every((s) => s === 1))) {
          i = j + 1;
          continue;
        }
      }
    }
    i++;
    if (glued(chunk) || before === '_') continue;
    const candidate = classifyChunk(chunk);
    if (candidate) out.push(candidate);
  }
  return out;
}
