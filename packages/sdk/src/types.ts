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
