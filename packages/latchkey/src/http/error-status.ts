// The one table from error code to HTTP status. Exhaustive: a new code does not compile without a status.
import type { ErrorCode } from '../core/error-catalog.js';

export const errorStatus: { readonly [C in ErrorCode]: number } = {
  // common
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  ROUTE_NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  VALIDATION_FAILED: 422,
  INVALID_JSON: 400,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  TOKEN_IN_URL: 400,
  RATE_LIMITED: 429,
  CONFLICT: 409,
  AUDIT_UNAVAILABLE: 503,
  STORAGE_UNAVAILABLE: 503,
  INTERNAL: 500,
  // crypto
  CIPHERTEXT_INVALID: 500,
  KEY_VERSION_UNKNOWN: 503,
  // identity
  AGENT_NOT_FOUND: 404,
  AGENT_NAME_TAKEN: 409,
  AGENT_SUSPENDED: 403,
  AGENT_REVOKED: 409,
  KEY_NOT_FOUND: 404,
  KEY_EXPIRED: 401,
  KEY_REVOKED: 401,
  OPERATOR_ONLY: 403,
  AGENT_ONLY: 403,
  // audit
  AUDIT_CURSOR_INVALID: 422,
};
