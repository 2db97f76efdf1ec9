// The store: every repository over one database, reads outside transactions and writes inside one.
import { type Kysely, sql } from 'kysely';
import type { Notifier } from '../core/notifier.js';
import type { Transactor } from '../core/transactor.js';
import type { AuditRepo } from '../modules/audit/audit-repo.js';
import type { IdentityRepo } from '../modules/identity/identity-repo.js';
import type { InboxRepo } from '../modules/inbox/inbox-repo.js';
import type { KeysRepo } from '../modules/keys/keys-repo.js';
import type { RelayRepo } from '../modules/relay/relay-repo.js';
import type { VaultRepo } from '../modules/vault/vault-repo.js';
import type { Dialect, OpenDatabase } from './database.js';
import { createGroupCommit } from './group-commit.js';
import { createLocalNotifier } from './notifier.js';
import { auditRepo } from './repos/audit-repo.js';
import { identityRepo } from './repos/identity-repo.js';
import { inboxRepo } from './repos/inbox-repo.js';
import { keysRepo } from './repos/keys-repo.js';
import { type MetaRepo, metaRepo } from './repos/meta-repo.js';
import { relayRepo } from './repos/relay-repo.js';
import { vaultRepo } from './repos/vault-repo.js';
import type { Database } from './schema.js';
import { createStoreCache, type StoreCache } from './store-cache.js';
import { UnitHookSet, type UnitHooks } from './unit-hooks.js';

/** Every repository the services use. */
export interface Repos {
  identity: IdentityRepo;
  audit: AuditRepo;
  meta: MetaRepo;
  vault: VaultRepo;
  keys: KeysRepo;
  inbox: InboxRepo;
  relay: RelayRepo;
}

/** The store handed to services (as a Transactor) and to the composition root. */
export interface Store extends Transactor<Repos> {
  readonly dialect: Dialect;
  readonly location: string;
  /** The raw handle, for storage-level tasks (migrations, notifications); services never see it. */
  readonly db: Kysely<Database>;
  /** Change signals between requests and instances (in-process for SQLite, LISTEN/NOTIFY for PostgreSQL). */
  readonly notifier: Notifier;
  /** Checks the database answers. */
  ping(): Promise<void>;
  /** Waits for queued writes, then closes the connection. */
  close(): Promise<void>;
}

/** What a repository knows about where it runs: a write unit's hooks, and the SQLite-only cache. */
export interface RepoContext {
  hooks: UnitHooks | null;
  cache: StoreCache | null;
}

/**
 * The repositories of one connection or write unit, each built on first use: a unit touches one or two of them, and
 * building all seven for every write was a measurable share of a TOTP request.
 */
class LazyRepos implements Repos {
  #identity?: Repos['identity'];
  #audit?: Repos['audit'];
  #meta?: Repos['meta'];
  #vault?: Repos['vault'];
  #keys?: Repos['keys'];
  #inbox?: Repos['inbox'];
  #relay?: Repos['relay'];

  constructor(
    private readonly db: Kysely<Database>,
    private readonly dialect: Dialect,
    private readonly ctx: RepoContext,
  ) {}

  get identity() {
    this.#identity ??= identityRepo(this.db, this.dialect, this.ctx);
    return this.#identity;
  }
  get audit() {
    this.#audit ??= auditRepo(this.db, this.dialect, this.ctx);
    return this.#audit;
  }
  get meta() {
    this.#meta ??= metaRepo(this.db);
    return this.#meta;
  }
  get vault() {
    this.#vault ??= vaultRepo(this.db, this.dialect);
    return this.#vault;
  }
  get keys() {
    this.#keys ??= keysRepo(this.db);
    return this.#keys;
  }
  get inbox() {
    this.#inbox ??= inboxRepo(this.db);
    return this.#inbox;
  }
  get relay() {
    this.#relay ??= relayRepo(this.db);
    return this.#relay;
  }
}

function reposOf(db: Kysely<Database>, dialect: Dialect, ctx: RepoContext): Repos {
  return new LazyRepos(db, dialect, ctx);
}

/** Builds the store over an open database. */
export function createStore(open: OpenDatabase, notifier: Notifier = createLocalNotifier()): Store {
  const { db, dialect } = open;
  const cache = open.sqliteWriter ? createStoreCache() : null;
  const group = open.sqliteWriter ? createGroupCommit(db, open.sqliteWriter) : null;
  return {
    dialect,
    location: open.location,
    db,
    notifier,
    read: reposOf(open.readDb, dialect, { hooks: null, cache }),
    async write(fn) {
      if (group) return group.run((trx, hooks) => fn(reposOf(trx, dialect, { hooks, cache })));
      const before = new Map<string, () => Promise<void>>();
      const hooks = new UnitHookSet(before);
      try {
        const value = await db.transaction().execute(async (trx) => {
          const result = await fn(reposOf(trx, dialect, { hooks, cache: null }));
          for (const run of before.values()) await run();
          return result;
        });
        hooks.committed();
        return value;
      } catch (err) {
        hooks.rolledBack();
        throw err;
      }
    },
    async ping() {
      await sql`select 1`.execute(db);
    },
    async close() {
      await group?.drain();
      await notifier.close();
      await open.close();
    },
  };
}
