// Tests for URL, address and bare-domain detection in plain text.
import { describe, expect, it } from 'vitest';
import { findUrlSpans } from './text-urls.js';

const found = (text: string): Array<[string, string]> =>
  findUrlSpans(text).map((s) => [s.kind, text.slice(s.start, s.end)]);

describe('findUrlSpans', () => {
  it('finds URLs and trims prose punctuation around them', () => {
    expect(found('Open https://x.test/v?t=1&u=2. Or (https://y.test/a_(b)).')).toEqual([
      ['url', 'https://x.test/v?t=1&u=2'],
      ['url', 'https://y.test/a_(b)'],
    ]);
    expect(found('<https://x.test/a>')).toEqual([['url', 'https://x.test/a']]);
  });

  it('finds e-mail addresses and bare hosts, with or without a path', () => {
    expect(found('mail alice@example.com or visit v.whatsapp.com/105876 or venmo.com.')).toEqual([
      ['email', 'alice@example.com'],
      ['domain', 'v.whatsapp.com/105876'],
      ['domain', 'venmo.com'],
    ]);
  });

  it('does not take a code before a missing space for a host', () => {
    expect(found('code:123456.Valid for 5 minutes')).toEqual([]);
  });

  it('stops a URL at full-width punctuation in CJK text', () => {
    expect(found('请点击https://x.test/verify?t=abc1。谢谢')).toEqual([['url', 'https://x.test/verify?t=abc1']]);
  });

  it('stays fast on hostile runs', () => {
    const start = performance.now();
    findUrlSpans('a@'.repeat(60_000));
    findUrlSpans('a.'.repeat(60_000));
    findUrlSpans('a-'.repeat(60_000));
    expect(performance.now() - start).toBeLessThan(2000);
  });
});
