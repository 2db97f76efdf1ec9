// The hash chain: each event's hash covers its content and the previous event's hash. Pure.
import { hash } from 'node:crypto';
import type { Actor, ChainLink } from '../identity/principal.js';

/** What an event is about. */
export interface AuditTarget {
  type: string;
  id?: string;
  name?: string;
}

export type AuditOutcome = 'success' | 'denied' | 'failure';

/** One stored audit event. */
export interface AuditEvent {
  orgId: string;
  seq: number;
  id: string;
  at: number;
  /** The agent the event is about, if any (for filtering). */
  agentId: string | null;
  actor: Actor;
  delegationChain: ChainLink[];
  action: string;
  target: AuditTarget;
  outcome: AuditOutcome;
  reason: string | null;
  requestId: string | null;
  prevHash: string;
  hash: string;
}

/** The hash before the first event of a chain. */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level, so equal content always hashes alike. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The hash of an event: SHA-256 over the canonical form of everything but the hash itself. */
export function hashEvent(event: Omit<AuditEvent, 'hash'>): string {
  const { orgId, seq, id, at, agentId, actor, delegationChain, action, target, outcome, reason, requestId, prevHash } =
    event;
  const body = canonicalJson({
    v: 1,
    orgId,
    seq,
    id,
    at,
    agentId,
    actor,
    delegationChain,
    action,
    target,
    outcome,
    reason,
    requestId,
    prevHash,
  });
  return hash('sha256', body, 'hex');
}

/** Result of walking a chain. */
export interface ChainVerification {
  ok: boolean;
  checked: number;
  firstBrokenSeq?: number;
}

/**
 * Incremental verifier: feed events in chain order, then `finish` with the recorded head.
 * A link is broken when its sequence number skips, its prevHash is not the previous hash, or its own
 * hash does not match its content. A head beyond the last event means events were cut off the end.
 */
export function createChainVerifier(): {
  push(event: AuditEvent): boolean;
  finish(head: { seq: number; hash: string } | undefined): ChainVerification;
  breakAt(seq: number): ChainVerification;
} {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let checked = 0;
  let broken: number | undefined;
  return {
    push(event) {
      if (broken !== undefined) return false;
      checked++;
      if (event.seq !== expectedSeq || event.prevHash !== prevHash || hashEvent(event) !== event.hash) {
        broken = Math.min(event.seq, expectedSeq);
        return false;
      }
      expectedSeq++;
      prevHash = event.hash;
      return true;
    },
    finish(head) {
      const lastSeq = expectedSeq - 1;
      if (broken === undefined && head) {
        // Head ahead of the rows: events were cut off the end. Head behind: rows were added around the chain.
        if (head.seq > lastSeq) broken = expectedSeq;
        else if (head.seq < lastSeq) broken = head.seq + 1;
        else if (head.hash !== prevHash) broken = head.seq;
      }
      return broken === undefined ? { ok: true, checked } : { ok: false, checked, firstBrokenSeq: broken };
    },
    breakAt(seq) {
      return { ok: false, checked, firstBrokenSeq: broken ?? seq };
    },
  };
}
