// Column types that differ between SQLite and PostgreSQL, so one migration serves both.
import type { Kysely } from 'kysely';
import type { Dialect } from '../database.js';

/** Dialect-specific column types. */
export interface ColumnTypes {
  /** 64-bit integer: epoch milliseconds, sequence numbers, counters. */
  bigint: 'integer' | 'bigint';
  blob: 'blob' | 'bytea';
}

export function columnTypes(dialect: Dialect): ColumnTypes {
  return dialect === 'sqlite' ? { bigint: 'integer', blob: 'blob' } : { bigint: 'bigint', blob: 'bytea' };
}

/** One migration, written once for both dialects. */
export interface LatchkeyMigration {
  name: string;
  up(db: Kysely<unknown>, t: ColumnTypes, dialect: Dialect): Promise<void>;
}
