// The end of a relay request: the agent's one read (claimed atomically, audited before release, erased in the same
// transaction), the alarm on any later read, and the sweeper that expires what ran out of time.

import { denyWithAudit } from '../audit/deny.js';
import { identityError } from '../identity/identity-errors.js';
import type { RequestContext } from '../identity/principal.js';
import { actorOf } from '../identity/principal.js';
import { appendRequestEvent, kickOutbox, publishStatuses, queueEvent, type RelayDeps } from './relay-deps.js';
import { relayError } from './relay-errors.js';
import { captureContext } from './relay-keys.js';
import type { MessageChannel, RelayRequestRecord } from './relay-repo.js';
import type { RelayRequests } from './relay-requests.js';

/** What the one read returns: the HPKE payload only the agent can open, and who sent it. */
export interface ConsumedPayload {
  enc: string;
  ciphertext: string;
  metadata: { channel: MessageChannel; from: string; receivedAt: number };
}

export interface RelayConsume {
  /**
   * Releases the sealed code exactly once. Later calls fail with RELAY_ALREADY_CONSUMED (410), are audited as
   * `relay.reread`, and raise an alarm to the approver's webhook.
   */
  consume(ctx: RequestContext, id: string): Promise<ConsumedPayload>;
  /** Expires every live request whose time is up (erasing any payload); resolves to how many. */
  expireDue(): Promise<number>;
}

const SYSTEM = { type: 'system' as const, id: 'latchkey', name: 'relay' };
const EXPIRE_BATCH = 100;
/** Re-reads within one window raise one alarm between them (each is still audited). */
const ALARM_WINDOW_MS = 60_000;

/** Builds the consume and expiry part of the relay service. */
export function createRelayConsume(deps: RelayDeps, requests: RelayRequests): RelayConsume {
  const { store, clock, envelope } = deps;

  async function reread(ctx: RequestContext, r: RelayRequestRecord): Promise<never> {
    const now = clock.now();
    const queued = await store.write(async (tx) => {
      await appendRequestEvent(deps, tx, r, {
        actor: actorOf(ctx.principal),
        action: 'relay.reread',
        outcome: 'denied',
        reason: 'already_consumed',
        requestId: ctx.requestId,
      });
      return queueEvent(tx, {
        orgId: r.orgId,
        humanId: r.approverId,
        type: 'relay.reread_alarm',
        at: now,
        dedupeKey: `reread:${r.id}:${Math.floor(now / ALARM_WINDOW_MS)}`,
        data: {
          requestId: r.id,
          agent: { id: r.agentId, name: r.agentName },
          consumedAt: r.consumedAt === null ? null : new Date(r.consumedAt).toISOString(),
          attemptedAt: new Date(now).toISOString(),
          message: 'A relayed code was requested again after its one read. Someone may hold a copy of the agent key.',
        },
      });
    });
    if (queued) await kickOutbox(deps);
    throw relayError('RELAY_ALREADY_CONSUMED');
  }

  async function expireNow(ctx: RequestContext, r: RelayRequestRecord): Promise<never> {
    const now = clock.now();
    const expired = await store.write(async (tx) => {
      const u = await tx.relay.transitionRequest(r.orgId, r.id, { from: ['otp_received'], to: 'expired', at: now });
      if (u) {
        await appendRequestEvent(deps, tx, u, {
          actor: SYSTEM,
          action: 'relay.expire',
          outcome: 'success',
          requestId: ctx.requestId,
        });
      }
      return u;
    });
    if (expired) await publishStatuses(deps, [expired]);
    throw relayError('RELAY_EXPIRED');
  }

  return {
    async consume(ctx, id) {
      const p = ctx.principal;
      if (p.kind !== 'agent') {
        // An operator's read would burn the agent's one read on a payload the operator cannot open.
        return denyWithAudit(
          deps,
          ctx,
          { action: 'relay.consume', target: { type: 'relay_request', id } },
          identityError('AGENT_ONLY'),
        );
      }
      const r = await requests.visible(ctx, id);
      const now = clock.now();
      const claimed = await store.write(async (tx) => {
        const c = await tx.relay.claimPayload(r.orgId, p.agentId, id, now);
        if (!c) return undefined;
        // Audited inside the claim's transaction: the payload leaves only once its event has committed.
        await appendRequestEvent(deps, tx, c.request, {
          actor: actorOf(p),
          action: 'relay.consume',
          outcome: 'success',
          requestId: ctx.requestId,
        });
        return c;
      });
      if (!claimed) {
        const current = (await store.read.relay.findRequest(r.orgId, id)) ?? r;
        switch (current.status) {
          case 'consumed':
            return reread(ctx, current);
          case 'otp_received':
            return expireNow(ctx, current);
          case 'expired':
            throw relayError('RELAY_EXPIRED');
          case 'pending_approval':
          case 'approved':
            if (current.expiresAt <= now) throw relayError('RELAY_EXPIRED');
            throw relayError('RELAY_OTP_NOT_RECEIVED');
          default:
            throw relayError('RELAY_INVALID_STATE', `This request was ${current.status}; there is nothing to read.`);
        }
      }
      await publishStatuses(deps, [claimed.request]);
      const c = claimed.request;
      const from = envelope
        .openDataKey(claimed.wrappedKey, captureContext(c.orgId, c.agentId, c.id))
        .openText('from', claimed.sealedFrom);
      return {
        enc: claimed.enc,
        ciphertext: claimed.ciphertext,
        metadata: { channel: c.capturedChannel ?? 'email', from, receivedAt: c.receivedAt ?? c.capturedAt ?? now },
      };
    },

    async expireDue() {
      let total = 0;
      for (;;) {
        const now = clock.now();
        const expired = await store.write(async (tx) => {
          const rows = await tx.relay.expireDue(now, EXPIRE_BATCH);
          for (const r of rows) {
            await appendRequestEvent(deps, tx, r, { actor: SYSTEM, action: 'relay.expire', outcome: 'success' });
          }
          return rows;
        });
        total += expired.length;
        await publishStatuses(deps, expired);
        if (expired.length < EXPIRE_BATCH) return total;
      }
    },
  };
}
