// The storage port of the audit module.
import type { AuditEvent } from './chain.js';

/** Filters of an audit listing (newest first). */
export interface AuditListFilter {
  agentId?: string;
  /** Exact action, or a prefix ending in `.` (e.g. `vault.`). */
  action?: string;
  sinceMs?: number;
  /** Only events with a smaller sequence number (the cursor). */
  beforeSeq?: number;
  limit: number;
}

export interface AuditRepo {
  /**
   * Returns the chain head of an org and holds it until the transaction ends (PostgreSQL: a row lock), so two
   * writers, on one instance or several, can never both extend the same head: the chain cannot fork.
   */
  lockHead(orgId: string): Promise<{ seq: number; hash: string }>;
  /** Appends an event and moves the head to it, in the caller's transaction. */
  append(event: AuditEvent): Promise<void>;
  /** Events newest first. */
  list(orgId: string, filter: AuditListFilter): Promise<AuditEvent[]>;
  /** Events in chain order after `afterSeq`, for verification. */
  scan(orgId: string, afterSeq: number, limit: number): Promise<AuditEvent[]>;
  /** The recorded head, or undefined when the org has no events. */
  head(orgId: string): Promise<{ seq: number; hash: string } | undefined>;
}
