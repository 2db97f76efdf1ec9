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
