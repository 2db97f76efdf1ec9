// The one error type the domain throws. Transports map `code` to a status through one exhaustive table.
import { commonErrors } from './common-errors.js';
import type { ErrorCode } from './error-catalog.js';

/** One field-level problem in a request: `path` names the field as the caller sent it. */
export interface ErrorDetail {
  path: string;
  message: string;
}

/**
 * A failure the caller can act on. `message` is written for the caller and names what they sent;
 * it never contains a secret. Expected outcomes (expired, already consumed) are return values, not errors.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetail[];
  /** For RATE_LIMITED: seconds until a retry may succeed (sent as `Retry-After`). */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, options: { details?: ErrorDetail[]; retryAfterSeconds?: number } = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = options.details ?? [];
    this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

/** An AppError with one of the common codes; the message defaults to the catalog's. */
export function appError(
  code: keyof typeof commonErrors,
  message?: string,
  options?: { details?: ErrorDetail[]; retryAfterSeconds?: number },
): AppError {
  return new AppError(code, message ?? commonErrors[code], options);
}

/** Shorthand for a validation failure on one field. */
export function invalidField(path: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', `Invalid value for ${path}: ${message}`, { details: [{ path, message }] });
}

/** True when `err` is an AppError with one of the given codes. */
export function isAppError(err: unknown, ...codes: ErrorCode[]): err is AppError {
  return err instanceof AppError && (codes.length === 0 || codes.includes(err.code));
}
