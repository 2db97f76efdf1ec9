// The inbox: messages arrive sealed (from SMTP or SMS intake), agents list, read, delete and wait for them.
// Codes are secrets: every call that returns message content writes its audit event first.
import { invalidField } from '../../core/app-error.js';
import type { Clock } from '../../core/clock.js';
import type { Notifier } from '../../core/notifier.js';
import type { Transactor } from '../../core/transactor.js';
import type { Envelope } from '../../crypto/envelope.js';
import { isId, newId } from '../../crypto/ids.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { AuditRepo } from '../audit/audit-repo.js';
import { identityError } from '../identity/identity-errors.js';
import type { AgentRecord } from '../identity/identity-repo.js';
import type { IdentityService } from '../identity/identity-service.js';
import { actorOf, type ChainLink, type RequestContext } from '../identity/principal.js';
import type { ExtractedCode, ExtractedLink } from './extract/index.js';
import { inboxError } from './inbox-errors.js';
import type { Channel, InboxRepo, MessageQuery, MessageRow, Recipient } from './inbox-repo.js';
import { type BodyContent, openMessage, openSummary, type SummaryContent, sealMessage } from './message-codec.js';
import { actionLink, type MessageFilter, matchesFilter, type WaitKind } from './message-filter.js';

/** Sender authentication as stored with each message. */
export interface AuthView {
  spf: string;
  dkim: string;
  dmarc: string;
  verdict: 'pass' | 'fail' | 'neutral' | 'none';
}

/** A message as lists show it. */
export interface MessageView extends SummaryContent {
  id: string;
  channel: Channel;
  receivedAt: number;
  read: boolean;
  size: number;
  auth: AuthView;
}

/** A message with its body, as a single read shows it. */
export interface MessageDetail extends MessageView, BodyContent {}

/** A message handed to the inbox by a transport, already parsed and extracted. */
export interface IncomingMessage {
  channel: Channel;
  receivedAt: number;
  size: number;
  from: { address: string; name: string | null } | null;
  to: string;
  subject: string | null;
  body: BodyContent;
  auth: AuthView;
  extraction: { extractedText: string; codes: ExtractedCode[]; links: ExtractedLink[] };
}

export interface ListQuery extends MessageFilter {
  agent?: string | undefined;
  channel?: Channel | undefined;
  since?: number | undefined;
  unread?: boolean | undefined;
  limit?: number | undefined;
  cursor?: string | undefined;
}

export interface WaitQuery {
  agent?: string | undefined;
  channel?: Channel | undefined;
  from?: string | undefined;
  subject?: string | undefined;
  since?: number | undefined;
  kind?: WaitKind | undefined;
  timeoutSeconds: number;
}

export type WaitOutcome =
  | { status: 'received'; message: MessageView; code?: ExtractedCode; link?: ExtractedLink }
  | { status: 'timeout' };

export interface InboxService {
  /** The agent `<name>[+tag]` delivers to, or null (unknown, revoked, or a name held in several orgs). */
  findMailRecipient(localPart: string): Promise<Recipient | null>;
  /**
   * Seals and stores a message for an agent, then signals waiters; resolves once it is durable. With `claim`, a
   * webhook delivery id is recorded in the same transaction (SMS_WEBHOOK_REPLAYED when it already was).
   */
  deliver(
    to: Recipient,
    message: IncomingMessage,
    options?: { claim?: { source: string; id: string; expiresAt: number } },
  ): Promise<string>;
  list(ctx: RequestContext, query: ListQuery): Promise<{ messages: MessageView[]; nextCursor: string | null }>;
  get(ctx: RequestContext, agentRef: string | undefined, id: string): Promise<MessageDetail>;
  markRead(ctx: RequestContext, agentRef: string | undefined, id: string): Promise<MessageView>;
  remove(ctx: RequestContext, agentRef: string | undefined, id: string): Promise<void>;
  /** Resolves when a matching message is stored (or already was, after `since`), on timeout, or on abort (null). */
  wait(ctx: RequestContext, query: WaitQuery, signal?: AbortSignal): Promise<WaitOutcome | null>;
  /** Requests currently waiting (a gauge, and how tests see a wait let go). */
  waiting(): number;
  /** Deletes messages older than the retention; returns how many. */
  sweep(): Promise<number>;
}

type Deps = {
  store: Transactor<{ inbox: InboxRepo; audit: AuditRepo }>;
  notifier: Notifier;
  identity: Pick<IdentityService, 'resolveActingAgent'>;
  audit: AuditLog;
  envelope: Envelope;
  clock: Clock;
  /** Messages older than this are deleted by `sweep`. */
  retentionMs: number;
};

/** The notifier channel of an agent's inbox; the payload is a message id. */
export function inboxChannel(agentId: string): string {
  return `inbox:${agentId}`;
}

const LOCAL_PART = /^([a-z0-9][a-z0-9-]{0,62})(?:\+[^@\s]{0,64})?$/;
/** Rows decrypted at most per request when from/subject filters have to look inside messages. */
const MAX_SCAN = 1000;
const SWEEP_BATCH = 1000;

/** Builds the inbox service. */
export function createInboxService(deps: Deps): InboxService {
  const { store, envelope, clock, audit } = deps;
  let waiters = 0;

  async function acting(ctx: RequestContext, ref: string | undefined) {
    const resolved = await deps.identity.resolveActingAgent(ctx, ref);
    // A revoked agent's messages stay sealed to everyone, operators included.
    if (resolved.agent.status === 'revoked') throw identityError('AGENT_REVOKED');
    return resolved;
  }

  function view(row: MessageRow, summary: SummaryContent = openSummary(envelope, row)): MessageView {
    return {
      ...summary,
      id: row.id,
      channel: row.channel,
      receivedAt: row.receivedAt,
      read: row.readAt !== null,
      size: row.size,
      auth: { spf: row.spf, dkim: row.dkim, dmarc: row.dmarc, verdict: row.verdict },
    };
  }

  async function record(
    ctx: RequestContext,
    agent: AgentRecord,
    chain: ChainLink[],
    action: string,
    target: { type: string; id: string },
    change?: (tx: { inbox: InboxRepo }) => Promise<void>,
  ): Promise<void> {
    await store.write(async (tx) => {
      if (change) await change(tx);
      await audit.append(tx, {
        orgId: agent.orgId,
        actor: actorOf(ctx.principal),
        delegationChain: chain,
        action,
        target,
        outcome: 'success',
        agentId: agent.id,
        requestId: ctx.requestId,
      });
    });
  }

  /**
   * Scans an agent's messages newest first from `beforeId`, opening each to apply the sealed filters, until
   * `limit` match or MAX_SCAN rows were read. `nextCursor` is where the scan stopped (null: nothing older).
   */
  async function scan(
    agent: AgentRecord,
    query: Omit<MessageQuery, 'limit'>,
    filter: MessageFilter,
    limit: number,
  ): Promise<{ messages: MessageView[]; nextCursor: string | null }> {
    const needsOpening = filter.from !== undefined || filter.subject !== undefined;
    const messages: MessageView[] = [];
    let beforeId = query.beforeId;
    let scanned = 0;
    for (;;) {
      const batch = needsOpening ? Math.min(200, MAX_SCAN - scanned) : limit - messages.length + 1;
      const rows = await store.read.inbox.listMessages(agent.orgId, agent.id, {
        ...query,
        ...(beforeId !== undefined ? { beforeId } : {}),
        limit: batch,
      });
      for (const row of rows) {
        if (messages.length === limit) return { messages, nextCursor: messages[messages.length - 1]?.id ?? null };
        scanned += 1;
        beforeId = row.id;
        const message = view(row);
        if (matchesFilter(message, filter)) messages.push(message);
      }
      if (rows.length < batch) return { messages, nextCursor: null };
      if (messages.length === limit) return { messages, nextCursor: beforeId ?? null };
      if (scanned >= MAX_SCAN) return { messages, nextCursor: beforeId ?? null };
    }
  }

  async function findMatch(agent: AgentRecord, query: WaitQuery, since: number): Promise<MessageView | null> {
    const filter: MessageFilter = { from: query.from, subject: query.subject, kind: query.kind };
    const page = await scan(
      agent,
      {
        since,
        ...(query.channel ? { channel: query.channel } : {}),
        ...(query.kind === 'code' ? { hasCode: true } : {}),
        ...(query.kind === 'link' ? { hasLink: true } : {}),
      },
      filter,
      1,
    );
    return page.messages[0] ?? null;
  }

  async function loadRow(agent: AgentRecord, id: string) {
    if (!isId('msg', id)) throw inboxError('MESSAGE_NOT_FOUND');
    const row = await store.read.inbox.findMessage(agent.orgId, agent.id, id);
    if (!row) throw inboxError('MESSAGE_NOT_FOUND');
    return row;
  }

  return {
    async findMailRecipient(localPart) {
      const match = LOCAL_PART.exec(localPart);
      if (!match?.[1]) return null;
      const found = await store.read.inbox.findRecipientsByName(match[1]);
      // One mail domain serves every org: a name two orgs both use is nobody's address.
      return found.length === 1 && found[0] ? found[0] : null;
    },

    async deliver(to, message, options = {}) {
      const id = newId('msg', message.receivedAt);
      const sealed = sealMessage(
        envelope,
        { orgId: to.orgId, agentId: to.agentId, id },
        {
          summary: {
            from: message.from?.address ?? null,
            fromName: message.from?.name || null,
            to: message.to,
            subject: message.subject,
            extractedText: message.extraction.extractedText,
            codes: message.extraction.codes,
            links: message.extraction.links,
          },
          body: message.body,
        },
      );
      await store.write(async (tx) => {
        const claim = options.claim;
        // The webhook id is claimed in the same transaction as the message: a failed store leaves the id free
        // for the sender's retry, and a replay of a stored delivery is refused.
        if (claim && !(await tx.inbox.claimWebhook(claim.source, claim.id, claim.expiresAt))) {
          throw inboxError('SMS_WEBHOOK_REPLAYED');
        }
        await tx.inbox.insertMessage({
          id,
          orgId: to.orgId,
          agentId: to.agentId,
          channel: message.channel,
          receivedAt: message.receivedAt,
          readAt: null,
          size: message.size,
          ...message.auth,
          hasCode: message.extraction.codes.length > 0,
          hasLink: actionLink(message.extraction.links) !== undefined,
          wrappedKey: sealed.wrappedKey,
          summary: sealed.summary,
          body: sealed.body,
        });
      });
      // After commit, so a woken waiter always finds the row. A lost signal only delays a waiter's next check.
      await deps.notifier.publish(inboxChannel(to.agentId), id).catch(() => undefined);
      return id;
    },

    async list(ctx, query) {
      const { agent, chain } = await acting(ctx, query.agent);
      if (query.cursor !== undefined && !isId('msg', query.cursor)) throw inboxError('INBOX_CURSOR_INVALID');
      const limit = Math.min(Math.max(query.limit ?? 50, 1), 200);
      const page = await scan(
        agent,
        {
          ...(query.cursor !== undefined ? { beforeId: query.cursor } : {}),
          ...(query.since !== undefined ? { since: query.since } : {}),
          ...(query.channel !== undefined ? { channel: query.channel } : {}),
          ...(query.unread ? { unreadOnly: true } : {}),
        },
        { from: query.from, subject: query.subject },
        limit,
      );
      await record(ctx, agent, chain, 'inbox.list', { type: 'inbox', id: agent.id });
      return page;
    },

    async get(ctx, agentRef, id) {
      const { agent, chain } = await acting(ctx, agentRef);
      const row = await loadRow(agent, id);
      const opened = openMessage(envelope, row);
      await record(ctx, agent, chain, 'inbox.read', { type: 'message', id });
      return { ...view(row, opened.summary), ...opened.body };
    },

    async markRead(ctx, agentRef, id) {
      const { agent, chain } = await acting(ctx, agentRef);
      if (!isId('msg', id)) throw inboxError('MESSAGE_NOT_FOUND');
      let updated: MessageRow | undefined;
      await record(ctx, agent, chain, 'inbox.mark_read', { type: 'message', id }, async (tx) => {
        updated = await tx.inbox.markRead(agent.orgId, agent.id, id, clock.now());
        if (!updated) throw inboxError('MESSAGE_NOT_FOUND');
      });
      if (!updated) throw inboxError('MESSAGE_NOT_FOUND');
      return view(updated);
    },

    async remove(ctx, agentRef, id) {
      const { agent, chain } = await acting(ctx, agentRef);
      if (!isId('msg', id)) throw inboxError('MESSAGE_NOT_FOUND');
      await record(ctx, agent, chain, 'inbox.delete', { type: 'message', id }, async (tx) => {
        if (!(await tx.inbox.deleteMessage(agent.orgId, agent.id, id))) throw inboxError('MESSAGE_NOT_FOUND');
      });
    },

    async wait(ctx, query, signal) {
      const { agent, chain } = await acting(ctx, query.agent);
      if (!Number.isFinite(query.timeoutSeconds) || query.timeoutSeconds < 0 || query.timeoutSeconds > 120) {
        throw invalidField('timeoutSeconds', 'must be from 0 to 120');
      }
      const since = query.since ?? clock.now();
      const found = await new Promise<MessageView | null | 'aborted'>((resolve, reject) => {
        let done = false;
        let checking = false;
        let again = false;
        const finish = (outcome: MessageView | null | 'aborted' | Error) => {
          if (done) return;
          done = true;
          waiters -= 1;
          unsubscribe();
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          if (outcome instanceof Error) reject(outcome);
          else resolve(outcome);
        };
        // Checks never overlap; a signal during a check asks for one more, so no arrival is missed.
        const check = async () => {
          if (checking) {
            again = true;
            return;
          }
          checking = true;
          try {
            do {
              again = false;
              const match = await findMatch(agent, query, since);
              if (match) return finish(match);
            } while (again && !done);
          } catch (err) {
            finish(err as Error);
          } finally {
            checking = false;
          }
        };
        const onAbort = () => finish('aborted');
        const deadline = clock.now() + query.timeoutSeconds * 1000;
        let timer: NodeJS.Timeout | undefined;
        waiters += 1;
        // Subscribe first, then look: a message stored between the two is seen by the look or signalled after it.
        const unsubscribe = deps.notifier.subscribe(inboxChannel(agent.id), () => {
          if (!done) void check();
        });
        if (signal?.aborted) return finish('aborted');
        signal?.addEventListener('abort', onAbort);
        // The clock starts before the first look, but the first look always completes (timeoutSeconds=0 is a peek).
        void check().then(() => {
          if (!done) timer = setTimeout(() => finish(null), Math.max(0, deadline - clock.now()));
        });
      });
      if (found === 'aborted') return null;
      if (found === null) return { status: 'timeout' };
      await record(ctx, agent, chain, 'inbox.wait', { type: 'message', id: found.id });
      const code = found.codes[0];
      const link = actionLink(found.links);
      return { status: 'received', message: found, ...(code ? { code } : {}), ...(link ? { link } : {}) };
    },

    waiting: () => waiters,

    async sweep() {
      const now = clock.now();
      const cutoff = now - deps.retentionMs;
      let total = 0;
      for (;;) {
        const deleted = await store.write((tx) => tx.inbox.deleteMessagesBefore(cutoff, SWEEP_BATCH));
        total += deleted;
        if (deleted < SWEEP_BATCH) break;
      }
      await store.write((tx) => tx.inbox.pruneWebhookClaims(now));
      return total;
    },
  };
}
