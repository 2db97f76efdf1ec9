// A human's side of the relay: where approval requests are sent (a signed webhook), how their phone posts SMS
// (a capture token), and the standing approvals they grant. Operators act on their own settings only.
import { invalidField } from '../../core/app-error.js';
import { isId, newId } from '../../crypto/ids.js';
import { mintCaptureToken } from '../../crypto/tokens.js';
import { generateWebhookSecret } from '../../crypto/webhook-signature.js';
import type { AuditRepo } from '../audit/audit-repo.js';
import type { AuditTarget } from '../audit/chain.js';
import { denyWithAudit } from '../audit/deny.js';
import { identityError } from '../identity/identity-errors.js';
import { actorOf, chainOf, type Principal, type RequestContext } from '../identity/principal.js';
import { kickOutbox, queueEvent, type RelayDeps } from './relay-deps.js';
import { relayError } from './relay-errors.js';
import { webhookSecretContext } from './relay-keys.js';
import type { DeliveryRecord, StandingApprovalRecord } from './relay-repo.js';
import { parseExpectedSender } from './sender.js';

export interface RelaySettingsView {
  human: { id: string; name: string };
  /** Where the human auto-forwards mail that carries codes. */
  forwardingAddress: string;
  /** Where the human's phone posts SMS, with the capture token in `Authorization`. */
  smsCaptureUrl: string;
  webhook: { url: string; updatedAt: number } | null;
  smsCapture: { createdAt: number } | null;
}

/** A standing approval with its state at the time of the call. */
export type StandingApprovalView = StandingApprovalRecord & { status: 'active' | 'exhausted' | 'expired' | 'revoked' };

export interface StandingApprovalInput {
  agent: string;
  sender: string;
  maxCodes: number;
  withinHours: number;
}

export interface RelaySettings {
  getSettings(ctx: RequestContext): Promise<RelaySettingsView>;
  /** Registers (or replaces) the webhook and returns a new signing secret, shown this once. */
  setWebhook(ctx: RequestContext, input: { url: string }): Promise<{ url: string; secret: string; updatedAt: number }>;
  deleteWebhook(ctx: RequestContext): Promise<void>;
  /** Queues a `relay.webhook_test` event, so a human can check their receiver verifies our signature. */
  testWebhook(ctx: RequestContext): Promise<{ queued: boolean }>;
  /** Mints a new SMS capture token (the previous one stops working), shown this once. */
  createCaptureToken(ctx: RequestContext): Promise<{ token: string; smsCaptureUrl: string; createdAt: number }>;
  deleteCaptureToken(ctx: RequestContext): Promise<void>;
  createStandingApproval(ctx: RequestContext, input: StandingApprovalInput): Promise<StandingApprovalView>;
  listStandingApprovals(ctx: RequestContext): Promise<StandingApprovalView[]>;
  revokeStandingApproval(ctx: RequestContext, id: string): Promise<StandingApprovalView>;
  /** The human's most recent webhook deliveries, newest first. */
  listDeliveries(ctx: RequestContext, limit: number): Promise<DeliveryRecord[]>;
}

type Operator = Extract<Principal, { kind: 'operator' }>;

export const MAX_STANDING_CODES = 100;
export const MAX_STANDING_HOURS = 720;

/** Builds the settings part of the relay service. */
export function createRelaySettings(deps: RelayDeps): RelaySettings {
  const { store, audit, clock, envelope } = deps;

  async function operator(ctx: RequestContext, action: string): Promise<Operator> {
    const p = ctx.principal;
    if (p.kind !== 'operator') {
      return denyWithAudit(deps, ctx, { action, target: { type: 'relay_settings' } }, identityError('OPERATOR_ONLY'));
    }
    return p;
  }

  /** Appends a success event about the operator's own settings, in the caller's transaction. */
  function own(tx: { audit: AuditRepo }, ctx: RequestContext, p: Operator, action: string, target: AuditTarget) {
    return audit.append(tx, {
      orgId: p.orgId,
      actor: actorOf(p),
      delegationChain: chainOf(p),
      action,
      target,
      outcome: 'success',
      requestId: ctx.requestId,
    });
  }

  function standingView(s: StandingApprovalRecord): StandingApprovalView {
    const status =
      s.revokedAt !== null
        ? 'revoked'
        : s.expiresAt <= clock.now()
          ? 'expired'
          : s.remaining === 0
            ? 'exhausted'
            : 'active';
    return { ...s, status };
  }

  const smsCaptureUrl = () => `${deps.publicUrl()}/v1/relay/capture/sms`;

  return {
    async getSettings(ctx) {
      const p = await operator(ctx, 'relay.settings.get');
      const s = await store.read.relay.getSettings(p.humanId);
      return {
        human: { id: p.humanId, name: p.humanName },
        forwardingAddress: `relay-${p.humanName}@${deps.mailDomain}`,
        smsCaptureUrl: smsCaptureUrl(),
        webhook: s?.webhookUrl ? { url: s.webhookUrl, updatedAt: s.webhookUpdatedAt ?? 0 } : null,
        smsCapture: s?.captureTokenCreatedAt ? { createdAt: s.captureTokenCreatedAt } : null,
      };
    },

    async setWebhook(ctx, input) {
      const p = await operator(ctx, 'relay.webhook.set');
      const problem = deps.transport.check(input.url);
      if (problem !== null)
        throw relayError('INVALID_WEBHOOK_URL', problem, { details: [{ path: 'url', message: problem }] });
      const secret = generateWebhookSecret();
      const { dataKey, wrapped } = envelope.newDataKey(webhookSecretContext(p.orgId, p.humanId));
      const sealedSecret = dataKey.seal('secret', secret);
      const now = clock.now();
      await store.write(async (tx) => {
        await tx.relay.setWebhook(p.humanId, p.orgId, { url: input.url, sealedSecret, wrappedKey: wrapped }, now);
        await own(tx, ctx, p, 'relay.webhook.set', { type: 'relay_webhook', id: p.humanId });
      });
      return { url: input.url, secret, updatedAt: now };
    },

    async deleteWebhook(ctx) {
      const p = await operator(ctx, 'relay.webhook.delete');
      if (await store.write((tx) => tx.relay.clearWebhook(p.humanId, clock.now()))) {
        await store.write((tx) => own(tx, ctx, p, 'relay.webhook.delete', { type: 'relay_webhook', id: p.humanId }));
      }
    },

    async testWebhook(ctx) {
      const p = await operator(ctx, 'relay.webhook.test');
      const now = clock.now();
      const queued = await store.write((tx) =>
        queueEvent(tx, {
          orgId: p.orgId,
          humanId: p.humanId,
          type: 'relay.webhook_test',
          at: now,
          data: { human: { id: p.humanId, name: p.humanName } },
        }),
      );
      if (queued) await kickOutbox(deps);
      return { queued };
    },

    async createCaptureToken(ctx) {
      const p = await operator(ctx, 'relay.capture_token.create');
      const { token, secretHash } = mintCaptureToken(p.humanId);
      const now = clock.now();
      await store.write(async (tx) => {
        await tx.relay.setCaptureToken(p.humanId, p.orgId, secretHash, now);
        await own(tx, ctx, p, 'relay.capture_token.create', { type: 'capture_token', id: p.humanId });
      });
      return { token, smsCaptureUrl: smsCaptureUrl(), createdAt: now };
    },

    async deleteCaptureToken(ctx) {
      const p = await operator(ctx, 'relay.capture_token.delete');
      if (await store.write((tx) => tx.relay.clearCaptureToken(p.humanId, clock.now()))) {
        await store.write((tx) =>
          own(tx, ctx, p, 'relay.capture_token.delete', { type: 'capture_token', id: p.humanId }),
        );
      }
    },

    async createStandingApproval(ctx, input) {
      const p = await operator(ctx, 'relay.standing.create');
      const { agent, chain } = await deps.identity.resolveActingAgent(ctx, input.agent);
      if (agent.status === 'revoked') throw identityError('AGENT_REVOKED');
      if (agent.createdBy !== p.humanId) {
        // Codes for this agent come from its creator's phone or mailbox; only that human can pre-approve them.
        await denyWithAudit(
          deps,
          ctx,
          { action: 'relay.standing.create', target: { type: 'agent', id: agent.id }, agentId: agent.id },
          relayError('RELAY_NOT_APPROVER', 'Only the human who created this agent can grant it a standing approval.'),
        );
      }
      const sender = parseExpectedSender(input.sender);
      if (!sender)
        throw invalidField('sender', 'must be an email address, a domain, a phone number or an SMS sender id');
      if (!Number.isInteger(input.maxCodes) || input.maxCodes < 1 || input.maxCodes > MAX_STANDING_CODES) {
        throw invalidField('maxCodes', `must be a whole number from 1 to ${MAX_STANDING_CODES}`);
      }
      if (!Number.isInteger(input.withinHours) || input.withinHours < 1 || input.withinHours > MAX_STANDING_HOURS) {
        throw invalidField('withinHours', `must be a whole number of hours from 1 to ${MAX_STANDING_HOURS}`);
      }
      const now = clock.now();
      const id = newId('sap', now);
      const standing = {
        id,
        orgId: p.orgId,
        humanId: p.humanId,
        agentId: agent.id,
        sender: sender.value,
        maxCodes: input.maxCodes,
        remaining: input.maxCodes,
        createdAt: now,
        expiresAt: now + input.withinHours * 3_600_000,
        revokedAt: null,
      };
      await store.write(async (tx) => {
        await tx.relay.insertStandingApproval(standing);
        await audit.append(tx, {
          orgId: p.orgId,
          actor: actorOf(p),
          delegationChain: chain,
          action: 'relay.standing.create',
          target: { type: 'standing_approval', id },
          outcome: 'success',
          agentId: agent.id,
          requestId: ctx.requestId,
        });
      });
      return standingView({ ...standing, agentName: agent.name });
    },

    async listStandingApprovals(ctx) {
      const p = await operator(ctx, 'relay.standing.list');
      return (await store.read.relay.listStandingApprovals(p.humanId)).map(standingView);
    },

    async revokeStandingApproval(ctx, id) {
      const p = await operator(ctx, 'relay.standing.revoke');
      if (!isId('sap', id)) throw relayError('STANDING_APPROVAL_NOT_FOUND');
      const before = (await store.read.relay.listStandingApprovals(p.humanId)).find((s) => s.id === id);
      if (!before) throw relayError('STANDING_APPROVAL_NOT_FOUND');
      if (before.revokedAt !== null) return standingView(before);
      const revoked = await store.write(async (tx) => {
        const revoked = await tx.relay.revokeStandingApproval(p.humanId, id, clock.now());
        if (!revoked) throw relayError('STANDING_APPROVAL_NOT_FOUND');
        await audit.append(tx, {
          orgId: p.orgId,
          actor: actorOf(p),
          delegationChain: chainOf(p),
          action: 'relay.standing.revoke',
          target: { type: 'standing_approval', id },
          outcome: 'success',
          agentId: revoked.agentId,
          requestId: ctx.requestId,
        });
        return revoked;
      });
      return standingView(revoked);
    },

    async listDeliveries(ctx, limit) {
      const p = await operator(ctx, 'relay.webhook.deliveries');
      return store.read.relay.listDeliveries(p.humanId, Math.min(Math.max(limit, 1), 100));
    },
  };
}
