// Tests for code-shaped strings: accepted shapes, and shapes that are dates, times, amounts, ids or phones.
import { describe, expect, it } from 'vitest';
import { findRawCandidates } from './code-candidates.js';

const shapes = (text: string): Array<[string, string]> => findRawCandidates(text).map((c) => [c.format, c.value]);

describe('findRawCandidates: accepted shapes', () => {
  it('takes 4 to 8 digits, grouped digits, letter prefixes and upper-case alphanumerics', () => {
    expect(shapes('2607 65847 596465 0435239 04352398')).toEqual([
      ['digits', '2607'],
      ['digits', '65847'],
      ['digits', '596465'],
      ['digits', '0435239'],
      ['digits', '04352398'],
    ]);
    expect(shapes('105-876, 823 815, 1234 5678, 12 34 56')).toEqual([
      ['grouped', '105876'],
      ['grouped', '823815'],
      ['grouped', '12345678'],
      ['grouped', '123456'],
    ]);
    expect(shapes('G-412157 FB-123-456 A7K-9QX XK4P2M')).toEqual([
      ['prefixed', '412157'],
      ['prefixed', '123456'],
      ['alnum', 'A7K9QX'],
      ['alnum', 'XK4P2M'],
    ]);
  });

  it('joins a letter prefix whose digits continue after a space', () => {
    expect(shapes('G-412 157')).toEqual([['prefixed', '412157']]);
  });

  it('joins letter-spaced single digits', () => {
    expect(shapes('1 2 3 4 5 6')).toEqual([['spaced', '123456']]);
  });

  it('accepts codes glued to CJK or Korean text but not to words of spaced scripts', () => {
    expect(shapes('验证码为470296，有效期')).toEqual([['digits', '470296']]);
    expect(shapes('인증번호는123456입니다')).toEqual([['digits', '123456']]);
    expect(shapes('Müller2024 код1234')).toEqual([]);
  });
});

describe('findRawCandidates: rejected shapes', () => {
  it.each([
    ['times', '10:42:17'],
    ['dates', '03.06.2025 2025-06-03 12/06/2025'],
    ['IP addresses', '198.51.100.7'],
    ['amounts with separators', '1,299.00'],
    ['version numbers', 'v1.20.3'],
    ['measures', '600px 10min 2nd 1080p'],
    ['mixed-case hashes and products', 'qlRnn4A1sbt Win64'],
    ['identifiers', 'order_123456 4f9b2c1e-7a3d-4e5f-9b8c-2d1e0f3a4b5c'],
    ['phone numbers', '+1-388-941-4444 (415) 555-0142 555 0142 +1 415 555 0142'],
    ['card numbers', '4242 4242 4242 4242'],
    ['too short or too long', '123 123456789'],
    ['digits inside links and addresses', 'https://x.test/verify/482913 alice482913@example.com v.whatsapp.com/105876'],
  ])('drops %s', (_what, text) => {
    expect(shapes(text)).toEqual([]);
  });

  it('leaves lower-case alphanumerics to the scorer, which wants a code word right before them', () => {
    expect(shapes('98point6')).toEqual([['alnum-lower', '98point6']]);
  });

  it('drops space-separated groups that run on past eight digits', () => {
    expect(shapes('823 815 1234 5678')).toEqual([]);
  });

  it('keeps a dangling group for the scorer to judge ("388-941-")', () => {
    expect(shapes('388-941-')).toEqual([['grouped', '388941']]);
  });
});
