// Records a denial in the audit trail, then fails: every refusal leaves a trace before the caller hears of it.
import type { AppError } from '../../core/app-error.js';
import type { Transactor } from '../../core/transactor.js';
import type { ChainLink, RequestContext } from '../identity/principal.js';
import { actorOf, chainOf } from '../identity/principal.js';
import type { AuditLog } from './audit-log.js';
import type { AuditRepo } from './audit-repo.js';
import type { AuditTarget } from './chain.js';

/** Writes a `denied` event for the caller (in its own transaction) and throws `error`. */
export async function denyWithAudit(
  deps: { store: Transactor<{ audit: AuditRepo }>; audit: AuditLog },
  ctx: RequestContext,
  event: { action: string; target: AuditTarget; agentId?: string | null; delegationChain?: ChainLink[] },
  error: AppError,
): Promise<never> {
  await deps.store.write((tx) =>
    deps.audit.append(tx, {
      orgId: ctx.principal.orgId,
      actor: actorOf(ctx.principal),
      delegationChain: event.delegationChain ?? chainOf(ctx.principal),
      action: event.action,
      target: event.target,
      outcome: 'denied',
      agentId: event.agentId ?? (ctx.principal.kind === 'agent' ? ctx.principal.agentId : null),
      reason: error.code,
      requestId: ctx.requestId,
    }),
  );
  throw error;
}
