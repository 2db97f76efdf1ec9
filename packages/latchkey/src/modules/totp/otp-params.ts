// The validated shape of one enrolled OTP credential, with the bounds we accept and a form that will not log its seed.

import { inspect } from 'node:util';
import { TotpError } from './totp-errors.js';

/** HMAC hash of RFC 6238; RFC 4226 HOTP is always SHA1 in practice but the same three are accepted. */
export type OtpAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

/** The algorithms, in the spelling otpauth URIs and the API use. */
export const OTP_ALGORITHMS: readonly OtpAlgorithm[] = ['SHA1', 'SHA256', 'SHA512'];

/** Time-based (RFC 6238) or counter-based (RFC 4226). */
export type OtpKind = 'totp' | 'hotp';

/**
 * Bounds on what we enroll. The seed floor is 80 bits: RFC 4226 asks for 128, but Google Authenticator's own
 * 16-character seeds are 80 bits and many services still issue them. The pyotp fixture's 5-byte seed exercises
 * the algorithm only; no real issuer uses it, so enrollment refuses it while `hotp()` still computes it.
 */
export const OTP_LIMITS = {
  minSecretBytes: 10,
  maxSecretBytes: 1024,
  minDigits: 6,
  maxDigits: 8,
  steamDigits: 5,
  minPeriod: 1,
  maxPeriod: 86_400,
  maxLabelLength: 256,
} as const;

/** One OTP credential as the vault stores it. `secret` is the raw seed; everything else may be shown. */
export interface OtpParams {
  readonly kind: OtpKind;
  readonly secret: Buffer;
  readonly algorithm: OtpAlgorithm;
  /** Code length; 5 for Steam Guard. */
  readonly digits: number;
  /** Seconds per step (TOTP); carried as 30 for HOTP, where it has no meaning. */
  readonly period: number;
  /** HOTP only: the counter of the next code. */
  readonly counter?: number;
  readonly encoder?: 'steam';
  readonly issuer?: string;
  readonly account?: string;
}

/** Everything in {@link OtpParams} but the seed: what logs, JSON and metadata may show. */
export type OtpParamsDescription = Omit<OtpParams, 'secret'> & { readonly secret: '[redacted]' };

/**
 * The runtime form of {@link OtpParams}. `JSON.stringify`, `util.inspect` (so `console.log` and pino) and
 * `String()` all print {@link OtpParamsDescription}. We chose a class over hiding the seed (a non-enumerable or
 * symbol-keyed property) because spreading or destructuring then keeps working and the type stays honest; the
 * residual risk is code that serialises `params.secret` itself, which no log path does by accident.
 */
class RedactingOtpParams implements OtpParams {
  readonly kind: OtpKind;
  readonly secret: Buffer;
  readonly algorithm: OtpAlgorithm;
  readonly digits: number;
  readonly period: number;
  // `declare`: a plain field declaration would define the property as undefined, and absent must stay absent.
  declare readonly counter?: number;
  declare readonly encoder?: 'steam';
  declare readonly issuer?: string;
  declare readonly account?: string;

  constructor(fields: OtpParams) {
    this.kind = fields.kind;
    // A private copy: the caller may zero or reuse its buffer.
    this.secret = Buffer.from(fields.secret);
    this.algorithm = fields.algorithm;
    this.digits = fields.digits;
    this.period = fields.period;
    if (fields.counter !== undefined) this.counter = fields.counter;
    if (fields.encoder !== undefined) this.encoder = fields.encoder;
    if (fields.issuer !== undefined) this.issuer = fields.issuer;
    if (fields.account !== undefined) this.account = fields.account;
    Object.freeze(this);
  }

  toJSON(): OtpParamsDescription {
    return describeOtpParams(this);
  }

  toString(): string {
    return `[OtpParams ${this.kind} ${this.algorithm} ${this.digits} digits]`;
  }

  [inspect.custom](): OtpParamsDescription {
    return describeOtpParams(this);
  }
}

/** A copy of the params without the seed, for logs, metadata and audit records. */
export function describeOtpParams(params: OtpParams): OtpParamsDescription {
  const { secret: _secret, ...rest } = params;
  return { ...rest, secret: '[redacted]' };
}

/**
 * Validates typed fields and returns params that will not print their seed. Both enrollment paths and the vault
 * (after decrypting a stored seed) build params here, so the bounds hold everywhere.
 *
 * @param fields the credential; `digits` must be 5 exactly when `encoder` is `steam`
 * @param path dotted path of the object the fields came from (`totp`, `totp.uri`), used to name a bad field
 * @throws {TotpError} TOTP_SECRET_INVALID or TOTP_PARAMETER_INVALID naming `${path}.<field>`
 */
export function createOtpParams(fields: OtpParams, path = 'totp'): OtpParams {
  const { secret, digits, period, counter, encoder } = fields;
  if (secret.length < OTP_LIMITS.minSecretBytes || secret.length > OTP_LIMITS.maxSecretBytes) {
    throw new TotpError(
      'TOTP_SECRET_INVALID',
      `${path}.secret`,
      `must decode to ${OTP_LIMITS.minSecretBytes} to ${OTP_LIMITS.maxSecretBytes} bytes (at least 16 base32 characters)`,
    );
  }
  if (!OTP_ALGORITHMS.includes(fields.algorithm)) {
    throw new TotpError('TOTP_PARAMETER_INVALID', `${path}.algorithm`, 'must be SHA1, SHA256 or SHA512');
  }
  if (encoder !== undefined && encoder !== 'steam') {
    throw new TotpError('TOTP_PARAMETER_INVALID', `${path}.encoder`, 'must be steam when present');
  }
  if (encoder === 'steam') {
    if (fields.kind !== 'totp') {
      throw new TotpError('TOTP_PARAMETER_INVALID', `${path}.encoder`, 'steam is only valid for totp');
    }
    if (digits !== OTP_LIMITS.steamDigits) {
      throw new TotpError('TOTP_PARAMETER_INVALID', `${path}.digits`, 'must be 5 with encoder steam');
    }
  } else if (!Number.isInteger(digits) || digits < OTP_LIMITS.minDigits || digits > OTP_LIMITS.maxDigits) {
    throw new TotpError('TOTP_PARAMETER_INVALID', `${path}.digits`, 'must be 6, 7 or 8');
  }
  if (!Number.isInteger(period) || period < OTP_LIMITS.minPeriod || period > OTP_LIMITS.maxPeriod) {
    throw new TotpError(
      'TOTP_PARAMETER_INVALID',
      `${path}.period`,
      `must be a whole number of seconds from ${OTP_LIMITS.minPeriod} to ${OTP_LIMITS.maxPeriod}`,
    );
  }
  if (fields.kind === 'hotp') {
    if (counter === undefined || !Number.isSafeInteger(counter) || counter < 0) {
      throw new TotpError(
        'TOTP_PARAMETER_INVALID',
        `${path}.counter`,
        'is required for hotp and must be a whole number from 0 to 2^53-1',
      );
    }
  } else if (fields.kind !== 'totp') {
    throw new TotpError('TOTP_PARAMETER_INVALID', `${path}.kind`, 'must be totp or hotp');
  }
  checkLabel(fields.issuer, `${path}.issuer`);
  checkLabel(fields.account, `${path}.account`);
  const { counter: _counter, ...withoutCounter } = fields;
  return new RedactingOtpParams(fields.kind === 'hotp' ? fields : withoutCounter);
}

/** Issuer and account are shown in the dashboard and CLI: bounded, and free of control characters. */
function checkLabel(value: string | undefined, path: string): void {
  if (value === undefined) return;
  if (value.length === 0 || value.length > OTP_LIMITS.maxLabelLength) {
    throw new TotpError('TOTP_PARAMETER_INVALID', path, `must be 1 to ${OTP_LIMITS.maxLabelLength} characters`);
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
  if (/[\u0000-\u001f\u007f-\u009f]/.test(value)) {
    throw new TotpError('TOTP_PARAMETER_INVALID', path, 'must not contain control characters');
  }
}
