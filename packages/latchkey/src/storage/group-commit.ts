// Group commit for SQLite: write units that arrive together share one transaction and one fsync.
// Each unit runs inside its own savepoint, so one unit's failure rolls back only that unit. With
// synchronous=FULL every acknowledged unit is durable; batching only amortises the fsync, which would
// otherwise cap the whole server at a few thousand audited requests a second (ADR 0001).
import type { Kysely } from 'kysely';
import { AppError } from '../core/app-error.js';
import { registerDirectReader } from './direct-read.js';
import type { Database } from './schema.js';
import { UnitHookSet, type UnitHooks } from './unit-hooks.js';

type Unit = {
  fn: (db: Kysely<Database>, hooks: UnitHooks) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
};

/** Largest number of units one transaction carries; bounds the latency a batch adds. */
const MAX_BATCH = 256;

/** The writer connection, driven directly for transaction control and precompiled statements. */
export interface SqliteWriter {
  /** Runs one statement; returns its rows (for queries) and the number of rows it changed. */
  exec(sql: string, parameters?: readonly unknown[]): { rows: unknown[]; changes: number };
}

/** A queue of write units committed in batches. */
export interface GroupCommit {
  run<T>(fn: (db: Kysely<Database>, hooks: UnitHooks) => Promise<T>): Promise<T>;
  /** Resolves when every queued unit has been committed or refused. */
  drain(): Promise<void>;
}

function storageUnavailable(): AppError {
  return new AppError('STORAGE_UNAVAILABLE', 'The store could not commit the change; nothing was done.');
}

/** Builds a group-commit queue over the writer connection (`db` is Kysely over the same connection). */
export function createGroupCommit(db: Kysely<Database>, writer: SqliteWriter): GroupCommit {
  let queue: Unit[] = [];
  let running = false;
  let idle: (() => void)[] = [];

  function schedule(): void {
    if (running) return;
    if (queue.length === 0) {
      for (const wake of idle) wake();
      idle = [];
      return;
    }
    running = true;
    // setImmediate lets every request that is already readable enqueue its unit before the batch starts.
    setImmediate(() => {
      void flush().finally(() => {
        running = false;
        schedule();
      });
    });
  }

  async function flush(): Promise<void> {
    const batch = queue.slice(0, MAX_BATCH);
    queue = queue.slice(batch.length);
    // Kysely's single SQLite connection is reserved for the whole batch, so no other query interleaves;
    // the connection's own statements (BEGIN, SAVEPOINT, precompiled ones) are run on it directly.
    await db.connection().execute(async (conn) => {
      registerDirectReader(conn, (sql, parameters) => writer.exec(sql, parameters).rows);
      const beforeCommit = new Map<string, () => Promise<void>>();
      const hookSets = batch.map(() => new UnitHookSet(beforeCommit));
      const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
      const single = batch.length === 1;
      try {
        writer.exec('BEGIN IMMEDIATE');
      } catch {
        for (const unit of batch) unit.reject(storageUnavailable());
        return;
      }
      try {
        for (const [i, unit] of batch.entries()) {
          const hooks = hookSets[i] as UnitHookSet;
          // One unit needs no savepoint: its failure rolls back the whole (one-unit) transaction.
          if (!single) writer.exec('SAVEPOINT unit');
          try {
            outcomes.push({ ok: true, value: await unit.fn(conn, hooks) });
            if (!single) writer.exec('RELEASE unit');
          } catch (error) {
            if (single) throw error;
            writer.exec('ROLLBACK TO unit');
            writer.exec('RELEASE unit');
            hooks.rolledBack();
            outcomes.push({ ok: false, error });
          }
        }
        for (const fn of beforeCommit.values()) await fn();
        writer.exec('COMMIT');
      } catch (error) {
        try {
          writer.exec('ROLLBACK');
        } catch {
          // already rolled back by SQLite
        }
        for (const [i, unit] of batch.entries()) {
          if (outcomes[i]?.ok !== false) hookSets[i]?.rolledBack();
          unit.reject(single && outcomes.length === 0 ? error : storageUnavailable());
        }
        return;
      }
      batch.forEach((unit, i) => {
        const outcome = outcomes[i];
        if (outcome?.ok) {
          hookSets[i]?.committed();
          unit.resolve(outcome.value);
        } else unit.reject(outcome ? outcome.error : storageUnavailable());
      });
    });
  }

  return {
    run<T>(fn: (db: Kysely<Database>, hooks: UnitHooks) => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push({ fn, resolve: resolve as (value: unknown) => void, reject });
        schedule();
      });
    },
    drain() {
      if (!running && queue.length === 0) return Promise.resolve();
      return new Promise((resolve) => idle.push(resolve));
    },
  };
}
