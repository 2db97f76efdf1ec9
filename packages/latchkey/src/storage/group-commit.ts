// Group commit for SQLite: write units that arrive together share one transaction and one fsync.
// Each unit runs inside its own savepoint, so one unit's failure rolls back only that unit. With
// synchronous=FULL every acknowledged unit is durable; batching only amortises the fsync, which would
// otherwise cap the whole server at a few thousand audited requests a second.
import type { Kysely } from 'kysely';
import { AppError } from '../core/app-error.js';
import type { Database } from './schema.js';

type Unit = {
  fn: (db: Kysely<Database>) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (reason: unknown) => void;
};

/** Largest number of units one transaction carries; bounds the latency a batch adds. */
const MAX_BATCH = 256;

/** A queue of write units committed in batches. */
export interface GroupCommit {
  run<T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<T>;
  /** Resolves when every queued unit has been committed or refused. */
  drain(): Promise<void>;
}

function storageUnavailable(): AppError {
  return new AppError('STORAGE_UNAVAILABLE', 'The store could not commit the change; nothing was done.');
}

/** Builds a group-commit queue over one Kysely database. */
export function createGroupCommit(db: Kysely<Database>): GroupCommit {
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
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    let trx: Awaited<ReturnType<ReturnType<typeof db.startTransaction>['execute']>>;
    try {
      trx = await db.startTransaction().execute();
    } catch {
      for (const unit of batch) unit.reject(storageUnavailable());
      return;
    }
    try {
      if (batch.length === 1 && batch[0]) {
        // One unit: no savepoint needed; its failure rolls back the transaction.
        outcomes.push({ ok: true, value: await batch[0].fn(trx) });
      } else {
        for (const unit of batch) {
          const sp = await trx.savepoint('unit').execute();
          try {
            outcomes.push({ ok: true, value: await unit.fn(sp) });
            await sp.releaseSavepoint('unit').execute();
          } catch (error) {
            await sp.rollbackToSavepoint('unit').execute();
            await sp.releaseSavepoint('unit').execute();
            outcomes.push({ ok: false, error });
          }
        }
      }
      await trx.commit().execute();
    } catch (error) {
      await trx
        .rollback()
        .execute()
        .catch(() => undefined);
      const single = batch.length === 1 && outcomes.length === 0;
      for (const unit of batch) unit.reject(single ? error : storageUnavailable());
      return;
    }
    batch.forEach((unit, i) => {
      const outcome = outcomes[i];
      if (outcome?.ok) unit.resolve(outcome.value);
      else unit.reject(outcome ? outcome.error : storageUnavailable());
    });
  }

  return {
    run<T>(fn: (db: Kysely<Database>) => Promise<T>): Promise<T> {
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
