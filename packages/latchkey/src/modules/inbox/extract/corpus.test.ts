// Measures the extractor on the development corpus and on the held-out corpus of other services'
// messages, asserts the accuracy floors and prints the numbers and timings.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { extractMessage } from './index.js';

interface CorpusRecord {
  id: string;
  channel: 'email' | 'sms';
  from: string | null;
  subject: string | null;
  text: string | null;
  html: string | null;
  expected_code: string | null;
  expected_link: string | null;
  expected_domain: string | null;
  category: 'code' | 'link' | 'code+link' | 'negative';
}

function load(name: string): CorpusRecord[] {
  const path = fileURLToPath(new URL(`../../../../../../test/fixtures/otp-messages/${name}`, import.meta.url));
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as CorpusRecord);
}

interface Score {
  ok: number;
  total: number;
  misses: string[];
}

function ratio(s: Score): number {
  return s.total === 0 ? 1 : s.ok / s.total;
}

/**
 * How the numbers are counted:
 * - codes: records with an expected code; correct when the first code's value equals it.
 * - links: every record; correct when the first verify/login/reset link equals the expected link, or, for a
 *   record without one, when no link of those kinds is reported. Positives and negatives are also
 *   reported apart.
 * - negatives: records of category `negative`; correct when no code is reported.
 * - domains: records with an expected WICG domain; correct when `origin.domain` equals it.
 */
function measure(records: CorpusRecord[]) {
  const codes: Score = { ok: 0, total: 0, misses: [] };
  const links: Score = { ok: 0, total: 0, misses: [] };
  const linkPositives: Score = { ok: 0, total: 0, misses: [] };
  const negatives: Score = { ok: 0, total: 0, misses: [] };
  const domains: Score = { ok: 0, total: 0, misses: [] };
  const times: number[] = [];
  const tally = (s: Score, ok: boolean, id: string): void => {
    s.total++;
    if (ok) s.ok++;
    else s.misses.push(id);
  };
  for (const r of records) {
    const input = { channel: r.channel, from: r.from, subject: r.subject, text: r.text, html: r.html };
    const start = performance.now();
    const out = extractMessage(input);
    times.push(performance.now() - start);
    const action = out.links.find((l) => l.kind !== 'other');
    if (r.expected_code !== null) tally(codes, out.codes[0]?.value === r.expected_code, r.id);
    if (r.category === 'negative') tally(negatives, out.codes.length === 0, r.id);
    if (r.expected_link !== null) tally(linkPositives, action?.url === r.expected_link, r.id);
    tally(links, r.expected_link === null ? action === undefined : action?.url === r.expected_link, r.id);
    if (r.expected_domain !== null) tally(domains, out.origin?.domain === r.expected_domain, r.id);
  }
  return { codes, links, linkPositives, negatives, domains, times };
}

function report(name: string, m: ReturnType<typeof measure>): void {
  const pct = (s: Score): string => `${s.ok}/${s.total} = ${(100 * ratio(s)).toFixed(1)}%`;
  const sorted = [...m.times].sort((a, b) => a - b);
  const mean = sorted.reduce((a, b) => a + b, 0) / sorted.length;
  const p99 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))] ?? 0;
  console.log(
    `[${name}] codes ${pct(m.codes)} | links ${pct(m.links)} (with a link ${pct(m.linkPositives)}) | ` +
      `negatives without a code ${pct(m.negatives)} | origin domains ${pct(m.domains)} | ` +
      `mean ${mean.toFixed(3)} ms, p99 ${p99.toFixed(3)} ms over ${sorted.length} messages`,
  );
  for (const [what, s] of Object.entries({ codes: m.codes, links: m.links, negatives: m.negatives })) {
    if (s.misses.length > 0) console.log(`[${name}] ${what} misses: ${s.misses.join(', ')}`);
  }
}

describe('corpus accuracy', () => {
  const dev = load('messages.dev.jsonl');
  const holdout = load('messages.holdout.jsonl');
  // Warm the matchers once so that the timings measure steady state, not regex compilation.
  for (const r of dev.slice(0, 5))
    extractMessage({ channel: r.channel, text: r.text, html: r.html, subject: r.subject });

  it('meets the targets on the development corpus', () => {
    expect(dev).toHaveLength(105);
    const m = measure(dev);
    report('dev', m);
    expect(ratio(m.codes)).toBeGreaterThanOrEqual(0.97);
    expect(ratio(m.links)).toBeGreaterThanOrEqual(0.95);
    expect(ratio(m.linkPositives)).toBeGreaterThanOrEqual(0.95);
    expect(ratio(m.negatives)).toBeGreaterThanOrEqual(0.95);
    expect(ratio(m.domains)).toBe(1);
  });

  it('generalises to the held-out corpus of other services', () => {
    expect(holdout.length).toBeGreaterThanOrEqual(80);
    const m = measure(holdout);
    report('holdout', m);
    // Floors below what is measured today (100% on each), so that a change that costs real accuracy fails.
    expect(ratio(m.codes)).toBeGreaterThanOrEqual(0.95);
    expect(ratio(m.links)).toBeGreaterThanOrEqual(0.95);
    expect(ratio(m.linkPositives)).toBeGreaterThanOrEqual(0.95);
    expect(ratio(m.negatives)).toBeGreaterThanOrEqual(0.95);
    expect(ratio(m.domains)).toBe(1);
  });

  it('handles a typical message in well under two milliseconds', () => {
    const all = [...dev, ...holdout];
    // Best of three runs per message: the intrinsic cost, not the noise of other test files sharing the CPU.
    const best = all.map((r) => {
      const input = { channel: r.channel, from: r.from, subject: r.subject, text: r.text, html: r.html };
      let min = Number.POSITIVE_INFINITY;
      for (let round = 0; round < 3; round++) {
        const start = performance.now();
        extractMessage(input);
        min = Math.min(min, performance.now() - start);
      }
      return min;
    });
    const sorted = [...best].sort((a, b) => a - b);
    const mean = best.reduce((a, b) => a + b, 0) / best.length;
    const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
    const max = sorted[sorted.length - 1] ?? 0;
    console.log(
      `[timing] ${all.length} messages, best of 3: mean ${mean.toFixed(3)} ms, median ${median.toFixed(3)} ms, max ${max.toFixed(3)} ms`,
    );
    expect(median).toBeLessThan(1);
    expect(mean).toBeLessThan(2);
  });
});
