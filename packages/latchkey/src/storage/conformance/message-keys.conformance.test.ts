// Key rotation over inbox messages, on both stores: every message's data key is found, rewrapped under the new
// master key version, and the message still opens; a concurrent change is never overwritten.
import { expect, it } from 'vitest';
import { createEnvelope } from '../../crypto/envelope.js';
import { newId } from '../../crypto/ids.js';
import { Keyring } from '../../crypto/keyring.js';
import { openSummary, sealMessage } from '../../modules/inbox/message-codec.js';
import { messageKeys } from '../../modules/inbox/message-keys.js';
import { describeEachStore } from '../../test-support/stores.js';

describeEachStore('message keys for rotation', (get) => {
  it('rewraps every message key under a new primary version; messages still open without the old version', async () => {
    const { store } = get();
    let ring = Keyring.generate();
    const envelope = createEnvelope(() => ring);
    const t0 = Date.UTC(2026, 3, 1);
    const { orgId, agentId } = await store.write(async (tx) => {
      const org = await tx.identity.ensureOrg({ id: newId('org'), name: 'keys-org', createdAt: t0 });
      const human = await tx.identity.ensureHuman({ id: newId('hum'), orgId: org.id, name: 'ops', createdAt: t0 });
      const agent = newId('agt');
      await tx.identity.insertAgent({
        id: agent,
        orgId: org.id,
        name: 'keys-bot',
        description: null,
        status: 'active',
        createdBy: human.id,
        createdAt: t0,
        updatedAt: t0,
      });
      return { orgId: org.id, agentId: agent };
    });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const id = newId('msg', t0 + i);
      const sealed = sealMessage(
        envelope,
        { orgId, agentId, id },
        {
          summary: {
            from: 'a@example.com',
            fromName: null,
            to: 'keys-bot@x',
            subject: `n${i}`,
            extractedText: '',
            codes: [],
            links: [],
          },
          body: { text: `t${i}`, html: null, headers: [], messageId: null, envelopeFrom: null },
        },
      );
      await store.write((tx) =>
        tx.inbox.insertMessage({
          id,
          orgId,
          agentId,
          channel: 'email',
          receivedAt: t0 + i,
          readAt: null,
          size: 1,
          spf: 'none',
          dkim: 'none',
          dmarc: 'none',
          verdict: 'none',
          hasCode: false,
          hasLink: false,
          wrappedKey: sealed.wrappedKey,
          summary: sealed.summary,
          body: sealed.body,
        }),
      );
      ids.push(id);
    }
    const keys = messageKeys(store);
    const old = ring;
    ring = ring.withNewPrimary();
    let afterId: string | null = null;
    let rewrapped = 0;
    for (;;) {
      const page = await keys.page(afterId, 2);
      if (page.length === 0) break;
      for (const row of page) {
        const next = envelope.rewrap(row.wrapped, row.context);
        if (next && (await keys.replace(row.id, row.wrapped, next))) rewrapped += 1;
        // A second attempt with the old value is refused: the row changed under it.
        if (next) expect(await keys.replace(row.id, row.wrapped, next)).toBe(false);
      }
      afterId = page[page.length - 1]?.id ?? null;
    }
    expect(rewrapped).toBe(ids.length);
    const rows = await store.read.inbox.listMessages(orgId, agentId, { limit: 10 });
    expect(rows.map((r) => openSummary(envelope, r).subject).sort()).toEqual(['n0', 'n1', 'n2', 'n3', 'n4']);
    ring = ring.without(old.primaryVersion);
    expect(rows.map((r) => openSummary(envelope, r).subject)).toHaveLength(5);
  });
});
