// Foundation schema: store metadata, master-key checks, identities, agent keys and the audit chain.
import { sql } from 'kysely';
import type { LatchkeyMigration } from './types.js';

export const foundation: LatchkeyMigration = {
  name: '0001-foundation',
  async up(db, t) {
    await db.schema
      .createTable('store_meta')
      .addColumn('key', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('keyring_checks')
      .addColumn('version', 'integer', (c) => c.primaryKey())
      .addColumn('check_value', t.blob, (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('store_secrets')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('wrapped_key', t.blob, (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('orgs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull().unique())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .execute();
    await db.schema
      .createTable('humans')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addUniqueConstraint('humans_org_name', ['org_id', 'name'])
      .execute();
    await db.schema
      .createTable('operator_tokens')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
      .addColumn('human_id', 'text', (c) => c.notNull().references('humans.id'))
      .addColumn('secret_hash', t.blob, (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('expires_at', t.bigint)
      .addColumn('revoked_at', t.bigint)
      .execute();
    await db.schema
      .createTable('agents')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active', 'suspended', 'revoked')`))
      .addColumn('created_by', 'text', (c) => c.notNull().references('humans.id'))
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .addUniqueConstraint('agents_org_name', ['org_id', 'name'])
      .execute();
    await db.schema
      .createTable('agent_keys')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
      .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id'))
      .addColumn('secret_hash', t.blob, (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('expires_at', t.bigint)
      .addColumn('revoked_at', t.bigint)
      .execute();
    await db.schema.createIndex('agent_keys_agent').on('agent_keys').column('agent_id').execute();
    await db.schema
      .createTable('audit_events')
      .addColumn('org_id', 'text', (c) => c.notNull())
      .addColumn('seq', t.bigint, (c) => c.notNull())
      .addColumn('id', 'text', (c) => c.notNull().unique())
      .addColumn('at', t.bigint, (c) => c.notNull())
      .addColumn('agent_id', 'text')
      .addColumn('actor', 'text', (c) => c.notNull())
      .addColumn('delegation_chain', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('target', 'text', (c) => c.notNull())
      .addColumn('outcome', 'text', (c) => c.notNull())
      .addColumn('reason', 'text')
      .addColumn('request_id', 'text')
      .addColumn('prev_hash', 'text', (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('audit_events_pk', ['org_id', 'seq'])
      .execute();
    await db.schema
      .createIndex('audit_events_agent')
      .on('audit_events')
      .columns(['org_id', 'agent_id', 'seq'])
      .execute();
    await db.schema
      .createIndex('audit_events_action')
      .on('audit_events')
      .columns(['org_id', 'action', 'seq'])
      .execute();
    await db.schema
      .createTable('audit_heads')
      .addColumn('org_id', 'text', (c) => c.primaryKey())
      .addColumn('seq', t.bigint, (c) => c.notNull())
      .addColumn('hash', 'text', (c) => c.notNull())
      .execute();
  },
};
