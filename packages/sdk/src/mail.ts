// The inbox: an agent's email and SMS, what was extracted from them, and waiting for the next code.
import { LatchkeyError } from './errors.js';
import { seg, type Transport } from './http.js';
import type { InboxWaitResult, Message, MessageCode, MessageLink, MessageSummary, PhoneNumber } from './types.js';
import { standardWebhookHeaders } from './webhook.js';

/** Which inbox: agents use their own; operators name one (id or name). */
export interface InboxTarget {
  agent?: string;
}

export interface MessageFilters extends InboxTarget {
  channel?: 'email' | 'sms';
  /** An address (exact), a domain (and its subdomains) or an SMS sender. */
  from?: string;
  /** Case-insensitive substring of the subject. */
  subject?: string;
  /** Only messages received at or after this time. */
  since?: string | Date;
}

export interface ListMessagesOptions extends MessageFilters {
  unread?: boolean;
  limit?: number;
  cursor?: string;
}

export interface WaitOptions extends MessageFilters {
  kind?: 'code' | 'link' | 'any';
  /** How long to wait in all (default 60). Waits longer than the server's 120 s are made of several calls. */
  timeoutSeconds?: number;
}

/** What `waitForCode` resolves to. */
export interface ReceivedCode {
  /** The code to type (`code.value`). */
  code: MessageCode;
  message: MessageSummary;
}

/** What `waitForLink` resolves to. */
export interface ReceivedLink {
  link: MessageLink;
  message: MessageSummary;
}

const SERVER_MAX_WAIT_S = 120;

function iso(value: string | Date | undefined): string | undefined {
  return value instanceof Date ? value.toISOString() : value;
}

/** Phone numbers mapped to agents (operators): SMS to them land in the agent's inbox. */
export class PhoneNumbersApi {
  readonly #t: Transport;
  constructor(t: Transport) {
    this.#t = t;
  }

  /** Maps an E.164 number (`+14155550123`) to an agent. */
  add(agent: string, number: string): Promise<PhoneNumber> {
    return this.#t.request('POST', `/v1/agents/${seg(agent)}/phone-numbers`, { body: { number } });
  }

  /** The numbers of an agent. */
  async list(agent: string): Promise<PhoneNumber[]> {
    return (await this.#t.request<{ phoneNumbers: PhoneNumber[] }>('GET', `/v1/agents/${seg(agent)}/phone-numbers`))
      .phoneNumbers;
  }

  /** Unmaps a number by its id (`num_…`). */
  remove(agent: string, id: string): Promise<PhoneNumber> {
    return this.#t.request('DELETE', `/v1/agents/${seg(agent)}/phone-numbers/${seg(id)}`);
  }
}

/** An agent's inbox (`lk.mail`). */
export class MailApi {
  readonly #t: Transport;
  /** Phone numbers for SMS (operators). */
  readonly phoneNumbers: PhoneNumbersApi;
  constructor(t: Transport) {
    this.#t = t;
    this.phoneNumbers = new PhoneNumbersApi(t);
  }

  /** One page of messages, newest first. Every list is audited: summaries carry codes. */
  listMessages(options: ListMessagesOptions = {}): Promise<{ messages: MessageSummary[]; nextCursor: string | null }> {
    return this.#t.request('GET', '/v1/inbox/messages', {
      query: {
        agent: options.agent,
        channel: options.channel,
        from: options.from,
        subject: options.subject,
        since: iso(options.since),
        unread: options.unread,
        limit: options.limit,
        cursor: options.cursor,
      },
    });
  }

  /** One message with its text, HTML and headers (audited). */
  getMessage(id: string, options: InboxTarget = {}): Promise<Message> {
    return this.#t.request('GET', `/v1/inbox/messages/${seg(id)}`, { query: { agent: options.agent } });
  }

  /** Marks a message read. */
  markRead(id: string, options: InboxTarget = {}): Promise<MessageSummary> {
    return this.#t.request('POST', `/v1/inbox/messages/${seg(id)}/read`, { query: { agent: options.agent } });
  }

  /** Deletes a message. */
  async deleteMessage(id: string, options: InboxTarget = {}): Promise<void> {
    await this.#t.request('DELETE', `/v1/inbox/messages/${seg(id)}`, { query: { agent: options.agent } });
  }

  /**
   * Delivers an SMS to the agent that owns the `to` number (`POST /v1/sms/inbound`), signed with the server's
   * `LATCHKEY_SMS_WEBHOOK_SECRET` (Standard Webhooks): what a bridge from an SMS provider calls. No token is sent.
   */
  async deliverSms(sms: { to: string; from: string; body: string }, options: { secret: string }): Promise<void> {
    const rawBody = JSON.stringify({ to: sms.to, from: sms.from, body: sms.body });
    await this.#t.request('POST', '/v1/sms/inbound', {
      rawBody,
      headers: standardWebhookHeaders(options.secret, rawBody),
      auth: false,
    });
  }

  /**
   * Waits for a matching message: resolves as soon as one is stored, or at once when one already arrived after
   * `since` (default: when this call started, by this machine's clock). Resolves `{status:"timeout"}` otherwise.
   */
  async wait(options: WaitOptions = {}): Promise<InboxWaitResult> {
    const total = options.timeoutSeconds ?? 60;
    const since = iso(options.since) ?? new Date().toISOString();
    const deadline = Date.now() + total * 1000;
    for (;;) {
      const left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
      const timeoutSeconds = Math.min(left, SERVER_MAX_WAIT_S);
      const result = await this.#t.request<InboxWaitResult>('GET', '/v1/inbox/wait', {
        query: {
          agent: options.agent,
          channel: options.channel,
          from: options.from,
          subject: options.subject,
          since,
          kind: options.kind,
          timeoutSeconds,
        },
        // The server answers by timeoutSeconds; the margin covers the network.
        timeoutMs: (timeoutSeconds + 15) * 1000,
      });
      if (result.status === 'received' || left <= SERVER_MAX_WAIT_S) return result;
    }
  }

  /**
   * Waits for a message with a verification code and returns the code to type (`code.value`).
   * @throws LatchkeyError `WAIT_TIMEOUT` when none arrives in time.
   */
  async waitForCode(options: Omit<WaitOptions, 'kind'> = {}): Promise<ReceivedCode> {
    const result = await this.wait({ ...options, kind: 'code' });
    if (result.status === 'received' && result.code && result.message) {
      return { code: result.code, message: result.message };
    }
    throw timeoutError(options.timeoutSeconds ?? 60, 'code');
  }

  /**
   * Waits for a message with a verify, login or reset link.
   * @throws LatchkeyError `WAIT_TIMEOUT` when none arrives in time.
   */
  async waitForLink(options: Omit<WaitOptions, 'kind'> = {}): Promise<ReceivedLink> {
    const result = await this.wait({ ...options, kind: 'link' });
    if (result.status === 'received' && result.link && result.message) {
      return { link: result.link, message: result.message };
    }
    throw timeoutError(options.timeoutSeconds ?? 60, 'link');
  }
}

function timeoutError(seconds: number, what: string): LatchkeyError {
  return new LatchkeyError({
    code: 'WAIT_TIMEOUT',
    message: `No message with a ${what} arrived within ${seconds} s.`,
    status: 0,
  });
}
