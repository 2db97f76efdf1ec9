// Runs a suite against both stores: SQLite in a temporary folder and PostgreSQL in a fresh schema.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import { systemClock } from '../core/clock.js';
import { Keyring } from '../crypto/keyring.js';
import { type DatabaseTarget, postgresTarget } from '../storage/database.js';
import { openStore } from '../storage/open-store.js';
import type { Store } from '../storage/store.js';
import { dropSchema, freshSchema, pgAvailable, urlWithSchema } from './postgres.js';

export type StoreKind = 'sqlite' | 'postgres';

/** A place for a store: created fresh, removed by `cleanup`. */
export interface StoreSite {
  kind: StoreKind;
  target: DatabaseTarget;
  /** For SQLite, the data folder; for PostgreSQL, a temporary folder for key and token files. */
  dir: string;
  /** For PostgreSQL, the DATABASE_URL with its schema. */
  databaseUrl?: string;
  cleanup(): Promise<void>;
}

/** Makes a fresh, empty site for a store of the given kind. */
export function newSite(kind: StoreKind): StoreSite {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-test-'));
  if (kind === 'sqlite') {
    return {
      kind,
      dir,
      target: { kind: 'sqlite', file: join(dir, 'latchkey.db') },
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const schema = freshSchema();
  const databaseUrl = urlWithSchema(schema);
  return {
    kind,
    dir,
    databaseUrl,
    target: postgresTarget(databaseUrl),
    cleanup: async () => {
      rmSync(dir, { recursive: true, force: true });
      await dropSchema(schema);
    },
  };
}

/** Opens a migrated store with a fixed keyring at a fresh site. */
export async function openTestStore(
  kind: StoreKind,
  keyring = Keyring.generate(),
): Promise<{ store: Store; site: StoreSite; keyring: Keyring }> {
  const site = newSite(kind);
  const { store } = await openStore(site.target, () => ({ keyring, sourceName: 'LATCHKEY_MASTER_KEY' }), systemClock);
  return { store, site, keyring };
}

/** The store kinds to run: PostgreSQL only when reachable (or required, see postgres.ts). */
export const storeKinds: StoreKind[] = pgAvailable ? ['sqlite', 'postgres'] : ['sqlite'];

/**
 * Declares `body` once per store kind, each with its own store opened before and closed after the block.
 * `get()` returns the open store inside tests.
 */
export function describeEachStore(
  title: string,
  body: (get: () => { store: Store; keyring: Keyring; site: StoreSite }, kind: StoreKind) => void,
): void {
  for (const kind of storeKinds) {
    describe(`${title} [${kind}]`, () => {
      let opened: { store: Store; keyring: Keyring; site: StoreSite } | undefined;
      beforeAll(async () => {
        opened = await openTestStore(kind);
      });
      afterAll(async () => {
        await opened?.store.close();
        await opened?.site.cleanup();
      });
      body(() => {
        if (!opened) throw new Error('store not open yet');
        return opened;
      }, kind);
    });
  }
}
