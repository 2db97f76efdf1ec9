// Loads test/fixtures/totp-vectors.jsonl (RFC 4226, RFC 6238, pyotp and otpauth vectors) with its fields typed.

import { readFileSync } from 'node:fs';

/** One line of the fixture; `kind: 'steam'` is TOTP with the Steam encoder. */
export interface OtpVector {
  id: string;
  source_key: string;
  kind: 'hotp' | 'totp' | 'steam';
  algorithm: 'SHA1' | 'SHA256' | 'SHA512';
  digits: number;
  secret_hex: string;
  secret_base32: string;
  expected: string;
  counter?: number;
  period?: number;
  unix_time?: number;
  t0?: number;
  T_hex?: string;
  alphabet?: string;
}

const FIXTURE = new URL('../../../../../../test/fixtures/totp-vectors.jsonl', import.meta.url);

function isVector(value: unknown): value is OtpVector {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.id === 'string' &&
    (v.kind === 'hotp' || v.kind === 'totp' || v.kind === 'steam') &&
    (v.algorithm === 'SHA1' || v.algorithm === 'SHA256' || v.algorithm === 'SHA512') &&
    typeof v.digits === 'number' &&
    typeof v.secret_hex === 'string' &&
    typeof v.secret_base32 === 'string' &&
    typeof v.expected === 'string' &&
    (v.kind === 'hotp' ? typeof v.counter === 'number' : typeof v.unix_time === 'number')
  );
}

/** Every vector in the fixture; throws if a line does not have the fields the tests rely on. */
export function loadVectors(): OtpVector[] {
  return readFileSync(FIXTURE, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, index) => {
      const parsed: unknown = JSON.parse(line);
      if (!isVector(parsed)) throw new Error(`totp-vectors.jsonl line ${index + 1} lacks expected fields`);
      return parsed;
    });
}
