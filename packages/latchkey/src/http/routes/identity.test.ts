// HTTP tests of the identity routes, in-process, on both stores: happy paths, bad input, security cases.
import { expect, it } from 'vitest';
import { fakeClock } from '../../core/clock.js';
import { newId } from '../../crypto/ids.js';
import { mintToken } from '../../crypto/tokens.js';
import { describeEachServer } from '../../test-support/server.js';

const clock = fakeClock(Date.UTC(2026, 10, 1, 12, 0, 0));

describeEachServer(
  'identity routes',
  (get) => {
    let n = 0;
    const uniqueName = () => `agent-${++n}-${Math.random().toString(36).slice(2, 6)}`;

    async function createAgent(name = uniqueName()) {
      const res = await get().call('POST', '/v1/agents', { body: { name, description: 'test agent' } });
      expect(res.status).toBe(201);
      return res.body as { agent: { id: string; name: string }; apiKey: string; key: { id: string } };
    }

    it('creates an agent whose key authenticates as that agent, with the delegation chain', async () => {
      const created = await createAgent('billing-bot');
      expect(created.apiKey).toMatch(/^lk_agent_key_[0-9a-z]{26}_[0-9a-z]{52}$/);
      expect(created.apiKey.startsWith(`lk_agent_${created.key.id}_`)).toBe(true);
      expect(created.agent).toMatchObject({ name: 'billing-bot', status: 'active', description: 'test agent' });
      const me = await get().call('GET', '/v1/me', { token: created.apiKey });
      expect(me.status).toBe(200);
      expect(me.body.principal).toMatchObject({ type: 'agent', id: created.agent.id, name: 'billing-bot' });
      expect(me.body.delegationChain.map((l: { type: string; name: string }) => `${l.type}:${l.name}`)).toEqual([
        'human:admin',
        'org:default',
        'agent:billing-bot',
      ]);
      expect(me.body.inbox).toEqual({ address: 'billing-bot@agents.localhost' });
      const op = await get().call('GET', '/v1/me');
      expect(op.body.principal).toMatchObject({ type: 'operator', name: 'admin' });
      expect(op.body.agent).toBeUndefined();
      expect(op.body.inbox).toBeUndefined();
    });

    it('lists, shows by id and by name, with pagination', async () => {
      const a = await createAgent();
      const b = await createAgent();
      const byName = await get().call('GET', `/v1/agents/${a.agent.name}`);
      expect(byName.body.id).toBe(a.agent.id);
      const byId = await get().call('GET', `/v1/agents/${b.agent.id}`);
      expect(byId.body.name).toBe(b.agent.name);
      const page1 = await get().call('GET', '/v1/agents?limit=1');
      expect(page1.body.agents).toHaveLength(1);
      expect(page1.body.nextCursor).toEqual(expect.any(String));
      const page2 = await get().call('GET', `/v1/agents?limit=200&cursor=${page1.body.nextCursor}`);
      expect(page2.body.agents.map((x: { id: string }) => x.id)).not.toContain(page1.body.agents[0].id);
    });

    it('refuses agent names that start with relay-: those mail addresses belong to the OTP relay', async () => {
      const res = await get().call('POST', '/v1/agents', { body: { name: 'relay-alice' } });
      expect(res.status).toBe(422);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
      expect(res.body.error.details).toEqual([{ path: 'name', message: expect.stringContaining('relay-') }]);
      expect((await get().call('POST', '/v1/agents', { body: { name: 'relayer' } })).status).toBe(201);
    });

    it('refuses bad input naming the field, and duplicate names', async () => {
      const bad = await get().call('POST', '/v1/agents', { body: { name: 'Not A Slug' } });
      expect(bad.status).toBe(422);
      expect(bad.body.error.code).toBe('VALIDATION_FAILED');
      expect(bad.body.error.details[0].path).toBe('name');
      const unknown = await get().call('POST', '/v1/agents', { body: { name: 'ok-name', colour: 'red' } });
      expect(unknown.status).toBe(422);
      expect(unknown.body.error.details).toContainEqual({ path: 'colour', message: 'unknown field' });
      const missing = await get().call('POST', '/v1/agents', { body: {} });
      expect(missing.status).toBe(422);
      expect(missing.body.error.details[0].path).toBe('name');
      const a = await createAgent();
      const dup = await get().call('POST', '/v1/agents', { body: { name: a.agent.name } });
      expect(dup.status).toBe(409);
      expect(dup.body.error.code).toBe('AGENT_NAME_TAKEN');
      const badQuery = await get().call('GET', '/v1/agents?limit=0');
      expect(badQuery.status).toBe(422);
      expect(badQuery.body.error.details[0].path).toBe('query.limit');
      const unknownQuery = await get().call('GET', '/v1/agents?sort=name');
      expect(unknownQuery.status).toBe(422);
    });

    it('refuses malformed JSON (400), wrong content type (415) and oversized bodies (413)', async () => {
      const json = await get().call('POST', '/v1/agents', {
        rawBody: '{"name": ',
        headers: { 'content-type': 'application/json' },
      });
      expect(json.status).toBe(400);
      expect(json.body.error.code).toBe('INVALID_JSON');
      const text = await get().call('POST', '/v1/agents', {
        rawBody: 'name=x',
        headers: { 'content-type': 'text/plain' },
      });
      expect(text.status).toBe(415);
      expect(text.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      const big = await get().call('POST', '/v1/agents', {
        body: { name: 'big', description: 'x'.repeat(2 * 1024 * 1024) },
      });
      expect(big.status).toBe(413);
      expect(big.body.error.code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('refuses missing, malformed and wrong credentials with 401', async () => {
      const a = await createAgent();
      const none = await get().call('GET', '/v1/me', { token: null });
      expect(none.status).toBe(401);
      expect(none.headers['www-authenticate']).toContain('Bearer');
      expect((await get().call('GET', '/v1/me', { token: 'not-a-token' })).status).toBe(401);
      expect(
        (await get().call('GET', '/v1/me', { headers: { authorization: `Basic ${a.apiKey}` }, token: null })).status,
      ).toBe(401);
      // Right key id, wrong secret.
      const forged = `lk_agent_${a.key.id}_${'a'.repeat(52)}`;
      const wrong = await get().call('GET', '/v1/me', { token: forged });
      expect(wrong.status).toBe(401);
      expect(wrong.body.error.code).toBe('UNAUTHENTICATED');
      expect(JSON.stringify(wrong.body)).not.toContain('a'.repeat(52));
      // The attempt is audited against the agent.
      const events = await get().call('GET', `/v1/audit?agent=${a.agent.id}&action=auth.authenticate`);
      expect(events.body.events[0]).toMatchObject({
        outcome: 'denied',
        reason: 'bad_secret',
        target: { id: a.key.id },
      });
      // An unknown key id looks the same as a wrong secret.
      const unknown = await get().call('GET', '/v1/me', { token: mintToken('agent', newId('key')).token });
      expect(unknown.status).toBe(401);
      expect(unknown.body.error.code).toBe('UNAUTHENTICATED');
    });

    it('expires keys at their time', async () => {
      const a = await createAgent();
      const key = await get().call('POST', `/v1/agents/${a.agent.id}/keys`, { body: { expiresInSeconds: 120 } });
      expect(key.status).toBe(201);
      expect(key.body.key.expiresAt).toBe(new Date(clock.now() + 120_000).toISOString());
      expect((await get().call('GET', '/v1/me', { token: key.body.apiKey })).status).toBe(200);
      clock.advance(121_000);
      const expired = await get().call('GET', '/v1/me', { token: key.body.apiKey });
      expect(expired.status).toBe(401);
      expect(expired.body.error.code).toBe('KEY_EXPIRED');
      expect((await get().call('GET', '/v1/me', { token: a.apiKey })).status).toBe(200);
      const keys = await get().call('GET', `/v1/agents/${a.agent.id}/keys`);
      expect(keys.body.keys.map((k: { status: string }) => k.status).sort()).toEqual(['active', 'expired']);
      expect(JSON.stringify(keys.body)).not.toMatch(/lk_agent_|secret|hash/i);
      const tooShort = await get().call('POST', `/v1/agents/${a.agent.id}/keys`, { body: { expiresInSeconds: 5 } });
      expect(tooShort.status).toBe(422);
    });

    it('suspends, resumes and revokes with effect on the very next request', async () => {
      const a = await createAgent();
      expect((await get().call('POST', `/v1/agents/${a.agent.id}/suspend`)).body.status).toBe('suspended');
      const suspended = await get().call('GET', '/v1/me', { token: a.apiKey });
      expect(suspended.status).toBe(403);
      expect(suspended.body.error.code).toBe('AGENT_SUSPENDED');
      expect((await get().call('POST', `/v1/agents/${a.agent.name}/resume`)).body.status).toBe('active');
      expect((await get().call('GET', '/v1/me', { token: a.apiKey })).status).toBe(200);
      expect((await get().call('DELETE', `/v1/agents/${a.agent.id}`)).body.status).toBe('revoked');
      const revoked = await get().call('GET', '/v1/me', { token: a.apiKey });
      expect(revoked.status).toBe(401);
      expect(revoked.body.error.code).toBe('KEY_REVOKED');
      const resume = await get().call('POST', `/v1/agents/${a.agent.id}/resume`);
      expect(resume.status).toBe(409);
      expect(resume.body.error.code).toBe('AGENT_REVOKED');
      const newKey = await get().call('POST', `/v1/agents/${a.agent.id}/keys`);
      expect(newKey.status).toBe(409);
      const keys = await get().call('GET', `/v1/agents/${a.agent.id}/keys`);
      expect(keys.body.keys.every((k: { status: string }) => k.status === 'revoked')).toBe(true);
    });

    it('revokes a single key while the others keep working', async () => {
      const a = await createAgent();
      const second = await get().call('POST', `/v1/agents/${a.agent.id}/keys`);
      const revoke = await get().call('DELETE', `/v1/agents/${a.agent.id}/keys/${a.key.id}`);
      expect(revoke.body.status).toBe('revoked');
      expect((await get().call('GET', '/v1/me', { token: a.apiKey })).body.error.code).toBe('KEY_REVOKED');
      expect((await get().call('GET', '/v1/me', { token: second.body.apiKey })).status).toBe(200);
      const missing = await get().call('DELETE', `/v1/agents/${a.agent.id}/keys/${newId('key')}`);
      expect(missing.status).toBe(404);
      expect(missing.body.error.code).toBe('KEY_NOT_FOUND');
    });

    it('forbids agents from operator routes, and audits the denial', async () => {
      const a = await createAgent();
      const res = await get().call('POST', '/v1/agents', { token: a.apiKey, body: { name: 'sneaky' } });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('OPERATOR_ONLY');
      expect((await get().call('GET', '/v1/agents', { token: a.apiKey })).status).toBe(403);
      expect((await get().call('GET', '/v1/audit', { token: a.apiKey })).status).toBe(403);
      const events = await get().call('GET', '/v1/audit?action=agent.create&limit=5');
      expect(events.body.events[0]).toMatchObject({
        outcome: 'denied',
        reason: 'OPERATOR_ONLY',
        actor: { id: a.agent.id },
      });
    });

    it("answers 404 for another org's agent, never 403", async () => {
      const { store } = get().server;
      const other = await store.write(async (tx) => {
        const org = await tx.identity.ensureOrg({ id: newId('org'), name: `other-${Math.random()}`, createdAt: 1 });
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
        return { token };
      });
      const a = await createAgent();
      for (const [method, url] of [
        ['GET', `/v1/agents/${a.agent.id}`],
        ['POST', `/v1/agents/${a.agent.id}/suspend`],
        ['DELETE', `/v1/agents/${a.agent.id}`],
        ['GET', `/v1/agents/${a.agent.id}/keys`],
        ['POST', `/v1/agents/${a.agent.id}/keys`],
        ['GET', `/v1/agents/${a.agent.name}`],
      ] as const) {
        const res = await get().call(method, url, { token: other.token });
        expect(res.status, `${method} ${url}`).toBe(404);
        expect(res.body.error.code).toBe('AGENT_NOT_FOUND');
      }
      expect((await get().call('GET', `/v1/agents/${a.agent.id}`)).body.status).toBe('active');
      const theirs = await get().call('GET', '/v1/agents', { token: other.token });
      expect(theirs.body.agents).toEqual([]);
    });

    it('refuses tokens in the URL before anything else', async () => {
      const a = await createAgent();
      for (const url of [
        `/v1/me?access_token=${a.apiKey}`,
        `/v1/me?x=${a.apiKey}`,
        `/v1/agents/${a.apiKey}`,
        '/v1/me?api_key=abc',
      ]) {
        const res = await get().call('GET', url, { token: null });
        expect(res.status, url).toBe(400);
        expect(res.body.error.code).toBe('TOKEN_IN_URL');
        expect(JSON.stringify(res.body)).not.toContain(a.apiKey);
      }
    });

    it('puts Request-Id on every response and in every error', async () => {
      const ok = await get().call('GET', '/v1/me');
      expect(ok.headers['request-id']).toMatch(/^req_/);
      const err = await get().call('GET', '/v1/nowhere');
      expect(err.status).toBe(404);
      expect(err.body.error.code).toBe('ROUTE_NOT_FOUND');
      expect(err.body.error.requestId).toBe(err.headers['request-id']);
      expect(ok.headers['cache-control']).toBe('no-store');
    });
  },
  { clock },
);
