// Kysely implementation of the audit repository. The chain head row is the serialisation point.
import { type Kysely, type Selectable, sql } from 'kysely';
import type { AuditRepo } from '../../modules/audit/audit-repo.js';
import { type AuditEvent, GENESIS_HASH } from '../../modules/audit/chain.js';
import type { Dialect } from '../database.js';
import { precompiled } from '../precompiled.js';
import type { AuditEventsTable, Database } from '../schema.js';
import type { RepoContext } from '../store.js';

function toEvent(row: Selectable<AuditEventsTable>): AuditEvent {
  return {
    orgId: row.org_id,
    seq: row.seq,
    id: row.id,
    at: row.at,
    agentId: row.agent_id,
    actor: JSON.parse(row.actor),
    delegationChain: JSON.parse(row.delegation_chain),
    action: row.action,
    target: JSON.parse(row.target),
    outcome: row.outcome as AuditEvent['outcome'],
    reason: row.reason,
    requestId: row.request_id,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

const insertEventQuery = precompiled(
  (
    db,
    orgId: string,
    seq: number,
    id: string,
    at: number,
    agentId: string | null,
    actor: string,
    chain: string,
    action: string,
    target: string,
    outcome: string,
    reason: string | null,
    requestId: string | null,
    prevHash: string,
    hash: string,
  ) =>
    db.insertInto('audit_events').values({
      org_id: orgId,
      seq,
      id,
      at,
      agent_id: agentId,
      actor,
      delegation_chain: chain,
      action,
      target,
      outcome,
      reason,
      request_id: requestId,
      prev_hash: prevHash,
      hash,
    }),
);

const headQuery = precompiled((db, orgId: string) =>
  db.selectFrom('audit_heads').select(['seq', 'hash']).where('org_id', '=', orgId),
);

const upsertHeadQuery = precompiled((db, orgId: string, seq: number, hash: string) =>
  db
    .insertInto('audit_heads')
    .values({ org_id: orgId, seq, hash })
    .onConflict((oc) =>
      oc.column('org_id').doUpdateSet((eb) => ({ seq: eb.ref('excluded.seq'), hash: eb.ref('excluded.hash') })),
    ),
);

/**
 * The audit repository over a Kysely handle (the database or a transaction).
 * On SQLite, one process owns the store, so the chain head is kept in memory for the writer: an append is one
 * insert, and the head row is written once per org per committed batch. A unit that rolls back restores the
 * head it found; a batch that fails restores the heads of all its units. The primary key (org, seq) still
 * refuses any second event at a position, so even a mistaken second writer could not fork the chain.
 */
export function auditRepo(db: Kysely<Database>, dialect: Dialect, ctx: RepoContext): AuditRepo {
  const base = basicAuditRepo(db, dialect);
  const { hooks, cache } = ctx;
  if (!hooks || !cache) return base;
  const heads = cache.auditHeads;
  return {
    ...base,
    async lockHead(orgId) {
      const known = heads.get(orgId);
      if (known) return known;
      const [row] = await headQuery(db, dialect, orgId);
      return row ?? { seq: 0, hash: GENESIS_HASH };
    },
    async append(event) {
      const before = heads.get(event.orgId);
      await insertEventQuery(
        db,
        dialect,
        event.orgId,
        event.seq,
        event.id,
        event.at,
        event.agentId,
        JSON.stringify(event.actor),
        JSON.stringify(event.delegationChain),
        event.action,
        JSON.stringify(event.target),
        event.outcome,
        event.reason,
        event.requestId,
        event.prevHash,
        event.hash,
      );
      heads.set(event.orgId, { seq: event.seq, hash: event.hash });
      hooks.onRollback(() => {
        if (before) heads.set(event.orgId, before);
        else heads.delete(event.orgId);
      });
      hooks.beforeCommit(`audit-head:${event.orgId}`, async () => {
        const head = heads.get(event.orgId);
        if (head) await upsertHeadQuery(db, dialect, event.orgId, head.seq, head.hash);
      });
    },
  };
}

function basicAuditRepo(db: Kysely<Database>, dialect: Dialect): AuditRepo {
  return {
    async lockHead(orgId) {
      // Make sure the head row exists, then lock it. On SQLite the single writer connection already
      // serialises writers; on PostgreSQL FOR UPDATE makes concurrent appenders, on any instance, queue here.
      await db
        .insertInto('audit_heads')
        .values({ org_id: orgId, seq: 0, hash: GENESIS_HASH })
        .onConflict((oc) => oc.column('org_id').doNothing())
        .execute();
      const q = db.selectFrom('audit_heads').select(['seq', 'hash']).where('org_id', '=', orgId);
      const head = await (dialect === 'postgres' ? q.forUpdate() : q).executeTakeFirstOrThrow();
      return head;
    },

    async append(event) {
      await db
        .insertInto('audit_events')
        .values({
          org_id: event.orgId,
          seq: event.seq,
          id: event.id,
          at: event.at,
          agent_id: event.agentId,
          actor: JSON.stringify(event.actor),
          delegation_chain: JSON.stringify(event.delegationChain),
          action: event.action,
          target: JSON.stringify(event.target),
          outcome: event.outcome,
          reason: event.reason,
          request_id: event.requestId,
          prev_hash: event.prevHash,
          hash: event.hash,
        })
        .execute();
      const moved = await db
        .updateTable('audit_heads')
        .set({ seq: event.seq, hash: event.hash })
        .where('org_id', '=', event.orgId)
        .where('seq', '=', event.seq - 1)
        .executeTakeFirst();
      // The head moved under us: refuse rather than fork the chain.
      if (Number(moved.numUpdatedRows) !== 1) throw new Error('audit head moved concurrently');
    },

    async list(orgId, filter) {
      let q = db.selectFrom('audit_events').selectAll().where('org_id', '=', orgId);
      if (filter.agentId !== undefined) q = q.where('agent_id', '=', filter.agentId);
      if (filter.action !== undefined) {
        q = filter.action.endsWith('.')
          ? q.where(sql<boolean>`substr(action, 1, ${filter.action.length}) = ${filter.action}`)
          : q.where('action', '=', filter.action);
      }
      if (filter.sinceMs !== undefined) q = q.where('at', '>=', filter.sinceMs);
      if (filter.beforeSeq !== undefined) q = q.where('seq', '<', filter.beforeSeq);
      const rows = await q.orderBy('seq', 'desc').limit(filter.limit).execute();
      return rows.map(toEvent);
    },

    async scan(orgId, afterSeq, limit) {
      const rows = await db
        .selectFrom('audit_events')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('seq', '>', afterSeq)
        .orderBy('seq')
        .limit(limit)
        .execute();
      return rows.map(toEvent);
    },

    async head(orgId) {
      const row = await db
        .selectFrom('audit_heads')
        .select(['seq', 'hash'])
        .where('org_id', '=', orgId)
        .executeTakeFirst();
      return row && row.seq > 0 ? row : undefined;
    },
  };
}
