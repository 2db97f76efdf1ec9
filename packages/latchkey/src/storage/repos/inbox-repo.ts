// Kysely implementation of the inbox module's repository, for both SQLite and PostgreSQL.
import type { Kysely, Selectable } from 'kysely';
import type { InboxRepo, MessageRow, MessageWithBody, PhoneNumberRecord } from '../../modules/inbox/inbox-repo.js';
import type { Database, MessagesTable, PhoneNumbersTable } from '../schema.js';

const SUMMARY_COLUMNS = [
  'id',
  'org_id',
  'agent_id',
  'channel',
  'received_at',
  'read_at',
  'size',
  'spf',
  'dkim',
  'dmarc',
  'verdict',
  'has_code',
  'has_link',
  'wrapped_key',
  'summary',
] as const;

function toMessage(row: Omit<Selectable<MessagesTable>, 'body'>): MessageRow {
  return {
    id: row.id,
    orgId: row.org_id,
    agentId: row.agent_id,
    channel: row.channel,
    receivedAt: row.received_at,
    readAt: row.read_at,
    size: row.size,
    spf: row.spf,
    dkim: row.dkim,
    dmarc: row.dmarc,
    verdict: row.verdict,
    hasCode: row.has_code === 1,
    hasLink: row.has_link === 1,
    wrappedKey: row.wrapped_key,
    summary: row.summary,
  };
}

function toNumber(row: Selectable<PhoneNumbersTable>): PhoneNumberRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    agentId: row.agent_id,
    number: row.number,
    createdBy: row.created_by,
    createdAt: row.created_at,
  };
}

/** The inbox repository over a Kysely handle (the database or a transaction). */
export function inboxRepo(db: Kysely<Database>): InboxRepo {
  return {
    async insertMessage(m: MessageWithBody) {
      await db
        .insertInto('messages')
        .values({
          id: m.id,
          org_id: m.orgId,
          agent_id: m.agentId,
          channel: m.channel,
          received_at: m.receivedAt,
          read_at: m.readAt,
          size: m.size,
          spf: m.spf,
          dkim: m.dkim,
          dmarc: m.dmarc,
          verdict: m.verdict,
          has_code: m.hasCode ? 1 : 0,
          has_link: m.hasLink ? 1 : 0,
          wrapped_key: m.wrappedKey,
          summary: m.summary,
          body: m.body,
        })
        .execute();
    },

    async findMessage(orgId, agentId, id) {
      const row = await db
        .selectFrom('messages')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('agent_id', '=', agentId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row && { ...toMessage(row), body: row.body };
    },

    async listMessages(orgId, agentId, query) {
      let q = db
        .selectFrom('messages')
        .select(SUMMARY_COLUMNS)
        .where('org_id', '=', orgId)
        .where('agent_id', '=', agentId);
      if (query.beforeId !== undefined) q = q.where('id', '<', query.beforeId);
      if (query.since !== undefined) q = q.where('received_at', '>=', query.since);
      if (query.channel !== undefined) q = q.where('channel', '=', query.channel);
      if (query.unreadOnly) q = q.where('read_at', 'is', null);
      if (query.hasCode) q = q.where('has_code', '=', 1);
      if (query.hasLink) q = q.where('has_link', '=', 1);
      const rows = await q.orderBy('id', 'desc').limit(query.limit).execute();
      return rows.map(toMessage);
    },

    async markRead(orgId, agentId, id, at) {
      const updated = await db
        .updateTable('messages')
        .set({ read_at: at })
        .where('org_id', '=', orgId)
        .where('agent_id', '=', agentId)
        .where('id', '=', id)
        .where('read_at', 'is', null)
        .returning(SUMMARY_COLUMNS)
        .executeTakeFirst();
      if (updated) return toMessage(updated);
      const row = await db
        .selectFrom('messages')
        .select(SUMMARY_COLUMNS)
        .where('org_id', '=', orgId)
        .where('agent_id', '=', agentId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toMessage(row);
    },

    async deleteMessage(orgId, agentId, id) {
      const result = await db
        .deleteFrom('messages')
        .where('org_id', '=', orgId)
        .where('agent_id', '=', agentId)
        .where('id', '=', id)
        .executeTakeFirst();
      return Number(result.numDeletedRows) > 0;
    },

    async deleteMessagesBefore(cutoff, limit) {
      // DELETE … LIMIT is not portable; a bounded subquery is, and keeps each transaction short.
      const result = await db
        .deleteFrom('messages')
        .where('id', 'in', (eb) =>
          eb.selectFrom('messages').select('id').where('received_at', '<', cutoff).limit(limit),
        )
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async findRecipientsByName(name) {
      const rows = await db
        .selectFrom('agents')
        .select(['id', 'org_id'])
        .where('name', '=', name)
        .where('status', '!=', 'revoked')
        .limit(2)
        .execute();
      return rows.map((r) => ({ agentId: r.id, orgId: r.org_id }));
    },

    async insertPhoneNumber(record) {
      const inserted = await db
        .insertInto('phone_numbers')
        .values({
          id: record.id,
          org_id: record.orgId,
          agent_id: record.agentId,
          number: record.number,
          created_by: record.createdBy,
          created_at: record.createdAt,
        })
        .onConflict((oc) => oc.column('number').doNothing())
        .returning('id')
        .executeTakeFirst();
      return inserted !== undefined;
    },

    async listPhoneNumbers(orgId, agentId) {
      const rows = await db
        .selectFrom('phone_numbers')
        .selectAll()
        .where('org_id', '=', orgId)
        .where('agent_id', '=', agentId)
        .orderBy('id')
        .execute();
      return rows.map(toNumber);
    },

    async deletePhoneNumber(orgId, agentId, id) {
      const row = await db
        .deleteFrom('phone_numbers')
        .where('org_id', '=', orgId)
        .where('agent_id', '=', agentId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row && toNumber(row);
    },

    async findRecipientByNumber(number) {
      const row = await db
        .selectFrom('phone_numbers as p')
        .innerJoin('agents as a', 'a.id', 'p.agent_id')
        .select(['p.agent_id', 'p.org_id', 'p.number'])
        .where('p.number', '=', number)
        .where('a.status', '!=', 'revoked')
        .executeTakeFirst();
      return row && { agentId: row.agent_id, orgId: row.org_id, number: row.number };
    },

    async claimWebhook(source, id, expiresAt) {
      const inserted = await db
        .insertInto('webhook_claims')
        .values({ source, id, expires_at: expiresAt })
        .onConflict((oc) => oc.columns(['source', 'id']).doNothing())
        .returning('id')
        .executeTakeFirst();
      return inserted !== undefined;
    },

    async pruneWebhookClaims(now) {
      const result = await db.deleteFrom('webhook_claims').where('expires_at', '<', now).executeTakeFirst();
      return Number(result.numDeletedRows);
    },

    async pageWrappedKeys(afterId, limit) {
      let q = db.selectFrom('messages').select(['id', 'org_id', 'agent_id', 'wrapped_key']);
      if (afterId !== null) q = q.where('id', '>', afterId);
      const rows = await q.orderBy('id').limit(limit).execute();
      return rows.map((r) => ({ id: r.id, orgId: r.org_id, agentId: r.agent_id, wrappedKey: r.wrapped_key }));
    },

    async replaceWrappedKey(id, previous, next) {
      const result = await db
        .updateTable('messages')
        .set({ wrapped_key: next })
        .where('id', '=', id)
        .where('wrapped_key', '=', previous)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}
