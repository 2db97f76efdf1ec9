// Conformance of change signals: delivered to subscribers on both stores, and across instances on PostgreSQL.
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../core/clock.js';
import { pgAvailable } from '../../test-support/postgres.js';
import { describeEachStore, newSite } from '../../test-support/stores.js';
import { openStore } from '../open-store.js';

function next(subscribe: (l: (p: string | null) => void) => () => void): Promise<string | null> {
  return new Promise((resolve) => {
    const off = subscribe((payload) => {
      off();
      resolve(payload);
    });
  });
}

describeEachStore('notifier', (get) => {
  it('delivers a published payload to subscribers of that channel only', async () => {
    const { notifier } = get().store;
    const other: (string | null)[] = [];
    const offOther = notifier.subscribe('other', (p) => other.push(p));
    const got = next((l) => notifier.subscribe('inbox:agt_1', l));
    await notifier.publish('inbox:agt_1', 'msg_123');
    expect(await got).toBe('msg_123');
    offOther();
    expect(other).toEqual([]);
  });

  it('refuses oversized payloads', async () => {
    await expect(get().store.notifier.publish('c', 'x'.repeat(5000))).rejects.toThrow();
  });
});

describe.skipIf(!pgAvailable)('notifier across PostgreSQL instances', () => {
  it('a signal published by one instance reaches another', async () => {
    const site = newSite('postgres');
    const keyring = (await import('../../crypto/keyring.js')).Keyring.generate();
    const source = () => ({ keyring, sourceName: 'LATCHKEY_MASTER_KEY' });
    const a = await openStore(site.target, source, systemClock);
    const b = await openStore(site.target, source, systemClock);
    try {
      const got = next((l) => b.store.notifier.subscribe('relay:rly_1', l));
      await a.store.notifier.publish('relay:rly_1', 'approved');
      expect(await got).toBe('approved');
    } finally {
      await a.store.close();
      await b.store.close();
      await site.cleanup();
    }
  });
});
