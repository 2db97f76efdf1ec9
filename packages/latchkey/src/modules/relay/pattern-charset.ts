// Character sets for relay filter patterns, with JavaScript's (non-`u`) case-insensitive semantics.

/** A set of UTF-16 code units as sorted, non-overlapping inclusive ranges `[lo0, hi0, lo1, hi1, …]`. */
export type Ranges = readonly number[];

/** A compiled set test: an ASCII table for the common case, ranges (and case mates) for the rest. */
export interface CharMatcher {
  readonly ascii: Uint8Array;
  readonly ranges: Ranges;
  readonly negated: boolean;
  readonly caseInsensitive: boolean;
}

const MAX_UNIT = 0xffff;

export const DIGIT: Ranges = [0x30, 0x39];
export const WORD: Ranges = [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a];
// ECMAScript WhiteSpace and LineTerminator, which is what \s means.
export const SPACE: Ranges = normalise([
  0x09, 0x0d, 0x20, 0x20, 0xa0, 0xa0, 0x1680, 0x1680, 0x2000, 0x200a, 0x2028, 0x2029, 0x202f, 0x202f, 0x205f, 0x205f,
  0x3000, 0x3000, 0xfeff, 0xfeff,
]);
// `.` without the `s` flag: everything but the line terminators.
export const DOT: Ranges = complement([0x0a, 0x0a, 0x0d, 0x0d, 0x2028, 0x2029]);

/** Sorts and merges ranges so lookups can binary-search them. */
export function normalise(ranges: readonly number[]): Ranges {
  const pairs: [number, number][] = [];
  for (let i = 0; i + 1 < ranges.length; i += 2) pairs.push([ranges[i] ?? 0, ranges[i + 1] ?? 0]);
  pairs.sort((a, b) => a[0] - b[0]);
  const out: number[] = [];
  for (const [lo, hi] of pairs) {
    const last = out.length - 1;
    if (last > 0 && lo <= (out[last] ?? 0) + 1) out[last] = Math.max(out[last] ?? 0, hi);
    else out.push(lo, hi);
  }
  return out;
}

/** The code units not in `ranges`. */
export function complement(ranges: Ranges): Ranges {
  const sorted = normalise(ranges);
  const out: number[] = [];
  let next = 0;
  for (let i = 0; i < sorted.length; i += 2) {
    const lo = sorted[i] ?? 0;
    if (lo > next) out.push(next, lo - 1);
    next = (sorted[i + 1] ?? 0) + 1;
  }
  if (next <= MAX_UNIT) out.push(next, MAX_UNIT);
  return out;
}

/** Builds a matcher; the ASCII table is filled once here so the hot loop is one array read for ASCII input. */
export function charMatcher(ranges: Ranges, negated: boolean, caseInsensitive: boolean): CharMatcher {
  const base = { ranges: normalise(ranges), negated, caseInsensitive };
  const ascii = new Uint8Array(128);
  const matcher = { ...base, ascii };
  for (let unit = 0; unit < 128; unit++) ascii[unit] = slowMatch(matcher, unit) ? 1 : 0;
  return matcher;
}

/** True when code unit `unit` is in the set. */
export function matches(matcher: CharMatcher, unit: number): boolean {
  return unit < 128 ? matcher.ascii[unit] === 1 : slowMatch(matcher, unit);
}

function slowMatch(matcher: Omit<CharMatcher, 'ascii'>, unit: number): boolean {
  let found = inRanges(matcher.ranges, unit);
  if (!found && matcher.caseInsensitive) {
    // ECMAScript CharacterSetMatcher: a member matches when its Canonicalize equals the input's, and negation is
    // applied after that test; so [^a] with /i refuses 'A'.
    for (const mate of caseMates(unit)) {
      if (inRanges(matcher.ranges, mate)) {
        found = true;
        break;
      }
    }
  }
  return found !== matcher.negated;
}

function inRanges(ranges: Ranges, unit: number): boolean {
  let lo = 0;
  let hi = ranges.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (unit < (ranges[2 * mid] ?? 0)) hi = mid - 1;
    else if (unit > (ranges[2 * mid + 1] ?? 0)) lo = mid + 1;
    else return true;
  }
  return false;
}

let canonical: Uint16Array | undefined;
let mateGroups: Map<number, number[]> | undefined;
const NO_MATES: readonly number[] = [];

/** ECMAScript Canonicalize(rer, ch) without the `u` flag (ES2023 §22.2.2.7.3). */
function canonicalize(unit: number): number {
  const upper = String.fromCharCode(unit).toUpperCase();
  if (upper.length !== 1) return unit;
  const cu = upper.charCodeAt(0);
  // Non-ASCII never folds into ASCII (so U+017F long s does not match 's').
  return unit >= 128 && cu < 128 ? unit : cu;
}

/** Every code unit with the same canonical form as `unit` (built once, on the first case-insensitive lookup). */
function caseMates(unit: number): readonly number[] {
  if (!canonical || !mateGroups) {
    canonical = new Uint16Array(MAX_UNIT + 1);
    const groups = new Map<number, number[]>();
    for (let u = 0; u <= MAX_UNIT; u++) {
      const c = canonicalize(u);
      canonical[u] = c;
      const group = groups.get(c);
      if (group) group.push(u);
      else groups.set(c, [u]);
    }
    mateGroups = new Map([...groups].filter(([, members]) => members.length > 1));
  }
  return mateGroups.get(canonical[unit] ?? unit) ?? NO_MATES;
}
