// HTTP tests of the inbox routes, in-process, on both stores: list, read, mark read, delete, wait; bad input;
// isolation between agents and orgs; revoked agents; audit before release.
import { expect, it } from 'vitest';
import { fakeClock } from '../../core/clock.js';
import { newId } from '../../crypto/ids.js';
import { mintToken } from '../../crypto/tokens.js';
import { incomingEmail } from '../../modules/inbox/test-support/messages.js';
import { describeEachServer, type TestServer } from '../../test-support/server.js';

type Created = { agent: { id: string; name: string; orgId: string }; apiKey: string };

async function createAgent(ts: TestServer, prefix = 'inbox'): Promise<Created> {
  const name = `${prefix}-${Math.random().toString(36).slice(2, 8)}`;
  const res = await ts.call('POST', '/v1/agents', { body: { name } });
  expect(res.status).toBe(201);
  return res.body as Created;
}

function deliver(ts: TestServer, a: Created, over: Parameters<typeof incomingEmail>[0] = {}) {
  return ts.server.inbox.deliver({ agentId: a.agent.id, orgId: a.agent.orgId }, incomingEmail(over));
}

describeEachServer('inbox routes', (get) => {
  it('lists an agent its own messages newest first, as summaries with codes, links and auth', async () => {
    const a = await createAgent(get());
    const first = await deliver(get(), a, { subject: 'first', receivedAt: Date.now() - 2000 });
    const second = await deliver(get(), a, {
      subject: 'second',
      text: 'Confirm your email address: https://app.example.com/verify?token=abc123',
      receivedAt: Date.now() - 1000,
    });
    const res = await get().call('GET', '/v1/inbox/messages', { token: a.apiKey });
    expect(res.status).toBe(200);
    expect(res.body.messages.map((m: { id: string }) => m.id)).toEqual([second, first]);
    expect(res.body.nextCursor).toBeNull();
    const [latest, older] = res.body.messages;
    expect(older).toEqual({
      id: first,
      channel: 'email',
      from: 'accounts@example.com',
      fromName: 'Example',
      to: 'bot@agents.localhost',
      subject: 'first',
      receivedAt: expect.stringMatching(/Z$/),
      read: false,
      size: expect.any(Number),
      extractedText: expect.stringContaining('482913'),
      codes: [{ value: '482913', display: '482913', confidence: expect.any(Number) }],
      links: [],
      auth: { spf: 'pass', dkim: 'pass', dmarc: 'pass', verdict: 'pass' },
    });
    expect(latest.codes).toEqual([]);
    expect(latest.links[0]).toEqual({ url: 'https://app.example.com/verify?token=abc123', kind: 'verify' });
    expect(latest).not.toHaveProperty('text');

    const asOperator = await get().call('GET', `/v1/inbox/messages?agent=${a.agent.name}`);
    expect(asOperator.body.messages).toHaveLength(2);
    const noAgent = await get().call('GET', '/v1/inbox/messages');
    expect(noAgent.status).toBe(422);
    expect(noAgent.body.error.details[0].path).toBe('agent');
  });

  it('reads one message with text, HTML and headers, and audits every release without the code', async () => {
    const a = await createAgent(get());
    const id = await deliver(get(), a);
    const res = await get().call('GET', `/v1/inbox/messages/${id}`, { token: a.apiKey });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id,
      text: expect.stringContaining('482913'),
      html: expect.stringContaining('<p>'),
      headers: [{ key: 'subject', value: 'Your Example verification code' }],
      messageId: '<test@example.com>',
      envelopeFrom: 'accounts@example.com',
      codes: [{ value: '482913' }],
    });
    await get().call('GET', '/v1/inbox/messages', { token: a.apiKey });
    const audit = await get().call('GET', `/v1/audit?agent=${a.agent.id}`);
    const actions = audit.body.events.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['inbox.read', 'inbox.list']));
    const read = audit.body.events.find((e: { action: string }) => e.action === 'inbox.read');
    expect(read).toMatchObject({ outcome: 'success', target: { type: 'message', id }, actor: { type: 'agent' } });
    expect(JSON.stringify(audit.body)).not.toContain('482913');
  });

  it('filters by channel, from, subject, since and unread, and pages with a cursor', async () => {
    const a = await createAgent(get());
    const now = Date.now();
    const gh = await deliver(get(), a, {
      from: 'noreply@github.com',
      subject: 'GitHub sign-in',
      receivedAt: now - 3000,
    });
    const lookalike = await deliver(get(), a, {
      from: 'noreply@evilgithub.com',
      subject: 'GitHub',
      receivedAt: now - 2000,
    });
    const other = await deliver(get(), a, { from: 'hello@example.org', subject: 'Welcome', receivedAt: now - 1000 });
    const list = async (query: string) =>
      (await get().call('GET', `/v1/inbox/messages?${query}`, { token: a.apiKey })).body.messages.map(
        (m: { id: string }) => m.id,
      );
    expect(await list('from=github.com')).toEqual([gh]);
    expect(await list('from=NOREPLY@evilgithub.com')).toEqual([lookalike]);
    expect(await list('subject=github')).toEqual([lookalike, gh]);
    expect(await list('channel=sms')).toEqual([]);
    expect(await list(`since=${new Date(now - 1500).toISOString()}`)).toEqual([other]);

    const page1 = await get().call('GET', '/v1/inbox/messages?limit=2', { token: a.apiKey });
    expect(page1.body.messages.map((m: { id: string }) => m.id)).toEqual([other, lookalike]);
    const page2 = await get().call('GET', `/v1/inbox/messages?limit=2&cursor=${page1.body.nextCursor}`, {
      token: a.apiKey,
    });
    expect(page2.body.messages.map((m: { id: string }) => m.id)).toEqual([gh]);
    expect(page2.body.nextCursor).toBeNull();
    const filtered1 = await get().call('GET', '/v1/inbox/messages?limit=1&subject=github', { token: a.apiKey });
    const filtered2 = await get().call(
      'GET',
      `/v1/inbox/messages?limit=1&subject=github&cursor=${filtered1.body.nextCursor}`,
      { token: a.apiKey },
    );
    expect([...filtered1.body.messages, ...filtered2.body.messages].map((m: { id: string }) => m.id)).toEqual([
      lookalike,
      gh,
    ]);

    const read = await get().call('POST', `/v1/inbox/messages/${other}/read`, { token: a.apiKey });
    expect(read.status).toBe(200);
    expect(read.body.read).toBe(true);
    expect(await list('unread=true')).toEqual([lookalike, gh]);
    expect(await list('unread=false')).toEqual([other, lookalike, gh]);
  });

  it('deletes a message; afterwards it is not found', async () => {
    const a = await createAgent(get());
    const id = await deliver(get(), a);
    expect((await get().call('DELETE', `/v1/inbox/messages/${id}`, { token: a.apiKey })).status).toBe(204);
    const gone = await get().call('GET', `/v1/inbox/messages/${id}`, { token: a.apiKey });
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('MESSAGE_NOT_FOUND');
    expect((await get().call('DELETE', `/v1/inbox/messages/${id}`, { token: a.apiKey })).status).toBe(404);
    const events = await get().call('GET', `/v1/audit?agent=${a.agent.id}&action=inbox.delete`);
    expect(events.body.events[0]).toMatchObject({ outcome: 'success', target: { id } });
  });

  it('refuses bad input, naming the field', async () => {
    const a = await createAgent(get());
    for (const [url, path] of [
      ['/v1/inbox/messages?limit=0', 'query.limit'],
      ['/v1/inbox/messages?unread=yes', 'query.unread'],
      ['/v1/inbox/messages?since=yesterday', 'query.since'],
      ['/v1/inbox/messages?colour=red', 'query.colour'],
      ['/v1/inbox/wait?timeoutSeconds=121', 'query.timeoutSeconds'],
      ['/v1/inbox/wait?kind=everything', 'query.kind'],
    ] as const) {
      const res = await get().call('GET', url, { token: a.apiKey });
      expect(res.status, url).toBe(422);
      expect(res.body.error.details[0].path, url).toBe(path);
    }
    const cursor = await get().call('GET', '/v1/inbox/messages?cursor=agt_nope', { token: a.apiKey });
    expect(cursor.body.error.code).toBe('INBOX_CURSOR_INVALID');
    const badId = await get().call('GET', '/v1/inbox/messages/not-an-id', { token: a.apiKey });
    expect(badId.status).toBe(404);
  });

  it("keeps agents out of each other's inboxes, and other orgs out entirely (404, never 403)", async () => {
    const a = await createAgent(get());
    const b = await createAgent(get());
    const id = await deliver(get(), a);
    for (const [method, url] of [
      ['GET', `/v1/inbox/messages/${id}`],
      ['POST', `/v1/inbox/messages/${id}/read`],
      ['DELETE', `/v1/inbox/messages/${id}`],
    ] as const) {
      const res = await get().call(method, url, { token: b.apiKey });
      expect(res.status, url).toBe(404);
      expect(res.body.error.code).toBe('MESSAGE_NOT_FOUND');
    }
    const naming = await get().call('GET', `/v1/inbox/messages?agent=${a.agent.name}`, { token: b.apiKey });
    expect(naming.status).toBe(404);
    expect(naming.body.error.code).toBe('AGENT_NOT_FOUND');

    const other = await get().server.store.write(async (tx) => {
      const org = await tx.identity.ensureOrg({ id: newId('org'), name: `inbox-other-${Math.random()}`, createdAt: 1 });
      const human = await tx.identity.ensureHuman({ id: newId('hum'), orgId: org.id, name: 'eve', createdAt: 1 });
      const tokenId = newId('opt');
      const { token, secretHash } = mintToken('operator', tokenId);
      await tx.identity.insertOperatorToken({
        id: tokenId,
        orgId: org.id,
        humanId: human.id,
        secretHash,
        createdAt: 1,
      });
      return token;
    });
    for (const url of [
      `/v1/inbox/messages?agent=${a.agent.id}`,
      `/v1/inbox/messages/${id}?agent=${a.agent.name}`,
      `/v1/inbox/wait?agent=${a.agent.id}&timeoutSeconds=0`,
    ]) {
      const res = await get().call('GET', url, { token: other });
      expect(res.status, url).toBe(404);
      expect(res.body.error.code).toBe('AGENT_NOT_FOUND');
    }
    for (const url of ['/v1/inbox/messages', `/v1/inbox/messages/${id}`, '/v1/inbox/wait']) {
      expect((await get().call('GET', url, { token: null })).status).toBe(401);
    }
  });

  it("seals a revoked agent's inbox to operators too, and refuses a suspended agent's key", async () => {
    const a = await createAgent(get());
    await deliver(get(), a);
    await get().call('POST', `/v1/agents/${a.agent.id}/suspend`);
    const suspended = await get().call('GET', '/v1/inbox/messages', { token: a.apiKey });
    expect(suspended.status).toBe(403);
    expect(suspended.body.error.code).toBe('AGENT_SUSPENDED');
    expect((await get().call('GET', `/v1/inbox/messages?agent=${a.agent.id}`)).status).toBe(200);
    await get().call('DELETE', `/v1/agents/${a.agent.id}`);
    const revoked = await get().call('GET', `/v1/inbox/messages?agent=${a.agent.id}`);
    expect(revoked.status).toBe(409);
    expect(revoked.body.error.code).toBe('AGENT_REVOKED');
    expect(await get().server.inbox.findMailRecipient(a.agent.name)).toBeNull();
  });

  it('wait returns at once a message that arrived after since, newest first, and audits it', async () => {
    const a = await createAgent(get());
    const since = new Date(Date.now() - 60_000).toISOString();
    await deliver(get(), a, { text: 'Your code is 111111', receivedAt: Date.now() - 30_000 });
    const newer = await deliver(get(), a, { text: 'Your code is 222222', receivedAt: Date.now() - 10_000 });
    const started = Date.now();
    const res = await get().call('GET', `/v1/inbox/wait?since=${since}&kind=code&timeoutSeconds=10`, {
      token: a.apiKey,
    });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(res.body).toMatchObject({ status: 'received', message: { id: newer }, code: { value: '222222' } });
    const events = await get().call('GET', `/v1/audit?agent=${a.agent.id}&action=inbox.wait`);
    expect(events.body.events[0]).toMatchObject({ outcome: 'success', target: { type: 'message', id: newer } });
  });

  it('wait wakes the moment a matching message is stored, skipping ones that do not match', async () => {
    const a = await createAgent(get());
    const waiting = get().call('GET', '/v1/inbox/wait?from=github.com&kind=code&timeoutSeconds=20', {
      token: a.apiKey,
    });
    await new Promise((r) => setTimeout(r, 100));
    expect(get().server.inbox.waiting()).toBeGreaterThanOrEqual(1);
    await deliver(get(), a, { from: 'noreply@github.com', text: 'Welcome to GitHub, no code here.' });
    await deliver(get(), a, { from: 'noreply@gitlab.com', text: 'Your GitLab code is 333333' });
    await new Promise((r) => setTimeout(r, 100));
    const stored = Date.now();
    const id = await deliver(get(), a, {
      from: 'noreply@github.com',
      subject: 'GitHub code',
      text: 'Your code is 444444',
    });
    const res = await waiting;
    expect(Date.now() - stored).toBeLessThan(1000);
    expect(res.body).toMatchObject({ status: 'received', message: { id }, code: { value: '444444' } });
  });

  it('wait for a link returns the first verify, login or reset link', async () => {
    const a = await createAgent(get());
    const waiting = get().call('GET', '/v1/inbox/wait?kind=link&timeoutSeconds=20', { token: a.apiKey });
    await new Promise((r) => setTimeout(r, 50));
    await deliver(get(), a, { text: 'Your code is 555555' });
    const url = 'https://app.example.com/reset-password?token=8f3kQ2zLm9XwT4';
    await deliver(get(), a, { subject: 'Reset your password', text: `To reset your password, open ${url}` });
    const res = await waiting;
    expect(res.body.link).toEqual({ url, kind: 'reset' });
    expect(res.body.code).toBeUndefined();
  });

  it('wait times out with status timeout, and timeoutSeconds=0 is a single look', async () => {
    const a = await createAgent(get());
    const started = Date.now();
    const res = await get().call('GET', '/v1/inbox/wait?timeoutSeconds=1', { token: a.apiKey });
    expect(res.body).toEqual({ status: 'timeout' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    await deliver(get(), a, { receivedAt: Date.now() - 5000 });
    const peek = await get().call(
      'GET',
      `/v1/inbox/wait?timeoutSeconds=0&since=${new Date(Date.now() - 60_000).toISOString()}`,
      { token: a.apiKey },
    );
    expect(peek.body.status).toBe('received');
    expect(get().server.inbox.waiting()).toBe(0);
  });

  it('a wait lets go of its subscription when the client hangs up', async () => {
    const a = await createAgent(get());
    const { app } = get().server;
    await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const address = app.server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const before = get().server.inbox.waiting();
      const gone = new AbortController();
      const request = fetch(`http://127.0.0.1:${port}/v1/inbox/wait?timeoutSeconds=60`, {
        headers: { authorization: `Bearer ${a.apiKey}` },
        signal: gone.signal,
      }).catch(() => 'aborted');
      for (let i = 0; i < 50 && get().server.inbox.waiting() === before; i++)
        await new Promise((r) => setTimeout(r, 20));
      expect(get().server.inbox.waiting()).toBe(before + 1);
      gone.abort();
      expect(await request).toBe('aborted');
      for (let i = 0; i < 50 && get().server.inbox.waiting() > before; i++) await new Promise((r) => setTimeout(r, 20));
      expect(get().server.inbox.waiting()).toBe(before);
    } finally {
      await app.server.close();
    }
  });
});

const clock = fakeClock(Date.UTC(2026, 5, 1));

describeEachServer(
  'inbox retention',
  (get) => {
    it('deletes messages older than LATCHKEY_MESSAGE_RETENTION and keeps newer ones', async () => {
      const a = await createAgent(get());
      const old = await deliver(get(), a, { receivedAt: clock.now() });
      clock.advance(36 * 3600 * 1000);
      const fresh = await deliver(get(), a, { receivedAt: clock.now() });
      expect(await get().server.inbox.sweep()).toBe(0);
      clock.advance(13 * 3600 * 1000);
      expect(await get().server.inbox.sweep()).toBe(1);
      const left = await get().call('GET', '/v1/inbox/messages', { token: a.apiKey });
      expect(left.body.messages.map((m: { id: string }) => m.id)).toEqual([fresh]);
      expect((await get().call('GET', `/v1/inbox/messages/${old}`, { token: a.apiKey })).status).toBe(404);
    });
  },
  { clock, env: { LATCHKEY_MESSAGE_RETENTION: '48h' } },
);
