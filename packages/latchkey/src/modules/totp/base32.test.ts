// Tests for the seed base32 codec: RFC 4648 §10 vectors, the tolerance people need, and the refusals.

import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeBase32, encodeBase32, MAX_BASE32_TEXT_LENGTH } from './base32.js';
import { loadVectors } from './test-support/vectors.js';

function decoded(text: string): string {
  const result = decodeBase32(text);
  if (!result.ok) throw new Error(`expected ${text} to decode: ${result.reason}`);
  return result.bytes.toString('latin1');
}

function reason(text: string): string {
  const result = decodeBase32(text);
  if (result.ok) throw new Error(`expected ${text} to be refused`);
  return result.reason;
}

describe('decodeBase32', () => {
  // RFC 4648 §10; the empty string is refused on purpose (an empty seed is never valid).
  const rfc: [string, string][] = [
    ['f', 'MY======'],
    ['fo', 'MZXQ===='],
    ['foo', 'MZXW6==='],
    ['foob', 'MZXW6YQ='],
    ['fooba', 'MZXW6YTB'],
    ['foobar', 'MZXW6YTBOI======'],
  ];

  it.each(rfc)('decodes RFC 4648 vector %s, padded and unpadded', (plain, encoded) => {
    expect(decoded(encoded)).toBe(plain);
    expect(decoded(encoded.replace(/=+$/, ''))).toBe(plain);
    expect(encodeBase32(Buffer.from(plain), { padding: true })).toBe(encoded);
    expect(encodeBase32(Buffer.from(plain))).toBe(encoded.replace(/=+$/, ''));
  });

  it('agrees with every base32 seed in the vector fixture', () => {
    const vectors = loadVectors();
    expect(vectors.length).toBe(49);
    for (const vector of vectors) {
      expect(decoded(vector.secret_base32).length, vector.id).toBe(vector.secret_hex.length / 2);
      expect(Buffer.from(decoded(vector.secret_base32), 'latin1').toString('hex'), vector.id).toBe(vector.secret_hex);
    }
  });

  it('ignores case, spaces, line breaks, tabs, no-break spaces and hyphens', () => {
    const plain = decoded('JBSWY3DPEHPK3PXP');
    for (const variant of [
      'jbswy3dpehpk3pxp',
      'JBSW Y3DP EHPK 3PXP',
      'jbsw-y3dp-ehpk-3pxp',
      ' JBSW\tY3DP\nEHPK\u00a03PXP ',
    ]) {
      expect(decoded(variant)).toBe(plain);
    }
  });

  it('round-trips random seeds of every length mod 5', () => {
    for (let length = 1; length <= 70; length++) {
      const bytes = randomBytes(length);
      for (const padding of [true, false]) {
        const result = decodeBase32(encodeBase32(bytes, { padding }));
        expect(result.ok && result.bytes.equals(bytes)).toBe(true);
      }
    }
  });

  it.each([
    ['JBSWY3DPEHPK3PX0', /outside the base32 alphabet/],
    ['JBSWY3DPEHPK3PX1', /outside the base32 alphabet/],
    ['JBSWY3DPEHPK3PX8', /outside the base32 alphabet/],
    ['JBSWY3DP_EHPK3PXP', /outside the base32 alphabet/],
    // 'ſ' and 'ß' upper-case to S and SS: refused before any case mapping.
    ['JBSWY3DPEHPK3PXſ', /outside the base32 alphabet/],
    ['JBSWY3DPEHPK3ßXP', /outside the base32 alphabet/],
    ['', /empty/],
    ['  -  ', /empty/],
    ['========', /empty/],
    ['MZXW6=YQ', /after the = padding/],
    ['MZXW6YQ==', /wrong amount of = padding/],
    ['MZ==', /wrong amount of = padding/],
    ['M', /length no base32 encoder produces/],
    ['MZX', /length no base32 encoder produces/],
    ['MZXW6Y', /length no base32 encoder produces/],
    // 'MZ' is 'f' (0x66) with two zero trailing bits; 'M3' sets them.
    ['M3', /bits that are not zero/],
    ['MZXW6YR', /bits that are not zero/],
  ])('refuses %j', (text, expected) => {
    expect(reason(text)).toMatch(expected);
  });

  it('refuses text longer than the limit without decoding it', () => {
    expect(reason('A'.repeat(MAX_BASE32_TEXT_LENGTH + 1))).toMatch(/at most/);
    expect(decoded('A'.repeat(MAX_BASE32_TEXT_LENGTH)).length).toBe((MAX_BASE32_TEXT_LENGTH * 5) / 8);
  });

  it('never quotes the text in a reason', () => {
    for (const text of ['JBSWY3DPEHPK3PX0', 'MZXW6YR', 'ABCDEFG=HIJKLMNO']) {
      expect(reason(text).toLowerCase()).not.toContain(text.toLowerCase().slice(0, 6));
    }
  });
});
