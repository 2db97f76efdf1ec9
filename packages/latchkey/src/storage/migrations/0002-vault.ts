// Vault items (one wrapped data key per item, sealed fields, plain metadata) and the registry of instances'
// master key versions that key rotation consults.
import { sql } from 'kysely';
import type { LatchkeyMigration } from './types.js';

export const vault: LatchkeyMigration = {
  name: '0002-vault',
  async up(db, t) {
    await db.schema
      .createTable('vault_items')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('org_id', 'text', (c) => c.notNull().references('orgs.id'))
      .addColumn('agent_id', 'text', (c) => c.notNull().references('agents.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull().check(sql`type in ('login', 'totp', 'secret')`))
      .addColumn('url', 'text')
      // Secrets: only ciphertexts under the item's data key, which is stored wrapped by the master key.
      .addColumn('wrapped_key', t.blob, (c) => c.notNull())
      .addColumn('secrets_sealed', t.blob)
      .addColumn('otp_sealed', t.blob)
      .addColumn('backup_codes_sealed', t.blob)
      // Display copies of the OTP parameters (the sealed credential is the authority); none is a secret.
      .addColumn('otp_kind', 'text', (c) => c.check(sql`otp_kind in ('totp', 'hotp')`))
      .addColumn('otp_algorithm', 'text')
      .addColumn('otp_digits', 'integer')
      .addColumn('otp_period', 'integer')
      .addColumn('otp_encoder', 'text')
      .addColumn('otp_issuer', 'text')
      .addColumn('otp_account', 'text')
      // Counters that one guarded UPDATE moves: the next HOTP counter, the last accepted TOTP step (replay
      // protection), and how many backup codes were handed out.
      .addColumn('hotp_counter', t.bigint)
      .addColumn('totp_last_step', t.bigint)
      .addColumn('backup_codes_total', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('backup_codes_used', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('created_at', t.bigint, (c) => c.notNull())
      .addColumn('updated_at', t.bigint, (c) => c.notNull())
      .addUniqueConstraint('vault_items_agent_name', ['agent_id', 'name'])
      .execute();
    await db.schema
      .createTable('keyring_holders')
      .addColumn('instance_id', 'text', (c) => c.primaryKey())
      .addColumn('primary_version', 'integer', (c) => c.notNull())
      .addColumn('versions', 'text', (c) => c.notNull())
      .addColumn('seen_at', t.bigint, (c) => c.notNull())
      .execute();
  },
};
