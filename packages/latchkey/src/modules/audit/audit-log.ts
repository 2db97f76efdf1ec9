// Appends events to an org's hash chain inside the caller's transaction: a change and its event commit together.
import { AppError } from '../../core/app-error.js';
import type { Clock } from '../../core/clock.js';
import { newId } from '../../crypto/ids.js';
import type { Actor, ChainLink } from '../identity/principal.js';
import type { AuditRepo } from './audit-repo.js';
import { type AuditEvent, type AuditOutcome, type AuditTarget, hashEvent } from './chain.js';

/** What a service says about an action. */
export interface AuditInput {
  orgId: string;
  actor: Actor;
  delegationChain: ChainLink[];
  action: string;
  target: AuditTarget;
  outcome: AuditOutcome;
  agentId?: string | null;
  reason?: string | null;
  requestId?: string | null;
}

/** The audit writer services depend on. */
export interface AuditLog {
  /**
   * Appends one event in the given transaction. Any storage failure becomes AUDIT_UNAVAILABLE, which fails
   * the whole transaction: no change and no secret is released without its event.
   */
  append(tx: { audit: AuditRepo }, input: AuditInput): Promise<AuditEvent>;
}

/** Builds the audit writer. */
export function createAuditLog(deps: { clock: Clock }): AuditLog {
  return {
    async append(tx, input) {
      try {
        const head = await tx.audit.lockHead(input.orgId);
        const at = deps.clock.now();
        const unsigned: Omit<AuditEvent, 'hash'> = {
          orgId: input.orgId,
          seq: head.seq + 1,
          id: newId('evt', at),
          at,
          agentId: input.agentId ?? null,
          actor: input.actor,
          delegationChain: input.delegationChain,
          action: input.action,
          target: input.target,
          outcome: input.outcome,
          reason: input.reason ?? null,
          requestId: input.requestId ?? null,
          prevHash: head.hash,
        };
        const event: AuditEvent = { ...unsigned, hash: hashEvent(unsigned) };
        await tx.audit.append(event);
        return event;
      } catch (err) {
        if (err instanceof AppError) throw err;
        throw new AppError('AUDIT_UNAVAILABLE', 'The audit log could not be written, so nothing was done.');
      }
    },
  };
}
