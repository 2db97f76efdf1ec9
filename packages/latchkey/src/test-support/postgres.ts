// PostgreSQL for tests: reachable or not, decided once per file. With LATCHKEY_TEST_REQUIRE_PG=1 (CI) an
// unreachable server fails the run instead of skipping the PostgreSQL half of the suites.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const TEST_DATABASE_URL = process.env.LATCHKEY_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function reachable(): Promise<boolean> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

export const pgAvailable = await reachable();

if (!pgAvailable && process.env.LATCHKEY_TEST_REQUIRE_PG === '1') {
  throw new Error(`PostgreSQL is required (LATCHKEY_TEST_REQUIRE_PG=1) but ${TEST_DATABASE_URL} is unreachable.`);
}

/** A fresh schema name for one test file or test. */
export function freshSchema(): string {
  return `lk_test_${randomBytes(6).toString('hex')}`;
}

/** A DATABASE_URL selecting a schema. */
export function urlWithSchema(schema: string): string {
  const url = new URL(TEST_DATABASE_URL);
  url.searchParams.set('schema', schema);
  return url.toString();
}

/** Drops a test schema and everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}
