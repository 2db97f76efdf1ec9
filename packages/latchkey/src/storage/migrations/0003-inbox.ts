// Inbox schema: sealed messages, phone numbers mapped to agents, and webhook ids already delivered.
import { sql } from 'kysely';
import type { LatchkeyMigration } from './types.js';

export const inbox: LatchkeyMigration = {
  name: '0003-inbox',
  async up(db, t) {
    await db.schema
      .createTable('messages')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
      .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id'))
      .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('email', 'sms')`))
      .addColumn('received_at', t.bigint, (c) => c.notNull())
      .addColumn('read_at', t.bigint)
      .addColumn('size', t.bigint, (c) => c.notNull())
      .addColumn('spf', 'text', (c) => c.notNull())
      .addColumn('dkim', 'text', (c) => c.notNull())
      .addColumn('dmarc', 'text', (c) => c.notNull())
      .addColumn('verdict', 'text', (c) => c.notNull().check(sql`verdict in ('pass', 'fail', 'neutral', 'none')`))
      .addColumn('has_code', 'integer', (c) => c.notNull())
      .addColumn('has_link', 'integer', (c) => c.notNull())
      .addColumn('wrapped_key', t.blob, (c) => c.notNull())
      .addColumn('summary', t.blob, (c) => c.notNull())
      .addColumn('body', t.blob, (c) => c.notNull())
      .execute();
    // Lists and waits read one agent's messages newest first (ids sort by time).
    await db.schema.createIndex('messages_agent').on('messages').columns(['org_id', 'agent_id', 'id']).execute();
    await db.schema.createIndex('messages_received').on('messages').column('received_at').execute();
    await db.schema
      .createTable('phone_numbers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
      .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id'))
      // Unique across the store, not per org: an inbound SMS names only the number, so it must name one agent.
      .addColumn('number', 'text', (c) => c.notNull().unique())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema.createIndex('phone_numbers_agent').on('phone_numbers').columns(['org_id', 'agent_id']).execute();
    await db.schema
      .createTable('webhook_claims')
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull())
      .addColumn('expires_at', t.bigint, (c) => c.notNull())
      .addPrimaryKeyConstraint('webhook_claims_pk', ['source', 'id'])
      .execute();
    await db.schema.createIndex('webhook_claims_expiry').on('webhook_claims').column('expires_at').execute();
  },
};
