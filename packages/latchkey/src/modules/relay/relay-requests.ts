// The life of a relay request up to its capture: an agent asks, the approving human approves or denies (or a
// standing approval does), the agent may cancel or wait. Every transition is a guarded update with its audit event.
import { type AppError, invalidField } from '../../core/app-error.js';
import { parseRelayPublicKey } from '../../crypto/hpke.js';
import { isId, newId } from '../../crypto/ids.js';
import { denyWithAudit } from '../audit/deny.js';
import { identityError } from '../identity/identity-errors.js';
import { actorOf, type RequestContext } from '../identity/principal.js';
import { compileFromGlob, compilePattern } from './pattern.js';
import {
  appendRequestEvent,
  approvalLinks,
  chainOfRequest,
  kickOutbox,
  publishStatuses,
  queueEvent,
  type RelayDeps,
  requestChannel,
} from './relay-deps.js';
import { relayError, withRelayInputErrors } from './relay-errors.js';
import type { RelayChannel, RelayRequestRecord, RelayStatus } from './relay-repo.js';
import { parseExpectedSender } from './sender.js';

/** A request as callers see it: the stored record and the link the approver follows. */
export type RelayRequestView = RelayRequestRecord & { approvalUrl: string };

/** What an agent sends to ask for a code. */
export interface RelayRequestInput {
  reason: string;
  expectedSender?: string | undefined;
  channel?: RelayChannel | undefined;
  filter?: { from?: string | undefined; pattern?: string | undefined } | undefined;
  publicKey: string;
  ttlSeconds?: number | undefined;
}

export const DEFAULT_TTL_SECONDS = 300;
export const MIN_TTL_SECONDS = 30;
export const MAX_TTL_SECONDS = 3600;
/**
 * Requests one agent may have awaiting a decision at once. Approval fatigue is a known attack on push approvals; an
 * agent that floods its human with requests is refused instead of being given more chances to be approved by mistake.
 */
export const MAX_PENDING_PER_AGENT = 10;
/** Longest a single wait call holds the connection. */
export const MAX_WAIT_SECONDS = 120;

const WAITING: readonly RelayStatus[] = ['pending_approval', 'approved'];

export interface RelayRequests {
  create(ctx: RequestContext, input: RelayRequestInput): Promise<RelayRequestView>;
  get(ctx: RequestContext, id: string): Promise<RelayRequestView>;
  list(
    ctx: RequestContext,
    query: {
      status?: RelayStatus | undefined;
      agent?: string | undefined;
      limit?: number | undefined;
      cursor?: string | undefined;
    },
  ): Promise<{ requests: RelayRequestView[]; nextCursor: string | null }>;
  approve(ctx: RequestContext, id: string): Promise<RelayRequestView>;
  deny(ctx: RequestContext, id: string): Promise<RelayRequestView>;
  cancel(ctx: RequestContext, id: string): Promise<RelayRequestView>;
  /**
   * Returns as soon as the request leaves `pending_approval`/`approved` (a code arrived, or it ended), or when
   * `timeoutSeconds` pass, or when `signal` aborts; the result is the request as it then is.
   */
  wait(ctx: RequestContext, id: string, timeoutSeconds: number, signal?: AbortSignal): Promise<RelayRequestView>;
  /** The request if the caller may see it: its agent, or an operator of its org. */
  visible(ctx: RequestContext, id: string): Promise<RelayRequestRecord>;
}

/** Builds the request part of the relay service. */
export function createRelayRequests(deps: RelayDeps): RelayRequests {
  const { store, clock } = deps;

  const view = (r: RelayRequestRecord): RelayRequestView => ({
    ...r,
    approvalUrl: approvalLinks(deps, r.id).approvalUrl,
  });

  async function visible(ctx: RequestContext, id: string): Promise<RelayRequestRecord> {
    const p = ctx.principal;
    const r = isId('rly', id) ? await store.read.relay.findRequest(p.orgId, id) : undefined;
    // Another agent's request looks exactly like one that does not exist.
    if (!r || (p.kind === 'agent' && r.agentId !== p.agentId)) throw relayError('RELAY_REQUEST_NOT_FOUND');
    return r;
  }

  async function requireOperator(ctx: RequestContext, action: string, id: string): Promise<void> {
    if (ctx.principal.kind !== 'operator') {
      await denyWithAudit(deps, ctx, { action, target: { type: 'relay_request', id } }, identityError('OPERATOR_ONLY'));
    }
  }

  async function requireAgent(ctx: RequestContext, action: string, id?: string): Promise<void> {
    if (ctx.principal.kind !== 'agent') {
      await denyWithAudit(
        deps,
        ctx,
        { action, target: { type: 'relay_request', ...(id ? { id } : {}) } },
        identityError('AGENT_ONLY'),
      );
    }
  }

  /** Why a transition did not apply, given the request as it now is; null when it already has the wanted result. */
  function refusal(current: RelayRequestRecord, verb: string, already: RelayStatus): AppError | null {
    if (current.status === already) return null;
    if (current.status === 'expired' || (WAITING.includes(current.status) && current.expiresAt <= clock.now())) {
      return relayError('RELAY_EXPIRED');
    }
    return relayError('RELAY_INVALID_STATE', `Cannot ${verb} a request that is ${current.status}.`);
  }

  async function transition(
    ctx: RequestContext,
    r: RelayRequestRecord,
    change: { action: string; verb: string; from: RelayStatus[]; to: RelayStatus; decidedBy?: string },
  ): Promise<RelayRequestView> {
    const now = clock.now();
    const updated = await store.write(async (tx) => {
      const u = await tx.relay.transitionRequest(r.orgId, r.id, {
        from: change.from,
        to: change.to,
        at: now,
        unexpiredAt: now,
        ...(change.decidedBy !== undefined ? { decidedBy: change.decidedBy } : {}),
      });
      if (!u) return undefined;
      await appendRequestEvent(deps, tx, u, {
        actor: actorOf(ctx.principal),
        action: change.action,
        outcome: 'success',
        requestId: ctx.requestId,
      });
      return u;
    });
    if (!updated) {
      const current = (await store.read.relay.findRequest(r.orgId, r.id)) ?? r;
      const error = refusal(current, change.verb, change.to);
      if (error) throw error;
      return view(current);
    }
    await publishStatuses(deps, [updated]);
    return view(updated);
  }

  function validate(input: RelayRequestInput) {
    const ttl = input.ttlSeconds ?? DEFAULT_TTL_SECONDS;
    if (!Number.isInteger(ttl) || ttl < MIN_TTL_SECONDS || ttl > MAX_TTL_SECONDS) {
      throw invalidField(
        'ttlSeconds',
        `must be a whole number of seconds from ${MIN_TTL_SECONDS} to ${MAX_TTL_SECONDS}`,
      );
    }
    const reason = input.reason.trim();
    if (reason.length === 0 || reason.length > 500) throw invalidField('reason', 'must be 1-500 characters');
    const channel = input.channel ?? 'any';
    let expectedSender: string | null = null;
    if (input.expectedSender !== undefined) {
      const parsed = parseExpectedSender(input.expectedSender);
      if (!parsed) {
        throw invalidField('expectedSender', 'must be an email address, a domain, a phone number or an SMS sender id');
      }
      const emailKind = parsed.kind === 'address' || parsed.kind === 'domain';
      if ((channel === 'email' && !emailKind) || (channel === 'sms' && emailKind)) {
        throw invalidField('expectedSender', `cannot send on the ${channel} channel`);
      }
      expectedSender = parsed.value;
    }
    const filterFrom = input.filter?.from ?? null;
    const filterPattern = input.filter?.pattern ?? null;
    withRelayInputErrors(() => {
      parseRelayPublicKey(input.publicKey);
      if (filterFrom !== null) compileFromGlob(filterFrom);
      if (filterPattern !== null) compilePattern(filterPattern, { caseInsensitive: true });
    });
    return { ttl, reason, channel, expectedSender, filterFrom, filterPattern };
  }

  return {
    visible,

    async create(ctx, input) {
      await requireAgent(ctx, 'relay.request');
      const p = ctx.principal;
      if (p.kind !== 'agent') throw identityError('AGENT_ONLY');
      const v = validate(input);
      const now = clock.now();
      const id = newId('rly', now);
      let queued = false;
      const created = await store.write(async (tx) => {
        if ((await tx.relay.countPending(p.agentId, now)) >= MAX_PENDING_PER_AGENT) return undefined;
        await tx.relay.insertRequest({
          id,
          orgId: p.orgId,
          agentId: p.agentId,
          approverId: p.creatorId,
          status: 'pending_approval',
          reason: v.reason,
          expectedSender: v.expectedSender,
          channel: v.channel,
          filterFrom: v.filterFrom,
          filterPattern: v.filterPattern,
          publicKey: input.publicKey,
          createdAt: now,
          updatedAt: now,
          expiresAt: now + v.ttl * 1000,
        });
        const fresh = await tx.relay.findRequest(p.orgId, id);
        if (!fresh) throw new Error('inserted relay request not found');
        const requestId = ctx.requestId;
        await appendRequestEvent(deps, tx, fresh, {
          actor: actorOf(p),
          action: 'relay.request',
          outcome: 'success',
          requestId,
        });
        // A standing approval covers only requests that name their sender: that is what the human agreed to.
        const standing = v.expectedSender
          ? await tx.relay.spendStandingApproval({
              humanId: p.creatorId,
              agentId: p.agentId,
              sender: v.expectedSender,
              now,
            })
          : undefined;
        const about = {
          requestId: id,
          agent: { id: p.agentId, name: p.agentName },
          reason: v.reason,
          expectedSender: v.expectedSender,
          ...approvalLinks(deps, id),
        };
        const event = { orgId: p.orgId, humanId: p.creatorId, at: now };
        if (!standing) {
          const expiresAt = new Date(now + v.ttl * 1000).toISOString();
          const data = { ...about, channel: v.channel, expiresAt };
          queued = await queueEvent(tx, { ...event, type: 'relay.approval_requested', data });
          return fresh;
        }
        const approved = await tx.relay.transitionRequest(p.orgId, id, {
          from: ['pending_approval'],
          to: 'approved',
          at: now,
          decidedBy: standing.humanId,
          standingApprovalId: standing.id,
        });
        if (!approved) throw new Error('new relay request could not be approved');
        await appendRequestEvent(deps, tx, approved, {
          actor: { type: 'human', id: p.creatorId, name: p.creatorName },
          action: 'relay.approve',
          outcome: 'success',
          reason: `standing_approval ${standing.id}`,
          requestId,
        });
        const data = { ...about, standingApprovalId: standing.id, remaining: standing.remaining };
        queued = await queueEvent(tx, { ...event, type: 'relay.auto_approved', data });
        return approved;
      });
      if (!created) {
        throw relayError('RELAY_TOO_MANY_PENDING', undefined, { retryAfterSeconds: 60 });
      }
      if (queued) await kickOutbox(deps);
      await publishStatuses(deps, [created]);
      return view(created);
    },

    async get(ctx, id) {
      return view(await visible(ctx, id));
    },

    async list(ctx, query) {
      const p = ctx.principal;
      const limit = Math.min(Math.max(query.limit ?? 50, 1), 200);
      if (query.cursor !== undefined && !isId('rly', query.cursor)) {
        throw invalidField('cursor', 'is not a cursor this server issued');
      }
      // An agent lists its own; an operator its org's, or one agent's (by id or name).
      const agentId =
        p.kind === 'agent' || query.agent !== undefined
          ? (await deps.identity.resolveActingAgent(ctx, query.agent)).agent.id
          : undefined;
      const rows = await store.read.relay.listRequests(p.orgId, {
        limit: limit + 1,
        ...(agentId !== undefined ? { agentId } : {}),
        ...(query.status !== undefined ? { status: query.status } : {}),
        ...(query.cursor !== undefined ? { afterId: query.cursor } : {}),
      });
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      return { requests: page.map(view), nextCursor: rows.length > limit && last ? last.id : null };
    },

    async approve(ctx, id) {
      await requireOperator(ctx, 'relay.approve', id);
      const p = ctx.principal;
      if (p.kind !== 'operator') throw identityError('OPERATOR_ONLY');
      const r = await visible(ctx, id);
      if (r.approverId !== p.humanId) {
        // The code will come from this human's phone or mailbox: only they can agree to release it.
        await denyWithAudit(
          deps,
          ctx,
          {
            action: 'relay.approve',
            target: { type: 'relay_request', id },
            agentId: r.agentId,
            delegationChain: chainOfRequest(r),
          },
          relayError('RELAY_NOT_APPROVER'),
        );
      }
      // Approving for an agent that cannot act would only leave a code waiting for nobody (or for later misuse).
      const agent = await store.read.identity.findAgentById(r.orgId, r.agentId);
      if (agent?.status === 'revoked') throw identityError('AGENT_REVOKED');
      if (agent?.status === 'suspended') throw identityError('AGENT_SUSPENDED');
      return transition(ctx, r, {
        action: 'relay.approve',
        verb: 'approve',
        from: ['pending_approval'],
        to: 'approved',
        decidedBy: p.humanId,
      });
    },

    async deny(ctx, id) {
      await requireOperator(ctx, 'relay.deny', id);
      const p = ctx.principal;
      if (p.kind !== 'operator') throw identityError('OPERATOR_ONLY');
      const r = await visible(ctx, id);
      // Any operator of the org may deny: refusing to release a code is always safe. An approval can be withdrawn
      // until a code is captured.
      return transition(ctx, r, {
        action: 'relay.deny',
        verb: 'deny',
        from: ['pending_approval', 'approved'],
        to: 'denied',
        decidedBy: p.humanId,
      });
    },

    async cancel(ctx, id) {
      await requireAgent(ctx, 'relay.cancel', id);
      const r = await visible(ctx, id);
      return transition(ctx, r, {
        action: 'relay.cancel',
        verb: 'cancel',
        from: ['pending_approval', 'approved', 'otp_received'],
        to: 'cancelled',
      });
    },

    async wait(ctx, id, timeoutSeconds, signal) {
      const first = await visible(ctx, id);
      if (!WAITING.includes(first.status) || timeoutSeconds <= 0 || signal?.aborted) return view(first);
      const seconds = Math.min(timeoutSeconds, MAX_WAIT_SECONDS);
      return new Promise<RelayRequestView>((resolve, reject) => {
        let settled = false;
        let checking: Promise<void> | null = null;
        let recheck = false;
        const settle = (r: RelayRequestRecord | undefined, error?: unknown) => {
          if (settled) return;
          settled = true;
          off();
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          if (error !== undefined) reject(error);
          else resolve(view(r ?? first));
        };
        const read = () => store.read.relay.findRequest(first.orgId, id);
        // Subscribe first, then read: a change committed between the two is seen by the read or by the signal.
        const check = (): Promise<void> => {
          if (checking) {
            recheck = true;
            return checking;
          }
          checking = (async () => {
            do {
              recheck = false;
              const r = await read();
              if (!r || !WAITING.includes(r.status)) return settle(r);
            } while (recheck && !settled);
          })()
            .catch((error: unknown) => settle(undefined, error))
            .finally(() => {
              checking = null;
            });
          return checking;
        };
        const finishNow = () => {
          read().then(
            (r) => settle(r),
            (error: unknown) => settle(undefined, error),
          );
        };
        const onAbort = () => finishNow();
        const off = deps.notifier.subscribe(requestChannel(id), () => void check());
        const timer = setTimeout(finishNow, seconds * 1000);
        signal?.addEventListener('abort', onAbort, { once: true });
        void check();
      });
    },
  };
}
