// The audit trail (operators).
import type { Transport } from './http.js';
import type { AuditEvent, AuditVerification } from './types.js';

export interface AuditListOptions {
  /** Agent id or name. */
  agent?: string;
  /** Exact action, or a prefix ending in "." */
  action?: string;
  /** ISO timestamp. */
  since?: string;
  limit?: number;
  cursor?: string;
}

/** Reads and verifies the audit trail. */
export class AuditApi {
  readonly #t: Transport;
  constructor(t: Transport) {
    this.#t = t;
  }

  /** One page of events, newest first. */
  list(options: AuditListOptions = {}): Promise<{ events: AuditEvent[]; nextCursor: string | null }> {
    return this.#t.request('GET', '/v1/audit', { query: { ...options } });
  }

  /** Verifies the hash chain; names the first broken link. */
  verify(): Promise<AuditVerification> {
    return this.#t.request('GET', '/v1/audit/verify');
  }
}
