// Tests for HOTP/TOTP generation and verification against every fixture vector, plus the verification window.

import crypto from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { hotp, type OtpKey, type TotpKey, totpAt, verifyTotp } from './otp.js';
import { loadVectors, type OtpVector } from './test-support/vectors.js';

function keyOf(vector: OtpVector): TotpKey {
  return {
    secret: Buffer.from(vector.secret_hex, 'hex'),
    algorithm: vector.algorithm,
    digits: vector.digits,
    period: vector.period ?? 30,
    ...(vector.kind === 'steam' ? { encoder: 'steam' as const } : {}),
  };
}

const vectors = loadVectors();

describe('fixture vectors (RFC 4226, RFC 6238, pyotp, otpauth incl. Steam)', () => {
  it('covers every line of the fixture', () => {
    expect(vectors.length).toBe(49);
    expect(new Set(vectors.map((v) => v.source_key))).toEqual(
      new Set(['rfc4226', 'rfc6238', 'pyotp', 'hectorm-otpauth']),
    );
    expect(vectors.filter((v) => v.kind === 'steam').length).toBe(4);
  });

  it.each(vectors.filter((v) => v.kind === 'hotp'))('$id', (vector) => {
    expect(hotp(keyOf(vector), vector.counter ?? Number.NaN)).toBe(vector.expected);
    expect(hotp(keyOf(vector), BigInt(vector.counter ?? Number.NaN))).toBe(vector.expected);
  });

  it.each(vectors.filter((v) => v.kind !== 'hotp'))('$id', (vector) => {
    expect(vector.t0 ?? 0).toBe(0);
    const nowMs = (vector.unix_time ?? Number.NaN) * 1000;
    const result = totpAt(keyOf(vector), nowMs);
    expect(result.code).toBe(vector.expected);
    if (vector.T_hex !== undefined) expect(result.step).toBe(Number.parseInt(vector.T_hex, 16));
    if (vector.alphabet !== undefined) expect([...result.code].every((ch) => vector.alphabet?.includes(ch))).toBe(true);
    expect(verifyTotp(keyOf(vector), vector.expected, nowMs, 0)).toEqual({ step: result.step });
  });
});

const rfcKey: TotpKey = {
  secret: Buffer.from('12345678901234567890'),
  algorithm: 'SHA1',
  digits: 8,
  period: 30,
};

describe('totpAt', () => {
  it('reports the step window in epoch milliseconds and whole remaining seconds', () => {
    expect(totpAt(rfcKey, 59_000)).toEqual({
      code: '94287082',
      step: 1,
      validFrom: 30_000,
      validUntil: 60_000,
      remainingSeconds: 1,
    });
    expect(totpAt(rfcKey, 59_999).remainingSeconds).toBe(0);
    expect(totpAt(rfcKey, 30_000).remainingSeconds).toBe(30);
    expect(totpAt(rfcKey, 60_000).step).toBe(2);
  });

  it('uses any period from 1 s to a day', () => {
    expect(totpAt({ ...rfcKey, period: 1 }, 1_000).step).toBe(1);
    expect(totpAt({ ...rfcKey, period: 86_400 }, 86_399_999).step).toBe(0);
    expect(totpAt({ ...rfcKey, period: 60 }, 60_000).code).toBe(hotp(rfcKey, 1));
  });

  it.each([
    [{ ...rfcKey, period: 0 }, 0, /period/],
    [{ ...rfcKey, period: 86_401 }, 0, /period/],
    [{ ...rfcKey, period: 1.5 }, 0, /period/],
    [rfcKey, -1, /time/],
    [rfcKey, Number.NaN, /time/],
    [rfcKey, Number.POSITIVE_INFINITY, /time/],
    [{ ...rfcKey, kind: 'hotp' as const }, 0, /hotp/],
  ])('refuses a bad key or time (%#)', (key, nowMs, message) => {
    expect(() => totpAt(key, nowMs)).toThrow(message);
  });
});

describe('hotp', () => {
  const base: OtpKey = { secret: Buffer.from('12345678901234567890'), algorithm: 'SHA1', digits: 6 };

  it('accepts counters up to 2^64-1', () => {
    expect(hotp(base, 2n ** 64n - 1n)).toMatch(/^\d{6}$/);
  });

  it.each([
    [base, -1, /counter/],
    [base, 1.5, /counter/],
    [base, 2 ** 53, /counter/],
    [base, -1n, /counter/],
    [base, 2n ** 64n, /counter/],
    [{ ...base, digits: 5 }, 0, /digits/],
    [{ ...base, digits: 9 }, 0, /digits/],
    [{ ...base, encoder: 'steam' as const }, 0, /steam/],
    [{ ...base, secret: Buffer.alloc(0) }, 0, /secret/],
    [{ ...base, algorithm: 'MD5' as 'SHA1' }, 0, /algorithm/],
  ])('refuses a bad key or counter (%#) without quoting the seed', (key, counter, message) => {
    let thrown: unknown;
    try {
      hotp(key, counter);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(RangeError);
    expect(String(thrown)).toMatch(message);
    expect(String(thrown)).not.toContain('1234567890');
  });
});

describe('verifyTotp', () => {
  const key: TotpKey = { ...rfcKey, digits: 6 };
  const now = 1_700_000_015_000;
  const step = Math.floor(now / 30_000);
  const codeAt = (s: number) => hotp(key, s);

  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('accepts the current step and one step either side, and says which', () => {
    for (const offset of [-1, 0, 1]) {
      expect(verifyTotp(key, codeAt(step + offset), now)).toEqual({ step: step + offset });
    }
  });

  it('refuses two steps away', () => {
    for (const offset of [-2, 2]) {
      // A collision with a code inside the window would make this vacuous; the fixed instant has none.
      expect([-1, 0, 1].map((o) => codeAt(step + o))).not.toContain(codeAt(step + offset));
      expect(verifyTotp(key, codeAt(step + offset), now)).toBeNull();
      expect(verifyTotp(key, codeAt(step + offset), now, 2)).toEqual({ step: step + offset });
    }
  });

  it('with window 0 accepts only the current step', () => {
    expect(verifyTotp(key, codeAt(step), now, 0)).toEqual({ step });
    expect(verifyTotp(key, codeAt(step - 1), now, 0)).toBeNull();
  });

  it('refuses codes of the wrong length, wrong codes and non-strings', () => {
    const code = codeAt(step);
    expect(verifyTotp(key, code.slice(1), now)).toBeNull();
    expect(verifyTotp(key, `${code}0`, now)).toBeNull();
    expect(verifyTotp(key, '', now)).toBeNull();
    expect(verifyTotp(key, String((Number(code) + 1) % 1_000_000).padStart(6, '0'), now)).toBeNull();
    // Same length in UTF-16 units, longer in UTF-8 bytes: must be refused, not crash timingSafeEqual.
    expect(verifyTotp(key, `${code.slice(0, 5)}é`, now)).toBeNull();
    expect(verifyTotp(key, 123456 as unknown as string, now)).toBeNull();
  });

  it('ignores whitespace in the code', () => {
    const code = codeAt(step);
    expect(verifyTotp(key, ` ${code.slice(0, 3)} ${code.slice(3)}\n`, now)).toEqual({ step });
  });

  it('does not look before step 0', () => {
    expect(verifyTotp(key, codeAt(0), 1_000)).toEqual({ step: 0 });
  });

  it('compares every candidate with crypto.timingSafeEqual, with no early exit', () => {
    const spy = vi.spyOn(crypto, 'timingSafeEqual');
    verifyTotp(key, codeAt(step - 1), now);
    expect(spy).toHaveBeenCalledTimes(3);
    spy.mockClear();
    verifyTotp(key, '000000', now, 2);
    expect(spy).toHaveBeenCalledTimes(5);
    spy.mockClear();
    verifyTotp(key, '12345', now);
    expect(spy).not.toHaveBeenCalled();
  });

  it('accepts Steam codes in any case', () => {
    const steam = vectors.find((v) => v.id === 'pyotp-steam-30');
    if (steam === undefined) throw new Error('fixture lacks pyotp-steam-30');
    expect(verifyTotp(keyOf(steam), steam.expected.toLowerCase(), 30_000, 0)).toEqual({ step: 1 });
  });

  it('refuses a window outside 0..10', () => {
    expect(() => verifyTotp(key, '000000', now, 11)).toThrow(RangeError);
    expect(() => verifyTotp(key, '000000', now, -1)).toThrow(RangeError);
  });
});
