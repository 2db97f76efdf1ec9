// Tests for relay filter patterns: agreement with JavaScript's RegExp, refusals, and linear time on hostile input.
import { describe, expect, it } from 'vitest';
import {
  compileFromGlob,
  compilePattern,
  DEFAULT_MAX_STEPS,
  FilterPatternError,
  MAX_PATTERN_LENGTH,
  MAX_PROGRAM_SIZE,
} from './pattern.js';

/** A small deterministic PRNG (mulberry32), so a failing random case can be reproduced from its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function refusal(run: () => unknown): FilterPatternError {
  try {
    run();
  } catch (error) {
    if (error instanceof FilterPatternError) return error;
    throw error;
  }
  throw new Error('expected a FilterPatternError');
}

/** Asserts our answer equals JavaScript's for the same pattern, flags and input. */
function agreesWithRegExp(pattern: string, input: string, caseInsensitive = false): void {
  const expected = new RegExp(pattern, caseInsensitive ? 'i' : '').test(input);
  const actual = compilePattern(pattern, { caseInsensitive }).test(input);
  expect({ pattern, input, caseInsensitive, matched: actual }).toEqual({
    pattern,
    input,
    caseInsensitive,
    matched: expected,
  });
}

describe('compilePattern agrees with RegExp on the supported subset', () => {
  const table: [string, string[]][] = [
    ['\\b\\d{6}\\b', ['code 412157 ok', '4121570', 'G-412157', 'x412157', '', '12345']],
    ['^\\d{3}[- ]?\\d{3}$', ['412 157', '412-157', '412157', '412--157', ' 412157']],
    ['(?:code|pin)[: ]+(\\d{4,8})', ['Your code: 1234', 'PIN 99887766', 'code:', 'Code 1234']],
    ['[A-Z0-9]{2}-[A-Z0-9]{4}', ['G-4121', 'AB-12CD', 'ab-12cd']],
    ['verify|login|reset', ['please VERIFY', 'reset link', 'nothing']],
    ['a.c', ['abc', 'a\nc', 'a\rc', 'a\u2028c', 'ac']],
    ['^$', ['', 'x']],
    ['x*', ['', 'yyy']],
    ['(a|ab)(c|bcd)(d*)', ['abcd', 'abcdd', 'acd']],
    ['[^a-c]', ['abc', 'abcd', '']],
    ['[\\w.-]+@example\\.com', ['no-reply@example.com', 'a@exampleXcom', '@example.com']],
    ['\\s\\S\\w\\W\\d\\D', ['\t x.1a', ' xx.1a', '\u00a0é_ 9z']],
    ['\\x41\\u0042\\cC\\t', ['AB\u0003\t', 'AB\u0003 ']],
    ['[\\b]', ['\b', 'b']],
    ['a{2,}b{0,1}c{0}', ['aab', 'ab', 'aaaabb', 'aac']],
    ['a{,2}', ['a{,2}', 'aa']],
    ['a{1', ['a{1', 'a1']],
    ['}]', ['}]', '}']],
    ['a*?b+?c??', ['bbc', 'aab', 'c']],
    ['(^)*a', ['a', 'ba']],
    ['\\Bb\\B', ['abc', 'b', ' b ']],
    ['[]', ['', 'a']],
    ['[^]', ['', '\n']],
    ['é', ['É', 'é']],
    ['\\.\\-\\/\\@\\ ', ['.-/@ ', '.-/@']],
  ];

  it.each(table)('%s', (pattern, inputs) => {
    for (const input of inputs) {
      agreesWithRegExp(pattern, input);
      agreesWithRegExp(pattern, input, true);
    }
  });

  it('follows JavaScript case folding without the u flag (ſ, K, non-ASCII into ASCII)', () => {
    for (const [pattern, input] of [
      ['s', 'ſ'],
      ['k', '\u212a'],
      ['[a-z]', 'ſ'],
      ['[^s]', 'S'],
      ['\\W', 'ſ'],
      ['[\\W]', 'k'],
      ['É', 'é'],
      ['[à-ÿ]', 'À'],
      ['σ', 'ς'],
      ['[Σ]', 'ς'],
      ['ǆ', 'ǅ'],
      ['I', 'ı'],
    ]) {
      agreesWithRegExp(pattern ?? '', input ?? '', true);
      agreesWithRegExp(pattern ?? '', input ?? '', false);
    }
  });

  it('agrees on 4,000 random patterns × 12 random inputs (seeded)', () => {
    const next = random(20250101);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
    const literals = ['a', 'b', 'c', 'A', 'B', '-', ' ', 'é', 'É', '1', '\\.', '\\-', '\\n', 'ſ', 'K'];
    const escapes = ['.', '\\d', '\\w', '\\s', '\\D', '\\W', '\\S'];
    const classItems = ['a', 'b', 'z', 'A', '0-9', 'a-c', 'A-C', '\\d', '\\s', '\\W', 'é', '_', '.', '\\]', '\\-'];
    const quantifiers = ['', '', '', '*', '+', '?', '{2}', '{0,2}', '{1,}', '*?', '{1,3}?', '??'];
    const atom = (depth: number): string => {
      const roll = next();
      if (roll < 0.35) return pick(literals);
      if (roll < 0.5) return pick(escapes);
      if (roll < 0.65) {
        const items = Array.from({ length: 1 + Math.floor(next() * 3) }, () => pick(classItems)).join('');
        return `[${next() < 0.3 ? '^' : ''}${items}${next() < 0.1 ? '-' : ''}]`;
      }
      if (roll < 0.85 && depth > 0) return `(${next() < 0.5 ? '?:' : ''}${alternation(depth - 1)})`;
      return pick(literals);
    };
    const piece = (depth: number): string => {
      if (next() < 0.08) return pick(['^', '$', '\\b', '\\B']);
      return atom(depth) + pick(quantifiers);
    };
    const concatenation = (depth: number) =>
      Array.from({ length: 1 + Math.floor(next() * 4) }, () => piece(depth)).join('');
    const alternation = (depth: number): string =>
      Array.from({ length: 1 + Math.floor(next() * (next() < 0.7 ? 1 : 3)) }, () => concatenation(depth)).join('|');
    const alphabet = ['a', 'b', 'c', 'A', 'B', 'C', '1', '2', ' ', '\n', '-', '_', 'é', 'É', '.', 'ſ', 'K', ']'];
    const input = () => Array.from({ length: Math.floor(next() * 12) }, () => pick(alphabet)).join('');

    let compared = 0;
    const mismatches: string[] = [];
    for (let i = 0; i < 4_000; i++) {
      const pattern = alternation(2);
      const caseInsensitive = next() < 0.5;
      const reference = new RegExp(pattern, caseInsensitive ? 'i' : '');
      const ours = compilePattern(pattern, { caseInsensitive });
      for (let j = 0; j < 12; j++) {
        const text = input();
        compared += 1;
        if (reference.test(text) !== ours.test(text)) mismatches.push(`${reference} on ${JSON.stringify(text)}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(compared).toBe(48_000);
  });
});

describe('compilePattern refuses what it does not support, naming filter.pattern', () => {
  it.each([
    ['(a)\\1', /backreference/],
    ['\\k<x>', /named backreference/],
    ['(?=a)', /lookaround/],
    ['(?!a)', /lookaround/],
    ['(?<=a)b', /lookaround/],
    ['(?<!a)b', /lookaround/],
    ['(?<name>a)', /named or special groups/],
    ['\\p{L}', /unknown escape/],
    ['\\a', /unknown escape/],
    ['\\01', /octal/],
    ['\\x1', /hex digits/],
    ['\\u12', /hex digits/],
    ['\\c1', /control letter/],
    ['abc\\', /lone backslash/],
    ['(ab', /unclosed \(/],
    ['ab)', /unmatched \)/],
    ['[ab', /unclosed \[/],
    ['[z-a]', /out of order/],
    ['[\\d-z]', /class escape/],
    ['*a', /nothing to repeat/],
    ['a|+', /nothing to repeat/],
    ['{2}', /nothing to repeat/],
    ['^*', /nothing to repeat/],
    ['\\b+', /nothing to repeat/],
    ['a**', /two quantifiers/],
    ['a*??', /two quantifiers/],
    ['x{2,1}', /smaller than/],
    ['x{1001}', /more than 1000/],
    ['(a{1,100}){1,100}', /more than 2000/],
    ['(.*a){600}', /more than 2000/],
    ['a'.repeat(MAX_PATTERN_LENGTH + 1), /at most 256/],
  ])('%s', (pattern, message) => {
    const error = refusal(() => compilePattern(pattern));
    expect(error.code).toBe('INVALID_FILTER');
    expect(error.details[0]?.path).toBe('filter.pattern');
    expect(error.message).toMatch(message);
  });

  it('refuses a non-string', () => {
    expect(refusal(() => compilePattern(42 as unknown as string)).details[0]?.path).toBe('filter.pattern');
  });
});

describe('compilePattern runs in time linear in input × pattern', () => {
  const n = 100_000;
  const cases: [string, string, boolean][] = [
    ['(a+)+$', `${'a'.repeat(n)}!`, false],
    ['(a|aa)*b', 'a'.repeat(n), false],
    ['(.*a){20}', `${'a'.repeat(19)}${'b'.repeat(n)}`, false],
    ['(.*a){20}', 'ba'.repeat(n / 2), true],
    ['(x+x+)+y', 'x'.repeat(n), false],
    ['(a*)*$', `${'a'.repeat(n)}b`, true],
    ['^(\\w+\\s?)*$', `${'word '.repeat(n / 5)}!`, false],
    ['(\\d+|\\d{1,20})+-', '1'.repeat(n), false],
  ];

  it.each(cases)('%s on a 100 KB input', (pattern, input, expected) => {
    const compiled = compilePattern(pattern);
    const started = performance.now();
    const run = compiled.run(input);
    const elapsed = performance.now() - started;
    expect(run.matched).toBe(expected);
    expect(run.exhausted).toBe(false);
    // The bound that makes this safe: each instruction is entered at most once per position, plus one Char test.
    expect(run.steps).toBeLessThanOrEqual(2 * (input.length + 1) * compiled.programSize);
    expect(elapsed).toBeLessThan(5_000);
  });

  it('stops at the step budget and reports no match', () => {
    const compiled = compilePattern('(.*a){20}');
    const run = compiled.run(`${'a'.repeat(19)}${'b'.repeat(n)}`, { maxSteps: 10_000 });
    expect(run).toMatchObject({ matched: false, exhausted: true });
    expect(run.steps).toBeLessThan(10_000 + 2 * compiled.programSize);
  });

  it('keeps the largest accepted program within the bound, and the default budget caps it on 100 KB', () => {
    const compiled = compilePattern('(?:.?){999}x');
    expect(compiled.programSize).toBeLessThanOrEqual(MAX_PROGRAM_SIZE);
    const unbounded = compiled.run('y'.repeat(10_000), { maxSteps: Number.POSITIVE_INFINITY });
    expect(unbounded.matched).toBe(false);
    expect(unbounded.steps).toBeLessThanOrEqual(2 * 10_001 * compiled.programSize);
    const started = performance.now();
    const budgeted = compiled.run('y'.repeat(n));
    expect(budgeted).toMatchObject({ matched: false, exhausted: true });
    expect(budgeted.steps).toBeLessThanOrEqual(DEFAULT_MAX_STEPS + 2 * compiled.programSize);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe('compileFromGlob', () => {
  it.each([
    ['*@example.com', 'noreply@example.com', true],
    ['*@example.com', 'NoReply@EXAMPLE.COM', true],
    ['*@example.com', 'noreply@example.com.evil.test', false],
    ['*@*.example.com', 'a@mail.example.com', true],
    ['*@*.example.com', 'a@example.com', false],
    ['no-reply@github.com', 'no-reply@github.com', true],
    ['no-reply@github.com', 'xno-reply@github.com', false],
    ['?@x.io', 'a@x.io', true],
    ['?@x.io', 'ab@x.io', false],
    ['?@x.io', '😀@x.io', true],
    ['*', '', true],
    ['', '', true],
    ['', 'a', false],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'acb', false],
    ['a**c', 'ac', true],
    ['a\\*c', 'a*c', true],
    ['a\\*c', 'abc', false],
    ['a\\?c', 'abc', false],
    ['*ab*ab*', 'xabyab', true],
    ['*ab*ab*', 'xaby', false],
    ['*aa', 'aaa', true],
    ['aa*aa', 'aaa', false],
    ['ÉCOLE@*', 'école@x.fr', true],
  ])('%s vs %s', (glob, input, expected) => {
    expect(compileFromGlob(glob).test(input)).toBe(expected);
  });

  it('agrees with an anchored regular expression on 3,000 random globs (seeded)', () => {
    const next = random(7);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
    const toRegExp = (glob: string) =>
      new RegExp(
        `^${[...glob].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\-]/g, '\\$&'))).join('')}$`,
        'isu',
      );
    const mismatches: string[] = [];
    for (let i = 0; i < 3_000; i++) {
      const glob = Array.from({ length: Math.floor(next() * 7) }, () => pick(['a', 'b', 'A', '*', '?', '.', '@'])).join(
        '',
      );
      const compiled = compileFromGlob(glob);
      for (let j = 0; j < 10; j++) {
        const input = Array.from({ length: Math.floor(next() * 8) }, () => pick(['a', 'b', 'B', '.', '@'])).join('');
        if (compiled.test(input) !== toRegExp(glob).test(input)) mismatches.push(`${glob} on ${input}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  it('stays fast on hostile globs and inputs', () => {
    const compiled = compileFromGlob('*a*a*a*a*a*a*a*a*a*a*b');
    const started = performance.now();
    expect(compiled.test('a'.repeat(100_000))).toBe(false);
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('refuses overlong globs and unfinished escapes, naming filter.from', () => {
    for (const glob of ['a'.repeat(MAX_PATTERN_LENGTH + 1), 'abc\\']) {
      const error = refusal(() => compileFromGlob(glob));
      expect(error.code).toBe('INVALID_FILTER');
      expect(error.details[0]?.path).toBe('filter.from');
    }
  });
});
