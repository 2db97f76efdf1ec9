// Conformance of the inbox repository: the same assertions on SQLite and PostgreSQL.
import { randomBytes } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { newId } from '../../crypto/ids.js';
import type { MessageWithBody } from '../../modules/inbox/inbox-repo.js';
import { describeEachStore } from '../../test-support/stores.js';

describeEachStore('inbox repository', (get) => {
  const t0 = Date.UTC(2026, 2, 1);
  let orgId = '';
  let humanId = '';
  let agentA = '';
  let agentB = '';

  async function addAgent(name: string, status: 'active' | 'suspended' | 'revoked' = 'active', org = orgId) {
    const id = newId('agt');
    await get().store.write((tx) =>
      tx.identity.insertAgent({
        id,
        orgId: org,
        name,
        description: null,
        status,
        createdBy: humanId,
        createdAt: t0,
        updatedAt: t0,
      }),
    );
    return id;
  }

  function message(agentId: string, receivedAt: number, over: Partial<MessageWithBody> = {}): MessageWithBody {
    return {
      id: newId('msg', receivedAt),
      orgId,
      agentId,
      channel: 'email',
      receivedAt,
      readAt: null,
      size: 120,
      spf: 'pass',
      dkim: 'none',
      dmarc: 'none',
      verdict: 'neutral',
      hasCode: false,
      hasLink: false,
      wrappedKey: randomBytes(60),
      summary: randomBytes(40),
      body: randomBytes(80),
      ...over,
    };
  }

  beforeAll(async () => {
    const { store } = get();
    await store.write(async (tx) => {
      const org = await tx.identity.ensureOrg({ id: newId('org'), name: 'inbox-org', createdAt: t0 });
      orgId = org.id;
      humanId = (await tx.identity.ensureHuman({ id: newId('hum'), orgId, name: 'ops', createdAt: t0 })).id;
    });
    agentA = await addAgent('mail-a');
    agentB = await addAgent('mail-b');
  });

  it('stores messages and lists one agent newest first, with filters and a cursor', async () => {
    const { store } = get();
    const rows = [
      message(agentA, t0 + 1000),
      message(agentA, t0 + 2000, { channel: 'sms', hasCode: true }),
      message(agentA, t0 + 3000, { hasLink: true }),
      message(agentB, t0 + 4000),
    ];
    for (const row of rows) await store.write((tx) => tx.inbox.insertMessage(row));
    const all = await store.read.inbox.listMessages(orgId, agentA, { limit: 10 });
    expect(all.map((m) => m.id)).toEqual([rows[2]?.id, rows[1]?.id, rows[0]?.id]);
    expect(all[0]).toMatchObject({ channel: 'email', hasLink: true, hasCode: false, readAt: null, size: 120 });
    expect(Buffer.compare(all[0]?.summary ?? Buffer.alloc(0), rows[2]?.summary ?? Buffer.alloc(1))).toBe(0);
    expect('body' in (all[0] ?? {})).toBe(false);

    const page = await store.read.inbox.listMessages(orgId, agentA, { limit: 10, beforeId: rows[2]?.id ?? '' });
    expect(page.map((m) => m.id)).toEqual([rows[1]?.id, rows[0]?.id]);
    expect((await store.read.inbox.listMessages(orgId, agentA, { limit: 10, since: t0 + 2000 })).length).toBe(2);
    expect((await store.read.inbox.listMessages(orgId, agentA, { limit: 10, channel: 'sms' })).length).toBe(1);
    expect((await store.read.inbox.listMessages(orgId, agentA, { limit: 10, hasCode: true }))[0]?.id).toBe(rows[1]?.id);
    expect((await store.read.inbox.listMessages(orgId, agentA, { limit: 10, hasLink: true }))[0]?.id).toBe(rows[2]?.id);

    const found = await store.read.inbox.findMessage(orgId, agentA, rows[0]?.id ?? '');
    expect(Buffer.compare(found?.body ?? Buffer.alloc(0), rows[0]?.body ?? Buffer.alloc(1))).toBe(0);
    // Another agent's message is not found through this agent, nor through another org.
    expect(await store.read.inbox.findMessage(orgId, agentA, rows[3]?.id ?? '')).toBeUndefined();
    expect(await store.read.inbox.findMessage('org_other', agentB, rows[3]?.id ?? '')).toBeUndefined();
  });

  it('marks read once, keeps the first time, and filters unread', async () => {
    const { store } = get();
    const row = message(agentB, t0 + 10_000);
    await store.write((tx) => tx.inbox.insertMessage(row));
    const first = await store.write((tx) => tx.inbox.markRead(orgId, agentB, row.id, t0 + 11_000));
    const second = await store.write((tx) => tx.inbox.markRead(orgId, agentB, row.id, t0 + 12_000));
    expect(first?.readAt).toBe(t0 + 11_000);
    expect(second?.readAt).toBe(t0 + 11_000);
    expect(await store.write((tx) => tx.inbox.markRead(orgId, agentA, row.id, t0))).toBeUndefined();
    const unread = await store.read.inbox.listMessages(orgId, agentB, { limit: 50, unreadOnly: true });
    expect(unread.map((m) => m.id)).not.toContain(row.id);
  });

  it('deletes one message for its agent only, and old messages in bounded batches', async () => {
    const { store } = get();
    const agent = await addAgent('mail-retention');
    const old = [message(agent, t0 - 5000), message(agent, t0 - 4000), message(agent, t0 - 3000)];
    const fresh = message(agent, t0 + 50_000);
    for (const row of [...old, fresh]) await store.write((tx) => tx.inbox.insertMessage(row));
    expect(await store.write((tx) => tx.inbox.deleteMessage(orgId, agentA, fresh.id))).toBe(false);
    expect(await store.write((tx) => tx.inbox.deleteMessage(orgId, agent, old[0]?.id ?? ''))).toBe(true);
    expect(await store.write((tx) => tx.inbox.deleteMessage(orgId, agent, old[0]?.id ?? ''))).toBe(false);
    expect(await store.write((tx) => tx.inbox.deleteMessagesBefore(t0 - 1000, 1))).toBe(1);
    expect(await store.write((tx) => tx.inbox.deleteMessagesBefore(t0 - 1000, 10))).toBe(1);
    expect(await store.write((tx) => tx.inbox.deleteMessagesBefore(t0 - 1000, 10))).toBe(0);
    const left = await store.read.inbox.listMessages(orgId, agent, { limit: 10 });
    expect(left.map((m) => m.id)).toEqual([fresh.id]);
  });

  it('finds mail recipients by name across orgs, never revoked ones', async () => {
    const { store } = get();
    await addAgent('mail-revoked', 'revoked');
    await addAgent('mail-suspended', 'suspended');
    expect(await store.read.inbox.findRecipientsByName('mail-a')).toEqual([{ agentId: agentA, orgId }]);
    expect(await store.read.inbox.findRecipientsByName('mail-revoked')).toEqual([]);
    expect(await store.read.inbox.findRecipientsByName('mail-suspended')).toHaveLength(1);
    const other = await store.write((tx) =>
      tx.identity.ensureOrg({ id: newId('org'), name: 'inbox-org-2', createdAt: t0 }),
    );
    await addAgent('mail-a', 'active', other.id);
    expect(await store.read.inbox.findRecipientsByName('mail-a')).toHaveLength(2);
  });

  it('maps a phone number to one agent in the whole store', async () => {
    const { store } = get();
    const record = {
      id: newId('num'),
      orgId,
      agentId: agentA,
      number: '+14155550100',
      createdBy: humanId,
      createdAt: t0,
    };
    expect(await store.write((tx) => tx.inbox.insertPhoneNumber(record))).toBe(true);
    const again = { ...record, id: newId('num'), agentId: agentB };
    expect(await store.write((tx) => tx.inbox.insertPhoneNumber(again))).toBe(false);
    expect(await store.read.inbox.listPhoneNumbers(orgId, agentA)).toEqual([record]);
    expect(await store.read.inbox.findRecipientByNumber('+14155550100')).toEqual({
      agentId: agentA,
      orgId,
      number: '+14155550100',
    });
    expect(await store.write((tx) => tx.inbox.deletePhoneNumber(orgId, agentB, record.id))).toBeUndefined();
    expect(await store.write((tx) => tx.inbox.deletePhoneNumber(orgId, agentA, record.id))).toEqual(record);
    expect(await store.read.inbox.findRecipientByNumber('+14155550100')).toBeUndefined();
  });

  it('does not route a number to a revoked agent', async () => {
    const { store } = get();
    const revoked = await addAgent('sms-revoked', 'revoked');
    const record = {
      id: newId('num'),
      orgId,
      agentId: revoked,
      number: '+14155550199',
      createdBy: humanId,
      createdAt: t0,
    };
    await store.write((tx) => tx.inbox.insertPhoneNumber(record));
    expect(await store.read.inbox.findRecipientByNumber('+14155550199')).toBeUndefined();
  });

  it('claims a webhook id once, atomically, and forgets it after it expires', async () => {
    const { store } = get();
    const claims = await Promise.all(
      Array.from({ length: 8 }, () => store.write((tx) => tx.inbox.claimWebhook('test', 'msg_1', t0 + 1000))),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await store.write((tx) => tx.inbox.claimWebhook('other', 'msg_1', t0 + 1000))).toBe(true);
    expect(await store.write((tx) => tx.inbox.pruneWebhookClaims(t0 + 500))).toBe(0);
    expect(await store.write((tx) => tx.inbox.pruneWebhookClaims(t0 + 2000))).toBe(2);
    expect(await store.write((tx) => tx.inbox.claimWebhook('test', 'msg_1', t0 + 9000))).toBe(true);
  });

  it('pages wrapped keys in id order and replaces one only if unchanged', async () => {
    const { store } = get();
    const first = await store.read.inbox.pageWrappedKeys(null, 2);
    expect(first).toHaveLength(2);
    expect((first[0]?.id ?? '') < (first[1]?.id ?? '')).toBe(true);
    const next = await store.read.inbox.pageWrappedKeys(first[1]?.id ?? null, 100);
    expect(next.every((r) => r.id > (first[1]?.id ?? ''))).toBe(true);
    const row = first[0];
    if (!row) throw new Error('no rows');
    const fresh = randomBytes(60);
    expect(await store.write((tx) => tx.inbox.replaceWrappedKey(row.id, randomBytes(60), fresh))).toBe(false);
    expect(await store.write((tx) => tx.inbox.replaceWrappedKey(row.id, row.wrappedKey, fresh))).toBe(true);
    const after = await store.read.inbox.pageWrappedKeys(null, 1);
    expect(Buffer.compare(after[0]?.wrappedKey ?? Buffer.alloc(0), fresh)).toBe(0);
  });
});
