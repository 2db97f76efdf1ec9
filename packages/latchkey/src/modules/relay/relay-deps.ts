// What the relay's parts share: their explicit dependencies, and small helpers for chains, signals and events.
import type { Clock } from '../../core/clock.js';
import type { Notifier } from '../../core/notifier.js';
import type { Transactor } from '../../core/transactor.js';
import type { Envelope } from '../../crypto/envelope.js';
import { newId } from '../../crypto/ids.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { AuditRepo } from '../audit/audit-repo.js';
import type { IdentityRepo } from '../identity/identity-repo.js';
import type { IdentityService } from '../identity/identity-service.js';
import { type Actor, agentChain, type ChainLink } from '../identity/principal.js';
import type { WebhookTransport } from './relay-dispatcher.js';
import { OUTBOX_CHANNEL } from './relay-dispatcher.js';
import { eventBody, type RelayEventType } from './relay-events.js';
import type { RelayRepo, RelayRequestRecord } from './relay-repo.js';

/** What the extractor gives the relay for an SMS (email arrives already extracted by the SMTP receiver). */
export interface ExtractedForRelay {
  codes: readonly { value: string }[];
  links: readonly { url: string; kind: string }[];
}

/** The code extractor, injected: `(message) => codes and links, best first`. */
export type RelayExtractor = (input: {
  channel: 'email' | 'sms';
  from?: string | null;
  subject?: string | null;
  text?: string | null;
}) => ExtractedForRelay;

/** Every dependency of the relay service. */
export interface RelayDeps {
  store: Transactor<{ relay: RelayRepo; identity: IdentityRepo; audit: AuditRepo }>;
  audit: AuditLog;
  /** For `agent` references (id or name) in the caller's org. */
  identity: Pick<IdentityService, 'resolveActingAgent'>;
  clock: Clock;
  envelope: Envelope;
  notifier: Notifier;
  transport: WebhookTransport;
  extract: RelayExtractor;
  /** The server's public base URL (no trailing slash), for approval links; read when a link is made. */
  publicUrl: () => string;
  mailDomain: string;
}

/** The signal channel of one request; payloads are statuses, never secrets. */
export function requestChannel(id: string): string {
  return `relay:${id}`;
}

/** `human > org > agent` of a request's agent (the approver is the agent's creator). */
export function chainOfRequest(r: RelayRequestRecord): ChainLink[] {
  return agentChain(
    { id: r.approverId, name: r.approverName },
    { id: r.orgId, name: r.orgName },
    { id: r.agentId, name: r.agentName },
  );
}

/** Appends an event about one request (its org, agent and chain) in the caller's transaction. */
export function appendRequestEvent(
  deps: Pick<RelayDeps, 'audit'>,
  tx: { audit: AuditRepo },
  r: RelayRequestRecord,
  event: { actor: Actor; action: string; outcome: 'success' | 'denied'; reason?: string; requestId?: string | null },
) {
  return deps.audit.append(tx, {
    orgId: r.orgId,
    actor: event.actor,
    delegationChain: chainOfRequest(r),
    action: event.action,
    target: { type: 'relay_request', id: r.id },
    outcome: event.outcome,
    agentId: r.agentId,
    reason: event.reason ?? null,
    requestId: event.requestId ?? null,
  });
}

/** Sends status signals after commit; a lost signal only delays a waiter until its next re-check. */
export async function publishStatuses(
  deps: Pick<RelayDeps, 'notifier'>,
  requests: RelayRequestRecord[],
): Promise<void> {
  for (const r of requests) await deps.notifier.publish(requestChannel(r.id), r.status).catch(() => undefined);
}

/** Wakes the webhook dispatchers after a delivery was queued (and committed). */
export async function kickOutbox(deps: Pick<RelayDeps, 'notifier'>): Promise<void> {
  await deps.notifier.publish(OUTBOX_CHANNEL, 'queued').catch(() => undefined);
}

/**
 * Queues a webhook event to `humanId` in the caller's transaction, if that human registered a webhook. Returns true
 * when something was queued (the caller kicks the outbox after commit).
 */
export async function queueEvent(
  tx: { relay: RelayRepo },
  event: {
    orgId: string;
    humanId: string;
    type: RelayEventType;
    at: number;
    data: Record<string, unknown>;
    dedupeKey?: string;
  },
): Promise<boolean> {
  const settings = await tx.relay.getSettings(event.humanId);
  if (!settings?.webhookUrl) return false;
  return tx.relay.enqueueDelivery({
    id: newId('whk', event.at),
    orgId: event.orgId,
    humanId: event.humanId,
    eventType: event.type,
    payload: eventBody(event.type, event.at, event.data),
    createdAt: event.at,
    ...(event.dedupeKey !== undefined ? { dedupeKey: event.dedupeKey } : {}),
  });
}

/** Links for the approver: the request itself, and the actions an operator token can take on it. */
export function approvalLinks(deps: Pick<RelayDeps, 'publicUrl'>, id: string) {
  const base = `${deps.publicUrl()}/v1/relay/requests/${id}`;
  return { approvalUrl: base, approveUrl: `${base}/approve`, denyUrl: `${base}/deny` };
}
