// The storage port of the inbox module: messages (sealed), phone numbers, and seen webhook ids.

export type Channel = 'email' | 'sms';

/** A stored message: routing and authentication facts in clear, everything the sender wrote sealed. */
export interface MessageRow {
  id: string;
  orgId: string;
  agentId: string;
  channel: Channel;
  receivedAt: number;
  readAt: number | null;
  /** Bytes as received. */
  size: number;
  spf: string;
  dkim: string;
  dmarc: string;
  verdict: 'pass' | 'fail' | 'neutral' | 'none';
  /** Whether extraction found a code / a verify, login or reset link: lets `kind` filter without decrypting. */
  hasCode: boolean;
  hasLink: boolean;
  /** The message's data key, wrapped by the master key. */
  wrappedKey: Buffer;
  /** Sealed JSON: from, to, subject, extracted text, codes, links. */
  summary: Buffer;
}

/** A message row with its sealed body (text, HTML, headers), read only for one message. */
export interface MessageWithBody extends MessageRow {
  body: Buffer;
}

/** Filters the store applies itself; `from` and `subject` are sealed, so the service applies those. */
export interface MessageQuery {
  /** Newest first, strictly older than this id (ids sort by time). */
  beforeId?: string;
  /** Received at or after (epoch ms). */
  since?: number;
  channel?: Channel;
  unreadOnly?: boolean;
  hasCode?: boolean;
  hasLink?: boolean;
  limit: number;
}

export interface PhoneNumberRecord {
  id: string;
  orgId: string;
  agentId: string;
  /** E.164, e.g. +14155550123. */
  number: string;
  createdBy: string;
  createdAt: number;
}

/** Where an address or number delivers: an agent that is not revoked. */
export interface Recipient {
  agentId: string;
  orgId: string;
}

export interface InboxRepo {
  insertMessage(row: MessageWithBody): Promise<void>;
  findMessage(orgId: string, agentId: string, id: string): Promise<MessageWithBody | undefined>;
  listMessages(orgId: string, agentId: string, query: MessageQuery): Promise<MessageRow[]>;
  /** Sets read_at unless already set; returns the row as it now is, or undefined when absent. */
  markRead(orgId: string, agentId: string, id: string, at: number): Promise<MessageRow | undefined>;
  deleteMessage(orgId: string, agentId: string, id: string): Promise<boolean>;
  /** Deletes up to `limit` messages received before `cutoff`; returns how many. */
  deleteMessagesBefore(cutoff: number, limit: number): Promise<number>;

  /** Agents (not revoked) named `name`, in any org: a mail address names no org. */
  findRecipientsByName(name: string): Promise<Recipient[]>;

  /** Inserts a mapping; false when the number is already mapped (numbers are unique across the store). */
  insertPhoneNumber(record: PhoneNumberRecord): Promise<boolean>;
  listPhoneNumbers(orgId: string, agentId: string): Promise<PhoneNumberRecord[]>;
  deletePhoneNumber(orgId: string, agentId: string, id: string): Promise<PhoneNumberRecord | undefined>;
  /** The agent (not revoked) a number delivers to. */
  findRecipientByNumber(number: string): Promise<(Recipient & { number: string }) | undefined>;

  /** Records a webhook delivery id; false when already recorded (an insert that may conflict). */
  claimWebhook(source: string, id: string, expiresAt: number): Promise<boolean>;
  /** Forgets ids whose timestamps have left the tolerance window. */
  pruneWebhookClaims(now: number): Promise<number>;

  /** Wrapped data keys in id order after `afterId`, for key rotation. */
  pageWrappedKeys(
    afterId: string | null,
    limit: number,
  ): Promise<{ id: string; orgId: string; agentId: string; wrappedKey: Buffer }[]>;
  /** Replaces a wrapped key only if it is still `previous`. */
  replaceWrappedKey(id: string, previous: Buffer, next: Buffer): Promise<boolean>;
}
