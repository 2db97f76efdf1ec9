// Conformance suite of the relay repository: the same assertions against SQLite and PostgreSQL, including the
// one-time claim under contention (within one store, and across two PostgreSQL instances sharing a schema).
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../core/clock.js';
import { newId } from '../../crypto/ids.js';
import { Keyring } from '../../crypto/keyring.js';
import type { NewRelayRequest, SealedCapture } from '../../modules/relay/relay-repo.js';
import { pgAvailable } from '../../test-support/postgres.js';
import { describeEachStore, newSite } from '../../test-support/stores.js';
import { openStore } from '../open-store.js';
import type { Store } from '../store.js';

const T0 = Date.UTC(2026, 0, 1);

async function seed(store: Store) {
  const suffix = Math.random().toString(36).slice(2, 8);
  return store.write(async (tx) => {
    const org = await tx.identity.ensureOrg({ id: newId('org'), name: `org-${suffix}`, createdAt: 1 });
    const human = await tx.identity.ensureHuman({ id: newId('hum'), orgId: org.id, name: `h-${suffix}`, createdAt: 1 });
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
    return { orgId: org.id, humanId: human.id, agentId };
  });
}

type Seed = Awaited<ReturnType<typeof seed>>;

function request(s: Seed, overrides: Partial<NewRelayRequest> = {}): NewRelayRequest {
  return {
    id: newId('rly'),
    orgId: s.orgId,
    agentId: s.agentId,
    approverId: s.humanId,
    status: 'approved',
    reason: 'log in to the bank',
    expectedSender: null,
    channel: 'any',
    filterFrom: null,
    filterPattern: null,
    publicKey: 'pk',
    createdAt: T0,
    updatedAt: T0,
    expiresAt: T0 + 300_000,
    ...overrides,
  };
}

function capture(at = T0 + 1000): SealedCapture {
  return {
    enc: 'ENC',
    ciphertext: 'CIPHERTEXT',
    sealedFrom: Buffer.from('sealed-from'),
    wrappedKey: Buffer.from('wrapped'),
    channel: 'sms',
    receivedAt: at - 10,
    capturedAt: at,
  };
}

async function rawRow(store: Store, id: string) {
  return store.db.selectFrom('relay_requests').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
}

describeEachStore('relay repository', (get) => {
  it('inserts, finds within the org only, and lists with filters and a cursor', async () => {
    const { store } = get();
    const s = await seed(store);
    const other = await seed(store);
    const a = request(s, { status: 'pending_approval' });
    const b = request(s, { id: newId('rly', T0 + 1) });
    await store.write(async (tx) => {
      await tx.relay.insertRequest(a);
      await tx.relay.insertRequest(b);
    });
    const found = await store.read.relay.findRequest(s.orgId, a.id);
    expect(found).toMatchObject({ id: a.id, status: 'pending_approval', agentId: s.agentId, approverId: s.humanId });
    expect(found?.agentName).toMatch(/^bot-/);
    expect(found?.approverName).toMatch(/^h-/);
    expect(await store.read.relay.findRequest(other.orgId, a.id)).toBeUndefined();
    const pending = await store.read.relay.listRequests(s.orgId, { status: 'pending_approval', limit: 10 });
    expect(pending.map((r) => r.id)).toEqual([a.id]);
    const page = await store.read.relay.listRequests(s.orgId, { limit: 1 });
    const rest = await store.read.relay.listRequests(s.orgId, { limit: 10, afterId: page[0]?.id ?? '' });
    expect([...page, ...rest].map((r) => r.id).sort()).toEqual([a.id, b.id].sort());
    expect(await store.read.relay.countPending(s.agentId, T0)).toBe(1);
    expect(await store.read.relay.countPending(s.agentId, T0 + 300_000)).toBe(0);
  });

  it('moves a request only from the allowed statuses, records the decider, and erases on a final status', async () => {
    const { store } = get();
    const s = await seed(store);
    const r = request(s, { status: 'pending_approval' });
    await store.write((tx) => tx.relay.insertRequest(r));
    const approve = { from: ['pending_approval'] as const, to: 'approved' as const, at: T0 + 5, decidedBy: s.humanId };
    const approved = await store.write((tx) => tx.relay.transitionRequest(s.orgId, r.id, approve));
    expect(approved).toMatchObject({ status: 'approved', decidedBy: s.humanId, decidedAt: T0 + 5 });
    expect(approved?.decidedByName).toMatch(/^h-/);
    expect(await store.write((tx) => tx.relay.transitionRequest(s.orgId, r.id, approve))).toBeUndefined();
    // Not past the expiry guard.
    const late = await store.write((tx) =>
      tx.relay.transitionRequest(s.orgId, r.id, {
        from: ['approved'],
        to: 'cancelled',
        at: T0 + 400_000,
        unexpiredAt: T0 + 400_000,
      }),
    );
    expect(late).toBeUndefined();
    await store.write((tx) => tx.relay.recordCapture(s.orgId, r.id, capture()));
    const cancelled = await store.write((tx) =>
      tx.relay.transitionRequest(s.orgId, r.id, { from: ['otp_received'], to: 'cancelled', at: T0 + 2000 }),
    );
    expect(cancelled?.status).toBe('cancelled');
    const raw = await rawRow(store, r.id);
    expect([raw.enc, raw.ciphertext, raw.sealed_from, raw.wrapped_key]).toEqual([null, null, null, null]);
  });

  it('offers capture candidates oldest first, by channel, unexpired, approved, with an active agent', async () => {
    const { store } = get();
    const s = await seed(store);
    const older = request(s, { createdAt: T0 - 10, channel: 'sms' });
    const newer = request(s, { channel: 'any' });
    const emailOnly = request(s, { channel: 'email' });
    const pending = request(s, { status: 'pending_approval' });
    const expired = request(s, { expiresAt: T0 + 10 });
    await store.write(async (tx) => {
      for (const r of [newer, older, emailOnly, pending, expired]) await tx.relay.insertRequest(r);
    });
    const sms = await store.read.relay.captureCandidates(s.humanId, 'sms', T0 + 100, 10);
    expect(sms.map((r) => r.id)).toEqual([older.id, newer.id]);
    const email = await store.read.relay.captureCandidates(s.humanId, 'email', T0 + 100, 10);
    expect(email.map((r) => r.id).sort()).toEqual([newer.id, emailOnly.id].sort());
    await store.write((tx) => tx.identity.transitionAgent(s.orgId, s.agentId, ['active'], 'suspended', T0));
    expect(await store.read.relay.captureCandidates(s.humanId, 'sms', T0 + 100, 10)).toEqual([]);
  });

  it('records a capture once, and releases the payload exactly once, erasing it in the same transaction', async () => {
    const { store } = get();
    const s = await seed(store);
    const r = request(s);
    await store.write((tx) => tx.relay.insertRequest(r));
    const captured = await store.write((tx) => tx.relay.recordCapture(s.orgId, r.id, capture()));
    expect(captured).toMatchObject({ status: 'otp_received', capturedChannel: 'sms', receivedAt: T0 + 990 });
    expect(await store.write((tx) => tx.relay.recordCapture(s.orgId, r.id, capture()))).toBeUndefined();
    // Another agent of the same org cannot claim it.
    expect(await store.write((tx) => tx.relay.claimPayload(s.orgId, newId('agt'), r.id, T0 + 2000))).toBeUndefined();
    const claimed = await store.write((tx) => tx.relay.claimPayload(s.orgId, s.agentId, r.id, T0 + 2000));
    expect(claimed).toMatchObject({ enc: 'ENC', ciphertext: 'CIPHERTEXT', request: { status: 'consumed' } });
    expect(claimed?.sealedFrom.toString()).toBe('sealed-from');
    expect(await store.write((tx) => tx.relay.claimPayload(s.orgId, s.agentId, r.id, T0 + 2000))).toBeUndefined();
    const raw = await rawRow(store, r.id);
    expect(raw).toMatchObject({ status: 'consumed', consumed_at: T0 + 2000, enc: null, ciphertext: null });
    expect([raw.sealed_from, raw.wrapped_key]).toEqual([null, null]);
  });

  it('gives the payload to exactly one of 100 concurrent claims', async () => {
    const { store } = get();
    const s = await seed(store);
    const r = request(s);
    await store.write(async (tx) => {
      await tx.relay.insertRequest(r);
      await tx.relay.recordCapture(s.orgId, r.id, capture());
    });
    const results = await Promise.all(
      Array.from({ length: 100 }, () =>
        store.write((tx) => tx.relay.claimPayload(s.orgId, s.agentId, r.id, T0 + 2000)),
      ),
    );
    expect(results.filter((x) => x !== undefined)).toHaveLength(1);
  });

  it('refuses a claim after expiry, and the sweeper expires live requests once, erasing payloads', async () => {
    const { store } = get();
    const s = await seed(store);
    const due = request(s, { expiresAt: T0 + 500 });
    const pending = request(s, { status: 'pending_approval', expiresAt: T0 + 500 });
    const later = request(s, { expiresAt: T0 + 900_000 });
    const done = request(s, { status: 'denied', expiresAt: T0 + 1 });
    await store.write(async (tx) => {
      for (const r of [due, pending, later, done]) await tx.relay.insertRequest(r);
      await tx.relay.recordCapture(s.orgId, due.id, capture(T0 + 100));
    });
    expect(await store.write((tx) => tx.relay.claimPayload(s.orgId, s.agentId, due.id, T0 + 500))).toBeUndefined();
    const expired = await store.write((tx) => tx.relay.expireDue(T0 + 500, 100));
    const mine = expired.filter((r) => r.agentId === s.agentId);
    expect(mine.map((r) => r.id).sort()).toEqual([due.id, pending.id].sort());
    expect(mine.every((r) => r.status === 'expired')).toBe(true);
    const raw = await rawRow(store, due.id);
    expect([raw.enc, raw.ciphertext, raw.sealed_from, raw.wrapped_key]).toEqual([null, null, null, null]);
    const again = await store.write((tx) => tx.relay.expireDue(T0 + 500, 100));
    expect(again.filter((r) => r.agentId === s.agentId)).toEqual([]);
    expect((await store.read.relay.findRequest(s.orgId, done.id))?.status).toBe('denied');
  });

  it('spends a standing approval down to zero and never below, even under contention', async () => {
    const { store } = get();
    const s = await seed(store);
    const sap = {
      id: newId('sap'),
      orgId: s.orgId,
      humanId: s.humanId,
      agentId: s.agentId,
      sender: 'bank.example',
      maxCodes: 5,
      remaining: 5,
      createdAt: T0,
      expiresAt: T0 + 3_600_000,
      revokedAt: null,
    };
    await store.write((tx) => tx.relay.insertStandingApproval(sap));
    const q = { humanId: s.humanId, agentId: s.agentId, sender: 'bank.example', now: T0 + 10 };
    expect(
      await store.write((tx) => tx.relay.spendStandingApproval({ ...q, sender: 'other.example' })),
    ).toBeUndefined();
    expect(await store.write((tx) => tx.relay.spendStandingApproval({ ...q, now: T0 + 3_600_000 }))).toBeUndefined();
    const spends = await Promise.all(
      Array.from({ length: 20 }, () => store.write((tx) => tx.relay.spendStandingApproval(q))),
    );
    const granted = spends.filter((x) => x !== undefined);
    expect(granted).toHaveLength(5);
    expect(granted.map((g) => g?.remaining).sort()).toEqual([0, 1, 2, 3, 4]);
    const list = await store.read.relay.listStandingApprovals(s.humanId);
    expect(list).toEqual([expect.objectContaining({ id: sap.id, remaining: 0, maxCodes: 5 })]);
    const revoked = await store.write((tx) => tx.relay.revokeStandingApproval(s.humanId, sap.id, T0 + 20));
    expect(revoked?.revokedAt).toBe(T0 + 20);
    expect(await store.write((tx) => tx.relay.revokeStandingApproval(newId('hum'), sap.id, T0))).toBeUndefined();
  });

  it('keeps per-human settings: webhook and capture token, set, replaced and cleared', async () => {
    const { store } = get();
    const s = await seed(store);
    expect(await store.read.relay.getSettings(s.humanId)).toBeUndefined();
    await store.write((tx) =>
      tx.relay.setWebhook(
        s.humanId,
        s.orgId,
        { url: 'https://hooks.example/a', sealedSecret: Buffer.from('s1'), wrappedKey: Buffer.from('k1') },
        T0,
      ),
    );
    await store.write((tx) => tx.relay.setCaptureToken(s.humanId, s.orgId, Buffer.from('hash'), T0 + 1));
    const settings = await store.read.relay.getSettings(s.humanId);
    expect(settings).toMatchObject({ webhookUrl: 'https://hooks.example/a', captureTokenCreatedAt: T0 + 1 });
    expect(settings?.sealedWebhookSecret?.toString()).toBe('s1');
    const cred = await store.read.relay.findCaptureCredential(s.humanId);
    expect(cred?.tokenHash.toString()).toBe('hash');
    expect(cred?.org.id).toBe(s.orgId);
    expect(await store.write((tx) => tx.relay.clearCaptureToken(s.humanId, T0 + 2))).toBe(true);
    expect(await store.write((tx) => tx.relay.clearCaptureToken(s.humanId, T0 + 2))).toBe(false);
    expect(await store.read.relay.findCaptureCredential(s.humanId)).toBeUndefined();
    expect((await store.read.relay.getSettings(s.humanId))?.webhookUrl).toBe('https://hooks.example/a');
    const keys = await store.read.relay.pageWrappedKeys('settings', null, 1000);
    const mine = keys.find((k) => k.id === s.humanId);
    expect(mine?.wrapped.toString()).toBe('k1');
    expect(
      await store.write((tx) => tx.relay.replaceWrappedKey('settings', s.humanId, Buffer.from('x'), Buffer.from('k2'))),
    ).toBe(false);
    expect(
      await store.write((tx) =>
        tx.relay.replaceWrappedKey('settings', s.humanId, Buffer.from('k1'), Buffer.from('k2')),
      ),
    ).toBe(true);
    expect(await store.write((tx) => tx.relay.clearWebhook(s.humanId, T0 + 3))).toBe(true);
    expect(await store.read.relay.getSettings(s.humanId)).toMatchObject({
      webhookUrl: null,
      sealedWebhookSecret: null,
    });
    const humans = await store.read.relay.findHumansByName(
      (await store.read.identity.findHumanName(s.orgId, s.humanId)) ?? '',
      2,
    );
    expect(humans).toEqual([expect.objectContaining({ id: s.humanId, orgId: s.orgId })]);
  });

  it('queues deliveries once per dedupe key, leases them to one claimer, and schedules retries', async () => {
    const { store } = get();
    const s = await seed(store);
    const base = { orgId: s.orgId, humanId: s.humanId, eventType: 'relay.test', payload: '{}', createdAt: T0 };
    const a = { ...base, id: newId('whk'), dedupeKey: `k-${s.humanId}` };
    expect(await store.write((tx) => tx.relay.enqueueDelivery(a))).toBe(true);
    expect(await store.write((tx) => tx.relay.enqueueDelivery({ ...a, id: newId('whk') }))).toBe(false);
    const b = { ...base, id: newId('whk') };
    expect(await store.write((tx) => tx.relay.enqueueDelivery(b))).toBe(true);
    const claims = await Promise.all(
      Array.from({ length: 8 }, () => store.write((tx) => tx.relay.claimDeliveries(T0, T0 + 60_000, 100))),
    );
    const claimed = claims.flat().filter((d) => d.humanId === s.humanId);
    expect(claimed.map((d) => d.id).sort()).toEqual([a.id, b.id].sort());
    expect(claimed.every((d) => d.attempts === 1)).toBe(true);
    // Leased: nobody else gets them until the lease runs out or the attempt is recorded.
    const leased = await store.write((tx) => tx.relay.claimDeliveries(T0 + 1, T0 + 60_000, 100));
    expect(leased.filter((d) => d.humanId === s.humanId)).toEqual([]);
    await store.write((tx) =>
      tx.relay.finishDelivery(a.id, {
        status: 'pending',
        at: T0 + 2,
        nextAttemptAt: T0 + 5000,
        error: 'the receiver answered 500',
        httpStatus: 500,
      }),
    );
    await store.write((tx) => tx.relay.finishDelivery(b.id, { status: 'delivered', at: T0 + 2, httpStatus: 204 }));
    expect(
      (await store.write((tx) => tx.relay.claimDeliveries(T0 + 4999, T0 + 70_000, 100))).filter(
        (d) => d.humanId === s.humanId,
      ),
    ).toEqual([]);
    const retry = (await store.write((tx) => tx.relay.claimDeliveries(T0 + 5000, T0 + 70_000, 100))).filter(
      (d) => d.humanId === s.humanId,
    );
    expect(retry).toEqual([
      expect.objectContaining({ id: a.id, attempts: 2, lastError: 'the receiver answered 500', lastStatus: 500 }),
    ]);
    const list = await store.read.relay.listDeliveries(s.humanId, 10);
    expect(list.find((d) => d.id === b.id)).toMatchObject({ status: 'delivered', finishedAt: T0 + 2 });
  });

  it('stores nothing but the sealed payload: no plaintext column exists for a code or a body', async () => {
    const { store, site } = get();
    const columns =
      site.kind === 'sqlite'
        ? (await sql<{ name: string }>`select name from pragma_table_info('relay_requests')`.execute(store.db)).rows
        : (
            await sql<{ name: string }>`select column_name as name from information_schema.columns
              where table_schema = current_schema() and table_name = 'relay_requests'`.execute(store.db)
          ).rows;
    const names = columns.map((c) => c.name);
    expect(names).toContain('ciphertext');
    expect(names.filter((n) => n !== 'ciphertext' && /code|body|text|otp|subject/.test(n))).toEqual([]);
  });
});

describe.skipIf(!pgAvailable)('relay repository across two PostgreSQL instances', () => {
  it('gives the payload to exactly one of 100 claims split over two instances', async () => {
    const site = newSite('postgres');
    const keyring = Keyring.generate();
    const source = () => ({ keyring, sourceName: 'LATCHKEY_MASTER_KEY' });
    const a = await openStore(site.target, source, systemClock);
    const b = await openStore(site.target, source, systemClock);
    try {
      const s = await seed(a.store);
      const r = request(s);
      await a.store.write(async (tx) => {
        await tx.relay.insertRequest(r);
        await tx.relay.recordCapture(s.orgId, r.id, capture());
      });
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          (i % 2 === 0 ? a : b).store.write((tx) => tx.relay.claimPayload(s.orgId, s.agentId, r.id, T0 + 2000)),
        ),
      );
      expect(results.filter((x) => x !== undefined)).toHaveLength(1);
    } finally {
      await a.store.close();
      await b.store.close();
      await site.cleanup();
    }
  });
});
