// Wire shapes of audit events and chain verification.
import { z } from 'zod';
import type { AuditEvent } from '../../modules/audit/chain.js';
import { iso, Timestamp } from './common.js';
import { ChainLink } from './identity.js';

export const AuditEventSchema = z
  .object({
    id: z.string(),
    seq: z.number().int(),
    at: Timestamp,
    actor: z.object({ type: z.enum(['human', 'agent', 'system']), id: z.string(), name: z.string().optional() }),
    delegationChain: z.array(ChainLink),
    action: z.string(),
    target: z.object({ type: z.string(), id: z.string().optional(), name: z.string().optional() }),
    outcome: z.enum(['success', 'denied', 'failure']),
    reason: z.string().optional(),
    requestId: z.string().nullable(),
    prevHash: z.string(),
    hash: z.string(),
  })
  .meta({ id: 'AuditEvent', description: 'One link of the hash chain. Never holds a secret.' });

export const AuditVerification = z
  .object({ ok: z.boolean(), checked: z.number().int(), firstBrokenSeq: z.number().int().optional() })
  .meta({ id: 'AuditVerification' });

/** Wire form of an audit event. */
export function presentEvent(e: AuditEvent): z.input<typeof AuditEventSchema> {
  return {
    id: e.id,
    seq: e.seq,
    at: iso(e.at),
    actor: e.actor,
    delegationChain: e.delegationChain,
    action: e.action,
    target: e.target,
    outcome: e.outcome,
    ...(e.reason === null ? {} : { reason: e.reason }),
    requestId: e.requestId,
    prevHash: e.prevHash,
    hash: e.hash,
  };
}
