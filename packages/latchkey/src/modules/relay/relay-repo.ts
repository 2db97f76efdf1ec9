// The storage port of the relay module: shaped by its use cases (capture, claim once, expire, spend a budget).

export type RelayStatus =
  | 'pending_approval'
  | 'approved'
  | 'otp_received'
  | 'consumed'
  | 'denied'
  | 'expired'
  | 'cancelled';

/** Where a request accepts its code from. */
export type RelayChannel = 'email' | 'sms' | 'any';

/** The channel a message actually came by. */
export type MessageChannel = 'email' | 'sms';

/** Statuses a request can still leave; every other status is final. */
export const LIVE_STATUSES: readonly RelayStatus[] = ['pending_approval', 'approved', 'otp_received'];

/** A relay request as stored, without its sealed payload (which only `claimPayload` returns, once). */
export interface RelayRequestRecord {
  id: string;
  orgId: string;
  orgName: string;
  agentId: string;
  agentName: string;
  /** The human whose phone or mailbox receives the code: the agent's creator. */
  approverId: string;
  approverName: string;
  status: RelayStatus;
  reason: string;
  expectedSender: string | null;
  channel: RelayChannel;
  filterFrom: string | null;
  filterPattern: string | null;
  publicKey: string;
  createdAt: number;
  updatedAt: number;
  expiresAt: number;
  /** Who approved or denied (for a standing approval: the human who granted it). */
  decidedBy: string | null;
  decidedByName: string | null;
  decidedAt: number | null;
  standingApprovalId: string | null;
  capturedAt: number | null;
  capturedChannel: MessageChannel | null;
  receivedAt: number | null;
  consumedAt: number | null;
}

/** What a new request stores. */
export type NewRelayRequest = Omit<
  RelayRequestRecord,
  | 'orgName'
  | 'agentName'
  | 'approverName'
  | 'decidedByName'
  | 'decidedBy'
  | 'decidedAt'
  | 'standingApprovalId'
  | 'capturedAt'
  | 'capturedChannel'
  | 'receivedAt'
  | 'consumedAt'
>;

/** A captured code, already sealed: HPKE to the agent, and the sender under a data key for the consume metadata. */
export interface SealedCapture {
  enc: string;
  ciphertext: string;
  sealedFrom: Buffer;
  wrappedKey: Buffer;
  channel: MessageChannel;
  receivedAt: number;
  capturedAt: number;
}

/** What the one successful read gets; the row no longer holds any of it when the transaction commits. */
export interface ClaimedPayload {
  request: RelayRequestRecord;
  enc: string;
  ciphertext: string;
  sealedFrom: Buffer;
  wrappedKey: Buffer;
}

export interface StandingApprovalRecord {
  id: string;
  orgId: string;
  humanId: string;
  agentId: string;
  agentName: string;
  /** Normalised (see sender.ts). */
  sender: string;
  maxCodes: number;
  remaining: number;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
}

/** A human's relay settings; the webhook secret stays sealed here. */
export interface RelaySettingsRecord {
  humanId: string;
  orgId: string;
  webhookUrl: string | null;
  sealedWebhookSecret: Buffer | null;
  wrappedKey: Buffer | null;
  webhookUpdatedAt: number | null;
  captureTokenCreatedAt: number | null;
}

/** What SMS capture authentication needs about a human, in one lookup. */
export interface CaptureCredential {
  human: { id: string; name: string };
  org: { id: string; name: string };
  tokenHash: Buffer;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'dropped';

/** One outbound webhook delivery in the durable outbox. */
export interface DeliveryRecord {
  id: string;
  orgId: string;
  humanId: string;
  eventType: string;
  /** JSON text of the event; never holds a secret. */
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number;
  claimedUntil: number;
  createdAt: number;
  finishedAt: number | null;
  lastError: string | null;
  lastStatus: number | null;
}

/** A delivery to queue. `dedupeKey` makes a second enqueue with the same key a no-op. */
export interface NewDelivery {
  id: string;
  orgId: string;
  humanId: string;
  eventType: string;
  payload: string;
  dedupeKey?: string;
  createdAt: number;
}

export interface RelayRepo {
  insertRequest(request: NewRelayRequest): Promise<void>;
  findRequest(orgId: string, id: string): Promise<RelayRequestRecord | undefined>;
  /** Requests of an org in creation order after the cursor id. */
  listRequests(
    orgId: string,
    options: { agentId?: string; status?: RelayStatus; afterId?: string; limit: number },
  ): Promise<RelayRequestRecord[]>;
  /** Live requests awaiting a human's decision for one agent (for the anti-fatigue limit). */
  countPending(agentId: string, now: number): Promise<number>;
  /**
   * Moves a request to `to` only from one of `from` (and, with `unexpiredAt`, only while `expires_at` is later), in
   * one guarded update. A final status erases any sealed payload in the same statement. Returns the updated request.
   */
  transitionRequest(
    orgId: string,
    id: string,
    change: {
      from: readonly RelayStatus[];
      to: RelayStatus;
      at: number;
      unexpiredAt?: number;
      decidedBy?: string;
      standingApprovalId?: string;
    },
  ): Promise<RelayRequestRecord | undefined>;
  /** A human's approved, unexpired requests that accept `channel`, whose agent is active; oldest first. */
  captureCandidates(
    approverId: string,
    channel: MessageChannel,
    now: number,
    limit: number,
  ): Promise<RelayRequestRecord[]>;
  /** Stores a sealed capture: `approved` → `otp_received`, only while unexpired. */
  recordCapture(orgId: string, id: string, capture: SealedCapture): Promise<RelayRequestRecord | undefined>;
  /**
   * The one read: claims an `otp_received`, unexpired request of `agentId` (a guarded update to `consumed`) and erases
   * its payload in the same transaction, returning what was there. Must run inside `store.write`. Exactly one of any
   * number of concurrent callers, on any instance, gets the payload; the others get undefined.
   */
  claimPayload(orgId: string, agentId: string, id: string, now: number): Promise<ClaimedPayload | undefined>;
  /** Expires up to `limit` live requests whose time is up, erasing any payload; returns them as they now are. */
  expireDue(now: number, limit: number): Promise<RelayRequestRecord[]>;

  insertStandingApproval(record: Omit<StandingApprovalRecord, 'agentName'>): Promise<void>;
  listStandingApprovals(humanId: string): Promise<StandingApprovalRecord[]>;
  /** Revokes one of the human's standing approvals unless already revoked; returns it as it now is. */
  revokeStandingApproval(humanId: string, id: string, at: number): Promise<StandingApprovalRecord | undefined>;
  /**
   * Spends one code of the oldest live standing approval of `humanId` for (`agentId`, `sender`), in one guarded
   * decrement that never goes below zero. Returns the approval after spending, or undefined when none has budget.
   */
  spendStandingApproval(q: {
    humanId: string;
    agentId: string;
    sender: string;
    now: number;
  }): Promise<StandingApprovalRecord | undefined>;

  getSettings(humanId: string): Promise<RelaySettingsRecord | undefined>;
  setWebhook(
    humanId: string,
    orgId: string,
    webhook: { url: string; sealedSecret: Buffer; wrappedKey: Buffer },
    at: number,
  ): Promise<void>;
  clearWebhook(humanId: string, at: number): Promise<boolean>;
  setCaptureToken(humanId: string, orgId: string, tokenHash: Buffer, at: number): Promise<void>;
  clearCaptureToken(humanId: string, at: number): Promise<boolean>;
  findCaptureCredential(humanId: string): Promise<CaptureCredential | undefined>;
  /** A human with its org, by id. */
  findHuman(humanId: string): Promise<{ id: string; name: string; orgId: string; orgName: string } | undefined>;
  /** Humans with this name in any org (at most `limit`): relay addresses name a human, not an org. */
  findHumansByName(name: string, limit: number): Promise<{ id: string; name: string; orgId: string }[]>;

  /** Queues a delivery; false when one with the same dedupe key already exists. */
  enqueueDelivery(delivery: NewDelivery): Promise<boolean>;
  /**
   * Claims up to `limit` due deliveries (pending, `next_attempt_at <= now`, lease expired) by setting their lease and
   * counting the attempt, in one guarded update: two instances never claim the same delivery at once.
   */
  claimDeliveries(now: number, leaseUntil: number, limit: number): Promise<DeliveryRecord[]>;
  /** Records the outcome of an attempt; `status: 'pending'` schedules a retry at `nextAttemptAt`. */
  finishDelivery(
    id: string,
    outcome: {
      status: DeliveryStatus;
      at: number;
      nextAttemptAt?: number;
      error?: string | null;
      httpStatus?: number | null;
    },
  ): Promise<void>;
  listDeliveries(humanId: string, limit: number): Promise<DeliveryRecord[]>;

  /** Wrapped data keys, for key rotation: `settings` (webhook secrets) or `requests` (captured senders). */
  pageWrappedKeys(
    table: 'settings' | 'requests',
    afterId: string | null,
    limit: number,
  ): Promise<{ id: string; orgId: string; ownerId: string; wrapped: Buffer }[]>;
  replaceWrappedKey(table: 'settings' | 'requests', id: string, previous: Buffer, next: Buffer): Promise<boolean>;
}
