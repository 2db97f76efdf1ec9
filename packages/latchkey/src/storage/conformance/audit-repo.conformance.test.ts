// Conformance suite of the audit repository and chain: both stores, including concurrent appenders.
import { expect, it } from 'vitest';
import { fakeClock } from '../../core/clock.js';
import { createAuditLog } from '../../modules/audit/audit-log.js';
import { GENESIS_HASH } from '../../modules/audit/chain.js';
import { describeEachStore } from '../../test-support/stores.js';

const clock = fakeClock(Date.UTC(2026, 5, 1));
const log = createAuditLog({ clock });

function event(orgId: string, action: string, agentId: string | null = null) {
  return {
    orgId,
    actor: { type: 'human' as const, id: 'hum_x', name: 'alice' },
    delegationChain: [{ type: 'human' as const, id: 'hum_x', name: 'alice' }],
    action,
    target: { type: 'agent', id: agentId ?? 'none' },
    outcome: 'success' as const,
    agentId,
    requestId: 'req_1',
  };
}

describeEachStore('audit repository', (get) => {
  it('chains events from the genesis hash and moves the head', async () => {
    const { store } = get();
    const org = `org_chain_${Math.random()}`;
    expect(await store.read.audit.head(org)).toBeUndefined();
    const e1 = await store.write((tx) => log.append(tx, event(org, 'agent.create')));
    const e2 = await store.write((tx) => log.append(tx, event(org, 'agent.suspend')));
    expect(e1.seq).toBe(1);
    expect(e1.prevHash).toBe(GENESIS_HASH);
    expect(e2.seq).toBe(2);
    expect(e2.prevHash).toBe(e1.hash);
    expect(await store.read.audit.head(org)).toEqual({ seq: 2, hash: e2.hash });
    const scanned = await store.read.audit.scan(org, 0, 10);
    expect(scanned).toEqual([e1, e2]);
  });

  it('keeps one chain per org', async () => {
    const { store } = get();
    const a = `org_a_${Math.random()}`;
    const b = `org_b_${Math.random()}`;
    await store.write((tx) => log.append(tx, event(a, 'x.one')));
    const b1 = await store.write((tx) => log.append(tx, event(b, 'x.one')));
    expect(b1.seq).toBe(1);
    expect((await store.read.audit.list(a, { limit: 10 })).length).toBe(1);
  });

  it('lists newest first with agent, action-prefix, since and cursor filters', async () => {
    const { store } = get();
    const org = `org_list_${Math.random()}`;
    for (const [i, action] of ['agent.create', 'agent.suspend', 'vault.get', 'agent.resume'].entries()) {
      clock.set(Date.UTC(2026, 5, 1) + i * 1000);
      await store.write((tx) => log.append(tx, event(org, action, i % 2 === 0 ? 'agt_even' : 'agt_odd')));
    }
    const all = await store.read.audit.list(org, { limit: 10 });
    expect(all.map((e) => e.seq)).toEqual([4, 3, 2, 1]);
    expect((await store.read.audit.list(org, { limit: 10, action: 'agent.' })).map((e) => e.seq)).toEqual([4, 2, 1]);
    expect((await store.read.audit.list(org, { limit: 10, action: 'vault.get' })).map((e) => e.seq)).toEqual([3]);
    expect((await store.read.audit.list(org, { limit: 10, agentId: 'agt_even' })).map((e) => e.seq)).toEqual([3, 1]);
    expect(
      (await store.read.audit.list(org, { limit: 10, sinceMs: Date.UTC(2026, 5, 1) + 2000 })).map((e) => e.seq),
    ).toEqual([4, 3]);
    expect((await store.read.audit.list(org, { limit: 2, beforeSeq: 4 })).map((e) => e.seq)).toEqual([3, 2]);
  });

  it('never forks the chain under concurrent appends', async () => {
    const { store } = get();
    const org = `org_race_${Math.random()}`;
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => store.write((tx) => log.append(tx, event(org, `race.${i}`)))),
    );
    const events = await store.read.audit.scan(org, 0, 100);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    for (let i = 1; i < events.length; i++) expect(events[i]?.prevHash).toBe(events[i - 1]?.hash);
  });

  it('keeps the chain whole when some units of a batch fail', async () => {
    const { store } = get();
    const org = `org_mix_${Math.random()}`;
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) =>
        store.write(async (tx) => {
          await log.append(tx, event(org, `mix.${i}`));
          if (i % 3 === 1) throw new Error('unit fails');
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(20);
    const events = await store.read.audit.scan(org, 0, 100);
    expect(events.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const kept = Array.from({ length: 30 }, (_, i) => i).filter((i) => i % 3 !== 1);
    expect(events.map((e) => e.action).sort()).toEqual(kept.map((i) => `mix.${i}`).sort());
    for (let i = 1; i < events.length; i++) expect(events[i]?.prevHash).toBe(events[i - 1]?.hash);
    const last = events[events.length - 1];
    expect(await store.read.audit.head(org)).toEqual({ seq: 20, hash: last?.hash });
    const next = await store.write((tx) => log.append(tx, event(org, 'after')));
    expect(next.seq).toBe(21);
    expect(next.prevHash).toBe(last?.hash);
  });

  it('rolls the event back with a failed change', async () => {
    const { store } = get();
    const org = `org_rb_${Math.random()}`;
    await expect(
      store.write(async (tx) => {
        await log.append(tx, event(org, 'doomed'));
        throw new Error('change failed');
      }),
    ).rejects.toThrow('change failed');
    expect(await store.read.audit.head(org)).toBeUndefined();
    expect(await store.read.audit.list(org, { limit: 10 })).toEqual([]);
  });
});
