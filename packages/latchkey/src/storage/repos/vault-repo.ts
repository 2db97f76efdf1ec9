// Kysely implementation of the vault's repository, for both SQLite and PostgreSQL. Counters move only through
// guarded UPDATE … RETURNING: PostgreSQL re-checks the WHERE clause after waiting for a concurrent writer's row
// lock, and SQLite runs one writer at a time, so neither can hand out the same counter, step or code twice.
import type { Kysely, Selectable } from 'kysely';
import type { OtpMeta, SealedVaultItem, VaultItemRecord, VaultRepo } from '../../modules/vault/vault-repo.js';
import type { Database, VaultItemsTable } from '../schema.js';

const META_COLUMNS = [
  'id',
  'org_id',
  'agent_id',
  'name',
  'type',
  'url',
  'otp_kind',
  'otp_algorithm',
  'otp_digits',
  'otp_period',
  'otp_encoder',
  'otp_issuer',
  'otp_account',
  'hotp_counter',
  'backup_codes_total',
  'backup_codes_used',
  'created_at',
  'updated_at',
] as const;

type MetaRow = Pick<Selectable<VaultItemsTable>, (typeof META_COLUMNS)[number]>;

function otpOf(row: MetaRow): OtpMeta | null {
  if (row.otp_kind === null) return null;
  return {
    kind: row.otp_kind,
    algorithm: row.otp_algorithm === 'SHA256' || row.otp_algorithm === 'SHA512' ? row.otp_algorithm : 'SHA1',
    digits: row.otp_digits ?? 6,
    period: row.otp_period ?? 30,
    encoder: row.otp_encoder === 'steam' ? 'steam' : null,
    issuer: row.otp_issuer,
    account: row.otp_account,
  };
}

function toRecord(row: MetaRow): VaultItemRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    agentId: row.agent_id,
    name: row.name,
    type: row.type,
    url: row.url,
    otp: otpOf(row),
    hotpCounter: row.hotp_counter,
    backupCodesTotal: row.backup_codes_total,
    backupCodesUsed: row.backup_codes_used,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toSealed(row: Selectable<VaultItemsTable>): SealedVaultItem {
  return {
    ...toRecord(row),
    wrappedKey: row.wrapped_key,
    secretsSealed: row.secrets_sealed,
    otpSealed: row.otp_sealed,
    backupCodesSealed: row.backup_codes_sealed,
  };
}

/** The columns an insert or a replacement writes (not the replay state, which a replacement keeps). */
function contentOf(item: SealedVaultItem) {
  return {
    type: item.type,
    url: item.url,
    wrapped_key: item.wrappedKey,
    secrets_sealed: item.secretsSealed,
    otp_sealed: item.otpSealed,
    backup_codes_sealed: item.backupCodesSealed,
    otp_kind: item.otp?.kind ?? null,
    otp_algorithm: item.otp?.algorithm ?? null,
    otp_digits: item.otp?.digits ?? null,
    otp_period: item.otp?.period ?? null,
    otp_encoder: item.otp?.encoder ?? null,
    otp_issuer: item.otp?.issuer ?? null,
    otp_account: item.otp?.account ?? null,
    hotp_counter: item.hotpCounter,
    backup_codes_total: item.backupCodesTotal,
    backup_codes_used: item.backupCodesUsed,
    updated_at: item.updatedAt,
  };
}

/** The largest HOTP counter we hand out: counters are JS numbers end to end. */
const MAX_COUNTER = Number.MAX_SAFE_INTEGER;

/** The vault repository over a Kysely handle (the database or a transaction). */
export function vaultRepo(db: Kysely<Database>): VaultRepo {
  return {
    async findItem(agentId, name) {
      const row = await db
        .selectFrom('vault_items')
        .selectAll()
        .where('agent_id', '=', agentId)
        .where('name', '=', name)
        .executeTakeFirst();
      return row && toSealed(row);
    },

    async listItems(agentId, options) {
      let q = db.selectFrom('vault_items').select(META_COLUMNS).where('agent_id', '=', agentId);
      if (options.afterName !== undefined) q = q.where('name', '>', options.afterName);
      if (options.type !== undefined) q = q.where('type', '=', options.type);
      const rows = await q.orderBy('name').limit(options.limit).execute();
      return rows.map(toRecord);
    },

    async insertItem(item) {
      const inserted = await db
        .insertInto('vault_items')
        .values({
          id: item.id,
          org_id: item.orgId,
          agent_id: item.agentId,
          name: item.name,
          ...contentOf(item),
          totp_last_step: null,
          created_at: item.createdAt,
        })
        .onConflict((oc) => oc.columns(['agent_id', 'name']).doNothing())
        .returning('id')
        .executeTakeFirst();
      return inserted !== undefined;
    },

    async replaceItem(item) {
      const row = await db
        .updateTable('vault_items')
        .set(contentOf(item))
        .where('id', '=', item.id)
        .where('agent_id', '=', item.agentId)
        .where('name', '=', item.name)
        .returning(META_COLUMNS)
        .executeTakeFirst();
      return row && toRecord(row);
    },

    async deleteItem(agentId, name) {
      const row = await db
        .deleteFrom('vault_items')
        .where('agent_id', '=', agentId)
        .where('name', '=', name)
        .returning(META_COLUMNS)
        .executeTakeFirst();
      return row && toRecord(row);
    },

    async takeHotpCounter(itemId) {
      const row = await db
        .updateTable('vault_items')
        .set((eb) => ({ hotp_counter: eb('hotp_counter', '+', 1) }))
        .where('id', '=', itemId)
        .where('otp_kind', '=', 'hotp')
        .where('hotp_counter', '<', MAX_COUNTER)
        .returning(['hotp_counter', 'wrapped_key', 'otp_sealed'])
        .executeTakeFirst();
      if (!row || row.hotp_counter === null || row.otp_sealed === null) return undefined;
      return { counter: row.hotp_counter - 1, wrappedKey: row.wrapped_key, otpSealed: row.otp_sealed };
    },

    async acceptTotpStep(itemId, wrappedKey, step) {
      const result = await db
        .updateTable('vault_items')
        .set({ totp_last_step: step })
        .where('id', '=', itemId)
        .where('wrapped_key', '=', wrappedKey)
        .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },

    async takeBackupCode(itemId) {
      const row = await db
        .updateTable('vault_items')
        .set((eb) => ({ backup_codes_used: eb('backup_codes_used', '+', 1) }))
        .where('id', '=', itemId)
        .where((eb) => eb('backup_codes_used', '<', eb.ref('backup_codes_total')))
        .returning(['backup_codes_used', 'backup_codes_total', 'wrapped_key', 'backup_codes_sealed'])
        .executeTakeFirst();
      if (!row || row.backup_codes_sealed === null) return undefined;
      return {
        index: row.backup_codes_used - 1,
        remaining: row.backup_codes_total - row.backup_codes_used,
        wrappedKey: row.wrapped_key,
        backupCodesSealed: row.backup_codes_sealed,
      };
    },

    async pageWrappedKeys(afterId, limit) {
      let q = db.selectFrom('vault_items').select(['id', 'org_id', 'agent_id', 'wrapped_key']);
      if (afterId !== null) q = q.where('id', '>', afterId);
      const rows = await q.orderBy('id').limit(limit).execute();
      return rows.map((r) => ({ id: r.id, orgId: r.org_id, agentId: r.agent_id, wrappedKey: r.wrapped_key }));
    },

    async replaceWrappedKey(id, previous, next) {
      const result = await db
        .updateTable('vault_items')
        .set({ wrapped_key: next })
        .where('id', '=', id)
        .where('wrapped_key', '=', previous)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}
