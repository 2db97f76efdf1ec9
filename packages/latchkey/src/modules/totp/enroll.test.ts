// Tests for enrollment of the three input forms: equivalence, and a table of refusals that must name the field
// and must not leak the seed through any rendering of the error.

import { describe, expect, it } from 'vitest';
import { decodeBase32, encodeBase32 } from './base32.js';
import { enrollOtp } from './enroll.js';
import { totpAt } from './otp.js';
import { describeOtpParams } from './otp-params.js';
import { expectNoSecret } from './test-support/leak.js';
import { TotpError, type TotpErrorCode } from './totp-errors.js';

/** A distinctive seed: its base32, hex and base64 forms are all searched for in every refusal. */
const SEED_BYTES = Buffer.from('latchkey-leak-canary');
const S = encodeBase32(SEED_BYTES);
const URI = `otpauth://totp/ACME:agent@example.com?secret=${S}&issuer=ACME`;

function catchError(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal');
}

/** Every spelling of a seed text that must not appear: as sent, canonical base32, and its bytes in hex/base64. */
function spellingsOf(secretText: string): string[] {
  const spellings = [secretText];
  const decoded = decodeBase32(secretText);
  if (decoded.ok) {
    spellings.push(encodeBase32(decoded.bytes), decoded.bytes.toString('hex'), decoded.bytes.toString('base64'));
  }
  return spellings.filter((text) => text.length >= 6);
}

describe('enrollOtp', () => {
  it('gives the same params for the uri and the secret forms', () => {
    const fromUri = enrollOtp({ uri: URI });
    const fromSecret = enrollOtp({ secret: S, issuer: 'ACME', account: 'agent@example.com' });
    expect(describeOtpParams(fromUri)).toEqual(describeOtpParams(fromSecret));
    expect(fromUri.secret.equals(SEED_BYTES)).toBe(true);
    expect(fromSecret.secret.equals(SEED_BYTES)).toBe(true);
    expect(totpAt(fromUri, 1_700_000_000_000).code).toBe(totpAt(fromSecret, 1_700_000_000_000).code);
  });

  it('applies the secret form options, case-insensitively for the algorithm', () => {
    const params = enrollOtp({ secret: S.toLowerCase(), algorithm: 'sha256', digits: 8, period: 60 });
    expect(describeOtpParams(params)).toEqual({
      kind: 'totp',
      secret: '[redacted]',
      algorithm: 'SHA256',
      digits: 8,
      period: 60,
    });
  });

  it('treats blank issuer and account as absent, and undefined fields as not sent', () => {
    const params = enrollOtp({ secret: S, issuer: '  ', account: '', digits: undefined, uri: undefined });
    expect(params).not.toHaveProperty('issuer');
    expect(params).not.toHaveProperty('account');
    expect(params.digits).toBe(6);
  });

  it('uses the caller-given base path in errors', () => {
    const error = catchError(() => enrollOtp({ secret: S, digits: 9 }, 'body.totp'));
    expect((error as TotpError).details[0]?.path).toBe('body.totp.digits');
  });
});

const u = (query: string, type = 'totp') => `otpauth://${type}/ACME:agent?${query}`;

/** [name, input, code, path, seed text that must not leak (defaults to S)] */
const refusals: [string, unknown, TotpErrorCode, string, string?][] = [
  // Shape of the input.
  ['a bare URI string', URI, 'TOTP_INPUT_INVALID', 'totp'],
  ['null', null, 'TOTP_INPUT_INVALID', 'totp'],
  ['an array', [URI], 'TOTP_INPUT_INVALID', 'totp'],
  ['no form', { issuer: 'ACME' }, 'TOTP_INPUT_INVALID', 'totp'],
  ['two forms', { uri: URI, secret: S }, 'TOTP_INPUT_INVALID', 'totp'],
  ['uri plus an option', { uri: URI, digits: 8 }, 'TOTP_INPUT_INVALID', 'totp.digits'],
  ['qrImage plus an option', { qrImage: 'iVBORw0KGgo=', issuer: 'x' }, 'TOTP_INPUT_INVALID', 'totp.issuer'],
  ['uri not a string', { uri: 42 }, 'TOTP_INPUT_INVALID', 'totp.uri'],
  ['secret not a string', { secret: 42 }, 'TOTP_INPUT_INVALID', 'totp.secret'],
  ['secret null', { secret: null }, 'TOTP_INPUT_INVALID', 'totp.secret'],
  ['digits as a string', { secret: S, digits: '8' }, 'TOTP_INPUT_INVALID', 'totp.digits'],
  ['digits null', { secret: S, digits: null }, 'TOTP_INPUT_INVALID', 'totp.digits'],
  ['period fractional', { secret: S, period: 30.5 }, 'TOTP_INPUT_INVALID', 'totp.period'],
  ['algorithm not a string', { secret: S, algorithm: 256 }, 'TOTP_INPUT_INVALID', 'totp.algorithm'],
  ['issuer not a string', { secret: S, issuer: ['ACME'] }, 'TOTP_INPUT_INVALID', 'totp.issuer'],
  ['an unknown field (typo)', { secret: S, digit: 8 }, 'TOTP_INPUT_INVALID', 'totp.digit'],
  ['counter in the secret form', { secret: S, counter: 1 }, 'TOTP_INPUT_INVALID', 'totp.counter'],
  ['the seed sent as a field name', { secret: S, [S]: true }, 'TOTP_INPUT_INVALID', 'totp'],
  ['a field name with a line break', { secret: S, 'a\nb': 1 }, 'TOTP_INPUT_INVALID', 'totp'],
  ['qrImage not a string', { qrImage: 7 }, 'TOTP_INPUT_INVALID', 'totp.qrImage'],
  // The secret form's values.
  [
    'secret with 0/1/8/9',
    { secret: `${S.slice(0, 30)}10` },
    'TOTP_SECRET_INVALID',
    'totp.secret',
    `${S.slice(0, 30)}10`,
  ],
  ['secret of 8 bytes', { secret: 'MFRGGZDFMZTWQ===' }, 'TOTP_SECRET_INVALID', 'totp.secret', 'MFRGGZDFMZTWQ'],
  ['secret empty', { secret: '' }, 'TOTP_SECRET_INVALID', 'totp.secret'],
  ['digits 10', { secret: S, digits: 10 }, 'TOTP_PARAMETER_INVALID', 'totp.digits'],
  ['digits 5 without steam', { secret: S, digits: 5 }, 'TOTP_PARAMETER_INVALID', 'totp.digits'],
  ['period 0', { secret: S, period: 0 }, 'TOTP_PARAMETER_INVALID', 'totp.period'],
  ['period over a day', { secret: S, period: 86_401 }, 'TOTP_PARAMETER_INVALID', 'totp.period'],
  ['algorithm SHA3', { secret: S, algorithm: 'SHA3-256' }, 'TOTP_PARAMETER_INVALID', 'totp.algorithm'],
  ['issuer with a line break', { secret: S, issuer: 'ACME\r\nX-Injected: 1' }, 'TOTP_PARAMETER_INVALID', 'totp.issuer'],
  ['account over 256 chars', { secret: S, account: 'a'.repeat(257) }, 'TOTP_PARAMETER_INVALID', 'totp.account'],
  // URI structure.
  ['https scheme', { uri: `https://totp/ACME?secret=${S}` }, 'TOTP_URI_INVALID', 'totp.uri'],
  ['one slash', { uri: `otpauth:/totp/ACME?secret=${S}` }, 'TOTP_URI_INVALID', 'totp.uri'],
  ['otpauth-migration', { uri: `otpauth-migration://offline?data=${S}` }, 'TOTP_URI_INVALID', 'totp.uri'],
  ['type motp', { uri: u(`secret=${S}`, 'motp') }, 'TOTP_URI_INVALID', 'totp.uri.type'],
  ['no type', { uri: `otpauth://?secret=${S}` }, 'TOTP_URI_INVALID', 'totp.uri.type'],
  ['no secret', { uri: u('issuer=ACME') }, 'TOTP_URI_INVALID', 'totp.uri.secret'],
  ['no query', { uri: 'otpauth://totp/ACME:agent' }, 'TOTP_URI_INVALID', 'totp.uri.secret'],
  ['empty secret', { uri: u('secret=&issuer=ACME') }, 'TOTP_URI_INVALID', 'totp.uri.secret'],
  ['secret twice', { uri: u(`secret=${S}&secret=${S}`) }, 'TOTP_URI_INVALID', 'totp.uri.secret'],
  ['secret twice, other case', { uri: u(`Secret=${S}&SECRET=${S}`) }, 'TOTP_URI_INVALID', 'totp.uri.secret'],
  ['digits twice', { uri: u(`secret=${S}&digits=6&digits=8`) }, 'TOTP_URI_INVALID', 'totp.uri.digits'],
  ['issuer twice', { uri: u(`secret=${S}&issuer=A&issuer=B`) }, 'TOTP_URI_INVALID', 'totp.uri.issuer'],
  ['bad %-escape in label', { uri: `otpauth://totp/AC%ZZME?secret=${S}` }, 'TOTP_URI_INVALID', 'totp.uri.label'],
  ['bad %-escape in secret', { uri: u(`secret=${S}%E0%A4%A`) }, 'TOTP_URI_INVALID', 'totp.uri.secret', `${S}%E0`],
  ['a line break inside', { uri: `otpauth://totp/ACME\n?secret=${S}` }, 'TOTP_URI_INVALID', 'totp.uri'],
  ['a NUL inside', { uri: u(`secret=${S}\u0000`) }, 'TOTP_URI_INVALID', 'totp.uri'],
  ['over 16 KiB', { uri: u(`secret=${S}&x=${'a'.repeat(16_384)}`) }, 'TOTP_URI_INVALID', 'totp.uri'],
  // URI values.
  [
    'non-base32 secret',
    { uri: u('secret=JBSWY3DPEHPK3PX1') },
    'TOTP_SECRET_INVALID',
    'totp.uri.secret',
    'JBSWY3DPEHPK3PX1',
  ],
  ['5-byte secret', { uri: u('secret=GEZDGNBV') }, 'TOTP_SECRET_INVALID', 'totp.uri.secret', 'GEZDGNBV'],
  ['trailing bits set', { uri: u(`secret=${S}AB`) }, 'TOTP_SECRET_INVALID', 'totp.uri.secret', `${S}AB`],
  ['algorithm MD5', { uri: u(`secret=${S}&algorithm=MD5`) }, 'TOTP_PARAMETER_INVALID', 'totp.uri.algorithm'],
  ['algorithm SHA-256', { uri: u(`secret=${S}&algorithm=SHA-256`) }, 'TOTP_PARAMETER_INVALID', 'totp.uri.algorithm'],
  ['digits 9', { uri: u(`secret=${S}&digits=9`) }, 'TOTP_PARAMETER_INVALID', 'totp.uri.digits'],
  ['digits 4', { uri: u(`secret=${S}&digits=4`) }, 'TOTP_PARAMETER_INVALID', 'totp.uri.digits'],
  ['digits six', { uri: u(`secret=${S}&digits=six`) }, 'TOTP_PARAMETER_INVALID', 'totp.uri.digits'],
  ['digits 6.0', { uri: u(`secret=${S}&digits=6.0`) }, 'TOTP_PARAMETER_INVALID', 'totp.uri.digits'],
  ['digits +6', { uri: u(`secret=${S}&digits=%2B6`) }, 'TOTP_PARAMETER_INVALID', 'totp.uri.digits'],
  ['digits empty', { uri: u(`secret=${S}&digits=`) }, 'TOTP_PARAMETER_INVALID', 'totp.uri.digits'],
  ['period 0', { uri: u(`secret=${S}&period=0`) }, 'TOTP_PARAMETER_INVALID', 'totp.uri.period'],
  ['period 30s', { uri: u(`secret=${S}&period=30s`) }, 'TOTP_PARAMETER_INVALID', 'totp.uri.period'],
  ['period -30', { uri: u(`secret=${S}&period=-30`) }, 'TOTP_PARAMETER_INVALID', 'totp.uri.period'],
  ['period 0x1e', { uri: u(`secret=${S}&period=0x1e`) }, 'TOTP_PARAMETER_INVALID', 'totp.uri.period'],
  ['period 1e3', { uri: u(`secret=${S}&period=1e3`) }, 'TOTP_PARAMETER_INVALID', 'totp.uri.period'],
  ['period 86401', { uri: u(`secret=${S}&period=86401`) }, 'TOTP_PARAMETER_INVALID', 'totp.uri.period'],
  ['hotp without counter', { uri: u(`secret=${S}`, 'hotp') }, 'TOTP_PARAMETER_INVALID', 'totp.uri.counter'],
  ['hotp counter -1', { uri: u(`secret=${S}&counter=-1`, 'hotp') }, 'TOTP_PARAMETER_INVALID', 'totp.uri.counter'],
  ['hotp counter abc', { uri: u(`secret=${S}&counter=abc`, 'hotp') }, 'TOTP_PARAMETER_INVALID', 'totp.uri.counter'],
  [
    'hotp counter past 2^53',
    { uri: u(`secret=${S}&counter=9007199254740993`, 'hotp') },
    'TOTP_PARAMETER_INVALID',
    'totp.uri.counter',
  ],
  ['encoder other than steam', { uri: u(`secret=${S}&encoder=yandex`) }, 'TOTP_PARAMETER_INVALID', 'totp.uri.encoder'],
  [
    'steam with 6 digits',
    { uri: u(`secret=${S}&encoder=steam&digits=6`) },
    'TOTP_PARAMETER_INVALID',
    'totp.uri.digits',
  ],
  [
    'steam on hotp',
    { uri: u(`secret=${S}&encoder=steam&counter=1`, 'hotp') },
    'TOTP_PARAMETER_INVALID',
    'totp.uri.encoder',
  ],
  ['issuer too long', { uri: u(`secret=${S}&issuer=${'i'.repeat(300)}`) }, 'TOTP_PARAMETER_INVALID', 'totp.uri.issuer'],
  [
    'issuer with an encoded line break',
    { uri: u(`secret=${S}&issuer=A%0AB`) },
    'TOTP_PARAMETER_INVALID',
    'totp.uri.issuer',
  ],
  // Cheap QR refusals; image limits and decoding are in qr.test.ts.
  ['qrImage not base64', { qrImage: 'not base64!' }, 'TOTP_IMAGE_INVALID', 'totp.qrImage'],
  [
    'qrImage holding the URI text, not an image',
    { qrImage: Buffer.from(URI).toString('base64') },
    'TOTP_IMAGE_INVALID',
    'totp.qrImage',
  ],
];

describe('enrollOtp refusals', () => {
  it.each(refusals)('refuses %s', (_name, input, code, path, leaked = S) => {
    const error = catchError(() => enrollOtp(input));
    expect(error).toBeInstanceOf(TotpError);
    const totpError = error as TotpError;
    expect(totpError.code).toBe(code);
    expect(totpError.details).toHaveLength(1);
    expect(totpError.details[0]?.path).toBe(path);
    expect(totpError.message).toContain(path);
    expect(totpError.cause).toBeUndefined();
    const extra = typeof input === 'object' && input !== null && 'qrImage' in input ? [String(input.qrImage)] : [];
    expectNoSecret(error, [...spellingsOf(leaked), ...spellingsOf(S), ...extra.filter((t) => t.length >= 6)]);
  });
});
