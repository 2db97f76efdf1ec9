// The one error type the SDK throws.

/** One field-level problem reported by the server. */
export interface ErrorDetail {
  path: string;
  message: string;
}

/**
 * An error from the Latchkey API (or from reaching it). `code` is the server's stable UPPER_SNAKE code
 * (`NETWORK_ERROR` / `TIMEOUT` / `INVALID_RESPONSE` when the server could not be reached or understood),
 * `status` the HTTP status (0 when there was no response), `requestId` the server's id for support and logs.
 */
export class LatchkeyError extends Error {
  readonly code: string;
  readonly status: number;
  readonly requestId: string | undefined;
  readonly details: ErrorDetail[];

  constructor(init: {
    code: string;
    message: string;
    status: number;
    requestId?: string | undefined;
    details?: ErrorDetail[];
  }) {
    super(init.message);
    this.name = 'LatchkeyError';
    this.code = init.code;
    this.status = init.status;
    this.requestId = init.requestId;
    this.details = init.details ?? [];
  }
}
