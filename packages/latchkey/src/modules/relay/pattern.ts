// Relay filter patterns: agent-supplied globs and a small regex subset, matched in linear time (never backtracking).
import { compileProgram, FilterPatternError, GLOB_PATH, MAX_PATTERN_LENGTH, PATTERN_PATH } from './pattern-compile.js';
import { type PatternRun, runProgram } from './pattern-vm.js';

export {
  FilterPatternError,
  MAX_PATTERN_LENGTH,
  MAX_PROGRAM_SIZE,
  MAX_REPEAT,
} from './pattern-compile.js';
export type { PatternRun } from './pattern-vm.js';

/**
 * Default step budget of one search. An ordinary pattern uses a few steps per input character, so this covers
 * megabytes of text; the largest program on hostile input reaches it in about 0.2 s (~100 M steps/s measured).
 */
export const DEFAULT_MAX_STEPS = 20_000_000;

/** A compiled `filter.pattern`. */
export interface CompiledPattern {
  readonly source: string;
  /** Instructions in the compiled program; work per input character is bounded by about twice this. */
  readonly programSize: number;
  /** True when the pattern matches somewhere in `input` (false, too, if the step budget runs out). */
  test(input: string): boolean;
  /** Like `test`, with the step count and whether the budget ran out. */
  run(input: string, options?: { maxSteps?: number }): PatternRun;
}

/** A compiled `filter.from` glob. */
export interface CompiledGlob {
  readonly source: string;
  /** True when the whole of `input` matches, ignoring case. */
  test(input: string): boolean;
}

/**
 * Compiles a filter pattern: literals, `.`, `\d \w \s \D \W \S \b \B`, escapes (`\t \n \r \f \v \0 \xHH \uHHHH
 * \cX` and escaped punctuation), classes `[a-z0-9-]` and `[^…]`, groups `( )` and `(?: )`, `|`, `? * +` (lazy forms
 * accepted), `{m}`, `{m,}`, `{m,n}`, and `^ $`. Semantics are JavaScript's without the `u`, `m` or `s` flags, with `i`
 * when `caseInsensitive`. Backreferences, lookaround, named groups and property escapes are refused, as are patterns
 * over {@link MAX_PATTERN_LENGTH} or compiling to more than {@link MAX_PROGRAM_SIZE} instructions.
 */
export function compilePattern(pattern: string, options: { caseInsensitive?: boolean } = {}): CompiledPattern {
  if (typeof pattern !== 'string') throw new FilterPatternError(PATTERN_PATH, 'filter.pattern must be a string');
  if (pattern.length > MAX_PATTERN_LENGTH) {
    throw new FilterPatternError(PATTERN_PATH, `filter.pattern must be at most ${MAX_PATTERN_LENGTH} characters`);
  }
  const program = compileProgram(pattern, options.caseInsensitive ?? false);
  const run = (input: string, runOptions: { maxSteps?: number } = {}) =>
    runProgram(program, input, runOptions.maxSteps ?? DEFAULT_MAX_STEPS);
  return { source: pattern, programSize: program.op.length, run, test: (input) => run(input).matched };
}

/**
 * Compiles a sender glob: `*` is any run of characters, `?` exactly one, `\` escapes the next character; everything
 * else is literal. Matching covers the whole input, ignores case, and takes O(input × glob) time with no backtracking
 * (segments between stars are matched leftmost-first, which is complete for globs).
 */
export function compileFromGlob(glob: string): CompiledGlob {
  if (typeof glob !== 'string') throw new FilterPatternError(GLOB_PATH, 'filter.from must be a string');
  if (glob.length > MAX_PATTERN_LENGTH) {
    throw new FilterPatternError(GLOB_PATH, `filter.from must be at most ${MAX_PATTERN_LENGTH} characters`);
  }
  const segments: GlobToken[][] = [[]];
  const points = [...glob];
  for (let i = 0; i < points.length; i++) {
    const point = points[i] ?? '';
    if (point === '*') {
      segments.push([]);
    } else if (point === '\\') {
      const escaped = points[++i];
      if (escaped === undefined) throw new FilterPatternError(GLOB_PATH, 'filter.from ends with an unfinished escape');
      segments.at(-1)?.push(fold(escaped));
    } else {
      segments.at(-1)?.push(point === '?' ? ANY : fold(point));
    }
  }
  return { source: glob, test: (input) => globMatches(segments, [...input].map(fold)) };
}

type GlobToken = number;
const ANY: GlobToken = -1;

/** Case folding for globs: the lower case of a code point when that is a single code point. */
function fold(point: string): GlobToken {
  const lower = point.toLowerCase();
  return [...lower].length === 1 ? (lower.codePointAt(0) ?? 0) : (point.codePointAt(0) ?? 0);
}

function globMatches(segments: readonly GlobToken[][], input: readonly number[]): boolean {
  const segmentAt = (segment: readonly GlobToken[], at: number) =>
    segment.every((token, k) => token === ANY || token === input[at + k]);
  const first = segments[0] ?? [];
  if (segments.length === 1) return first.length === input.length && segmentAt(first, 0);
  const last = segments.at(-1) ?? [];
  if (first.length + last.length > input.length) return false;
  if (!segmentAt(first, 0) || !segmentAt(last, input.length - last.length)) return false;
  let position = first.length;
  const end = input.length - last.length;
  for (const segment of segments.slice(1, -1)) {
    let found = -1;
    for (let at = position; at + segment.length <= end; at++) {
      if (segmentAt(segment, at)) {
        found = at;
        break;
      }
    }
    if (found < 0) return false;
    position = found + segment.length;
  }
  return true;
}
