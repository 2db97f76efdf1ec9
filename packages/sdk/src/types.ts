// Shapes of the Latchkey API's results, as the server sends them (timestamps are ISO 8601 strings).

/** One link of a delegation chain: `human > org > agent`. */
export interface ChainLink {
  type: 'human' | 'org' | 'agent';
  id: string;
  name: string;
}

export type AgentStatus = 'active' | 'suspended' | 'revoked';

export interface Agent {
  id: string;
  orgId: string;
  name: string;
  description: string | null;
  status: AgentStatus;
  /** The human who created the agent. */
  createdBy: string;
  createdAt: string;
  updatedAt: string;
}

export interface AgentKey {
  id: string;
  agentId: string;
  status: 'active' | 'expired' | 'revoked';
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

export interface Me {
  principal: { type: 'operator' | 'agent'; id: string; name: string; orgId: string; credentialId: string };
  agent?: Agent;
  /** Agents: the inbox address (`<name>@<mail domain>`; `<name>+<tag>@…` delivers there too). */
  inbox?: { address: string };
  delegationChain: ChainLink[];
}

export interface CreatedAgent {
  agent: Agent;
  key: AgentKey;
  /** The full API key, shown once. */
  apiKey: string;
}

export interface CreatedKey {
  key: AgentKey;
  /** The full API key, shown once. */
  apiKey: string;
}

export interface AuditEvent {
  id: string;
  seq: number;
  at: string;
  actor: { type: 'human' | 'agent' | 'system'; id: string; name?: string };
  delegationChain: ChainLink[];
  action: string;
  target: { type: string; id?: string; name?: string };
  outcome: 'success' | 'denied' | 'failure';
  reason?: string;
  requestId: string | null;
  prevHash: string;
  hash: string;
}

export interface AuditVerification {
  ok: boolean;
  checked: number;
  firstBrokenSeq?: number;
}

export type VaultItemType = 'login' | 'totp' | 'secret';

/**
 * A TOTP credential to enroll: exactly one form. The seed is write-only: no call ever returns it.
 * `uri` follows Google's Key Uri Format (`otpauth://totp/…`, `otpauth://hotp/…?counter=N`, Steam's
 * `encoder=steam`); `qrImage` is a base64 PNG or JPEG showing such a URI.
 */
export type TotpInput =
  | { uri: string }
  | {
      secret: string;
      algorithm?: 'SHA1' | 'SHA256' | 'SHA512';
      digits?: number;
      period?: number;
      issuer?: string;
      account?: string;
    }
  | { qrImage: string };

/** What `lk.vault.store` sends. Every field but `type` is optional. */
export interface VaultItemInput {
  type: VaultItemType;
  username?: string;
  password?: string;
  /** Shown in listings: no credentials in it. */
  url?: string;
  /** Encrypted; returned only by `lk.vault.get`. */
  notes?: string;
  /** Custom secret fields; names are identifiers. */
  fields?: Record<string, string>;
  /** Recovery codes, handed out one at a time by `consumeBackupCode`. */
  backupCodes?: string[];
  totp?: TotpInput;
}

/** An item's metadata: never a secret. */
export interface VaultItem {
  id: string;
  agentId: string;
  name: string;
  type: VaultItemType;
  url: string | null;
  totp: {
    kind: 'totp' | 'hotp';
    algorithm: 'SHA1' | 'SHA256' | 'SHA512';
    digits: number;
    /** Seconds per code; null for hotp. */
    period: number | null;
    encoder: 'steam' | null;
    issuer: string | null;
    account: string | null;
    /** hotp: the counter of the next code. */
    counter: number | null;
  } | null;
  backupCodes: { total: number; remaining: number } | null;
  createdAt: string;
  updatedAt: string;
}

/** What `lk.vault.get` releases (never the TOTP seed). */
export interface VaultSecrets {
  username?: string;
  password?: string;
  notes?: string;
  fields?: Record<string, string>;
}

/** A one-time code. Times are ISO 8601 strings. */
export type OtpCode =
  | {
      kind: 'totp';
      code: string;
      digits: number;
      period: number;
      algorithm: string;
      /** RFC 6238 time step: floor(unix seconds / period). */
      step: number;
      validFrom: string;
      validUntil: string;
      /** Whole seconds left, rounded down. */
      remainingSeconds: number;
      serverTime: string;
    }
  | {
      kind: 'hotp';
      code: string;
      digits: number;
      algorithm: string;
      /** The counter this code was made with (now used up). */
      counter: number;
      serverTime: string;
    };

/** A key rotation run on the instance that answered. */
export interface KeyRotation {
  id: string;
  status: 'running' | 'done' | 'failed';
  targetVersion: number;
  addedVersion: boolean;
  total: number;
  rewrapped: number;
  current: number;
  failed: number;
  startedAt: string;
  finishedAt: string | null;
  error: string | null;
}

/** Master key versions and the data keys each wraps; never key material. */
export interface KeyringStatus {
  primaryVersion: number;
  versions: { version: number; primary: boolean; held: boolean; dataKeys: number }[];
  source: 'file' | 'environment';
  canAddVersion: boolean;
  instances: { instanceId: string; primaryVersion: number; versions: number[]; seenAt: string; self: boolean }[];
  rotation: KeyRotation | null;
}

/** A code found in a message: `value` is what to type (separators removed), `display` as written. */
export interface MessageCode {
  value: string;
  display: string;
  confidence: number;
}

export interface MessageLink {
  url: string;
  kind: 'verify' | 'login' | 'reset' | 'other';
}

/** Sender authentication, judged from the SMTP session (never from headers the sender wrote). */
export interface MessageAuth {
  spf: string;
  dkim: string;
  dmarc: string;
  verdict: 'pass' | 'fail' | 'neutral' | 'none';
}

/** A message as lists show it. `codes` and `links` are best first. */
export interface MessageSummary {
  id: string;
  channel: 'email' | 'sms';
  from: string | null;
  fromName: string | null;
  /** The address (with its +tag) or number it was delivered to. */
  to: string;
  subject: string | null;
  receivedAt: string;
  read: boolean;
  size: number;
  extractedText: string;
  codes: MessageCode[];
  links: MessageLink[];
  auth: MessageAuth;
}

/** A whole message. `html` is the sender's: never render it unsanitised. */
export interface Message extends MessageSummary {
  text: string | null;
  html: string | null;
  headers: { key: string; value: string }[];
  messageId: string | null;
  envelopeFrom: string | null;
}

export interface InboxWaitResult {
  status: 'received' | 'timeout';
  message?: MessageSummary;
  code?: MessageCode;
  link?: MessageLink;
}

export interface PhoneNumber {
  id: string;
  agentId: string;
  number: string;
  createdAt: string;
}

export type RelayStatus =
  | 'pending_approval'
  | 'approved'
  | 'otp_received'
  | 'consumed'
  | 'denied'
  | 'expired'
  | 'cancelled';

export type RelayChannel = 'email' | 'sms' | 'any';

/** A relay request as the server shows it; it never holds the code. */
export interface RelayRequest {
  id: string;
  agent: { id: string; name: string };
  status: RelayStatus;
  reason: string;
  expectedSender: string | null;
  channel: RelayChannel;
  filter: { from: string | null; pattern: string | null };
  /** The human whose phone or mailbox receives the code. */
  approver: { id: string; name: string };
  decidedBy: { id: string; name: string } | null;
  decidedAt: string | null;
  standingApprovalId: string | null;
  createdAt: string;
  expiresAt: string;
  capturedAt: string | null;
  consumedAt: string | null;
  approvalUrl: string;
}

/** What `POST /v1/relay/requests` answers. */
export interface CreatedRelayRequest {
  id: string;
  status: RelayStatus;
  approvalUrl: string;
  expiresAt: string;
}

/** What an agent sends to ask for a code: everything but the key, which the SDK makes. */
export interface RelayRequestInput {
  /** Shown to the approving human. */
  reason: string;
  /** Email address, domain, phone number or SMS sender id; on email, DMARC must pass for it. */
  expectedSender?: string;
  channel?: RelayChannel;
  /** `from`: glob on the sender; `pattern`: a regular expression the message must match (both ignore case). */
  filter?: { from?: string; pattern?: string };
  /** Default 300, at most 3600. */
  ttlSeconds?: number;
}

/** The one read as the server sends it: sealed to the agent key. */
export interface RelaySealedPayload {
  enc: string;
  ciphertext: string;
  metadata: { channel: 'email' | 'sms'; from: string; receivedAt: string };
}

/** The opened payload: the code (or link) and where it came from. */
export interface RelayOtp {
  code?: string;
  link?: string;
  channel: 'email' | 'sms';
  from: string;
  receivedAt: string;
  requestId: string;
}

export interface RelaySettings {
  human: { id: string; name: string };
  forwardingAddress: string;
  smsCaptureUrl: string;
  webhook: { url: string; updatedAt: string } | null;
  smsCapture: { createdAt: string } | null;
}

export interface StandingApproval {
  id: string;
  agent: { id: string; name: string };
  sender: string;
  maxCodes: number;
  remaining: number;
  status: 'active' | 'exhausted' | 'expired' | 'revoked';
  createdAt: string;
  expiresAt: string;
  revokedAt: string | null;
}

export interface RelayWebhookDelivery {
  id: string;
  eventType: string;
  status: 'pending' | 'delivered' | 'failed' | 'dropped';
  attempts: number;
  createdAt: string;
  nextAttemptAt: string | null;
  finishedAt: string | null;
  lastError: string | null;
  lastStatus: number | null;
}
