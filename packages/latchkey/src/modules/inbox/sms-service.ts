// SMS into the inbox: operators map phone numbers to agents; providers post messages to two webhooks, each
// checked against its signature before anything is looked up or stored.
import { appError, invalidField } from '../../core/app-error.js';
import type { Clock } from '../../core/clock.js';
import type { Transactor } from '../../core/transactor.js';
import { isId, newId } from '../../crypto/ids.js';
import type { KeyedHasher } from '../../crypto/keyed-hash.js';
import { TwilioSignatureError, verifyTwilioSignature } from '../../crypto/twilio-signature.js';
import {
  type HeaderBag,
  verifyWebhook,
  WEBHOOK_TOLERANCE_SECONDS,
  WebhookSignatureError,
} from '../../crypto/webhook-signature.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { AuditRepo } from '../audit/audit-repo.js';
import { denyWithAudit } from '../audit/deny.js';
import { identityError } from '../identity/identity-errors.js';
import type { IdentityService } from '../identity/identity-service.js';
import { actorOf, type RequestContext } from '../identity/principal.js';
import { extractMessage } from './extract/index.js';
import { inboxError } from './inbox-errors.js';
import type { InboxRepo, PhoneNumberRecord } from './inbox-repo.js';
import type { InboxService } from './inbox-service.js';
import { normalisePhoneNumber } from './phone-number.js';

export interface SmsService {
  addNumber(ctx: RequestContext, agentRef: string, number: string): Promise<PhoneNumberRecord>;
  listNumbers(ctx: RequestContext, agentRef: string): Promise<PhoneNumberRecord[]>;
  removeNumber(ctx: RequestContext, agentRef: string, id: string): Promise<PhoneNumberRecord>;
  /** Twilio's form post; `url` is the public URL Twilio called (with its query string). Resolves to the message id. */
  receiveTwilio(input: { url: string; rawBody: string; signature: string | undefined }): Promise<string>;
  /** A Standard Webhooks delivery of `{to, from, body}`. Resolves to the message id. */
  receiveInbound(input: { headers: HeaderBag; rawBody: string }): Promise<string>;
}

type Deps = {
  store: Transactor<{ inbox: InboxRepo; audit: AuditRepo }>;
  inbox: Pick<InboxService, 'deliver'>;
  identity: Pick<IdentityService, 'resolveActingAgent'>;
  audit: AuditLog;
  keyedHash: KeyedHasher;
  clock: Clock;
  /** Unset: the Twilio endpoint answers SMS_NOT_CONFIGURED. */
  twilioAuthToken?: string | undefined;
  /** `whsec_…`; unset: the inbound endpoint answers SMS_NOT_CONFIGURED. */
  smsWebhookSecret?: string | undefined;
};

/** SMS bodies are short; anything longer is cut before extraction and storage. */
const MAX_BODY_CHARS = 4096;
/** How long a Twilio MessageSid is remembered, so a replayed (validly signed) post stores nothing. */
const TWILIO_SID_MEMORY_MS = 24 * 3600 * 1000;

function field(value: unknown, path: string, max: number): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    throw invalidField(path, `must be a string of 1 to ${max} characters`);
  }
  return value;
}

/** Builds the SMS service. */
export function createSmsService(deps: Deps): SmsService {
  const { store, audit, clock } = deps;

  async function operatorAgent(ctx: RequestContext, ref: string, action: string) {
    if (ctx.principal.kind !== 'operator') {
      await denyWithAudit(deps, ctx, { action, target: { type: 'agent', id: ref } }, identityError('OPERATOR_ONLY'));
    }
    const resolved = await deps.identity.resolveActingAgent(ctx, ref);
    if (resolved.agent.status === 'revoked') throw identityError('AGENT_REVOKED');
    return resolved;
  }

  /** Maps `to`, extracts, stores. Runs only after the delivery's signature was verified. */
  async function accept(
    to: string,
    from: string,
    body: string,
    claim: { source: string; id: string; expiresAt: number },
  ): Promise<string> {
    const number = normalisePhoneNumber(to);
    const recipient = number ? await store.read.inbox.findRecipientByNumber(number) : undefined;
    if (!recipient) throw inboxError('SMS_NUMBER_UNKNOWN');
    const text = body.slice(0, MAX_BODY_CHARS);
    const extraction = extractMessage({ channel: 'sms', from, text });
    return deps.inbox.deliver(
      recipient,
      {
        channel: 'sms',
        receivedAt: clock.now(),
        size: Buffer.byteLength(body),
        from: { address: normalisePhoneNumber(from) ?? from.slice(0, 64), name: null },
        to: recipient.number,
        subject: null,
        body: { text, html: null, headers: [], messageId: null, envelopeFrom: null },
        auth: { spf: 'none', dkim: 'none', dmarc: 'none', verdict: 'none' },
        extraction,
      },
      { claim },
    );
  }

  return {
    async addNumber(ctx, agentRef, input) {
      const { agent, chain } = await operatorAgent(ctx, agentRef, 'inbox.phone_number.add');
      const number = normalisePhoneNumber(input);
      if (!number) throw inboxError('PHONE_NUMBER_INVALID', undefined, [{ path: 'number', message: 'must be E.164' }]);
      const now = clock.now();
      const record: PhoneNumberRecord = {
        id: newId('num', now),
        orgId: agent.orgId,
        agentId: agent.id,
        number,
        createdBy: actorOf(ctx.principal).id,
        createdAt: now,
      };
      await store.write(async (tx) => {
        if (!(await tx.inbox.insertPhoneNumber(record))) throw inboxError('PHONE_NUMBER_TAKEN');
        await audit.append(tx, {
          orgId: agent.orgId,
          actor: actorOf(ctx.principal),
          delegationChain: chain,
          action: 'inbox.phone_number.add',
          // The number itself is personal data: the audit trail keeps only its keyed hash.
          target: { type: 'phone_number', id: record.id, name: deps.keyedHash.hash('phone-number', number) },
          outcome: 'success',
          agentId: agent.id,
          requestId: ctx.requestId,
        });
      });
      return record;
    },

    async listNumbers(ctx, agentRef) {
      const { agent } = await operatorAgent(ctx, agentRef, 'inbox.phone_number.list');
      return store.read.inbox.listPhoneNumbers(agent.orgId, agent.id);
    },

    async removeNumber(ctx, agentRef, id) {
      const { agent, chain } = await operatorAgent(ctx, agentRef, 'inbox.phone_number.remove');
      if (!isId('num', id)) throw inboxError('PHONE_NUMBER_NOT_FOUND');
      return store.write(async (tx) => {
        const removed = await tx.inbox.deletePhoneNumber(agent.orgId, agent.id, id);
        if (!removed) throw inboxError('PHONE_NUMBER_NOT_FOUND');
        await audit.append(tx, {
          orgId: agent.orgId,
          actor: actorOf(ctx.principal),
          delegationChain: chain,
          action: 'inbox.phone_number.remove',
          target: { type: 'phone_number', id, name: deps.keyedHash.hash('phone-number', removed.number) },
          outcome: 'success',
          agentId: agent.id,
          requestId: ctx.requestId,
        });
        return removed;
      });
    },

    async receiveTwilio(input) {
      const token = deps.twilioAuthToken;
      if (!token) throw inboxError('SMS_NOT_CONFIGURED');
      const params = new URLSearchParams(input.rawBody);
      try {
        verifyTwilioSignature(token, input.url, params, input.signature);
      } catch (err) {
        if (err instanceof TwilioSignatureError) throw inboxError('SMS_SIGNATURE_INVALID', undefined, err.details);
        throw err;
      }
      const to = field(params.get('To'), 'To', 64);
      const from = field(params.get('From'), 'From', 64);
      const body = params.get('Body') ?? '';
      const sid = field(params.get('MessageSid') ?? params.get('SmsSid'), 'MessageSid', 64);
      return accept(to, from, body, { source: 'twilio', id: sid, expiresAt: clock.now() + TWILIO_SID_MEMORY_MS });
    },

    async receiveInbound(input) {
      const secret = deps.smsWebhookSecret;
      if (!secret) throw inboxError('SMS_NOT_CONFIGURED');
      let verified: { id: string; timestamp: number };
      try {
        verified = verifyWebhook(secret, input.headers, input.rawBody, clock.now());
      } catch (err) {
        if (err instanceof WebhookSignatureError) {
          const code = err.code === 'WEBHOOK_TIMESTAMP_EXPIRED' ? 'SMS_WEBHOOK_EXPIRED' : 'SMS_SIGNATURE_INVALID';
          throw inboxError(code, undefined, err.details);
        }
        throw err;
      }
      let payload: unknown;
      try {
        payload = JSON.parse(input.rawBody);
      } catch {
        throw appError('INVALID_JSON');
      }
      const record = (typeof payload === 'object' && payload !== null ? payload : {}) as Record<string, unknown>;
      const to = field(record.to, 'to', 64);
      const from = field(record.from, 'from', 64);
      const body = typeof record.body === 'string' ? record.body : field(record.body, 'body', MAX_BODY_CHARS);
      const expiresAt = (verified.timestamp + WEBHOOK_TOLERANCE_SECONDS) * 1000;
      return accept(to, from, body, { source: 'sms-inbound', id: verified.id, expiresAt });
    },
  };
}
