// Tests for otpauth:// parsing: the Key Uri Format's examples, the variants real issuers emit, and the defaults.

import { describe, expect, it } from 'vitest';
import { encodeBase32 } from './base32.js';
import { totpAt } from './otp.js';
import { describeOtpParams, type OtpParams } from './otp-params.js';
import { parseOtpauthUri } from './otpauth.js';
import { TotpError } from './totp-errors.js';

const SEED = 'JBSWY3DPEHPK3PXP';
const SEED_BYTES = Buffer.from('48656c6c6f21deadbeef', 'hex');

function parse(uri: string): OtpParams {
  return parseOtpauthUri(uri);
}

function shown(params: OtpParams): Record<string, unknown> {
  return { ...describeOtpParams(params) };
}

describe('parseOtpauthUri', () => {
  it('parses the Key Uri Format example with defaults', () => {
    const params = parse(`otpauth://totp/Example:alice@google.com?secret=${SEED}&issuer=Example`);
    expect(params.secret.equals(SEED_BYTES)).toBe(true);
    expect(shown(params)).toEqual({
      kind: 'totp',
      secret: '[redacted]',
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
      issuer: 'Example',
      account: 'alice@google.com',
    });
  });

  it('parses the fully specified example', () => {
    const params = parse(
      'otpauth://totp/ACME%20Co:john.doe@email.com?secret=HXDMVJECJJWSRB3HWIZR4IFUGFTMXBOZ&issuer=ACME%20Co&algorithm=SHA1&digits=6&period=30',
    );
    expect(shown(params)).toMatchObject({ issuer: 'ACME Co', account: 'john.doe@email.com', digits: 6, period: 30 });
  });

  it('accepts upper-case scheme, type and parameter names, and lower-case values', () => {
    const params = parse(`OTPAUTH://TOTP/x?SECRET=${SEED.toLowerCase()}&Algorithm=sha512&DIGITS=8&Period=60`);
    expect(shown(params)).toMatchObject({ kind: 'totp', algorithm: 'SHA512', digits: 8, period: 60, account: 'x' });
    expect(params.secret.equals(SEED_BYTES)).toBe(true);
  });

  it.each<[string, string, string | undefined, string | undefined]>([
    ['Issuer:account', 'ACME:alice', 'ACME', 'alice'],
    ['%3A-encoded colon', 'ACME%3Aalice', 'ACME', 'alice'],
    ['spaces after the colon', 'ACME:%20%20alice', 'ACME', 'alice'],
    ['account only', 'alice%40example.com', undefined, 'alice@example.com'],
    ['literal + in the label', 'A+B:alice', 'A+B', 'alice'],
    ['UTF-8 label', 'M%C3%BCller%20GmbH:j%C3%BCrgen', 'Müller GmbH', 'jürgen'],
    ['no label at all', '', undefined, undefined],
  ])('reads the label: %s', (_name, label, issuer, account) => {
    const params = parse(`otpauth://totp/${label}?secret=${SEED}`);
    expect(params.issuer).toBe(issuer);
    expect(params.account).toBe(account);
  });

  it('lets the issuer parameter win over the label prefix, and fills it from the label when absent', () => {
    expect(parse(`otpauth://totp/Old%20Name:alice?secret=${SEED}&issuer=New+Name`).issuer).toBe('New Name');
    expect(parse(`otpauth://totp/Old:alice?secret=${SEED}`).issuer).toBe('Old');
    expect(parse(`otpauth://totp/alice?secret=${SEED}&issuer=Only%20Param`).issuer).toBe('Only Param');
  });

  it.each([
    ['lower-case', SEED.toLowerCase(), SEED],
    ['spaced with %20', 'JBSW%20Y3DP%20EHPK%203PXP', SEED],
    ['spaced with +', 'JBSW+Y3DP+EHPK+3PXP', SEED],
    ['hyphenated', 'JBSW-Y3DP-EHPK-3PXP', SEED],
    [
      'padding percent-encoded',
      `${encodeBase32(Buffer.alloc(11, 7))}%3D%3D%3D%3D%3D%3D`,
      encodeBase32(Buffer.alloc(11, 7)),
    ],
    ['padding raw', `${encodeBase32(Buffer.alloc(11, 7))}======`, encodeBase32(Buffer.alloc(11, 7))],
  ])('reads a %s secret', (_name, secretText, canonical) => {
    const expected = parse(`otpauth://totp/x?secret=${canonical}`).secret;
    expect(parse(`otpauth://totp/x?secret=${secretText}`).secret.equals(expected)).toBe(true);
  });

  it('ignores unknown parameters, empty pairs, a fragment and surrounding whitespace', () => {
    const params = parse(
      `  otpauth://totp/ACME:alice?image=https%3A%2F%2Fexample.com%2Flogo.png&&secret=${SEED}&color=ff0000&lock=true&foo&issuer=ACME#frag\n`,
    );
    expect(shown(params)).toMatchObject({ issuer: 'ACME', account: 'alice', digits: 6 });
  });

  it('parses hotp with its counter, including counters past 2^32', () => {
    const params = parse(`otpauth://hotp/ACME:alice?secret=${SEED}&issuer=ACME&counter=10000000000&digits=8`);
    expect(shown(params)).toMatchObject({ kind: 'hotp', counter: 10_000_000_000, digits: 8 });
    expect(parse(`otpauth://hotp/a?secret=${SEED}&counter=0`).counter).toBe(0);
  });

  it('ignores period on hotp and counter on totp', () => {
    expect(parse(`otpauth://hotp/a?secret=${SEED}&counter=1&period=junk`).counter).toBe(1);
    expect(parse(`otpauth://totp/a?secret=${SEED}&counter=junk`)).not.toHaveProperty('counter');
  });

  it('parses a Steam Guard URI as Steam emits it and computes the fixture codes', () => {
    // Secret and codes from the pyotp Steam vectors in test/fixtures/totp-vectors.jsonl.
    const params = parse(
      'otpauth://totp/Steam:user?secret=FMXNK4QEGKVPULRTADY6JIDK5VHUBGZW&issuer=Steam&encoder=steam',
    );
    expect(shown(params)).toMatchObject({ encoder: 'steam', digits: 5, issuer: 'Steam', account: 'user', period: 30 });
    expect([0, 30, 60, 90].map((t) => totpAt(params, t * 1000).code)).toEqual(['C5V56', 'QJY8Y', 'R3WQY', 'JG3T3']);
    expect(parse('otpauth://totp/Steam:u?secret=FMXNK4QEGKVPULRTADY6JIDK5VHUBGZW&encoder=STEAM&digits=5').digits).toBe(
      5,
    );
  });

  it('names the field it refuses, under the path it is given', () => {
    let thrown: unknown;
    try {
      parseOtpauthUri(`otpauth://totp/a?secret=${SEED}&digits=10`, 'totp.qrImage');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TotpError);
    expect((thrown as TotpError).details[0]?.path).toBe('totp.qrImage.digits');
  });
});
