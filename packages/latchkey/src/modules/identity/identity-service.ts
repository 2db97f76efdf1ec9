// Agents and their keys: creation, listing, suspension, revocation. Operators act in their own org only;
// another org's agent is NOT_FOUND, never FORBIDDEN, so ids do not leak across tenants.
import { type AppError, invalidField } from '../../core/app-error.js';
import type { Clock } from '../../core/clock.js';
import type { Transactor } from '../../core/transactor.js';
import { isId, newId } from '../../crypto/ids.js';
import { mintToken } from '../../crypto/tokens.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { AuditRepo } from '../audit/audit-repo.js';
import { denyWithAudit } from '../audit/deny.js';
import { identityError } from './identity-errors.js';
import type { AgentKeyRecord, AgentRecord, AgentStatus, IdentityRepo } from './identity-repo.js';
import { actorOf, agentChain, type ChainLink, chainOf, type Principal, type RequestContext } from './principal.js';

/** Agent names: a slug, unique per org. */
export const AGENT_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Mail to `relay-…@<mail domain>` is the OTP relay's, so no agent may take a name with this prefix. */
export const RESERVED_AGENT_PREFIX = 'relay-';

export interface AgentKeyView extends AgentKeyRecord {
  status: 'active' | 'expired' | 'revoked';
}

export interface MeView {
  principal: { type: 'operator' | 'agent'; id: string; name: string; orgId: string; credentialId: string };
  agent?: AgentRecord;
  delegationChain: ChainLink[];
}

export interface IdentityService {
  createAgent(
    ctx: RequestContext,
    input: { name: string; description?: string | undefined },
  ): Promise<{
    agent: AgentRecord;
    apiKey: string;
    key: AgentKeyView;
  }>;
  listAgents(
    ctx: RequestContext,
    query: { limit?: number | undefined; cursor?: string | undefined; status?: AgentStatus | undefined },
  ): Promise<{ agents: AgentRecord[]; nextCursor: string | null }>;
  getAgent(ctx: RequestContext, ref: string): Promise<AgentRecord>;
  suspendAgent(ctx: RequestContext, ref: string): Promise<AgentRecord>;
  resumeAgent(ctx: RequestContext, ref: string): Promise<AgentRecord>;
  revokeAgent(ctx: RequestContext, ref: string): Promise<AgentRecord>;
  createKey(
    ctx: RequestContext,
    ref: string,
    input: { expiresInSeconds?: number | undefined },
  ): Promise<{
    key: AgentKeyView;
    apiKey: string;
  }>;
  listKeys(ctx: RequestContext, ref: string): Promise<AgentKeyView[]>;
  revokeKey(ctx: RequestContext, ref: string, keyId: string): Promise<AgentKeyView>;
  /** The caller as authentication found it: read from the principal, so it waits for nothing. */
  me(ctx: RequestContext): MeView;
  /**
   * The agent a request acts on: an agent acts on itself; an operator names one (id or name) in its org.
   * Other modules (vault, inbox) use this for `?agent=`.
   */
  resolveActingAgent(ctx: RequestContext, ref: string | undefined): Promise<{ agent: AgentRecord; chain: ChainLink[] }>;
}

type Deps = {
  store: Transactor<{ identity: IdentityRepo; audit: AuditRepo }>;
  audit: AuditLog;
  clock: Clock;
};

const MAX_KEY_LIFETIME_S = 10 * 365 * 24 * 3600;

/** Builds the identity service. */
export function createIdentityService(deps: Deps): IdentityService {
  const { store, audit, clock } = deps;

  async function requireOperator(ctx: RequestContext, action: string, target: { type: string; id?: string }) {
    if (ctx.principal.kind !== 'operator') {
      await denyWithAudit(deps, ctx, { action, target }, identityError('OPERATOR_ONLY'));
    }
  }

  async function findAgent(orgId: string, ref: string): Promise<AgentRecord> {
    const agent = isId('agt', ref)
      ? await store.read.identity.findAgentById(orgId, ref)
      : AGENT_NAME.test(ref)
        ? await store.read.identity.findAgentByName(orgId, ref)
        : undefined;
    if (!agent) throw identityError('AGENT_NOT_FOUND');
    return agent;
  }

  async function chainFor(agent: AgentRecord, principal: Principal): Promise<ChainLink[]> {
    const creatorName = (await store.read.identity.findHumanName(agent.orgId, agent.createdBy)) ?? agent.createdBy;
    return agentChain({ id: agent.createdBy, name: creatorName }, { id: agent.orgId, name: principal.orgName }, agent);
  }

  function keyView(key: AgentKeyRecord): AgentKeyView {
    const status =
      key.revokedAt !== null
        ? 'revoked'
        : key.expiresAt !== null && key.expiresAt <= clock.now()
          ? 'expired'
          : 'active';
    return { ...key, status };
  }

  async function transition(
    ctx: RequestContext,
    ref: string,
    action: string,
    from: AgentStatus[],
    to: AgentStatus,
    refusal: (current: AgentRecord) => AppError | null,
  ): Promise<AgentRecord> {
    await requireOperator(ctx, action, { type: 'agent', id: ref });
    const agent = await findAgent(ctx.principal.orgId, ref);
    const chain = await chainFor(agent, ctx.principal);
    return store.write(async (tx) => {
      const updated = await tx.identity.transitionAgent(agent.orgId, agent.id, from, to, clock.now());
      if (!updated) {
        const current = (await tx.identity.findAgentById(agent.orgId, agent.id)) ?? agent;
        const error = refusal(current);
        if (error) throw error;
        return current; // already in the wanted state: idempotent, nothing to record
      }
      if (to === 'revoked') await tx.identity.revokeAllAgentKeys(agent.id, clock.now());
      await audit.append(tx, {
        orgId: agent.orgId,
        actor: actorOf(ctx.principal),
        delegationChain: chain,
        action,
        target: { type: 'agent', id: agent.id, name: agent.name },
        outcome: 'success',
        agentId: agent.id,
        requestId: ctx.requestId,
      });
      return updated;
    });
  }

  return {
    async createAgent(ctx, input) {
      await requireOperator(ctx, 'agent.create', { type: 'agent' });
      if (!AGENT_NAME.test(input.name)) {
        throw invalidField('name', 'must be a slug: lowercase letters, digits and hyphens, 1-63 characters');
      }
      if (input.name.startsWith(RESERVED_AGENT_PREFIX)) {
        throw invalidField(
          'name',
          `must not start with "${RESERVED_AGENT_PREFIX}": those mail addresses belong to the OTP relay`,
        );
      }
      const p = ctx.principal;
      if (p.kind !== 'operator') throw identityError('OPERATOR_ONLY');
      const now = clock.now();
      const agent: AgentRecord = {
        id: newId('agt', now),
        orgId: p.orgId,
        name: input.name,
        description: input.description ?? null,
        status: 'active',
        createdBy: p.humanId,
        createdAt: now,
        updatedAt: now,
      };
      const keyId = newId('key', now);
      const { token, secretHash } = mintToken('agent', keyId);
      const key: AgentKeyRecord = {
        id: keyId,
        orgId: p.orgId,
        agentId: agent.id,
        createdBy: p.humanId,
        createdAt: now,
        expiresAt: null,
        revokedAt: null,
      };
      const chain = agentChain({ id: p.humanId, name: p.humanName }, { id: p.orgId, name: p.orgName }, agent);
      await store.write(async (tx) => {
        if (!(await tx.identity.insertAgent(agent))) throw identityError('AGENT_NAME_TAKEN');
        await tx.identity.insertAgentKey({ ...key, secretHash });
        const base = {
          orgId: p.orgId,
          actor: actorOf(p),
          delegationChain: chain,
          agentId: agent.id,
          requestId: ctx.requestId,
        };
        await audit.append(tx, {
          ...base,
          action: 'agent.create',
          target: { type: 'agent', id: agent.id, name: agent.name },
          outcome: 'success',
        });
        await audit.append(tx, {
          ...base,
          action: 'agent.key.create',
          target: { type: 'agent_key', id: keyId },
          outcome: 'success',
        });
      });
      return { agent, apiKey: token, key: keyView(key) };
    },

    async listAgents(ctx, query) {
      await requireOperator(ctx, 'agent.list', { type: 'agent' });
      const limit = Math.min(Math.max(query.limit ?? 50, 1), 200);
      if (query.cursor !== undefined && !isId('agt', query.cursor))
        throw invalidField('cursor', 'is not a cursor this server issued');
      const options: Parameters<IdentityRepo['listAgents']>[1] = { limit: limit + 1 };
      if (query.cursor !== undefined) options.afterId = query.cursor;
      if (query.status !== undefined) options.status = query.status;
      const rows = await store.read.identity.listAgents(ctx.principal.orgId, options);
      const agents = rows.slice(0, limit);
      const last = agents[agents.length - 1];
      return { agents, nextCursor: rows.length > limit && last ? last.id : null };
    },

    async getAgent(ctx, ref) {
      await requireOperator(ctx, 'agent.get', { type: 'agent', id: ref });
      return findAgent(ctx.principal.orgId, ref);
    },

    suspendAgent: (ctx, ref) =>
      transition(ctx, ref, 'agent.suspend', ['active'], 'suspended', (current) =>
        current.status === 'revoked' ? identityError('AGENT_REVOKED') : null,
      ),

    resumeAgent: (ctx, ref) =>
      transition(ctx, ref, 'agent.resume', ['suspended'], 'active', (current) =>
        current.status === 'revoked' ? identityError('AGENT_REVOKED', 'A revoked agent cannot be resumed.') : null,
      ),

    revokeAgent: (ctx, ref) => transition(ctx, ref, 'agent.revoke', ['active', 'suspended'], 'revoked', () => null),

    async createKey(ctx, ref, input) {
      await requireOperator(ctx, 'agent.key.create', { type: 'agent', id: ref });
      const p = ctx.principal;
      if (p.kind !== 'operator') throw identityError('OPERATOR_ONLY');
      const agent = await findAgent(p.orgId, ref);
      if (agent.status === 'revoked') throw identityError('AGENT_REVOKED');
      const seconds = input.expiresInSeconds;
      if (seconds !== undefined && (!Number.isInteger(seconds) || seconds < 60 || seconds > MAX_KEY_LIFETIME_S)) {
        throw invalidField('expiresInSeconds', `must be a whole number of seconds from 60 to ${MAX_KEY_LIFETIME_S}`);
      }
      const now = clock.now();
      const id = newId('key', now);
      const { token, secretHash } = mintToken('agent', id);
      const key: AgentKeyRecord = {
        id,
        orgId: agent.orgId,
        agentId: agent.id,
        createdBy: p.humanId,
        createdAt: now,
        expiresAt: seconds === undefined ? null : now + seconds * 1000,
        revokedAt: null,
      };
      const chain = await chainFor(agent, p);
      await store.write(async (tx) => {
        // Re-checked inside the transaction: a revoke that raced this call must win.
        const current = await tx.identity.findAgentById(agent.orgId, agent.id);
        if (!current || current.status === 'revoked') throw identityError('AGENT_REVOKED');
        await tx.identity.insertAgentKey({ ...key, secretHash });
        await audit.append(tx, {
          orgId: agent.orgId,
          actor: actorOf(p),
          delegationChain: chain,
          action: 'agent.key.create',
          target: { type: 'agent_key', id },
          outcome: 'success',
          agentId: agent.id,
          requestId: ctx.requestId,
        });
      });
      return { key: keyView(key), apiKey: token };
    },

    async listKeys(ctx, ref) {
      await requireOperator(ctx, 'agent.key.list', { type: 'agent', id: ref });
      const agent = await findAgent(ctx.principal.orgId, ref);
      return (await store.read.identity.listAgentKeys(agent.id)).map(keyView);
    },

    async revokeKey(ctx, ref, keyId) {
      await requireOperator(ctx, 'agent.key.revoke', { type: 'agent_key', id: keyId });
      const agent = await findAgent(ctx.principal.orgId, ref);
      if (!isId('key', keyId)) throw identityError('KEY_NOT_FOUND');
      const chain = await chainFor(agent, ctx.principal);
      return store.write(async (tx) => {
        const key = await tx.identity.revokeAgentKey(agent.id, keyId, clock.now());
        if (!key) throw identityError('KEY_NOT_FOUND');
        await audit.append(tx, {
          orgId: agent.orgId,
          actor: actorOf(ctx.principal),
          delegationChain: chain,
          action: 'agent.key.revoke',
          target: { type: 'agent_key', id: keyId },
          outcome: 'success',
          agentId: agent.id,
          requestId: ctx.requestId,
        });
        return keyView(key);
      });
    },

    me(ctx) {
      const p = ctx.principal;
      if (p.kind === 'operator') {
        return {
          principal: { type: 'operator', id: p.humanId, name: p.humanName, orgId: p.orgId, credentialId: p.tokenId },
          delegationChain: chainOf(p),
        };
      }
      return {
        principal: { type: 'agent', id: p.agentId, name: p.agentName, orgId: p.orgId, credentialId: p.keyId },
        agent: p.agent,
        delegationChain: chainOf(p),
      };
    },

    async resolveActingAgent(ctx, ref) {
      const p = ctx.principal;
      if (p.kind === 'agent') {
        if (ref !== undefined && ref !== p.agentId && ref !== p.agentName) {
          // An agent naming another agent learns nothing about it.
          throw identityError('AGENT_NOT_FOUND');
        }
        return { agent: p.agent, chain: chainOf(p) };
      }
      if (ref === undefined) {
        throw invalidField('agent', 'operators must name the agent: ?agent=<id or name>');
      }
      const agent = await findAgent(p.orgId, ref);
      return { agent, chain: await chainFor(agent, p) };
    },
  };
}
