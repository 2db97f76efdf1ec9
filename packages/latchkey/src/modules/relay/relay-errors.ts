// Error catalog of the relay module, and the conversions from the relay's pure helpers' own error classes.
import { AppError, type ErrorDetail } from '../../core/app-error.js';
import { RelayKeyError } from '../../crypto/hpke.js';
import { FilterPatternError } from './pattern.js';

export const relayErrors = {
  RELAY_REQUEST_NOT_FOUND: 'No relay request with that id.',
  RELAY_NOT_APPROVER: 'Only the human whose phone or mailbox receives this code may approve it.',
  RELAY_INVALID_STATE: 'The relay request is not in a state that allows this.',
  RELAY_OTP_NOT_RECEIVED: 'No code has been captured for this request yet; wait for it first.',
  RELAY_ALREADY_CONSUMED: 'This code was already read; a relayed code can be read only once.',
  RELAY_EXPIRED: 'This relay request has expired.',
  RELAY_TOO_MANY_PENDING: 'This agent already has too many requests awaiting approval.',
  STANDING_APPROVAL_NOT_FOUND: 'No standing approval with that id.',
  INVALID_RELAY_PUBLIC_KEY: 'publicKey is not a usable X25519 public key.',
  INVALID_FILTER: 'The filter is not valid.',
  INVALID_WEBHOOK_URL: 'The webhook URL is refused.',
} as const;

export type RelayErrorCode = keyof typeof relayErrors;

/** An AppError of the relay catalog; the message defaults to the catalog's. */
export function relayError(
  code: RelayErrorCode,
  message?: string,
  options: { details?: ErrorDetail[]; retryAfterSeconds?: number } = {},
): AppError {
  return new AppError(code, message ?? relayErrors[code], options);
}

/**
 * Runs `fn` and turns the pure helpers' errors (bad public key, bad filter) into AppErrors naming the field, so
 * nothing but an AppError leaves the service.
 */
export function withRelayInputErrors<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof RelayKeyError) {
      return throwAs('INVALID_RELAY_PUBLIC_KEY', error.message, error.details);
    }
    if (error instanceof FilterPatternError) return throwAs('INVALID_FILTER', error.message, error.details);
    throw error;
  }
}

function throwAs(code: RelayErrorCode, message: string, details: ErrorDetail[]): never {
  throw relayError(code, message, { details });
}
