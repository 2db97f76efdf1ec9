// Kysely implementation of the audit repository. The chain head row is the serialisation point.
import { type Kysely, type Selectable, sql } from 'kysely';
import type { AuditRepo } from '../../modules/audit/audit-repo.js';
import { type AuditEvent, GENESIS_HASH } from '../../modules/audit/chain.js';
import type { Dialect } from '../database.js';
import type { AuditEventsTable, Database } from '../schema.js';

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

/** The audit repository over a Kysely handle (the database or a transaction). */
export function auditRepo(db: Kysely<Database>, dialect: Dialect): AuditRepo {
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
