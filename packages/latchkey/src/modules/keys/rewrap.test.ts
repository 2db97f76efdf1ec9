// Unit tests of the rewrap walk over an in-memory table of wrapped keys: pages, races, failures, stopping.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createEnvelope, type EnvelopeContext } from '../../crypto/envelope.js';
import { Keyring, wrappedKeyVersion } from '../../crypto/keyring.js';
import { countDataKeysByVersion, rewrapDataKeys } from './rewrap.js';
import type { WrappedKeyStore } from './wrapped-key-store.js';

function table(rows: number, wrap: (ctx: EnvelopeContext) => Buffer) {
  const data = new Map<string, { context: EnvelopeContext; wrapped: Buffer }>();
  for (let i = 0; i < rows; i++) {
    const id = `row-${String(i).padStart(4, '0')}`;
    const context = { scope: 'test', orgId: 'o', ownerId: 'a', objectId: id };
    data.set(id, { context, wrapped: wrap(context) });
  }
  let interfere: ((id: string) => void) | null = null;
  const store: WrappedKeyStore = {
    name: 'test rows',
    async page(afterId, limit) {
      return [...data.entries()]
        .filter(([id]) => afterId === null || id > afterId)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .slice(0, limit)
        .map(([id, r]) => ({ id, context: r.context, wrapped: r.wrapped }));
    },
    async replace(id, previous, next) {
      interfere?.(id);
      const row = data.get(id);
      if (!row?.wrapped.equals(previous)) return false;
      row.wrapped = next;
      return true;
    },
  };
  return { data, store, onReplace: (fn: (id: string) => void) => (interfere = fn) };
}

describe('rewrapDataKeys', () => {
  it('moves every row to the primary across pages, takes raced rows again, and counts what it cannot open', async () => {
    const v1 = Keyring.generate();
    let ring = v1;
    const envelope = createEnvelope(() => ring);
    const t = table(25, (ctx) => envelope.newDataKey(ctx).wrapped);
    ring = v1.withNewPrimary();
    t.data.set('row-0003', {
      ...(t.data.get('row-0003') ?? { context: { scope: 's', orgId: 'o', ownerId: 'a', objectId: 'x' } }),
      wrapped: randomBytes(68),
    });
    // A concurrent write replaces row 10 (still under v1) the first time the walk tries it.
    let raced = false;
    t.onReplace((id) => {
      if (id === 'row-0010' && !raced) {
        raced = true;
        const row = t.data.get(id);
        if (row) row.wrapped = createEnvelope(() => v1).newDataKey(row.context).wrapped;
      }
    });
    expect(await countDataKeysByVersion([t.store], 7)).toEqual(
      new Map([
        [1, 24],
        [0, 1],
      ]),
    );
    const tally = { targetVersion: 2, rewrapped: 0, current: 0, failed: 0 };
    await rewrapDataKeys([t.store], envelope, tally, { pageSize: 7, stopping: () => false });
    expect(raced).toBe(true);
    expect(tally.failed).toBe(1);
    expect(tally.rewrapped).toBe(24);
    const versions = [...t.data.values()].map((r) => wrappedKeyVersion(r.wrapped));
    expect(versions.filter((v) => v === 2)).toHaveLength(24);
    expect(await countDataKeysByVersion([t.store], 7)).toEqual(
      new Map([
        [2, 24],
        [0, 1],
      ]),
    );
  });

  it('stops at a page boundary when asked', async () => {
    const ring = Keyring.generate();
    const envelope = createEnvelope(() => ring);
    const t = table(3, (ctx) => envelope.newDataKey(ctx).wrapped);
    const tally = { targetVersion: 9, rewrapped: 0, current: 0, failed: 0 };
    await expect(rewrapDataKeys([t.store], envelope, tally, { pageSize: 2, stopping: () => true })).rejects.toThrow(
      /shutting down/,
    );
  });
});
