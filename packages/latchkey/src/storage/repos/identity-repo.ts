// Kysely implementation of the identity module's repository, for both SQLite and PostgreSQL.
import type { Kysely, Selectable } from 'kysely';
import type {
  AgentCredential,
  AgentKeyRecord,
  AgentRecord,
  IdentityRepo,
  OperatorCredential,
} from '../../modules/identity/identity-repo.js';
import type { Dialect } from '../database.js';
import { precompiled } from '../precompiled.js';
import type { AgentKeysTable, AgentsTable, Database } from '../schema.js';
import type { RepoContext } from '../store.js';
import { CREDENTIAL_CACHE_LIMIT } from '../store-cache.js';

function toAgent(row: Selectable<AgentsTable>): AgentRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    name: row.name,
    description: row.description,
    status: row.status,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toKey(row: Omit<Selectable<AgentKeysTable>, 'secret_hash'>): AgentKeyRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    agentId: row.agent_id,
    createdBy: row.created_by,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}

const KEY_COLUMNS = ['id', 'org_id', 'agent_id', 'created_by', 'created_at', 'expires_at', 'revoked_at'] as const;

// Runs on every request an agent makes: precompiled.
const agentCredentialQuery = precompiled((db, keyId: string) =>
  db
    .selectFrom('agent_keys as k')
    .innerJoin('agents as a', 'a.id', 'k.agent_id')
    .innerJoin('orgs as o', 'o.id', 'a.org_id')
    .innerJoin('humans as h', 'h.id', 'a.created_by')
    .select([
      'k.id as key_id',
      'k.secret_hash',
      'k.expires_at',
      'k.revoked_at',
      'a.id',
      'a.org_id',
      'a.name',
      'a.description',
      'a.status',
      'a.created_by',
      'a.created_at',
      'a.updated_at',
      'o.name as org_name',
      'h.name as creator_name',
    ])
    .where('k.id', '=', keyId),
);

const agentByIdQuery = precompiled((db, orgId: string, id: string) =>
  db.selectFrom('agents').selectAll().where('org_id', '=', orgId).where('id', '=', id),
);

/** The identity repository over a Kysely handle (the database or a transaction). */
function baseIdentityRepo(db: Kysely<Database>, dialect: Dialect): IdentityRepo {
  return {
    async findOrgByName(name) {
      return db.selectFrom('orgs').select(['id', 'name']).where('name', '=', name).executeTakeFirst();
    },

    async ensureOrg(org) {
      const inserted = await db
        .insertInto('orgs')
        .values({ id: org.id, name: org.name, created_at: org.createdAt })
        .onConflict((oc) => oc.column('name').doNothing())
        .returning(['id', 'name'])
        .executeTakeFirst();
      if (inserted) return { ...inserted, created: true };
      const existing = await db
        .selectFrom('orgs')
        .select(['id', 'name'])
        .where('name', '=', org.name)
        .executeTakeFirstOrThrow();
      return { ...existing, created: false };
    },

    async ensureHuman(human) {
      const inserted = await db
        .insertInto('humans')
        .values({ id: human.id, org_id: human.orgId, name: human.name, created_at: human.createdAt })
        .onConflict((oc) => oc.columns(['org_id', 'name']).doNothing())
        .returning(['id', 'name'])
        .executeTakeFirst();
      if (inserted) return { ...inserted, created: true };
      const existing = await db
        .selectFrom('humans')
        .select(['id', 'name'])
        .where('org_id', '=', human.orgId)
        .where('name', '=', human.name)
        .executeTakeFirstOrThrow();
      return { ...existing, created: false };
    },

    async insertOperatorToken(token) {
      await db
        .insertInto('operator_tokens')
        .values({
          id: token.id,
          org_id: token.orgId,
          human_id: token.humanId,
          secret_hash: token.secretHash,
          created_at: token.createdAt,
          expires_at: null,
          revoked_at: null,
        })
        .execute();
    },

    async findOperatorCredential(tokenId): Promise<OperatorCredential | undefined> {
      const row = await db
        .selectFrom('operator_tokens as t')
        .innerJoin('humans as h', 'h.id', 't.human_id')
        .innerJoin('orgs as o', 'o.id', 't.org_id')
        .select([
          't.id',
          't.secret_hash',
          't.expires_at',
          't.revoked_at',
          'h.id as human_id',
          'h.name as human_name',
          'o.id as org_id',
          'o.name as org_name',
        ])
        .where('t.id', '=', tokenId)
        .executeTakeFirst();
      if (!row) return undefined;
      return {
        tokenId: row.id,
        secretHash: row.secret_hash,
        expiresAt: row.expires_at,
        revokedAt: row.revoked_at,
        human: { id: row.human_id, name: row.human_name },
        org: { id: row.org_id, name: row.org_name },
      };
    },

    // Without a cache there is nothing in memory to answer from: every lookup reads.
    peekAgentCredential: () => undefined,
    peekOperatorCredential: () => undefined,

    async findAgentCredential(keyId): Promise<AgentCredential | undefined> {
      const [row] = await agentCredentialQuery(db, dialect, keyId);
      if (!row) return undefined;
      return {
        keyId: row.key_id,
        secretHash: row.secret_hash,
        expiresAt: row.expires_at,
        revokedAt: row.revoked_at,
        agent: toAgent(row),
        org: { id: row.org_id, name: row.org_name },
        creator: { id: row.created_by, name: row.creator_name },
      };
    },

    async insertAgent(agent) {
      const inserted = await db
        .insertInto('agents')
        .values({
          id: agent.id,
          org_id: agent.orgId,
          name: agent.name,
          description: agent.description,
          status: agent.status,
          created_by: agent.createdBy,
          created_at: agent.createdAt,
          updated_at: agent.updatedAt,
        })
        .onConflict((oc) => oc.columns(['org_id', 'name']).doNothing())
        .returning('id')
        .executeTakeFirst();
      return inserted !== undefined;
    },

    async findAgentById(orgId, id) {
      const [row] = await agentByIdQuery(db, dialect, orgId, id);
      return row && toAgent(row);
    },

    async findAgentByName(orgId, name) {
      const row = await db
        .selectFrom('agents')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('name', '=', name)
        .executeTakeFirst();
      return row && toAgent(row);
    },

    async findHumanName(orgId, humanId) {
      const row = await db
        .selectFrom('humans')
        .select('name')
        .where('org_id', '=', orgId)
        .where('id', '=', humanId)
        .executeTakeFirst();
      return row?.name;
    },

    async listAgents(orgId, options) {
      let q = db.selectFrom('agents').selectAll().where('org_id', '=', orgId);
      if (options.afterId !== undefined) q = q.where('id', '>', options.afterId);
      if (options.status !== undefined) q = q.where('status', '=', options.status);
      const rows = await q.orderBy('id').limit(options.limit).execute();
      return rows.map(toAgent);
    },

    async transitionAgent(orgId, id, from, to, at) {
      const row = await db
        .updateTable('agents')
        .set({ status: to, updated_at: at })
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .where('status', 'in', from)
        .returningAll()
        .executeTakeFirst();
      return row && toAgent(row);
    },

    async insertAgentKey(key) {
      await db
        .insertInto('agent_keys')
        .values({
          id: key.id,
          org_id: key.orgId,
          agent_id: key.agentId,
          secret_hash: key.secretHash,
          created_by: key.createdBy,
          created_at: key.createdAt,
          expires_at: key.expiresAt,
          revoked_at: key.revokedAt,
        })
        .execute();
    },

    async listAgentKeys(agentId) {
      const rows = await db
        .selectFrom('agent_keys')
        .select(KEY_COLUMNS)
        .where('agent_id', '=', agentId)
        .orderBy('id')
        .execute();
      return rows.map(toKey);
    },

    async revokeAgentKey(agentId, keyId, at) {
      const updated = await db
        .updateTable('agent_keys')
        .set({ revoked_at: at })
        .where('agent_id', '=', agentId)
        .where('id', '=', keyId)
        .where('revoked_at', 'is', null)
        .returning(KEY_COLUMNS)
        .executeTakeFirst();
      if (updated) return toKey(updated);
      const row = await db
        .selectFrom('agent_keys')
        .select(KEY_COLUMNS)
        .where('agent_id', '=', agentId)
        .where('id', '=', keyId)
        .executeTakeFirst();
      return row && toKey(row);
    },

    async revokeAllAgentKeys(agentId, at) {
      const result = await db
        .updateTable('agent_keys')
        .set({ revoked_at: at })
        .where('agent_id', '=', agentId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows);
    },
  };
}

/**
 * The identity repository over a Kysely handle (the database or a transaction). On SQLite, credential lookups
 * (one per request) are served from the store's cache, which every committed identity change invalidates before
 * its caller is answered — so suspension and revocation still apply on the very next request.
 */
export function identityRepo(db: Kysely<Database>, dialect: Dialect, ctx: RepoContext): IdentityRepo {
  const repo = baseIdentityRepo(db, dialect);
  const cache = ctx.cache;
  if (!cache) return repo;
  const hooks = ctx.hooks;
  if (hooks) {
    const invalidate = () =>
      hooks.afterCommit(() => {
        cache.identityGeneration++;
        cache.credentials.clear();
      });
    const changing =
      <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
      (...args: A): Promise<R> => {
        invalidate();
        return fn(...args);
      };
    return {
      ...repo,
      ensureOrg: changing(repo.ensureOrg),
      ensureHuman: changing(repo.ensureHuman),
      insertOperatorToken: changing(repo.insertOperatorToken),
      insertAgent: changing(repo.insertAgent),
      transitionAgent: changing(repo.transitionAgent),
      insertAgentKey: changing(repo.insertAgentKey),
      revokeAgentKey: changing(repo.revokeAgentKey),
      revokeAllAgentKeys: changing(repo.revokeAllAgentKeys),
    };
  }
  const peek =
    <T extends AgentCredential | OperatorCredential>(prefix: string) =>
    (id: string): T | undefined => {
      const hit = cache.credentials.get(`${prefix}:${id}`);
      return hit && hit.generation === cache.identityGeneration ? (hit.value as T) : undefined;
    };
  const cached =
    <T extends AgentCredential | OperatorCredential>(
      prefix: string,
      peekAt: (id: string) => T | undefined,
      load: (id: string) => Promise<T | undefined>,
    ) =>
    async (id: string): Promise<T | undefined> => {
      const hit = peekAt(id);
      if (hit) return hit;
      const generation = cache.identityGeneration;
      const value = await load(id);
      // Only remember what no commit has overtaken while it was being read; misses are not cached.
      if (value && generation === cache.identityGeneration) {
        if (cache.credentials.size >= CREDENTIAL_CACHE_LIMIT) cache.credentials.clear();
        cache.credentials.set(`${prefix}:${id}`, { generation, value });
      }
      return value;
    };
  const peekAgentCredential = peek<AgentCredential>('agent');
  const peekOperatorCredential = peek<OperatorCredential>('operator');
  return {
    ...repo,
    peekAgentCredential,
    peekOperatorCredential,
    findAgentCredential: cached('agent', peekAgentCredential, repo.findAgentCredential),
    findOperatorCredential: cached('operator', peekOperatorCredential, repo.findOperatorCredential),
  };
}
