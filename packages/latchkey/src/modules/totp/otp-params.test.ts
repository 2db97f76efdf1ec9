// Tests for the validated params object: its bounds, and that no log or JSON path prints the seed.

import { format, inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { createOtpParams, describeOtpParams, OTP_LIMITS, type OtpParams } from './otp-params.js';
import { TotpError } from './totp-errors.js';

// 'seed-must-stay-hidden' — distinctive in every encoding we search for.
const seed = Buffer.from('seed-must-stay-hidden');
const fields: OtpParams = {
  kind: 'totp',
  secret: seed,
  algorithm: 'SHA256',
  digits: 8,
  period: 60,
  issuer: 'ACME',
  account: 'agent@example.com',
};

function secretEncodings(bytes: Buffer): string[] {
  return [
    bytes.toString('hex'),
    bytes.toString('base64'),
    bytes.toString('latin1'),
    [...bytes].slice(0, 8).join(', '),
    [...bytes]
      .slice(0, 8)
      .map((b) => b.toString(16).padStart(2, '0'))
      .join(' '),
  ];
}

describe('createOtpParams', () => {
  it('keeps the fields and a private copy of the seed', () => {
    const input = Buffer.from(seed);
    const params = createOtpParams({ ...fields, secret: input });
    input.fill(0);
    expect(params.secret.equals(seed)).toBe(true);
    expect(params).toMatchObject({ kind: 'totp', algorithm: 'SHA256', digits: 8, period: 60, issuer: 'ACME' });
    expect(Object.isFrozen(params)).toBe(true);
  });

  it('never prints the seed through JSON, inspect, console formatting or String()', () => {
    const params = createOtpParams(fields);
    const views = [
      JSON.stringify(params),
      JSON.stringify({ item: { totp: params } }),
      inspect(params),
      inspect(params, { showHidden: true, depth: Number.POSITIVE_INFINITY }),
      format('%o %O %j %s', params, params, params, params),
      String(params),
      `${params}`,
    ];
    for (const view of views) {
      for (const encoded of secretEncodings(seed)) expect(view).not.toContain(encoded);
    }
    expect(JSON.parse(JSON.stringify(params))).toEqual({
      kind: 'totp',
      secret: '[redacted]',
      algorithm: 'SHA256',
      digits: 8,
      period: 60,
      issuer: 'ACME',
      account: 'agent@example.com',
    });
    expect(inspect(params)).toContain('[redacted]');
  });

  it('describes params without the seed for metadata', () => {
    expect(describeOtpParams(fields)).not.toHaveProperty('secret', seed);
    expect(describeOtpParams(fields).secret).toBe('[redacted]');
  });

  it('keeps the counter for hotp only', () => {
    expect(createOtpParams({ ...fields, kind: 'hotp', counter: 7 }).counter).toBe(7);
    expect(createOtpParams({ ...fields, counter: 7 })).not.toHaveProperty('counter');
  });

  it.each([
    [{ secret: Buffer.alloc(OTP_LIMITS.minSecretBytes - 1, 1) }, 'TOTP_SECRET_INVALID', 'totp.secret'],
    [{ secret: Buffer.alloc(OTP_LIMITS.maxSecretBytes + 1, 1) }, 'TOTP_SECRET_INVALID', 'totp.secret'],
    [{ algorithm: 'SHA3' as 'SHA1' }, 'TOTP_PARAMETER_INVALID', 'totp.algorithm'],
    [{ digits: 5 }, 'TOTP_PARAMETER_INVALID', 'totp.digits'],
    [{ digits: 9 }, 'TOTP_PARAMETER_INVALID', 'totp.digits'],
    [{ digits: 6.5 }, 'TOTP_PARAMETER_INVALID', 'totp.digits'],
    [{ encoder: 'steam' as const }, 'TOTP_PARAMETER_INVALID', 'totp.digits'],
    [
      { encoder: 'steam' as const, digits: 5, kind: 'hotp' as const, counter: 0 },
      'TOTP_PARAMETER_INVALID',
      'totp.encoder',
    ],
    [{ encoder: 'rot13' as 'steam' }, 'TOTP_PARAMETER_INVALID', 'totp.encoder'],
    [{ period: 0 }, 'TOTP_PARAMETER_INVALID', 'totp.period'],
    [{ period: 86_401 }, 'TOTP_PARAMETER_INVALID', 'totp.period'],
    [{ period: 29.5 }, 'TOTP_PARAMETER_INVALID', 'totp.period'],
    [{ kind: 'hotp' as const }, 'TOTP_PARAMETER_INVALID', 'totp.counter'],
    [{ kind: 'hotp' as const, counter: -1 }, 'TOTP_PARAMETER_INVALID', 'totp.counter'],
    [{ kind: 'hotp' as const, counter: 2 ** 53 }, 'TOTP_PARAMETER_INVALID', 'totp.counter'],
    [{ kind: 'motp' as 'totp' }, 'TOTP_PARAMETER_INVALID', 'totp.kind'],
    [{ issuer: '' }, 'TOTP_PARAMETER_INVALID', 'totp.issuer'],
    [{ issuer: 'x'.repeat(257) }, 'TOTP_PARAMETER_INVALID', 'totp.issuer'],
    [{ account: 'agent\nInjected: log line' }, 'TOTP_PARAMETER_INVALID', 'totp.account'],
    [{ account: 'bell\u0007' }, 'TOTP_PARAMETER_INVALID', 'totp.account'],
  ])('refuses %o', (override, code, path) => {
    let thrown: unknown;
    try {
      createOtpParams({ ...fields, ...override });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TotpError);
    const error = thrown as TotpError;
    expect(error.code).toBe(code);
    expect(error.details).toEqual([{ path, message: expect.any(String) }]);
  });
});
