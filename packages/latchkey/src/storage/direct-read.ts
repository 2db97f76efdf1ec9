// Synchronous reads that skip Kysely's driver for hot, precompiled queries on SQLite's read connection.
import type { Kysely } from 'kysely';
import type { Database } from './schema.js';

type DirectReader = (sql: string, parameters: readonly unknown[]) => unknown[];

const readers = new WeakMap<Kysely<Database>, DirectReader>();

/** Marks `db` as a read-only handle whose queries may run directly (no transaction, no mutex needed). */
export function registerDirectReader(db: Kysely<Database>, reader: DirectReader): void {
  readers.set(db, reader);
}

/** The direct reader of `db`, if it has one. Transactions and PostgreSQL have none. */
export function directReaderOf(db: Kysely<Database>): DirectReader | undefined {
  return readers.get(db);
}
