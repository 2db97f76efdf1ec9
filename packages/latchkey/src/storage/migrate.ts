// Runs migrations at start. On PostgreSQL Kysely's migrator takes an advisory lock inside one transaction,
// so instances that start together apply each migration once and the others wait, then find nothing to do.
import { type Kysely, type Migration, type MigrationProvider, Migrator, sql } from 'kysely';
import type { Dialect } from './database.js';
import { migrations } from './migrations/index.js';
import { columnTypes } from './migrations/types.js';
import type { Database } from './schema.js';

const MIGRATION_TABLE = 'latchkey_migrations';

/**
 * Applies every pending migration. @throws Error naming the failed migration.
 * On PostgreSQL, `schema` names the schema the store lives in: Kysely's introspection sees every schema of the
 * database, so without it a migration table in another schema would be taken for ours.
 */
export async function migrateToLatest(db: Kysely<Database>, dialect: Dialect, schema?: string): Promise<string[]> {
  const types = columnTypes(dialect);
  const provider: MigrationProvider = {
    async getMigrations() {
      const out: Record<string, Migration> = {};
      for (const m of migrations) out[m.name] = { up: (trx) => m.up(trx, types, dialect) };
      return out;
    },
  };
  const migrator = new Migrator({
    db,
    provider,
    migrationTableName: MIGRATION_TABLE,
    migrationLockTableName: `${MIGRATION_TABLE}_lock`,
    ...(dialect === 'postgres' ? { migrationTableSchema: schema ?? 'public' } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${why}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** True when the store already holds Latchkey data (its metadata table exists and names a store id). */
export async function storeExists(db: Kysely<Database>, dialect: Dialect): Promise<boolean> {
  const tables =
    dialect === 'sqlite'
      ? await sql<{
          n: number;
        }>`select count(*) as n from sqlite_master where type = 'table' and name = 'store_meta'`.execute(db)
      : await sql<{ n: number }>`select count(*)::int as n from information_schema.tables
          where table_schema = current_schema() and table_name = 'store_meta'`.execute(db);
  if (Number(tables.rows[0]?.n ?? 0) === 0) return false;
  const row = await db.selectFrom('store_meta').select('value').where('key', '=', 'store_id').executeTakeFirst();
  return row !== undefined;
}
