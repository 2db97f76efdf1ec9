// Reading and verifying the audit trail (operators only).
import type { Transactor } from '../../core/transactor.js';
import { isId } from '../../crypto/ids.js';
import { identityError } from '../identity/identity-errors.js';
import type { IdentityRepo } from '../identity/identity-repo.js';
import type { RequestContext } from '../identity/principal.js';
import { auditError } from './audit-errors.js';
import type { AuditRepo } from './audit-repo.js';
import { type AuditEvent, type ChainVerification, createChainVerifier } from './chain.js';

export interface AuditListQuery {
  /** An agent id or name: events about that agent. */
  agent?: string | undefined;
  action?: string | undefined;
  sinceMs?: number | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

export interface AuditService {
  /** Events of the caller's org, newest first, with a cursor to the next page. */
  list(ctx: RequestContext, query: AuditListQuery): Promise<{ events: AuditEvent[]; nextCursor: string | null }>;
  /** Walks the caller's org chain from the start and names the first broken link. */
  verify(ctx: RequestContext): Promise<ChainVerification>;
}

const VERIFY_BATCH = 1000;

/** Builds the audit service. */
export function createAuditService(deps: {
  store: Transactor<{ audit: AuditRepo; identity: IdentityRepo }>;
}): AuditService {
  const { store } = deps;
  return {
    async list(ctx, query) {
      requireOperator(ctx);
      const limit = Math.min(Math.max(query.limit ?? 50, 1), 500);
      const filter: Parameters<AuditRepo['list']>[1] = { limit: limit + 1 };
      if (query.agent !== undefined) {
        const orgId = ctx.principal.orgId;
        const agent = isId('agt', query.agent)
          ? await store.read.identity.findAgentById(orgId, query.agent)
          : await store.read.identity.findAgentByName(orgId, query.agent);
        if (!agent) throw identityError('AGENT_NOT_FOUND');
        filter.agentId = agent.id;
      }
      if (query.action !== undefined) filter.action = query.action;
      if (query.sinceMs !== undefined) filter.sinceMs = query.sinceMs;
      if (query.cursor !== undefined) filter.beforeSeq = decodeCursor(query.cursor);
      const rows = await store.read.audit.list(ctx.principal.orgId, filter);
      const events = rows.slice(0, limit);
      const last = events[events.length - 1];
      return { events, nextCursor: rows.length > limit && last ? encodeCursor(last.seq) : null };
    },
    async verify(ctx) {
      requireOperator(ctx);
      const orgId = ctx.principal.orgId;
      const verifier = createChainVerifier();
      let head = await store.read.audit.head(orgId);
      let after = 0;
      for (;;) {
        const batch = await store.read.audit.scan(orgId, after, VERIFY_BATCH);
        for (const event of batch) {
          // A row past the head was either appended while we walk (the head has moved with it, in the same
          // transaction) or planted outside the API (the head has not): read the head again to tell which.
          while (event.seq > (head?.seq ?? 0)) {
            const next = await store.read.audit.head(orgId);
            if (!next || next.seq === (head?.seq ?? 0)) return verifier.breakAt((head?.seq ?? 0) + 1);
            head = next;
          }
          if (!verifier.push(event)) return verifier.finish(head);
          after = event.seq;
        }
        if (batch.length < VERIFY_BATCH) return verifier.finish(head);
      }
    },
  };
}

function requireOperator(ctx: RequestContext): void {
  if (ctx.principal.kind !== 'operator') throw identityError('OPERATOR_ONLY');
}

function encodeCursor(seq: number): string {
  return Buffer.from(`a:${seq}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): number {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^a:(\d{1,15})$/.exec(text);
  if (!match?.[1]) throw auditError('AUDIT_CURSOR_INVALID');
  return Number(match[1]);
}
