// HTTP tests of the relay request routes, in-process, on both stores: the whole flow, bad input, security cases.
import { generateKeyPair, toBase64Url } from '@latchkey/sdk';
import { expect, it } from 'vitest';
import { fakeClock } from '../../core/clock.js';
import {
  addOperator,
  adminId,
  captureToken,
  newAgent,
  openPayload,
  postSms,
  relayTrail,
  requestOtp,
  unknownRequestId,
} from '../../test-support/relay.js';
import { describeEachServer } from '../../test-support/server.js';

const clock = fakeClock(Date.UTC(2026, 10, 1, 12, 0, 0));

describeEachServer(
  'relay request routes',
  (get) => {
    it('relays a code: request, approve, capture by SMS, wait, consume once, open locally', async () => {
      const ts = get();
      const agent = await newAgent(ts);
      const req = await requestOtp(ts, agent.apiKey, { expectedSender: '+1 555 010 0199', channel: 'sms' });
      expect(req.status).toBe('pending_approval');
      expect(req.approvalUrl).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/v1/relay/requests/${req.id}$`));
      const pending = await ts.call('GET', '/v1/relay/requests?status=pending_approval');
      expect(pending.body.requests.map((r: { id: string }) => r.id)).toContain(req.id);

      const approved = await ts.call('POST', `/v1/relay/requests/${req.id}/approve`);
      expect(approved.status).toBe(200);
      expect(approved.body).toMatchObject({ status: 'approved', decidedBy: { id: await adminId(ts), name: 'admin' } });

      const waiting = ts.call('GET', `/v1/relay/requests/${req.id}/wait?timeoutSeconds=10`, { token: agent.apiKey });
      const token = await captureToken(ts);
      const sms = await postSms(ts, token, '+15550100199', 'BANK: 735519 is your code. Never share it.');
      expect(sms).toMatchObject({ status: 202, body: { captured: true } });
      const waited = await waiting;
      expect(waited.status).toBe(200);
      expect(waited.body.status).toBe('otp_received');

      const consumed = await ts.call('POST', `/v1/relay/requests/${req.id}/consume`, { token: agent.apiKey });
      expect(consumed.status).toBe(200);
      expect(consumed.body.metadata).toMatchObject({ channel: 'sms', from: '+15550100199' });
      expect(JSON.stringify(consumed.body)).not.toContain('735519');
      const opened = openPayload(req.keys.privateKey, consumed.body);
      expect(opened).toMatchObject({ code: '735519', channel: 'sms', from: '+15550100199', requestId: req.id });
      expect(opened.receivedAt).toBe(consumed.body.metadata.receivedAt);

      const again = await ts.call('POST', `/v1/relay/requests/${req.id}/consume`, { token: agent.apiKey });
      expect(again.status).toBe(410);
      expect(again.body.error.code).toBe('RELAY_ALREADY_CONSUMED');
      const shown = await ts.call('GET', `/v1/relay/requests/${req.id}`, { token: agent.apiKey });
      expect(shown.body).toMatchObject({
        status: 'consumed',
        capturedAt: expect.any(String),
        consumedAt: expect.any(String),
      });
      expect(await relayTrail(ts, req.id)).toEqual([
        'relay.request:success',
        'relay.approve:success',
        'relay.capture:success:sms',
        'relay.consume:success',
        'relay.reread:denied:already_consumed',
      ]);
    });

    it('gives exactly one of 100 concurrent consumes the payload', async () => {
      const ts = get();
      const agent = await newAgent(ts);
      const req = await requestOtp(ts, agent.apiKey, { channel: 'sms' });
      await ts.call('POST', `/v1/relay/requests/${req.id}/approve`);
      const token = await captureToken(ts);
      expect((await postSms(ts, token, '+15550100199', 'Your code is 246810')).body.captured).toBe(true);
      const results = await Promise.all(
        Array.from({ length: 100 }, () =>
          ts.call('POST', `/v1/relay/requests/${req.id}/consume`, { token: agent.apiKey }),
        ),
      );
      const ok = results.filter((r) => r.status === 200);
      expect(ok).toHaveLength(1);
      expect(results.filter((r) => r.status === 410)).toHaveLength(99);
      expect(openPayload(req.keys.privateKey, ok[0]?.body).code).toBe('246810');
      const trail = await relayTrail(ts, req.id);
      expect(trail.filter((e) => e === 'relay.consume:success')).toHaveLength(1);
      expect(trail.filter((e) => e.startsWith('relay.reread'))).toHaveLength(99);
    });

    it('refuses bad input, naming the field', async () => {
      const ts = get();
      const agent = await newAgent(ts);
      const publicKey = toBase64Url(generateKeyPair().publicKey);
      const cases: [Record<string, unknown>, string, string][] = [
        [{ reason: 'x', publicKey: 'not-base64url!' }, 'publicKey', 'INVALID_RELAY_PUBLIC_KEY'],
        [{ reason: 'x', publicKey: toBase64Url(new Uint8Array(31)) }, 'publicKey', 'INVALID_RELAY_PUBLIC_KEY'],
        [{ reason: 'x', publicKey: toBase64Url(new Uint8Array(32)) }, 'publicKey', 'INVALID_RELAY_PUBLIC_KEY'],
        [{ reason: 'x', publicKey, filter: { pattern: '(a)\\1' } }, 'filter.pattern', 'INVALID_FILTER'],
        [{ reason: 'x', publicKey, filter: { pattern: '(?=x)' } }, 'filter.pattern', 'INVALID_FILTER'],
        [{ reason: 'x', publicKey, filter: { from: 'a\\' } }, 'filter.from', 'INVALID_FILTER'],
        [{ reason: 'x', publicKey, ttlSeconds: 3601 }, 'ttlSeconds', 'VALIDATION_FAILED'],
        [{ reason: 'x', publicKey, ttlSeconds: 5 }, 'ttlSeconds', 'VALIDATION_FAILED'],
        [{ reason: 'x', publicKey, channel: 'fax' }, 'channel', 'VALIDATION_FAILED'],
        [{ reason: 'x', publicKey, expectedSender: 'not a sender!' }, 'expectedSender', 'VALIDATION_FAILED'],
        [
          { reason: 'x', publicKey, channel: 'email', expectedSender: '+15550100199' },
          'expectedSender',
          'VALIDATION_FAILED',
        ],
        [
          { reason: 'x', publicKey, channel: 'sms', expectedSender: 'bank.example' },
          'expectedSender',
          'VALIDATION_FAILED',
        ],
        [{ reason: '   ', publicKey }, 'reason', 'VALIDATION_FAILED'],
        [{ reason: 'x', publicKey, privateKey: 'oops' }, 'privateKey', 'VALIDATION_FAILED'],
        [{ publicKey }, 'reason', 'VALIDATION_FAILED'],
      ];
      for (const [body, path, code] of cases) {
        const res = await ts.call('POST', '/v1/relay/requests', { token: agent.apiKey, body });
        expect({ status: res.status, code: res.body.error?.code, body }).toEqual({
          status: 422,
          code,
          body,
        });
        expect(res.body.error.details.map((d: { path: string }) => d.path)).toContain(path);
      }
      const badWait = await ts.call('GET', `/v1/relay/requests/${unknownRequestId()}/wait?timeoutSeconds=999`, {
        token: agent.apiKey,
      });
      expect(badWait.status).toBe(422);
    });

    it('limits the requests one agent can have awaiting approval', async () => {
      const ts = get();
      const agent = await newAgent(ts);
      for (let i = 0; i < 10; i++) await requestOtp(ts, agent.apiKey);
      const res = await ts.call('POST', '/v1/relay/requests', {
        token: agent.apiKey,
        body: { reason: 'one more', publicKey: toBase64Url(generateKeyPair().publicKey) },
      });
      expect(res.status).toBe(429);
      expect(res.body.error.code).toBe('RELAY_TOO_MANY_PENDING');
      expect(res.headers['retry-after']).toBe('60');
    });

    it('keeps requests to their agent, their org and the right role', async () => {
      const ts = get();
      const a = await newAgent(ts);
      const b = await newAgent(ts);
      const req = await requestOtp(ts, a.apiKey);
      // No token, and an agent naming another agent's request.
      expect((await ts.call('GET', `/v1/relay/requests/${req.id}`, { token: null })).status).toBe(401);
      for (const [method, path] of [
        ['GET', ''],
        ['GET', '/wait?timeoutSeconds=0'],
        ['DELETE', ''],
        ['POST', '/consume'],
      ] as const) {
        const res = await ts.call(method, `/v1/relay/requests/${req.id}${path}`, { token: b.apiKey });
        expect({ path, status: res.status, code: res.body.error.code }).toEqual({
          path,
          status: 404,
          code: 'RELAY_REQUEST_NOT_FOUND',
        });
      }
      const bList = await ts.call('GET', '/v1/relay/requests', { token: b.apiKey });
      expect(bList.body.requests.map((r: { id: string }) => r.id)).not.toContain(req.id);
      expect((await ts.call('GET', `/v1/relay/requests?agent=${a.name}`, { token: b.apiKey })).status).toBe(404);
      // Agents cannot approve or deny; operators cannot request, cancel or consume.
      expect((await ts.call('POST', `/v1/relay/requests/${req.id}/approve`, { token: a.apiKey })).body.error.code).toBe(
        'OPERATOR_ONLY',
      );
      expect((await ts.call('POST', `/v1/relay/requests/${req.id}/deny`, { token: a.apiKey })).status).toBe(403);
      const opRequest = await ts.call('POST', '/v1/relay/requests', {
        body: { reason: 'x', publicKey: toBase64Url(generateKeyPair().publicKey) },
      });
      expect(opRequest.body.error.code).toBe('AGENT_ONLY');
      expect((await ts.call('POST', `/v1/relay/requests/${req.id}/consume`)).body.error.code).toBe('AGENT_ONLY');
      expect((await ts.call('DELETE', `/v1/relay/requests/${req.id}`)).status).toBe(403);
      // Another operator of the org sees and may deny, but cannot approve a code that goes to someone else's phone.
      const colleague = await addOperator(ts);
      expect((await ts.call('GET', `/v1/relay/requests/${req.id}`, { token: colleague.token })).status).toBe(200);
      const notApprover = await ts.call('POST', `/v1/relay/requests/${req.id}/approve`, { token: colleague.token });
      expect(notApprover.status).toBe(403);
      expect(notApprover.body.error.code).toBe('RELAY_NOT_APPROVER');
      // Another org sees nothing.
      const stranger = await addOperator(ts, { newOrg: true });
      for (const path of ['', '/approve', '/deny']) {
        const res = await ts.call(path ? 'POST' : 'GET', `/v1/relay/requests/${req.id}${path}`, {
          token: stranger.token,
        });
        expect(res.status).toBe(404);
      }
      expect((await ts.call('GET', '/v1/relay/requests', { token: stranger.token })).body.requests).toEqual([]);
      expect(await relayTrail(ts, req.id)).toEqual(
        expect.arrayContaining(['relay.approve:denied:OPERATOR_ONLY', 'relay.approve:denied:RELAY_NOT_APPROVER']),
      );
      // A suspended agent cannot authenticate; its human may still deny.
      await ts.call('POST', `/v1/agents/${a.id}/suspend`);
      expect((await ts.call('GET', `/v1/relay/requests/${req.id}`, { token: a.apiKey })).status).toBe(403);
      const forSuspended = await ts.call('POST', `/v1/relay/requests/${req.id}/approve`);
      expect(forSuspended.body.error.code).toBe('AGENT_SUSPENDED');
      expect((await ts.call('POST', `/v1/relay/requests/${req.id}/deny`)).body.status).toBe('denied');
    });

    it('refuses tokens in URLs and bad capture tokens', async () => {
      const ts = get();
      const token = await captureToken(ts);
      expect(
        (await ts.call('POST', `/v1/relay/capture/sms?token=${token}`, { token: null, body: { from: 'x', body: 'y' } }))
          .status,
      ).toBe(400);
      expect((await postSms(ts, 'lk_cap_nonsense', '+1555', 'code 123456')).status).toBe(401);
      const forged = `${token.slice(0, -52)}${'a'.repeat(52)}`;
      expect((await postSms(ts, forged, '+1555', 'code 123456')).status).toBe(401);
      const agent = await newAgent(ts);
      expect((await postSms(ts, agent.apiKey, '+1555', 'code 123456')).status).toBe(401);
      expect((await postSms(ts, ts.adminToken, '+1555', 'code 123456')).status).toBe(401);
      // A new token replaces the old one.
      const next = await captureToken(ts);
      expect((await postSms(ts, token, '+1555', 'code 123456')).status).toBe(401);
      expect((await postSms(ts, next, '+1555', 'code 123456')).status).toBe(202);
      const denied = await ts.call('GET', '/v1/audit?action=auth.authenticate&limit=5');
      expect(denied.body.events[0]).toMatchObject({ outcome: 'denied', target: { type: 'capture_token' } });
    });

    it('answers a wait with the request as it is when nothing happens in time', async () => {
      const ts = get();
      const agent = await newAgent(ts);
      const req = await requestOtp(ts, agent.apiKey);
      const started = Date.now();
      const res = await ts.call('GET', `/v1/relay/requests/${req.id}/wait?timeoutSeconds=1`, { token: agent.apiKey });
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('pending_approval');
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      // A wait ends as soon as the request ends.
      const waiting = ts.call('GET', `/v1/relay/requests/${req.id}/wait?timeoutSeconds=20`, { token: agent.apiKey });
      await ts.call('POST', `/v1/relay/requests/${req.id}/deny`);
      expect((await waiting).body.status).toBe('denied');
    });

    it('publishes its routes in the OpenAPI document', async () => {
      const doc = await get().call('GET', '/openapi.json', { token: null });
      expect(Object.keys(doc.body.paths)).toEqual(
        expect.arrayContaining([
          '/v1/relay/requests',
          '/v1/relay/requests/{id}',
          '/v1/relay/requests/{id}/wait',
          '/v1/relay/requests/{id}/consume',
          '/v1/relay/requests/{id}/approve',
          '/v1/relay/requests/{id}/deny',
          '/v1/relay/capture/sms',
          '/v1/relay/settings',
          '/v1/relay/standing-approvals',
        ]),
      );
      expect(doc.body.components.schemas).toHaveProperty('RelayPayload');
    });
  },
  { clock },
);
