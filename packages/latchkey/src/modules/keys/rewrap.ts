// Walking every stored data key: counting them by master key version, and rewrapping them under the primary
// version with guarded replacements, page by page, while the server keeps serving.
import type { Envelope } from '../../crypto/envelope.js';
import { wrappedKeyVersion } from '../../crypto/keyring.js';
import type { WrappedKeyStore } from './wrapped-key-store.js';

/** Passes over the stores at most: a row a concurrent write changed is picked up by the next pass. */
const MAX_PASSES = 5;

/** Counts stored data keys by the master key version that wraps them (0: not a wrapped key), across every store. */
export async function countDataKeysByVersion(
  stores: readonly WrappedKeyStore[],
  pageSize: number,
): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  for (const source of stores) {
    let after: string | null = null;
    for (;;) {
      const page = await source.page(after, pageSize);
      for (const row of page) {
        const v = wrappedKeyVersion(row.wrapped) ?? 0;
        counts.set(v, (counts.get(v) ?? 0) + 1);
      }
      if (page.length < pageSize) break;
      after = page[page.length - 1]?.id ?? null;
    }
  }
  return counts;
}

/** The running tally of a rewrap, updated in place so progress can be read while it runs. */
export interface RewrapTally {
  targetVersion: number;
  rewrapped: number;
  current: number;
  failed: number;
}

/**
 * Rewraps every data key not yet under `tally.targetVersion`. Rows a concurrent write changed are taken again on
 * the next pass; rows that cannot be unwrapped keep their wrapping and are counted as failed.
 * @throws Error when `stopping()` turns true, or rows keep changing for {@link MAX_PASSES} passes
 */
export async function rewrapDataKeys(
  stores: readonly WrappedKeyStore[],
  envelope: Envelope,
  tally: RewrapTally,
  options: { pageSize: number; stopping: () => boolean },
): Promise<void> {
  const { pageSize } = options;
  const failedIds = new Set<string>();
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    let raced = 0;
    for (const source of stores) {
      let after: string | null = null;
      for (;;) {
        if (options.stopping()) throw new Error('the server is shutting down; run the rotation again to finish it');
        const page = await source.page(after, pageSize);
        // One page's replacements go out together: SQLite's group commit puts them in one transaction, and
        // PostgreSQL spreads them over the pool. Requests keep being served between pages.
        const outcomes = await Promise.all(
          page.map(async (row) => {
            if (wrappedKeyVersion(row.wrapped) === tally.targetVersion) return 'current';
            const key = `${source.name}\0${row.id}`;
            if (failedIds.has(key)) return 'known-failure';
            let next: Buffer | null;
            try {
              next = envelope.rewrap(row.wrapped, row.context);
            } catch {
              failedIds.add(key);
              return 'failed';
            }
            if (next === null) return 'current';
            return (await source.replace(row.id, row.wrapped, next)) ? 'rewrapped' : 'raced';
          }),
        );
        for (const outcome of outcomes) {
          if (outcome === 'rewrapped') tally.rewrapped++;
          else if (outcome === 'failed') tally.failed++;
          else if (outcome === 'raced') raced++;
          else if (outcome === 'current' && pass === 0) tally.current++;
        }
        if (page.length < pageSize) break;
        after = page[page.length - 1]?.id ?? null;
      }
    }
    if (raced === 0) return;
  }
  throw new Error('rows kept changing under the rotation; run it again');
}
