// OTP relay schema: requests (sealed payloads only), standing approvals, per-human settings, and the webhook outbox.
import { sql } from 'kysely';
import type { LatchkeyMigration } from './types.js';

export const relay: LatchkeyMigration = {
  name: '0004-relay',
  async up(db, t) {
    await db.schema
      .createTable('relay_requests')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
      .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id'))
      .addColumn('approver_id', 'text', (c) => c.notNull().references('humans.id'))
      .addColumn('status', 'text', (c) =>
        c
          .notNull()
          .check(
            sql`status in ('pending_approval', 'approved', 'otp_received', 'consumed', 'denied', 'expired', 'cancelled')`,
          ),
      )
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('expected_sender', 'text')
      .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('email', 'sms', 'any')`))
      .addColumn('filter_from', 'text')
      .addColumn('filter_pattern', 'text')
      .addColumn('public_key', 'text', (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .addColumn('expires_at', t.bigint, (c) => c.notNull())
      .addColumn('decided_by', 'text', (c) => c.references('humans.id'))
      .addColumn('decided_at', t.bigint)
      .addColumn('standing_approval_id', 'text')
      .addColumn('captured_at', t.bigint)
      .addColumn('captured_channel', 'text')
      .addColumn('received_at', t.bigint)
      .addColumn('consumed_at', t.bigint)
      // Between capture and the one read: the HPKE payload (only the agent can open it) and the sender, sealed
      // under a data key of its own for the consume response's metadata. All four are erased together.
      .addColumn('enc', 'text')
      .addColumn('ciphertext', 'text')
      .addColumn('sealed_from', t.blob)
      .addColumn('wrapped_key', t.blob)
      .execute();
    await db.schema
      .createIndex('relay_requests_org_agent')
      .on('relay_requests')
      .columns(['org_id', 'agent_id', 'id'])
      .execute();
    await db.schema
      .createIndex('relay_requests_capture')
      .on('relay_requests')
      .columns(['approver_id', 'status', 'created_at'])
      .execute();
    await db.schema
      .createIndex('relay_requests_expiry')
      .on('relay_requests')
      .columns(['status', 'expires_at'])
      .execute();

    await db.schema
      .createTable('relay_standing_approvals')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
      .addColumn('human_id', 'text', (c) => c.notNull().references('humans.id'))
      .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id'))
      .addColumn('sender', 'text', (c) => c.notNull())
      .addColumn('max_codes', 'integer', (c) => c.notNull())
      .addColumn('remaining', 'integer', (c) => c.notNull().check(sql`remaining >= 0`))
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('expires_at', t.bigint, (c) => c.notNull())
      .addColumn('revoked_at', t.bigint)
      .execute();
    await db.schema
      .createIndex('relay_standing_lookup')
      .on('relay_standing_approvals')
      .columns(['human_id', 'agent_id', 'sender'])
      .execute();

    await db.schema
      .createTable('relay_settings')
      .addColumn('human_id', 'text', (c) => c.primaryKey().references('humans.id'))
      .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
      .addColumn('webhook_url', 'text')
      .addColumn('webhook_secret', t.blob)
      .addColumn('wrapped_key', t.blob)
      .addColumn('webhook_updated_at', t.bigint)
      .addColumn('capture_token_hash', t.blob)
      .addColumn('capture_token_created_at', t.bigint)
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('relay_deliveries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
      .addColumn('human_id', 'text', (c) => c.notNull().references('humans.id'))
      .addColumn('event_type', 'text', (c) => c.notNull())
      .addColumn('payload', 'text', (c) => c.notNull())
      // Coalesces repeated alarms (e.g. a burst of re-reads) into one delivery per window.
      .addColumn('dedupe_key', 'text', (c) => c.unique())
      .addColumn('status', 'text', (c) =>
        c.notNull().check(sql`status in ('pending', 'delivered', 'failed', 'dropped')`),
      )
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', t.bigint, (c) => c.notNull())
      .addColumn('claimed_until', t.bigint, (c) => c.notNull())
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('finished_at', t.bigint)
      .addColumn('last_error', 'text')
      .addColumn('last_status', 'integer')
      .execute();
    await db.schema
      .createIndex('relay_deliveries_due')
      .on('relay_deliveries')
      .columns(['status', 'next_attempt_at'])
      .execute();
    await db.schema
      .createIndex('relay_deliveries_human')
      .on('relay_deliveries')
      .columns(['human_id', 'created_at'])
      .execute();
  },
};
