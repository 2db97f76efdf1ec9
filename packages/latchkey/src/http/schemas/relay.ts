// Wire shapes of the OTP relay: requests, the sealed payload, settings, standing approvals and webhook deliveries.
import { z } from 'zod';
import type { ConsumedPayload } from '../../modules/relay/relay-consume.js';
import type { DeliveryRecord } from '../../modules/relay/relay-repo.js';
import type { RelayRequestView } from '../../modules/relay/relay-requests.js';
import type { RelaySettingsView, StandingApprovalView } from '../../modules/relay/relay-settings.js';
import { iso, isoOrNull, Timestamp } from './common.js';

export const RelayStatusSchema = z.enum([
  'pending_approval',
  'approved',
  'otp_received',
  'consumed',
  'denied',
  'expired',
  'cancelled',
]);

const Person = z.object({ id: z.string(), name: z.string() });

export const RelayRequestSchema = z
  .object({
    id: z.string(),
    agent: Person,
    status: RelayStatusSchema,
    reason: z.string(),
    expectedSender: z.string().nullable(),
    channel: z.enum(['email', 'sms', 'any']),
    filter: z.object({ from: z.string().nullable(), pattern: z.string().nullable() }),
    approver: Person.meta({ description: 'The human whose phone or mailbox receives the code (the agent creator).' }),
    decidedBy: Person.nullable().meta({
      description: 'Who approved or denied; for a standing approval, who granted it.',
    }),
    decidedAt: Timestamp.nullable(),
    standingApprovalId: z.string().nullable(),
    createdAt: Timestamp,
    expiresAt: Timestamp,
    capturedAt: Timestamp.nullable(),
    consumedAt: Timestamp.nullable(),
    approvalUrl: z.string(),
  })
  .meta({
    id: 'RelayRequest',
    description: 'A relay request. Never holds the code: that is only in the sealed payload.',
  });

export const CreatedRelayRequest = z
  .object({ id: z.string(), status: RelayStatusSchema, approvalUrl: z.string(), expiresAt: Timestamp })
  .meta({ id: 'CreatedRelayRequest' });

export const RelayPayload = z
  .object({
    enc: z.string().meta({ description: 'HPKE encapsulated key, base64url.' }),
    ciphertext: z
      .string()
      .meta({ description: 'HPKE ciphertext of {code?, link?, channel, from, receivedAt, requestId}.' }),
    metadata: z.object({ channel: z.enum(['email', 'sms']), from: z.string(), receivedAt: Timestamp }),
  })
  .meta({
    id: 'RelayPayload',
    description:
      'Sealed to the agent key: HPKE base mode, DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM, ' +
      'info "latchkey-relay-v1", empty AAD. Released once, then erased.',
  });

export const RelaySettingsSchema = z
  .object({
    human: Person,
    forwardingAddress: z.string(),
    smsCaptureUrl: z.string(),
    webhook: z.object({ url: z.string(), updatedAt: Timestamp }).nullable(),
    smsCapture: z.object({ createdAt: Timestamp }).nullable(),
  })
  .meta({ id: 'RelaySettings' });

export const WebhookRegistration = z
  .object({
    url: z.string(),
    secret: z.string().meta({ description: 'Standard Webhooks signing secret (whsec_…). Shown once.' }),
    updatedAt: Timestamp,
  })
  .meta({ id: 'RelayWebhookRegistration' });

export const CaptureToken = z
  .object({
    token: z.string().meta({ description: 'lk_cap_… for `Authorization: Bearer`. Shown once.' }),
    smsCaptureUrl: z.string(),
    createdAt: Timestamp,
  })
  .meta({ id: 'RelayCaptureToken' });

export const StandingApprovalSchema = z
  .object({
    id: z.string(),
    agent: Person,
    sender: z.string(),
    maxCodes: z.number().int(),
    remaining: z.number().int(),
    status: z.enum(['active', 'exhausted', 'expired', 'revoked']),
    createdAt: Timestamp,
    expiresAt: Timestamp,
    revokedAt: Timestamp.nullable(),
  })
  .meta({ id: 'StandingApproval' });

export const DeliverySchema = z
  .object({
    id: z.string(),
    eventType: z.string(),
    status: z.enum(['pending', 'delivered', 'failed', 'dropped']),
    attempts: z.number().int(),
    createdAt: Timestamp,
    nextAttemptAt: Timestamp.nullable(),
    finishedAt: Timestamp.nullable(),
    lastError: z.string().nullable(),
    lastStatus: z.number().int().nullable(),
  })
  .meta({ id: 'RelayWebhookDelivery' });

/** Wire form of a relay request. */
export function presentRelayRequest(r: RelayRequestView): z.input<typeof RelayRequestSchema> {
  return {
    id: r.id,
    agent: { id: r.agentId, name: r.agentName },
    status: r.status,
    reason: r.reason,
    expectedSender: r.expectedSender,
    channel: r.channel,
    filter: { from: r.filterFrom, pattern: r.filterPattern },
    approver: { id: r.approverId, name: r.approverName },
    decidedBy: r.decidedBy === null ? null : { id: r.decidedBy, name: r.decidedByName ?? r.decidedBy },
    decidedAt: isoOrNull(r.decidedAt),
    standingApprovalId: r.standingApprovalId,
    createdAt: iso(r.createdAt),
    expiresAt: iso(r.expiresAt),
    capturedAt: isoOrNull(r.capturedAt),
    consumedAt: isoOrNull(r.consumedAt),
    approvalUrl: r.approvalUrl,
  };
}

/** Wire form of the one read. */
export function presentPayload(p: ConsumedPayload): z.input<typeof RelayPayload> {
  return { enc: p.enc, ciphertext: p.ciphertext, metadata: { ...p.metadata, receivedAt: iso(p.metadata.receivedAt) } };
}

/** Wire form of a human's relay settings. */
export function presentSettings(s: RelaySettingsView): z.input<typeof RelaySettingsSchema> {
  return {
    human: s.human,
    forwardingAddress: s.forwardingAddress,
    smsCaptureUrl: s.smsCaptureUrl,
    webhook: s.webhook ? { url: s.webhook.url, updatedAt: iso(s.webhook.updatedAt) } : null,
    smsCapture: s.smsCapture ? { createdAt: iso(s.smsCapture.createdAt) } : null,
  };
}

/** Wire form of a standing approval. */
export function presentStanding(s: StandingApprovalView): z.input<typeof StandingApprovalSchema> {
  return {
    id: s.id,
    agent: { id: s.agentId, name: s.agentName },
    sender: s.sender,
    maxCodes: s.maxCodes,
    remaining: s.remaining,
    status: s.status,
    createdAt: iso(s.createdAt),
    expiresAt: iso(s.expiresAt),
    revokedAt: isoOrNull(s.revokedAt),
  };
}

/** Wire form of a webhook delivery. */
export function presentDelivery(d: DeliveryRecord): z.input<typeof DeliverySchema> {
  return {
    id: d.id,
    eventType: d.eventType,
    status: d.status,
    attempts: d.attempts,
    createdAt: iso(d.createdAt),
    nextAttemptAt: d.status === 'pending' ? iso(d.nextAttemptAt) : null,
    finishedAt: isoOrNull(d.finishedAt),
    lastError: d.lastError,
    lastStatus: d.lastStatus,
  };
}
