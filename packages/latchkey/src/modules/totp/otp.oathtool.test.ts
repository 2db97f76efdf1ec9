// Cross-checks our codes against oathtool (OATH Toolkit), a real independent implementation, at the same instants.

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { encodeBase32 } from './base32.js';
import { hotp, type TotpKey, totpAt } from './otp.js';
import type { OtpAlgorithm } from './otp-params.js';

/** Runs oathtool; a missing binary throws ENOENT and fails the test, as it must (CI installs oath-toolkit). */
function oathtool(args: string[]): string {
  return execFileSync('oathtool', args, { encoding: 'utf8' }).trim();
}

const algorithms: OtpAlgorithm[] = ['SHA1', 'SHA256', 'SHA512'];
const digitCounts = [6, 7, 8];
// Now, the RFC 6238 instants, a step boundary and a time past 2^32 seconds.
const instants = [Math.floor(Date.now() / 1000), 59, 1_111_111_109, 1_234_567_890, 1_700_000_000, 20_000_000_000];

describe('TOTP codes equal oathtool --totp', () => {
  for (const algorithm of algorithms) {
    for (const digits of digitCounts) {
      it(`${algorithm}, ${digits} digits`, () => {
        const secret = randomBytes(algorithm === 'SHA1' ? 20 : algorithm === 'SHA256' ? 32 : 64);
        const key: TotpKey = { secret, algorithm, digits, period: 30 };
        for (const seconds of instants) {
          const expected = oathtool([
            `--totp=${algorithm.toLowerCase()}`,
            '-d',
            String(digits),
            '--now',
            `@${seconds}`,
            secret.toString('hex'),
          ]);
          expect(totpAt(key, seconds * 1000).code, `t=${seconds}`).toBe(expected);
        }
      });
    }
  }

  it.each([1, 15, 45, 60, 3600, 86_400])('period %i s (oathtool -s)', (period) => {
    const secret = randomBytes(20);
    for (const algorithm of algorithms) {
      for (const seconds of instants) {
        const expected = oathtool([
          `--totp=${algorithm.toLowerCase()}`,
          '-s',
          `${period}s`,
          '--now',
          `@${seconds}`,
          secret.toString('hex'),
        ]);
        expect(totpAt({ secret, algorithm, digits: 6, period }, seconds * 1000).code).toBe(expected);
      }
    }
  });

  it('reads our base32 the way oathtool -b does, for seeds of every length mod 5', () => {
    for (const length of [10, 11, 12, 13, 14, 16, 20, 32]) {
      const secret = randomBytes(length);
      const base32 = encodeBase32(secret);
      const expected = oathtool(['--totp', '-b', '--now', '@1700000000', base32]);
      expect(totpAt({ secret, algorithm: 'SHA1', digits: 6, period: 30 }, 1_700_000_000_000).code).toBe(expected);
    }
  });
});

describe('HOTP codes equal oathtool --hotp -c N', () => {
  const counters = [0, 1, 9, 1_000, 2 ** 32 - 1, 2 ** 32, 10_000_000_000, Number.MAX_SAFE_INTEGER];

  for (const digits of digitCounts) {
    it(`${digits} digits`, () => {
      const secret = randomBytes(20);
      for (const counter of counters) {
        const expected = oathtool(['--hotp', '-c', String(counter), '-d', String(digits), secret.toString('hex')]);
        expect(hotp({ secret, algorithm: 'SHA1', digits }, counter), `counter ${counter}`).toBe(expected);
      }
    });
  }
});
