// Conformance suite of the identity repository: the same assertions against SQLite and PostgreSQL.
import { expect, it } from 'vitest';
import { newId } from '../../crypto/ids.js';
import { hashSecret } from '../../crypto/tokens.js';
import type { AgentRecord } from '../../modules/identity/identity-repo.js';
import { describeEachStore } from '../../test-support/stores.js';
import type { Store } from '../store.js';

async function seedOrg(store: Store, name = `org-${Math.random().toString(36).slice(2, 8)}`) {
  return store.write(async (tx) => {
    const org = await tx.identity.ensureOrg({ id: newId('org'), name, createdAt: 1 });
    const human = await tx.identity.ensureHuman({ id: newId('hum'), orgId: org.id, name: 'alice', createdAt: 1 });
    return { org, human };
  });
}

function agentRecord(orgId: string, createdBy: string, name: string): AgentRecord {
  return {
    id: newId('agt'),
    orgId,
    name,
    description: null,
    status: 'active',
    createdBy,
    createdAt: 10,
    updatedAt: 10,
  };
}

describeEachStore('identity repository', (get) => {
  it('ensures orgs and humans idempotently', async () => {
    const { store } = get();
    const first = await seedOrg(store, 'acme');
    const again = await seedOrg(store, 'acme');
    expect(first.org.created).toBe(true);
    expect(again.org.created).toBe(false);
    expect(again.org.id).toBe(first.org.id);
    expect(again.human.id).toBe(first.human.id);
    expect(again.human.created).toBe(false);
  });

  it('inserts agents, refuses a duplicate name per org, and finds by id and name', async () => {
    const { store } = get();
    const { org, human } = await seedOrg(store);
    const other = await seedOrg(store);
    const a = agentRecord(org.id, human.id, 'billing-bot');
    expect(await store.write((tx) => tx.identity.insertAgent(a))).toBe(true);
    expect(await store.write((tx) => tx.identity.insertAgent({ ...a, id: newId('agt') }))).toBe(false);
    // The same name in another org is fine.
    expect(
      await store.write((tx) => tx.identity.insertAgent(agentRecord(other.org.id, other.human.id, 'billing-bot'))),
    ).toBe(true);
    expect(await store.read.identity.findAgentById(org.id, a.id)).toEqual(a);
    expect(await store.read.identity.findAgentByName(org.id, 'billing-bot')).toEqual(a);
    // Another org's id is invisible.
    expect(await store.read.identity.findAgentById(other.org.id, a.id)).toBeUndefined();
    expect(await store.read.identity.findHumanName(org.id, human.id)).toBe('alice');
  });

  it('lists agents in creation order with a cursor and a status filter', async () => {
    const { store } = get();
    const { org, human } = await seedOrg(store);
    const made: AgentRecord[] = [];
    for (let i = 0; i < 5; i++) {
      const a = agentRecord(org.id, human.id, `agent-${i}`);
      made.push(a);
      await store.write((tx) => tx.identity.insertAgent(a));
      await new Promise((r) => setTimeout(r, 2)); // ids are time-ordered to the millisecond
    }
    const page1 = await store.read.identity.listAgents(org.id, { limit: 2 });
    expect(page1.map((a) => a.name)).toEqual(['agent-0', 'agent-1']);
    const page2 = await store.read.identity.listAgents(org.id, { limit: 10, afterId: page1[1]?.id ?? '' });
    expect(page2.map((a) => a.name)).toEqual(['agent-2', 'agent-3', 'agent-4']);
    await store.write((tx) => tx.identity.transitionAgent(org.id, made[3]?.id ?? '', ['active'], 'suspended', 20));
    const suspended = await store.read.identity.listAgents(org.id, { limit: 10, status: 'suspended' });
    expect(suspended.map((a) => a.name)).toEqual(['agent-3']);
  });

  it('transitions status only from the allowed states (guarded update)', async () => {
    const { store } = get();
    const { org, human } = await seedOrg(store);
    const a = agentRecord(org.id, human.id, 'guarded');
    await store.write((tx) => tx.identity.insertAgent(a));
    const suspended = await store.write((tx) => tx.identity.transitionAgent(org.id, a.id, ['active'], 'suspended', 50));
    expect(suspended?.status).toBe('suspended');
    expect(suspended?.updatedAt).toBe(50);
    expect(
      await store.write((tx) => tx.identity.transitionAgent(org.id, a.id, ['active'], 'suspended', 60)),
    ).toBeUndefined();
    const revoked = await store.write((tx) =>
      tx.identity.transitionAgent(org.id, a.id, ['active', 'suspended'], 'revoked', 70),
    );
    expect(revoked?.status).toBe('revoked');
    expect(
      await store.write((tx) => tx.identity.transitionAgent(org.id, a.id, ['suspended'], 'active', 80)),
    ).toBeUndefined();
  });

  it('stores key hashes, finds credentials with the delegation chain, and revokes keys', async () => {
    const { store } = get();
    const { org, human } = await seedOrg(store);
    const a = agentRecord(org.id, human.id, 'keyed');
    const keyId = newId('key');
    const key2 = newId('key');
    await store.write(async (tx) => {
      await tx.identity.insertAgent(a);
      for (const id of [keyId, key2]) {
        await tx.identity.insertAgentKey({
          id,
          orgId: org.id,
          agentId: a.id,
          createdBy: human.id,
          createdAt: 5,
          expiresAt: id === key2 ? 1000 : null,
          revokedAt: null,
          secretHash: hashSecret(`secret-${id}`),
        });
      }
    });
    const cred = await store.read.identity.findAgentCredential(keyId);
    expect(cred?.agent).toEqual(a);
    expect(cred?.org.id).toBe(org.id);
    expect(cred?.creator).toEqual({ id: human.id, name: 'alice' });
    expect(Buffer.from(cred?.secretHash ?? []).equals(hashSecret(`secret-${keyId}`))).toBe(true);
    expect(await store.read.identity.findAgentCredential(newId('key'))).toBeUndefined();

    const keys = await store.read.identity.listAgentKeys(a.id);
    expect(keys.map((k) => k.id)).toEqual([keyId, key2].sort());
    expect(keys.find((k) => k.id === key2)?.expiresAt).toBe(1000);
    expect(keys[0]).not.toHaveProperty('secretHash');

    const revoked = await store.write((tx) => tx.identity.revokeAgentKey(a.id, keyId, 99));
    expect(revoked?.revokedAt).toBe(99);
    // Revoking again keeps the first revocation time.
    expect((await store.write((tx) => tx.identity.revokeAgentKey(a.id, keyId, 123)))?.revokedAt).toBe(99);
    expect(await store.write((tx) => tx.identity.revokeAgentKey(a.id, newId('key'), 1))).toBeUndefined();
    expect(await store.write((tx) => tx.identity.revokeAllAgentKeys(a.id, 200))).toBe(1);
    expect((await store.read.identity.findAgentCredential(key2))?.revokedAt).toBe(200);
  });

  it('answers credential lookups with the committed state, right after every change', async () => {
    const { store } = get();
    const { org, human } = await seedOrg(store);
    const a = agentRecord(org.id, human.id, 'fresh-reads');
    const keyId = newId('key');
    await store.write(async (tx) => {
      await tx.identity.insertAgent(a);
      await tx.identity.insertAgentKey({
        id: keyId,
        orgId: org.id,
        agentId: a.id,
        createdBy: human.id,
        createdAt: 1,
        expiresAt: null,
        revokedAt: null,
        secretHash: hashSecret('s'),
      });
    });
    // What a peek answers, when it answers, is what a read would: never a state a commit has replaced.
    const peekMatchesRead = async () => {
      const peeked = store.read.identity.peekAgentCredential(keyId);
      const read = await store.read.identity.findAgentCredential(keyId);
      if (peeked !== undefined) expect(peeked).toEqual(read);
      return read;
    };
    for (let i = 0; i < 3; i++) expect((await peekMatchesRead())?.agent.status).toBe('active');
    await store.write((tx) => tx.identity.transitionAgent(org.id, a.id, ['active'], 'suspended', 2));
    expect((await peekMatchesRead())?.agent.status).toBe('suspended');
    // A failed change leaves what was committed.
    await expect(
      store.write(async (tx) => {
        await tx.identity.transitionAgent(org.id, a.id, ['suspended'], 'active', 3);
        throw new Error('no');
      }),
    ).rejects.toThrow('no');
    expect((await peekMatchesRead())?.agent.status).toBe('suspended');
    await store.write((tx) => tx.identity.revokeAgentKey(a.id, keyId, 4));
    expect((await peekMatchesRead())?.revokedAt).toBe(4);
    expect(store.read.identity.peekAgentCredential(newId('key'))).toBeUndefined();
  });

  it('finds operator credentials with their human and org', async () => {
    const { store } = get();
    const { org, human } = await seedOrg(store);
    const tokenId = newId('opt');
    await store.write((tx) =>
      tx.identity.insertOperatorToken({
        id: tokenId,
        orgId: org.id,
        humanId: human.id,
        secretHash: hashSecret('s'),
        createdAt: 1,
      }),
    );
    const cred = await store.read.identity.findOperatorCredential(tokenId);
    expect(cred?.human).toEqual({ id: human.id, name: 'alice' });
    expect(cred?.org).toEqual({ id: org.id, name: org.name });
    expect(cred?.revokedAt).toBeNull();
  });

  it('rolls back a failed write entirely', async () => {
    const { store } = get();
    const { org, human } = await seedOrg(store);
    const a = agentRecord(org.id, human.id, 'rolled-back');
    await expect(
      store.write(async (tx) => {
        await tx.identity.insertAgent(a);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await store.read.identity.findAgentById(org.id, a.id)).toBeUndefined();
  });
});
