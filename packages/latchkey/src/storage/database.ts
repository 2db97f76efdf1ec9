// Opens the store: Kysely over better-sqlite3 (embedded default) or over pg (DATABASE_URL).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import pg from 'pg';
import { registerDirectReader } from './direct-read.js';
import type { Database } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

/** An open store connection. */
export interface OpenDatabase {
  /** Writes (and reads inside transactions). */
  db: Kysely<Database>;
  /**
   * Reads outside transactions. For SQLite a second connection: in WAL mode it reads the last committed state
   * while a group-commit batch holds the writer, so reads neither wait for a batch nor see its uncommitted rows.
   * For PostgreSQL the same pool.
   */
  readDb: Kysely<Database>;
  dialect: Dialect;
  /** Human-readable location for logs (never a password). */
  location: string;
  close(): Promise<void>;
}

/** Where the store lives: a SQLite file, or a PostgreSQL URL with an optional schema. */
export type DatabaseTarget =
  | { kind: 'sqlite'; file: string; readonly?: boolean }
  | { kind: 'postgres'; url: string; schema?: string; poolSize?: number };

/** The SQLite file of a data folder. */
export function sqliteFileOf(dataDir: string): string {
  return join(dataDir, 'latchkey.db');
}

/** Reads the target from a `postgres://` URL; a `schema` query parameter selects the schema (tests use it). */
export function postgresTarget(url: string, poolSize?: number): DatabaseTarget {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? undefined;
  parsed.searchParams.delete('schema');
  const target: DatabaseTarget = { kind: 'postgres', url: parsed.toString() };
  if (schema !== undefined) {
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema))
      throw new Error('DATABASE_URL: schema must be a lowercase identifier.');
    target.schema = schema;
  }
  if (poolSize !== undefined) target.poolSize = poolSize;
  return target;
}

/** Opens the database. SQLite: WAL, synchronous=FULL, foreign keys, checked after setting. */
export async function openDatabase(target: DatabaseTarget): Promise<OpenDatabase> {
  return target.kind === 'sqlite' ? openSqlite(target.file, target.readonly ?? false) : openPostgres(target);
}

function openSqlite(file: string, readonly: boolean): OpenDatabase {
  if (!readonly) mkdirSync(join(file, '..'), { recursive: true });
  const sqlite = new SQLite(file, { readonly, fileMustExist: readonly });
  applySqlitePragmas(sqlite, readonly);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  if (readonly) return { db, readDb: db, dialect: 'sqlite', location: file, close: () => db.destroy() };
  const reader = new SQLite(file);
  applySqlitePragmas(reader);
  const cached = withStatementCache(reader);
  const readDb = new Kysely<Database>({ dialect: new SqliteDialect({ database: cached }) });
  registerDirectReader(readDb, (sql, parameters) => cached.prepare(sql).all(parameters));
  return {
    db,
    readDb,
    dialect: 'sqlite',
    location: file,
    close: async () => {
      await readDb.destroy();
      await db.destroy();
    },
  };
}

const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely prepares every statement anew, and preparing costs more than running a point query. Statements are
 * reusable, so keep the most recent ones by SQL text (Kysely never iterates two results of one statement at once).
 */
function withStatementCache(sqlite: SQLite.Database): { close(): void; prepare(sql: string): SQLite.Statement } {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql) {
      let stmt = cache.get(sql);
      if (stmt) return stmt;
      stmt = sqlite.prepare(sql);
      if (cache.size >= STATEMENT_CACHE_SIZE) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
      cache.set(sql, stmt);
      return stmt;
    },
  };
}

/**
 * Pragmas are per connection, so they are set on every open and read back: a build of SQLite that silently
 * ignored one would otherwise weaken durability without anyone noticing.
 */
export function applySqlitePragmas(sqlite: SQLite.Database, readonly = false): void {
  if (!readonly) {
    sqlite.pragma('journal_mode = WAL');
    // FULL: every commit is fsynced before it returns, so an audit event that was acknowledged survives power loss.
    sqlite.pragma('synchronous = FULL');
  }
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  if (readonly) return;
  const journal = sqlite.pragma('journal_mode', { simple: true });
  const sync = sqlite.pragma('synchronous', { simple: true });
  const fk = sqlite.pragma('foreign_keys', { simple: true });
  if (journal !== 'wal' || sync !== 2 || fk !== 1) {
    sqlite.close();
    throw new Error(
      `SQLite refused the required settings (journal_mode=${journal}, synchronous=${sync}, foreign_keys=${fk}).`,
    );
  }
}

async function openPostgres(target: Extract<DatabaseTarget, { kind: 'postgres' }>): Promise<OpenDatabase> {
  const schema = target.schema;
  if (schema) {
    // The schema must exist before pooled connections put it on their search_path.
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    try {
      await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    } catch (err) {
      // Two instances starting together race on the catalog even with IF NOT EXISTS; losing that race is fine.
      const code = (err as { code?: string }).code;
      if (code !== '23505' && code !== '42P06') throw err;
    } finally {
      await client.end();
    }
  }
  const pool = new pg.Pool({
    connectionString: target.url,
    max: target.poolSize ?? 10,
    ...(schema ? { options: `-c search_path="${schema}"` } : {}),
    // int8 columns hold epoch milliseconds and sequence numbers: both fit a JS number exactly.
    types: {
      getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
        oid === 20
          ? (value: string) => Number(value)
          : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
    },
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const url = new URL(target.url);
  url.password = '';
  return {
    db,
    readDb: db,
    dialect: 'postgres',
    location: `${url.host}${url.pathname}${schema ? ` (schema ${schema})` : ''}`,
    close: () => db.destroy(),
  };
}
