// Error codes that belong to no single module: request shape, authentication, availability.
export const commonErrors = {
  UNAUTHENTICATED: 'Missing or invalid credentials. Send `Authorization: Bearer <token>`.',
  FORBIDDEN: 'These credentials are not allowed to do that.',
  NOT_FOUND: 'Not found.',
  ROUTE_NOT_FOUND: 'No such route.',
  METHOD_NOT_ALLOWED: 'That method is not allowed on this route.',
  VALIDATION_FAILED: 'The request has invalid fields.',
  INVALID_JSON: 'The request body is not valid JSON.',
  UNSUPPORTED_MEDIA_TYPE: 'Send the request body as application/json.',
  PAYLOAD_TOO_LARGE: 'The request body is too large.',
  TOKEN_IN_URL: 'Credentials are never accepted in a URL; send them in the Authorization header.',
  RATE_LIMITED: 'Too many requests; retry after the time given in Retry-After.',
  CONFLICT: 'The request conflicts with the current state.',
  AUDIT_UNAVAILABLE: 'The audit log could not be written, so nothing was done.',
  STORAGE_UNAVAILABLE: 'The store is unavailable; nothing was done.',
  INTERNAL: 'Internal error.',
} as const;
