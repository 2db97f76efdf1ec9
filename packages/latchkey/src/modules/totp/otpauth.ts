// Parses otpauth:// URIs (Google's Key Uri Format) into validated OTP params, naming the part that is wrong.

import { decodeBase32 } from './base32.js';
import { createOtpParams, OTP_ALGORITHMS, OTP_LIMITS, type OtpAlgorithm, type OtpParams } from './otp-params.js';
import { TotpError } from './totp-errors.js';

/** Longest URI we parse; real ones are under 300 characters, and a 1024-byte seed needs about 1,700. */
export const MAX_OTPAUTH_URI_LENGTH = 16_384;

const KNOWN_PARAMETERS = new Set(['secret', 'issuer', 'algorithm', 'digits', 'period', 'counter', 'encoder']);

const DEFAULT_PERIOD = 30;
const DEFAULT_DIGITS = 6;

const periodMessage = `must be a whole number of seconds from ${OTP_LIMITS.minPeriod} to ${OTP_LIMITS.maxPeriod}`;

/**
 * Parses `otpauth://TYPE/LABEL?PARAMETERS` per https://github.com/google/google-authenticator/wiki/Key-Uri-Format.
 *
 * - Scheme, type, parameter names and the algorithm are case-insensitive; the seed may be lower-case, spaced,
 *   hyphenated or padded. Values are percent-decoded, and `+` in a parameter value means a space (form encoding,
 *   as many generators write it); in the label `+` is literal.
 * - LABEL is `issuer:account`, `issuer%3Aaccount` or `account`; spaces after the colon are dropped.
 * - issuer: the parameter wins over the label prefix when both are present and differ. The format says they
 *   "should" be equal and names the parameter the recommended one, so a mismatch is not an error.
 * - Unknown parameters are ignored (the format grows: `image`, `color`, …). A known parameter given twice is
 *   refused: which one counts is ambiguous, and ambiguity in a seed's parameters means wrong codes.
 * - `counter` is required for hotp (the format says so, and guessing it risks a counter the issuer rejects).
 *   `encoder=steam` (Steam Guard) implies 5 digits; `digits`, if present, must then be 5.
 * - A `#fragment` is dropped, as any URI parser would.
 *
 * @param uri the URI text; surrounding whitespace is ignored
 * @param path dotted path of the field the URI came from, e.g. `totp.uri` or `totp.qrImage`
 * @throws {TotpError} naming `${path}` or `${path}.<part>`; never quoting the URI, which holds the seed
 */
export function parseOtpauthUri(uri: unknown, path = 'totp.uri'): OtpParams {
  if (typeof uri !== 'string') throw new TotpError('TOTP_INPUT_INVALID', path, 'must be a string');
  if (uri.length > MAX_OTPAUTH_URI_LENGTH) {
    throw new TotpError('TOTP_URI_INVALID', path, `must be at most ${MAX_OTPAUTH_URI_LENGTH} characters`);
  }
  const text = uri.trim();
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is refused here.
  if (/[\u0000-\u001f\u007f]/.test(text)) {
    throw new TotpError('TOTP_URI_INVALID', path, 'must not contain control characters or line breaks');
  }
  const scheme = /^otpauth:\/\//i.exec(text);
  if (scheme === null) throw new TotpError('TOTP_URI_INVALID', path, 'must start with otpauth://');

  const hash = text.indexOf('#');
  const rest = text.slice(scheme[0].length, hash === -1 ? undefined : hash);
  const question = rest.indexOf('?');
  const typeAndLabel = question === -1 ? rest : rest.slice(0, question);
  const query = question === -1 ? '' : rest.slice(question + 1);
  const slash = typeAndLabel.indexOf('/');
  const type = (slash === -1 ? typeAndLabel : typeAndLabel.slice(0, slash)).toLowerCase();
  if (type !== 'totp' && type !== 'hotp') {
    throw new TotpError('TOTP_URI_INVALID', `${path}.type`, 'must be totp or hotp');
  }

  const label = parseLabel(slash === -1 ? '' : typeAndLabel.slice(slash + 1), path);
  const params = parseQuery(query, path);

  const secretText = params.get('secret');
  if (secretText === undefined || secretText.trim() === '') {
    throw new TotpError('TOTP_URI_INVALID', `${path}.secret`, 'is required');
  }
  const secret = decodeBase32(secretText);
  if (!secret.ok) throw new TotpError('TOTP_SECRET_INVALID', `${path}.secret`, secret.reason);

  const encoder = parseEncoder(params.get('encoder'), path);
  const issuerParameter = params.get('issuer')?.trim();
  const issuer = issuerParameter !== undefined && issuerParameter !== '' ? issuerParameter : label.issuer;
  const fields: OtpParams = {
    kind: type,
    secret: secret.bytes,
    algorithm: parseAlgorithm(params.get('algorithm'), path),
    digits: parseDigits(params.get('digits'), encoder, path),
    // The period means nothing for hotp, so a junk value there is ignored like any unused parameter.
    period: type === 'totp' ? parseWhole(params.get('period'), `${path}.period`, DEFAULT_PERIOD, periodMessage) : 30,
    ...(type === 'hotp' ? { counter: parseCounter(params.get('counter'), path) } : {}),
    ...(encoder !== undefined ? { encoder } : {}),
    ...(issuer !== undefined ? { issuer } : {}),
    ...(label.account !== undefined ? { account: label.account } : {}),
  };
  return createOtpParams(fields, path);
}

function parseLabel(raw: string, path: string): { issuer?: string; account?: string } {
  const decoded = percentDecode(raw, `${path}.label`);
  const colon = decoded.indexOf(':');
  const issuer = colon === -1 ? '' : decoded.slice(0, colon).trim();
  const account = (colon === -1 ? decoded : decoded.slice(colon + 1)).trim();
  return { ...(issuer !== '' ? { issuer } : {}), ...(account !== '' ? { account } : {}) };
}

function parseQuery(query: string, path: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const rawName = equals === -1 ? pair : pair.slice(0, equals);
    const name = percentDecode(rawName.replaceAll('+', ' '), path).trim().toLowerCase();
    if (!KNOWN_PARAMETERS.has(name)) continue;
    if (params.has(name)) throw new TotpError('TOTP_URI_INVALID', `${path}.${name}`, 'must appear only once');
    const rawValue = equals === -1 ? '' : pair.slice(equals + 1);
    params.set(name, percentDecode(rawValue.replaceAll('+', ' '), `${path}.${name}`));
  }
  return params;
}

/** decodeURIComponent, with its error (which some engines word with the input) replaced by ours. */
function percentDecode(text: string, path: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new TotpError('TOTP_URI_INVALID', path, 'has invalid percent-encoding');
  }
}

function parseAlgorithm(value: string | undefined, path: string): OtpAlgorithm {
  if (value === undefined) return 'SHA1';
  const upper = value.trim().toUpperCase();
  const algorithm = OTP_ALGORITHMS.find((candidate) => candidate === upper);
  if (algorithm === undefined) {
    throw new TotpError('TOTP_PARAMETER_INVALID', `${path}.algorithm`, 'must be SHA1, SHA256 or SHA512');
  }
  return algorithm;
}

function parseEncoder(value: string | undefined, path: string): 'steam' | undefined {
  if (value === undefined) return undefined;
  if (value.trim().toLowerCase() === 'steam') return 'steam';
  throw new TotpError('TOTP_PARAMETER_INVALID', `${path}.encoder`, 'must be steam when present');
}

function parseDigits(value: string | undefined, encoder: 'steam' | undefined, path: string): number {
  if (encoder === 'steam') {
    return parseWhole(value, `${path}.digits`, OTP_LIMITS.steamDigits, 'must be 5 with encoder steam');
  }
  return parseWhole(value, `${path}.digits`, DEFAULT_DIGITS, 'must be 6, 7 or 8');
}

function parseCounter(value: string | undefined, path: string): number {
  const message = 'is required for hotp and must be a whole number from 0 to 2^53-1';
  if (value === undefined) throw new TotpError('TOTP_PARAMETER_INVALID', `${path}.counter`, message);
  return parseWhole(value, `${path}.counter`, 0, message);
}

/**
 * A plain decimal integer: no sign, exponent, fraction or hex, which `Number()` would all accept. Range checks
 * are left to createOtpParams; here only the spelling and safe-integer size are checked.
 */
function parseWhole(value: string | undefined, path: string, fallback: number, message: string): number {
  if (value === undefined) return fallback;
  const trimmed = value.trim();
  if (!/^\d{1,16}$/.test(trimmed)) throw new TotpError('TOTP_PARAMETER_INVALID', path, message);
  const parsed = Number(trimmed);
  if (!Number.isSafeInteger(parsed)) throw new TotpError('TOTP_PARAMETER_INVALID', path, message);
  return parsed;
}
