// Agents and their keys (operators).
import { seg, type Transport } from './http.js';
import type { Agent, AgentKey, AgentStatus, CreatedAgent, CreatedKey } from './types.js';

/** Operations on one agent's keys. */
export class AgentKeysApi {
  readonly #t: Transport;
  constructor(t: Transport) {
    this.#t = t;
  }

  /** Creates another key for an agent (id or name); the key is in `apiKey`, shown once. */
  create(agent: string, options: { expiresInSeconds?: number } = {}): Promise<CreatedKey> {
    return this.#t.request('POST', `/v1/agents/${seg(agent)}/keys`, { body: options });
  }

  /** Lists an agent's keys (metadata only). */
  async list(agent: string): Promise<AgentKey[]> {
    return (await this.#t.request<{ keys: AgentKey[] }>('GET', `/v1/agents/${seg(agent)}/keys`)).keys;
  }

  /** Revokes one key. */
  revoke(agent: string, keyId: string): Promise<AgentKey> {
    return this.#t.request('DELETE', `/v1/agents/${seg(agent)}/keys/${seg(keyId)}`);
  }
}

/** Agents of the operator's org. */
export class AgentsApi {
  readonly #t: Transport;
  readonly keys: AgentKeysApi;
  constructor(t: Transport) {
    this.#t = t;
    this.keys = new AgentKeysApi(t);
  }

  /** Creates an agent and its first key. */
  create(input: { name: string; description?: string }): Promise<CreatedAgent> {
    return this.#t.request('POST', '/v1/agents', { body: input });
  }

  /** One page of agents. */
  list(options: { limit?: number; cursor?: string; status?: AgentStatus } = {}): Promise<{
    agents: Agent[];
    nextCursor: string | null;
  }> {
    return this.#t.request('GET', '/v1/agents', { query: options });
  }

  /** Every agent, page by page. */
  async *listAll(options: { status?: AgentStatus } = {}): AsyncGenerator<Agent> {
    let cursor: string | undefined;
    do {
      const page = await this.list({ ...options, limit: 200, ...(cursor ? { cursor } : {}) });
      yield* page.agents;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  /** One agent by id or name. */
  get(agent: string): Promise<Agent> {
    return this.#t.request('GET', `/v1/agents/${seg(agent)}`);
  }

  /** Suspends an agent: its keys are refused from the next request on. */
  suspend(agent: string): Promise<Agent> {
    return this.#t.request('POST', `/v1/agents/${seg(agent)}/suspend`);
  }

  /** Resumes a suspended agent. */
  resume(agent: string): Promise<Agent> {
    return this.#t.request('POST', `/v1/agents/${seg(agent)}/resume`);
  }

  /** Revokes an agent for good; all its keys stop working at once. */
  revoke(agent: string): Promise<Agent> {
    return this.#t.request('DELETE', `/v1/agents/${seg(agent)}`);
  }
}
