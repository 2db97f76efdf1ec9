// Conformance suite of the vault and keys repositories: the same assertions against SQLite and PostgreSQL,
// including the guarded one-time updates under real concurrency.
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { newId } from '../../crypto/ids.js';
import type { SealedVaultItem } from '../../modules/vault/vault-repo.js';
import { describeEachStore } from '../../test-support/stores.js';
import type { Store } from '../store.js';

async function seedAgent(store: Store) {
  const suffix = Math.random().toString(36).slice(2, 8);
  return store.write(async (tx) => {
    const org = await tx.identity.ensureOrg({ id: newId('org'), name: `org-${suffix}`, createdAt: 1 });
    const human = await tx.identity.ensureHuman({ id: newId('hum'), orgId: org.id, name: 'alice', createdAt: 1 });
    const agentId = newId('agt');
    await tx.identity.insertAgent({
      id: agentId,
      orgId: org.id,
      name: `bot-${suffix}`,
      description: null,
      status: 'active',
      createdBy: human.id,
      createdAt: 1,
      updatedAt: 1,
    });
    return { orgId: org.id, agentId };
  });
}

function item(owner: { orgId: string; agentId: string }, name: string, over: Partial<SealedVaultItem> = {}) {
  const base: SealedVaultItem = {
    id: newId('itm'),
    orgId: owner.orgId,
    agentId: owner.agentId,
    name,
    type: 'login',
    url: 'https://example.com/login',
    otp: null,
    hotpCounter: null,
    backupCodesTotal: 0,
    backupCodesUsed: 0,
    createdAt: 100,
    updatedAt: 100,
    wrappedKey: randomBytes(68),
    secretsSealed: randomBytes(40),
    otpSealed: null,
    backupCodesSealed: null,
  };
  return { ...base, ...over };
}

const totpMeta = {
  kind: 'totp' as const,
  algorithm: 'SHA256' as const,
  digits: 8,
  period: 60,
  encoder: null,
  issuer: 'Example',
  account: 'bot@example.com',
};

describeEachStore('vault repository', (get) => {
  it('inserts, finds, lists in name order with a cursor and a type filter; names are unique per agent', async () => {
    const { store } = get();
    const a = await seedAgent(store);
    const b = await seedAgent(store);
    const github = item(a, 'github', { type: 'totp', otp: totpMeta, otpSealed: randomBytes(30) });
    expect(await store.write((tx) => tx.vault.insertItem(github))).toBe(true);
    expect(await store.write((tx) => tx.vault.insertItem(item(a, 'aws')))).toBe(true);
    expect(await store.write((tx) => tx.vault.insertItem(item(a, 'zoom', { type: 'secret' })))).toBe(true);
    expect(await store.write((tx) => tx.vault.insertItem(item(a, 'github')))).toBe(false);
    expect(await store.write((tx) => tx.vault.insertItem(item(b, 'github')))).toBe(true);

    const found = await store.read.vault.findItem(a.agentId, 'github');
    expect(found).toEqual({ ...github, totpLastStep: undefined });
    expect(found?.otp).toEqual(totpMeta);
    expect(found?.wrappedKey.equals(github.wrappedKey)).toBe(true);
    expect(await store.read.vault.findItem(b.agentId, 'aws')).toBeUndefined();

    const all = await store.read.vault.listItems(a.agentId, { limit: 10 });
    expect(all.map((i) => i.name)).toEqual(['aws', 'github', 'zoom']);
    // Listing returns metadata only: no ciphertext or wrapped key leaves through it.
    expect(Object.keys(all[0] ?? {})).not.toEqual(expect.arrayContaining(['wrappedKey']));
    expect(JSON.stringify(all)).not.toMatch(/wrapped|Sealed/);
    const page = await store.read.vault.listItems(a.agentId, { limit: 2, afterName: 'aws' });
    expect(page.map((i) => i.name)).toEqual(['github', 'zoom']);
    const secrets = await store.read.vault.listItems(a.agentId, { limit: 10, type: 'secret' });
    expect(secrets.map((i) => i.name)).toEqual(['zoom']);
  });

  it('replaces content in place, keeping id, creation time and replay state; deletes once', async () => {
    const { store } = get();
    const a = await seedAgent(store);
    const first = item(a, 'mail', { type: 'totp', otp: totpMeta, otpSealed: randomBytes(30) });
    await store.write((tx) => tx.vault.insertItem(first));
    expect(await store.write((tx) => tx.vault.acceptTotpStep(first.id, first.wrappedKey, 500))).toBe(true);
    const next = item(a, 'mail', { id: first.id, createdAt: 999, updatedAt: 200, url: null, type: 'login' });
    const replaced = await store.write((tx) => tx.vault.replaceItem(next));
    expect(replaced).toMatchObject({ id: first.id, createdAt: 100, updatedAt: 200, url: null, type: 'login' });
    const row = await store.read.vault.findItem(a.agentId, 'mail');
    expect(row?.wrappedKey.equals(next.wrappedKey)).toBe(true);
    // The replay state survived: step 500 and below stay refused under the new key.
    expect(await store.write((tx) => tx.vault.acceptTotpStep(first.id, next.wrappedKey, 500))).toBe(false);
    expect(await store.write((tx) => tx.vault.acceptTotpStep(first.id, next.wrappedKey, 501))).toBe(true);

    const gone = item(a, 'nope');
    expect(await store.write((tx) => tx.vault.replaceItem(gone))).toBeUndefined();
    expect(await store.write((tx) => tx.vault.deleteItem(a.agentId, 'mail'))).toMatchObject({ id: first.id });
    expect(await store.write((tx) => tx.vault.deleteItem(a.agentId, 'mail'))).toBeUndefined();
  });

  it('hands out HOTP counters exactly once each, under 40 concurrent takers', async () => {
    const { store } = get();
    const a = await seedAgent(store);
    const hotp = item(a, 'hotp', {
      type: 'totp',
      otp: { ...totpMeta, kind: 'hotp' },
      hotpCounter: 7,
      otpSealed: randomBytes(30),
    });
    await store.write((tx) => tx.vault.insertItem(hotp));
    const taken = await Promise.all(
      Array.from({ length: 40 }, () => store.write((tx) => tx.vault.takeHotpCounter(hotp.id))),
    );
    const counters = taken.map((t) => t?.counter).sort((x, y) => (x ?? 0) - (y ?? 0));
    expect(counters).toEqual(Array.from({ length: 40 }, (_, i) => 7 + i));
    expect(taken[0]?.otpSealed.equals(hotp.otpSealed ?? Buffer.alloc(0))).toBe(true);
    expect((await store.read.vault.findItem(a.agentId, 'hotp'))?.hotpCounter).toBe(47);
    // A TOTP item has no counter to take.
    const totp = item(a, 'totp', { type: 'totp', otp: totpMeta, otpSealed: randomBytes(30) });
    await store.write((tx) => tx.vault.insertItem(totp));
    expect(await store.write((tx) => tx.vault.takeHotpCounter(totp.id))).toBeUndefined();
  });

  it('accepts each TOTP step once, only moving forward, only for the key it was checked with', async () => {
    const { store } = get();
    const a = await seedAgent(store);
    const totp = item(a, 'totp', { type: 'totp', otp: totpMeta, otpSealed: randomBytes(30) });
    await store.write((tx) => tx.vault.insertItem(totp));
    const accept = (step: number, key = totp.wrappedKey) =>
      store.write((tx) => tx.vault.acceptTotpStep(totp.id, key, step));
    const racers = await Promise.all(Array.from({ length: 20 }, () => accept(1000)));
    expect(racers.filter(Boolean)).toHaveLength(1);
    expect(await accept(1000)).toBe(false);
    expect(await accept(999)).toBe(false);
    expect(await accept(1001, randomBytes(68))).toBe(false);
    expect(await accept(1001)).toBe(true);
  });

  it('hands out backup codes exactly once each: 50 concurrent takers of 10 codes get 10 distinct ones', async () => {
    const { store } = get();
    const a = await seedAgent(store);
    const codes = item(a, 'codes', { backupCodesTotal: 10, backupCodesSealed: randomBytes(50) });
    await store.write((tx) => tx.vault.insertItem(codes));
    const taken = await Promise.all(
      Array.from({ length: 50 }, () => store.write((tx) => tx.vault.takeBackupCode(codes.id))),
    );
    const won = taken.filter((t) => t !== undefined);
    expect(won).toHaveLength(10);
    expect(new Set(won.map((t) => t.index))).toEqual(new Set(Array.from({ length: 10 }, (_, i) => i)));
    expect(won.map((t) => t.remaining).sort((x, y) => x - y)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(await store.write((tx) => tx.vault.takeBackupCode(codes.id))).toBeUndefined();
    expect((await store.read.vault.findItem(a.agentId, 'codes'))?.backupCodesUsed).toBe(10);
  });

  it('pages wrapped keys in id order and replaces one only while it is unchanged', async () => {
    const { store } = get();
    const a = await seedAgent(store);
    const rows = [item(a, 'k1'), item(a, 'k2'), item(a, 'k3')];
    for (const r of rows) await store.write((tx) => tx.vault.insertItem(r));
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page = await store.read.vault.pageWrappedKeys(after, 2);
      if (page.length === 0) break;
      for (const p of page) seen.push(p.id);
      after = page[page.length - 1]?.id ?? null;
    }
    const ours = rows.map((r) => r.id);
    expect(seen.filter((id) => ours.includes(id))).toEqual([...ours].sort());
    expect(seen).toEqual([...seen].sort());
    const target = rows[1] as SealedVaultItem;
    const fresh = randomBytes(68);
    expect(await store.write((tx) => tx.vault.replaceWrappedKey(target.id, randomBytes(68), fresh))).toBe(false);
    expect(await store.write((tx) => tx.vault.replaceWrappedKey(target.id, target.wrappedKey, fresh))).toBe(true);
    expect((await store.read.vault.findItem(a.agentId, 'k2'))?.wrappedKey.equals(fresh)).toBe(true);
  });
});

describeEachStore('keys repository', (get) => {
  it('records check values once per version and deletes them', async () => {
    const { store, keyring } = get();
    expect(await store.read.keys.checkedVersions()).toEqual([keyring.primaryVersion]);
    await store.write((tx) => tx.keys.ensureKeyringCheck(7, randomBytes(32), 1));
    await store.write((tx) => tx.keys.ensureKeyringCheck(7, randomBytes(32), 2));
    expect(await store.read.keys.checkedVersions()).toEqual([1, 7]);
    await store.write((tx) => tx.keys.deleteKeyringCheck(7));
    expect(await store.read.keys.checkedVersions()).toEqual([1]);
  });

  it('keeps one report per instance and lists the live ones', async () => {
    const { store } = get();
    await store.write((tx) => tx.keys.reportHolder({ instanceId: 'a', primaryVersion: 1, versions: [1], seenAt: 100 }));
    await store.write((tx) =>
      tx.keys.reportHolder({ instanceId: 'a', primaryVersion: 2, versions: [2, 1], seenAt: 200 }),
    );
    await store.write((tx) => tx.keys.reportHolder({ instanceId: 'b', primaryVersion: 1, versions: [1], seenAt: 50 }));
    expect(await store.read.keys.liveHolders(100)).toEqual([
      { instanceId: 'a', primaryVersion: 2, versions: [2, 1], seenAt: 200 },
    ]);
    expect((await store.read.keys.liveHolders(0)).map((h) => h.instanceId)).toEqual(['a', 'b']);
    await store.write((tx) => tx.keys.removeHolder('a'));
    expect((await store.read.keys.liveHolders(0)).map((h) => h.instanceId)).toEqual(['b']);
  });
});
