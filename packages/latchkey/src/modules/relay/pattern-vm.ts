// A Thompson-NFA program and its simulation (a Pike VM without captures): time O(input × program), never exponential.
import { type CharMatcher, matches } from './pattern-charset.js';

/** Instruction opcodes. */
export const Op = { Char: 0, Split: 1, Jump: 2, Assert: 3, Match: 4 } as const;

/** Zero-width assertions the VM evaluates at a position. */
export const Assertion = { Start: 0, End: 1, WordBoundary: 2, NotWordBoundary: 3 } as const;

/** A compiled program: instruction `i` is `(op[i], x[i], y[i])`; `x` is a matcher index, jump target or assertion. */
export interface Program {
  readonly op: Uint8Array;
  readonly x: Int32Array;
  readonly y: Int32Array;
  readonly matchers: readonly CharMatcher[];
}

/** The result of one search. */
export interface PatternRun {
  matched: boolean;
  /** Instructions executed; at most about 2 × (input length + 1) × program size. */
  steps: number;
  /** True when the step budget ran out before an answer: reported as no match (fail closed). */
  exhausted: boolean;
}

/**
 * Searches `input` for a match anywhere (the program is unanchored unless it asserts ^ or $). Each instruction is
 * entered at most once per input position, which is what bounds the work regardless of how ambiguous the pattern is.
 */
export function runProgram(program: Program, input: string, maxSteps: number): PatternRun {
  const { op, x, y, matchers } = program;
  const size = op.length;
  let current = new Int32Array(size);
  let next = new Int32Array(size);
  let currentCount = 0;
  let nextCount = 0;
  // mark[pc] === position + 1 means pc is already on the list for that position (0 means never).
  const mark = new Int32Array(size);
  const stack = new Int32Array(2 * size + 2);
  const length = input.length;
  let steps = 0;

  const isWord = (at: number): boolean => {
    if (at < 0 || at >= length) return false;
    const c = input.charCodeAt(at);
    return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
  };

  /** Follows every empty transition from `start` at `position`, adding Char instructions to `list`. */
  const addThread = (list: Int32Array, count: number, start: number, position: number): number => {
    let top = 0;
    stack[top++] = start;
    while (top > 0) {
      top -= 1;
      const pc = stack[top] ?? 0;
      if (mark[pc] === position + 1) continue;
      mark[pc] = position + 1;
      steps += 1;
      switch (op[pc]) {
        case Op.Char:
          list[count++] = pc;
          break;
        case Op.Jump:
          stack[top++] = x[pc] ?? 0;
          break;
        case Op.Split:
          stack[top++] = y[pc] ?? 0;
          stack[top++] = x[pc] ?? 0;
          break;
        case Op.Assert:
          if (assertionHolds(x[pc] ?? 0, position, length, isWord)) stack[top++] = pc + 1;
          break;
        case Op.Match:
          return -1;
      }
    }
    return count;
  };

  for (let position = 0; position <= length; position++) {
    // Seeding a thread at every position is what makes the search unanchored.
    currentCount = addThread(current, currentCount, 0, position);
    if (currentCount < 0) return { matched: true, steps, exhausted: false };
    if (position === length) break;
    if (steps > maxSteps) return { matched: false, steps, exhausted: true };
    const unit = input.charCodeAt(position);
    nextCount = 0;
    for (let i = 0; i < currentCount; i++) {
      const pc = current[i] ?? 0;
      steps += 1;
      const matcher = matchers[x[pc] ?? 0];
      if (matcher && matches(matcher, unit)) {
        nextCount = addThread(next, nextCount, pc + 1, position + 1);
        if (nextCount < 0) return { matched: true, steps, exhausted: false };
      }
    }
    [current, next] = [next, current];
    currentCount = nextCount;
  }
  return { matched: false, steps, exhausted: false };
}

function assertionHolds(kind: number, position: number, length: number, isWord: (at: number) => boolean): boolean {
  switch (kind) {
    case Assertion.Start:
      return position === 0;
    case Assertion.End:
      return position === length;
    case Assertion.WordBoundary:
      return isWord(position - 1) !== isWord(position);
    default:
      return isWord(position - 1) === isWord(position);
  }
}
