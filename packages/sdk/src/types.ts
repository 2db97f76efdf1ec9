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
