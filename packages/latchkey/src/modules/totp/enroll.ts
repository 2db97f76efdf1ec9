// Normalises the three ways a caller may hand us a TOTP seed (URI, bare secret, QR image) into one OtpParams.

import { decodeBase32 } from './base32.js';
import { createOtpParams, OTP_ALGORITHMS, type OtpParams } from './otp-params.js';
import { parseOtpauthUri } from './otpauth.js';
import { decodeQrImage } from './qr.js';
import { TotpError } from './totp-errors.js';

/** The `totp` field of `PUT /v1/vault/items/{name}` (SPEC §3): exactly one of these shapes. */
export type OtpEnrollment =
  | { uri: string }
  | {
      secret: string;
      algorithm?: string;
      digits?: number;
      period?: number;
      issuer?: string;
      account?: string;
    }
  | { qrImage: string };

const FORMS = ['uri', 'secret', 'qrImage'] as const;

const SECRET_FORM_FIELDS = new Set(['secret', 'algorithm', 'digits', 'period', 'issuer', 'account']);

/**
 * Validates and normalises an enrollment. Takes `unknown` so it can be called on a request body as received;
 * the HTTP schema may check the shape first, but this is the authority on what a seed may look like.
 *
 * The bare-secret form is always TOTP, defaulting to SHA1, 6 digits and 30 s. Unknown fields are refused here
 * (a typo such as `digit: 8` would otherwise enroll a credential that produces wrong codes), whereas unknown
 * otpauth parameters are ignored, as the Key Uri Format asks.
 *
 * @param input `{uri}` | `{secret, algorithm?, digits?, period?, issuer?, account?}` | `{qrImage}`
 * @param path dotted path of the field in the request, used to name what is wrong (`totp.digits`)
 * @throws {TotpError} with a code from the module catalog and the offending field's path; never the seed
 */
export function enrollOtp(input: unknown, path = 'totp'): OtpParams {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TotpError('TOTP_INPUT_INVALID', path, 'must be an object with one of uri, secret or qrImage');
  }
  const fields = input as Record<string, unknown>;
  const present = FORMS.filter((form) => fields[form] !== undefined);
  const form = present[0];
  if (form === undefined || present.length > 1) {
    throw new TotpError('TOTP_INPUT_INVALID', path, 'must have exactly one of uri, secret or qrImage');
  }
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || key === form) continue;
    if (form !== 'secret' || !SECRET_FORM_FIELDS.has(key)) {
      // A field name is echoed only if it could not be a seed (a seed is 16+ characters) nor break a log line.
      if (/^[A-Za-z][A-Za-z0-9_]{0,14}$/.test(key)) {
        const problem = form === 'secret' ? 'is not a known field' : `is not allowed with ${form}`;
        throw new TotpError('TOTP_INPUT_INVALID', `${path}.${key}`, problem);
      }
      const problem = form === 'secret' ? 'an unknown field' : `a field not allowed with ${form}`;
      throw new TotpError('TOTP_INPUT_INVALID', path, `has ${problem} (its name is not repeated)`);
    }
  }
  switch (form) {
    case 'uri':
      return parseOtpauthUri(fields.uri, `${path}.uri`);
    case 'qrImage':
      return parseOtpauthUri(decodeQrImage(fields.qrImage, `${path}.qrImage`), `${path}.qrImage`);
    case 'secret':
      return enrollSecret(fields, path);
  }
}

function enrollSecret(fields: Record<string, unknown>, path: string): OtpParams {
  const secretText = optionalString(fields, 'secret', path);
  if (secretText === undefined) throw new TotpError('TOTP_INPUT_INVALID', `${path}.secret`, 'is required');
  const secret = decodeBase32(secretText);
  if (!secret.ok) throw new TotpError('TOTP_SECRET_INVALID', `${path}.secret`, secret.reason);
  const algorithmText = optionalString(fields, 'algorithm', path);
  const algorithm =
    algorithmText === undefined ? 'SHA1' : OTP_ALGORITHMS.find((a) => a === algorithmText.toUpperCase());
  if (algorithm === undefined) {
    throw new TotpError('TOTP_PARAMETER_INVALID', `${path}.algorithm`, 'must be SHA1, SHA256 or SHA512');
  }
  // An empty label is what forms send for a blank optional input: treated as absent, not refused.
  const issuer = optionalString(fields, 'issuer', path)?.trim() || undefined;
  const account = optionalString(fields, 'account', path)?.trim() || undefined;
  return createOtpParams(
    {
      kind: 'totp',
      secret: secret.bytes,
      algorithm,
      digits: optionalInteger(fields, 'digits', path) ?? 6,
      period: optionalInteger(fields, 'period', path) ?? 30,
      ...(issuer !== undefined ? { issuer } : {}),
      ...(account !== undefined ? { account } : {}),
    },
    path,
  );
}

function optionalString(fields: Record<string, unknown>, key: string, path: string): string | undefined {
  const value = fields[key];
  if (value === undefined || typeof value === 'string') return value;
  throw new TotpError('TOTP_INPUT_INVALID', `${path}.${key}`, 'must be a string');
}

function optionalInteger(fields: Record<string, unknown>, key: string, path: string): number | undefined {
  const value = fields[key];
  if (value === undefined) return undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  throw new TotpError('TOTP_INPUT_INVALID', `${path}.${key}`, 'must be an integer');
}
