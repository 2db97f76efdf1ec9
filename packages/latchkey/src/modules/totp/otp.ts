// HOTP (RFC 4226) and TOTP (RFC 6238) code generation and verification, plus the Steam Guard encoding.

// The default import (not named imports) so tests can observe that verification goes through timingSafeEqual.
import crypto from 'node:crypto';
import { OTP_ALGORITHMS, OTP_LIMITS, type OtpAlgorithm, type OtpKind } from './otp-params.js';

/** What code generation needs. Any `OtpParams` fits; so do bare test vectors with short seeds. */
export interface OtpKey {
  readonly secret: Uint8Array;
  readonly algorithm: OtpAlgorithm;
  readonly digits: number;
  readonly encoder?: 'steam';
  /** When given, `totpAt`/`verifyTotp` refuse `hotp`. */
  readonly kind?: OtpKind;
}

/** A time-based key: {@link OtpKey} plus its step length in seconds. */
export interface TotpKey extends OtpKey {
  readonly period: number;
}

/** A TOTP code and the step it belongs to. Times are Unix epoch milliseconds. */
export interface TotpCode {
  readonly code: string;
  /** RFC 6238 T: whole periods since the Unix epoch (T0 = 0). */
  readonly step: number;
  readonly validFrom: number;
  readonly validUntil: number;
  /** Whole seconds the code stays valid at least (rounded down, so 0 in its last second). */
  readonly remainingSeconds: number;
}

/** Steam Guard's 26-symbol alphabet (no vowels but Y, no look-alikes); codes are 5 symbols. */
const STEAM_ALPHABET = '23456789BCDFGHJKMNPQRTVWXY';

const HMAC_NAMES: Readonly<Record<OtpAlgorithm, string>> = { SHA1: 'sha1', SHA256: 'sha256', SHA512: 'sha512' };

const MAX_COUNTER = 2n ** 64n - 1n;

/** Widest verification window we allow: each extra step is another code an attacker may guess. */
export const MAX_VERIFY_WINDOW = 10;

/**
 * The HOTP value of `key` at `counter` (RFC 4226 §5.3: HMAC, dynamic truncation, modulo 10^digits; or the Steam
 * alphabet when `encoder` is `steam`). Leading zeros are kept.
 *
 * @param counter 0 to 2^64-1; a number must be a safe integer
 * @throws {RangeError} on a malformed key or counter (programming errors; the message never holds the seed)
 */
export function hotp(key: OtpKey, counter: bigint | number): string {
  checkKey(key);
  const counterBytes = Buffer.alloc(8);
  counterBytes.writeBigUInt64BE(toCounter(counter));
  const mac = crypto.createHmac(HMAC_NAMES[key.algorithm], key.secret).update(counterBytes).digest();
  // The low nibble of the last byte picks the offset; SHA-1's 20 bytes end at 19, so offset + 3 is always in range.
  const offset = (mac.at(-1) ?? 0) & 0x0f;
  let value = mac.readUInt32BE(offset) & 0x7fff_ffff;
  if (key.encoder === 'steam') {
    let code = '';
    for (let i = 0; i < OTP_LIMITS.steamDigits; i++) {
      code += STEAM_ALPHABET.charAt(value % STEAM_ALPHABET.length);
      value = Math.floor(value / STEAM_ALPHABET.length);
    }
    return code;
  }
  return String(value % 10 ** key.digits).padStart(key.digits, '0');
}

/**
 * The TOTP code at `nowMs` (RFC 6238, T0 = 0): step = floor(seconds / period).
 *
 * @param nowMs Unix time in milliseconds, not negative
 * @throws {RangeError} on a malformed key, an `hotp` key or a bad time
 */
export function totpAt(key: TotpKey, nowMs: number): TotpCode {
  const step = stepAt(key, nowMs);
  const periodMs = key.period * 1000;
  const validFrom = step * periodMs;
  const validUntil = validFrom + periodMs;
  return {
    code: hotp(key, step),
    step,
    validFrom,
    validUntil,
    remainingSeconds: Math.floor((validUntil - nowMs) / 1000),
  };
}

/**
 * Checks `code` against the steps from `window` before to `window` after the one at `nowMs`. Every candidate is
 * computed and compared with `crypto.timingSafeEqual`, with no early exit, so the time taken does not depend on
 * which step (if any) matched. Whitespace is ignored and Steam codes are case-insensitive; a code of the wrong
 * length is refused before any comparison (the length is public).
 *
 * Replay is the caller's job: it must refuse a step at or below the last one it accepted.
 *
 * @returns the matching step (the latest, if two steps share a code), or null
 */
export function verifyTotp(key: TotpKey, code: string, nowMs: number, window = 1): { step: number } | null {
  if (!Number.isInteger(window) || window < 0 || window > MAX_VERIFY_WINDOW) {
    throw new RangeError(`window must be an integer from 0 to ${MAX_VERIFY_WINDOW}`);
  }
  checkKey(key);
  const current = stepAt(key, nowMs);
  if (typeof code !== 'string') return null;
  const compact = code.replace(/\s+/g, '');
  const normalised = key.encoder === 'steam' ? compact.toUpperCase() : compact;
  const given = Buffer.from(normalised, 'utf8');
  const expectedLength = key.encoder === 'steam' ? OTP_LIMITS.steamDigits : key.digits;
  if (given.length !== expectedLength) return null;
  let matched: number | null = null;
  for (let step = current - window; step <= current + window; step++) {
    if (step < 0) continue;
    const expected = Buffer.from(hotp(key, step), 'utf8');
    if (crypto.timingSafeEqual(expected, given)) matched = step;
  }
  return matched === null ? null : { step: matched };
}

function stepAt(key: TotpKey, nowMs: number): number {
  if (key.kind === 'hotp') throw new RangeError('a hotp key has no time steps');
  if (!Number.isInteger(key.period) || key.period < OTP_LIMITS.minPeriod || key.period > OTP_LIMITS.maxPeriod) {
    throw new RangeError(`period must be an integer from ${OTP_LIMITS.minPeriod} to ${OTP_LIMITS.maxPeriod}`);
  }
  if (!Number.isFinite(nowMs) || nowMs < 0) throw new RangeError('time must be a finite, non-negative number');
  return Math.floor(nowMs / (key.period * 1000));
}

function checkKey(key: OtpKey): void {
  if (!(key.secret instanceof Uint8Array) || key.secret.length === 0) {
    throw new RangeError('secret must be a non-empty byte array');
  }
  if (!OTP_ALGORITHMS.includes(key.algorithm)) throw new RangeError('algorithm must be SHA1, SHA256 or SHA512');
  if (key.encoder === 'steam') {
    if (key.digits !== OTP_LIMITS.steamDigits) throw new RangeError('steam codes have 5 digits');
  } else if (!Number.isInteger(key.digits) || key.digits < OTP_LIMITS.minDigits || key.digits > OTP_LIMITS.maxDigits) {
    throw new RangeError('digits must be 6, 7 or 8');
  }
}

function toCounter(counter: bigint | number): bigint {
  if (typeof counter === 'number') {
    if (!Number.isSafeInteger(counter) || counter < 0) {
      throw new RangeError('counter must be a non-negative safe integer');
    }
    return BigInt(counter);
  }
  if (counter < 0n || counter > MAX_COUNTER) throw new RangeError('counter must be from 0 to 2^64-1');
  return counter;
}
