// Store-level records: the store id, master-key check values, and store secrets (wrapped data keys).
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';

/** Store-level records used at start and by key rotation. */
export interface MetaRepo {
  getMeta(key: string): Promise<string | undefined>;
  /** Sets a value unless present; returns the value now stored. */
  ensureMeta(key: string, value: string): Promise<string>;
  keyringChecks(): Promise<{ version: number; checkValue: Buffer }[]>;
  /** Records the check value of a key version unless one is recorded. */
  ensureKeyringCheck(version: number, checkValue: Buffer, at: number): Promise<void>;
  deleteKeyringCheck(version: number): Promise<void>;
  getStoreSecret(name: string): Promise<Buffer | undefined>;
  /** Stores a wrapped store secret unless present; returns the one now stored (another instance may have won). */
  ensureStoreSecret(name: string, wrappedKey: Buffer, at: number): Promise<Buffer>;
  listStoreSecrets(): Promise<{ name: string; wrappedKey: Buffer }[]>;
  replaceStoreSecret(name: string, previous: Buffer, next: Buffer): Promise<boolean>;
}

/** The meta repository over a Kysely handle. */
export function metaRepo(db: Kysely<Database>): MetaRepo {
  return {
    async getMeta(key) {
      const row = await db.selectFrom('store_meta').select('value').where('key', '=', key).executeTakeFirst();
      return row?.value;
    },
    async ensureMeta(key, value) {
      await db
        .insertInto('store_meta')
        .values({ key, value })
        .onConflict((oc) => oc.column('key').doNothing())
        .execute();
      const row = await db.selectFrom('store_meta').select('value').where('key', '=', key).executeTakeFirstOrThrow();
      return row.value;
    },
    async keyringChecks() {
      const rows = await db
        .selectFrom('keyring_checks')
        .select(['version', 'check_value'])
        .orderBy('version')
        .execute();
      return rows.map((r) => ({ version: r.version, checkValue: r.check_value }));
    },
    async ensureKeyringCheck(version, checkValue, at) {
      await db
        .insertInto('keyring_checks')
        .values({ version, check_value: checkValue, created_at: at })
        .onConflict((oc) => oc.column('version').doNothing())
        .execute();
    },
    async deleteKeyringCheck(version) {
      await db.deleteFrom('keyring_checks').where('version', '=', version).execute();
    },
    async getStoreSecret(name) {
      const row = await db
        .selectFrom('store_secrets')
        .select('wrapped_key')
        .where('name', '=', name)
        .executeTakeFirst();
      return row?.wrapped_key;
    },
    async ensureStoreSecret(name, wrappedKey, at) {
      await db
        .insertInto('store_secrets')
        .values({ name, wrapped_key: wrappedKey, created_at: at })
        .onConflict((oc) => oc.column('name').doNothing())
        .execute();
      const row = await db
        .selectFrom('store_secrets')
        .select('wrapped_key')
        .where('name', '=', name)
        .executeTakeFirstOrThrow();
      return row.wrapped_key;
    },
    async listStoreSecrets() {
      const rows = await db.selectFrom('store_secrets').select(['name', 'wrapped_key']).orderBy('name').execute();
      return rows.map((r) => ({ name: r.name, wrappedKey: r.wrapped_key }));
    },
    async replaceStoreSecret(name, previous, next) {
      const result = await db
        .updateTable('store_secrets')
        .set({ wrapped_key: next })
        .where('name', '=', name)
        .where('wrapped_key', '=', previous)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) === 1;
    },
  };
}
