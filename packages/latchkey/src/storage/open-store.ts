// Opening a store safely: check the master key against an existing store BEFORE anything is written to it,
// then migrate, then record check values for new key versions.
import { existsSync, rmSync, statSync } from 'node:fs';
import { CompiledQuery } from 'kysely';
import pg from 'pg';
import type { Keyring } from '../crypto/keyring.js';
import { MasterKeyError } from '../crypto/keyring.js';
import { type DatabaseTarget, openDatabase } from './database.js';
import { migrateToLatest, storeExists } from './migrate.js';
import { createLocalNotifier, createPostgresNotifier } from './notifier.js';
import { createStore, type Store } from './store.js';

/** What was found and done while opening. */
export interface OpenedStore {
  store: Store;
  /** True when the store held no Latchkey data before this start. */
  created: boolean;
}

/**
 * Opens the store at `target`. `keyringFor(exists)` supplies the keyring once it is known whether the store
 * already exists. An existing store whose key does not match refuses with a MasterKeyError naming
 * `keySource`, and its files are left as they were: SQLite is opened read-only for the check.
 */
export async function openStore(
  target: DatabaseTarget,
  keyringFor: (exists: boolean) => { keyring: Keyring; sourceName: string },
  clock: { now(): number },
): Promise<OpenedStore> {
  let exists: boolean;
  if (target.kind === 'sqlite') {
    exists = existsSync(target.file);
    if (exists) {
      // A read-only connection to a WAL database creates empty -wal and -shm files; remove the ones this check
      // created, so a refused start leaves the data folder exactly as it found it.
      const sidecars = [`${target.file}-wal`, `${target.file}-shm`].filter((f) => !existsSync(f));
      const ro = await openDatabase({ kind: 'sqlite', file: target.file, readonly: true });
      try {
        exists = await storeExists(ro.db, 'sqlite');
        if (exists) {
          const { keyring, sourceName } = keyringFor(true);
          await assertKeyMatches(createStore(ro), keyring, sourceName);
        }
      } finally {
        await ro.close();
        const wal = `${target.file}-wal`;
        if (!existsSync(wal) || statSync(wal).size === 0) for (const f of sidecars) rmSync(f, { force: true });
      }
    }
  } else {
    exists = false;
  }

  const open = await openDatabase(target);
  let store: Store;
  try {
    const notifier =
      target.kind === 'postgres'
        ? await createPostgresNotifier({
            connectionString: target.url,
            storeKey: target.schema ?? 'public',
            query: (text, values) => open.db.executeQuery(CompiledQuery.raw(text, values)),
          })
        : createLocalNotifier();
    store = createStore(open, notifier);
  } catch (err) {
    await open.close();
    throw err;
  }
  try {
    if (target.kind === 'postgres') {
      exists = await storeExists(open.db, 'postgres');
      if (exists) {
        const { keyring, sourceName } = keyringFor(true);
        await assertKeyMatches(store, keyring, sourceName);
      }
    }
    const { keyring, sourceName } = keyringFor(exists);
    if (target.kind === 'postgres') {
      // Kysely creates its bookkeeping tables before taking its own lock, and concurrent CREATE TABLE IF NOT
      // EXISTS can collide in PostgreSQL's catalog: hold a session lock around the whole migration.
      await withPostgresLock(target.url, `latchkey-migrate:${target.schema ?? 'public'}`, () =>
        migrateToLatest(open.db, open.dialect, target.schema),
      );
    } else {
      await migrateToLatest(open.db, open.dialect);
    }
    await store.write(async (tx) => {
      const now = clock.now();
      for (const version of keyring.versions) {
        await tx.meta.ensureKeyringCheck(version, keyring.checkValue(version), now);
      }
    });
    // Two instances creating a new store at once each bring a key; the check rows decide which one the store
    // belongs to, and the other refuses here instead of writing data nobody could decrypt.
    await assertKeyMatches(store, keyring, sourceName);
    await store.write((tx) => tx.meta.ensureMeta('store_id', `store-${clock.now().toString(36)}`));
    return { store, created: !exists };
  } catch (err) {
    await store.close();
    throw err;
  }
}

/** Runs `fn` while holding a PostgreSQL advisory lock named `name` on a dedicated connection. */
async function withPostgresLock<T>(url: string, name: string, fn: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock(hashtext($1))', [name]);
    return await fn();
  } finally {
    await client.end();
  }
}

async function assertKeyMatches(store: Store, keyring: Keyring, sourceName: string): Promise<void> {
  const checks = await store.read.meta.keyringChecks();
  for (const { version, checkValue } of checks) {
    if (!keyring.versions.includes(version)) {
      throw new MasterKeyError(
        `${sourceName} lacks master key version ${version}, which this store still uses. Add it back ` +
          `(e.g. "${keyring.primaryVersion}:<new>,${version}:<old>"). Nothing was changed.`,
      );
    }
    if (!keyring.matchesCheck(version, checkValue)) {
      throw new MasterKeyError(
        `${sourceName} does not match this store (master key version ${version} is wrong). Nothing was changed.`,
      );
    }
  }
}
