// The storage port of the identity module: shaped by its use cases, implemented in storage/.

export type AgentStatus = 'active' | 'suspended' | 'revoked';

export interface AgentRecord {
  id: string;
  orgId: string;
  name: string;
  description: string | null;
  status: AgentStatus;
  createdBy: string;
  createdAt: number;
  updatedAt: number;
}

export interface AgentKeyRecord {
  id: string;
  orgId: string;
  agentId: string;
  createdBy: string;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
}

/** What authentication needs about an agent key, in one lookup. */
export interface AgentCredential {
  keyId: string;
  secretHash: Uint8Array;
  expiresAt: number | null;
  revokedAt: number | null;
  agent: AgentRecord;
  org: { id: string; name: string };
  creator: { id: string; name: string };
}

/** What authentication needs about an operator token, in one lookup. */
export interface OperatorCredential {
  tokenId: string;
  secretHash: Uint8Array;
  expiresAt: number | null;
  revokedAt: number | null;
  human: { id: string; name: string };
  org: { id: string; name: string };
}

export interface IdentityRepo {
  findOrgByName(name: string): Promise<{ id: string; name: string } | undefined>;
  /** Inserts the org unless one with that name exists; returns the org either way. */
  ensureOrg(org: {
    id: string;
    name: string;
    createdAt: number;
  }): Promise<{ id: string; name: string; created: boolean }>;
  /** Inserts the human unless one with that name exists in the org; returns the human either way. */
  ensureHuman(human: { id: string; orgId: string; name: string; createdAt: number }): Promise<{
    id: string;
    name: string;
    created: boolean;
  }>;
  insertOperatorToken(token: {
    id: string;
    orgId: string;
    humanId: string;
    secretHash: Buffer;
    createdAt: number;
  }): Promise<void>;
  findOperatorCredential(tokenId: string): Promise<OperatorCredential | undefined>;
  findAgentCredential(keyId: string): Promise<AgentCredential | undefined>;
  /**
   * The credential as `findAgentCredential` would answer it, when the store holds it in memory and knows it to be
   * current (an SQLite store owned by this process, ADR 0050); undefined when the store would have to read it.
   * Never a stale answer: what it returns is what a read would return.
   */
  peekAgentCredential(keyId: string): AgentCredential | undefined;
  /** Like `peekAgentCredential`, for operator tokens. */
  peekOperatorCredential(tokenId: string): OperatorCredential | undefined;
  /** Inserts an agent; returns false when the name is taken in the org. */
  insertAgent(agent: AgentRecord): Promise<boolean>;
  findAgentById(orgId: string, id: string): Promise<AgentRecord | undefined>;
  findAgentByName(orgId: string, name: string): Promise<AgentRecord | undefined>;
  findHumanName(orgId: string, humanId: string): Promise<string | undefined>;
  /** Agents of an org in creation order, after the cursor id. */
  listAgents(orgId: string, options: { limit: number; afterId?: string; status?: AgentStatus }): Promise<AgentRecord[]>;
  /** Moves an agent to `to` only from one of `from` (a guarded update); returns the updated record or undefined. */
  transitionAgent(
    orgId: string,
    id: string,
    from: AgentStatus[],
    to: AgentStatus,
    at: number,
  ): Promise<AgentRecord | undefined>;
  insertAgentKey(key: AgentKeyRecord & { secretHash: Buffer }): Promise<void>;
  listAgentKeys(agentId: string): Promise<AgentKeyRecord[]>;
  /** Revokes one key unless already revoked; returns the key as it now is, or undefined if absent. */
  revokeAgentKey(agentId: string, keyId: string, at: number): Promise<AgentKeyRecord | undefined>;
  /** Revokes every live key of an agent; returns how many. */
  revokeAllAgentKeys(agentId: string, at: number): Promise<number>;
}
