// Approver webhooks, on both stores: Standard Webhooks signatures verified by a real local receiver, retries with
// backoff on a fake clock, the attempt cap, delivery after a restart, alarms on re-reads, and the SSRF refusals.
import { generateKeyPair, toBase64Url } from '@latchkey/sdk';
import { afterAll, describe, expect, it } from 'vitest';
import { loadServeConfig } from '../../config/config.js';
import { fakeClock } from '../../core/clock.js';
import { verifyWebhook } from '../../crypto/webhook-signature.js';
import { createServer } from '../../main.js';
import { MAX_DELIVERY_ATTEMPTS, RETRY_DELAYS_MS } from '../../modules/relay/relay-events.js';
import { addOperator, captureToken, injectJson, newAgent, postSms, requestOtp } from '../../test-support/relay.js';
import { describeEachServer, type TestServer } from '../../test-support/server.js';
import { newSite, storeKinds } from '../../test-support/stores.js';
import { startWebhookReceiver } from '../../test-support/webhook-receiver.js';

const clock = fakeClock(Date.UTC(2026, 10, 1, 12, 0, 0));
const receiver = await startWebhookReceiver();
const outsider = await startWebhookReceiver();
afterAll(async () => {
  await receiver.close();
  await outsider.close();
});

/** An operator with a webhook on the receiver, and an agent whose requests that operator approves. */
async function approverWithWebhook(ts: TestServer, path: string) {
  const human = await addOperator(ts);
  const registered = await ts.call('PUT', '/v1/relay/settings/webhook', {
    token: human.token,
    body: { url: receiver.url(path) },
  });
  expect(registered.status).toBe(200);
  expect(registered.body.secret).toMatch(/^whsec_/);
  const agent = await newAgent(ts, human.token);
  return { human, agent, secret: registered.body.secret as string };
}

function verified(secret: string, delivery: { headers: Record<string, string>; body: string }) {
  verifyWebhook(secret, delivery.headers, delivery.body, clock.now());
  return JSON.parse(delivery.body) as { type: string; timestamp: string; data: Record<string, unknown> };
}

async function deliveries(ts: TestServer, token: string) {
  const res = await ts.call('GET', '/v1/relay/settings/webhook/deliveries', { token });
  expect(res.status).toBe(200);
  return res.body.deliveries as {
    id: string;
    eventType: string;
    status: string;
    attempts: number;
    lastStatus: number | null;
    lastError: string | null;
    nextAttemptAt: string | null;
  }[];
}

describeEachServer(
  'relay webhooks',
  (get) => {
    it('notifies the approver with a signed request they can verify, naming nothing secret', async () => {
      const ts = get();
      const path = `/${ts.kind}/hooks/notify`;
      const { human, agent, secret } = await approverWithWebhook(ts, path);
      const req = await requestOtp(ts, agent.apiKey, { expectedSender: 'bank.example' });
      expect(await ts.server.relay.dispatcher.runOnce()).toBeGreaterThanOrEqual(1);
      const [delivery] = receiver.received(path);
      if (!delivery) throw new Error('no delivery');
      expect(delivery.headers['content-type']).toBe('application/json');
      expect(delivery.headers['webhook-id']).toMatch(/^whk_/);
      const event = verified(secret, delivery);
      expect(event).toMatchObject({
        type: 'relay.approval_requested',
        data: {
          requestId: req.id,
          agent: { id: agent.id, name: agent.name },
          reason: 'sign in to the bank portal',
          expectedSender: 'bank.example',
          approvalUrl: req.approvalUrl,
          approveUrl: `${req.approvalUrl}/approve`,
        },
      });
      // A forged or altered delivery does not verify.
      expect(() =>
        verifyWebhook(secret, delivery.headers, delivery.body.replace('bank', 'evil'), clock.now()),
      ).toThrow();
      expect((await deliveries(ts, human.token))[0]).toMatchObject({
        status: 'delivered',
        attempts: 1,
        lastStatus: 204,
      });
      // A test event, on demand.
      expect((await ts.call('POST', '/v1/relay/settings/webhook/test', { token: human.token })).body.queued).toBe(true);
      await ts.server.relay.dispatcher.runOnce();
      const test = receiver.received(path).at(-1);
      expect(test && verified(secret, test).type).toBe('relay.webhook_test');
    });

    it('retries failed deliveries with backoff, under the same webhook-id, until one succeeds', async () => {
      const ts = get();
      const path = `/${ts.kind}/hooks/retry`;
      receiver.respond(path, [500, 503]);
      const { human, agent, secret } = await approverWithWebhook(ts, path);
      await requestOtp(ts, agent.apiKey);
      await ts.server.relay.dispatcher.runOnce();
      expect(receiver.received(path)).toHaveLength(1);
      let [d] = await deliveries(ts, human.token);
      expect(d).toMatchObject({
        status: 'pending',
        attempts: 1,
        lastStatus: 500,
        lastError: 'the receiver answered 500',
      });
      expect(d?.nextAttemptAt).toBe(new Date(clock.now() + (RETRY_DELAYS_MS[0] ?? 0)).toISOString());
      // Not before its time.
      await ts.server.relay.dispatcher.runOnce();
      expect(receiver.received(path)).toHaveLength(1);
      clock.advance(RETRY_DELAYS_MS[0] ?? 0);
      await ts.server.relay.dispatcher.runOnce();
      expect(receiver.received(path)).toHaveLength(2);
      [d] = await deliveries(ts, human.token);
      expect(d).toMatchObject({ status: 'pending', attempts: 2, lastStatus: 503 });
      clock.advance((RETRY_DELAYS_MS[1] ?? 0) - 1);
      await ts.server.relay.dispatcher.runOnce();
      expect(receiver.received(path)).toHaveLength(2);
      clock.advance(1);
      await ts.server.relay.dispatcher.runOnce();
      const attempts = receiver.received(path);
      expect(attempts).toHaveLength(3);
      expect(new Set(attempts.map((a) => a.headers['webhook-id'])).size).toBe(1);
      expect(new Set(attempts.map((a) => a.body)).size).toBe(1);
      for (const a of attempts.slice(-1)) verified(secret, a);
      [d] = await deliveries(ts, human.token);
      expect(d).toMatchObject({ status: 'delivered', attempts: 3, lastStatus: 204 });
    });

    it('gives up after the last attempt', async () => {
      const ts = get();
      const path = `/${ts.kind}/hooks/down`;
      receiver.respond(
        path,
        Array.from({ length: MAX_DELIVERY_ATTEMPTS + 2 }, () => 500),
      );
      const { human, agent } = await approverWithWebhook(ts, path);
      await requestOtp(ts, agent.apiKey);
      await ts.server.relay.dispatcher.runOnce();
      for (const delay of RETRY_DELAYS_MS) {
        clock.advance(delay);
        await ts.server.relay.dispatcher.runOnce();
      }
      clock.advance(24 * 3_600_000);
      await ts.server.relay.dispatcher.runOnce();
      expect(receiver.received(path)).toHaveLength(MAX_DELIVERY_ATTEMPTS);
      expect((await deliveries(ts, human.token))[0]).toMatchObject({
        status: 'failed',
        attempts: MAX_DELIVERY_ATTEMPTS,
      });
    });

    it('tells the approver when a standing approval releases a code, and alarms once per burst of re-reads', async () => {
      const ts = get();
      const path = `/${ts.kind}/hooks/alarm`;
      const { human, agent, secret } = await approverWithWebhook(ts, path);
      await ts.call('POST', '/v1/relay/standing-approvals', {
        token: human.token,
        body: { agent: agent.name, sender: '+15550100199', maxCodes: 1, withinHours: 1 },
      });
      const req = await requestOtp(ts, agent.apiKey, { expectedSender: '+15550100199' });
      expect(req.status).toBe('approved');
      const token = await captureToken(ts, human.token);
      expect((await postSms(ts, token, '+15550100199', 'code 314159')).body.captured).toBe(true);
      expect((await ts.call('POST', `/v1/relay/requests/${req.id}/consume`, { token: agent.apiKey })).status).toBe(200);
      for (let i = 0; i < 3; i++) {
        expect((await ts.call('POST', `/v1/relay/requests/${req.id}/consume`, { token: agent.apiKey })).status).toBe(
          410,
        );
      }
      await ts.server.relay.dispatcher.runOnce();
      const events = receiver.received(path).map((d) => verified(secret, d));
      // Deliveries go out in parallel: their order is not promised, only that each arrives once.
      expect(events.map((e) => e.type).sort()).toEqual(['relay.auto_approved', 'relay.reread_alarm']);
      expect(events.find((e) => e.type === 'relay.reread_alarm')?.data).toMatchObject({
        requestId: req.id,
        agent: { id: agent.id },
      });
      expect(JSON.stringify(events)).not.toContain('314159');
    });

    it('refuses loopback, private, link-local and metadata URLs at registration', async () => {
      const ts = get();
      for (const url of [
        outsider.url('/x'),
        'http://10.0.0.5/hook',
        'http://192.168.1.2/hook',
        'http://169.254.169.254/latest/meta-data',
        'http://[::1]/hook',
        'http://localhost:8080/hook',
        'http://2130706433/hook',
        'ftp://example.com/hook',
        'http://user:pw@example.com/hook',
      ]) {
        const res = await ts.call('PUT', '/v1/relay/settings/webhook', { body: { url } });
        expect({
          url,
          status: res.status,
          code: res.body.error?.code,
          path: res.body.error?.details?.[0]?.path,
        }).toEqual({
          url,
          status: 422,
          code: 'INVALID_WEBHOOK_URL',
          path: 'url',
        });
      }
    });

    it('refuses at connect time a URL that points inside, and follows no redirect', async () => {
      const ts = get();
      const { human, agent } = await approverWithWebhook(ts, `/${ts.kind}/hooks/moved`);
      // As if the URL's target changed after registration: now a loopback port nobody allowed.
      await ts.server.store.db
        .updateTable('relay_settings')
        .set({ webhook_url: outsider.url(`/${ts.kind}/inside`) })
        .where('human_id', '=', human.humanId)
        .execute();
      await requestOtp(ts, agent.apiKey);
      await ts.server.relay.dispatcher.runOnce();
      expect(outsider.received(`/${ts.kind}/inside`)).toEqual([]);
      expect((await deliveries(ts, human.token))[0]).toMatchObject({ status: 'failed', attempts: 1 });
      expect((await deliveries(ts, human.token))[0]?.lastError).toMatch(/refused address \(loopback\)/);
      // A redirect is a failed delivery, never followed.
      const redirected = await approverWithWebhook(ts, `/${ts.kind}/hooks/redirect`);
      receiver.respond(`/${ts.kind}/hooks/redirect`, [307]);
      await requestOtp(ts, redirected.agent.apiKey);
      await ts.server.relay.dispatcher.runOnce();
      expect((await deliveries(ts, redirected.human.token))[0]).toMatchObject({ status: 'failed', lastStatus: 307 });
    });
  },
  { clock, env: { LATCHKEY_WEBHOOK_ALLOW_PRIVATE_HOSTS: receiver.hostPort } },
);

describe('relay webhooks survive a restart', () => {
  for (const kind of storeKinds) {
    it(`delivers after a restart what failed before it [${kind}]`, async () => {
      const site = newSite(kind);
      const config = loadServeConfig(
        { data: site.dir, httpPort: '0', smtpPort: 'off' },
        {
          LATCHKEY_LOG_LEVEL: 'silent',
          LATCHKEY_WEBHOOK_ALLOW_PRIVATE_HOSTS: receiver.hostPort,
          ...(site.databaseUrl ? { DATABASE_URL: site.databaseUrl } : {}),
        },
      );
      const path = `/hooks/restart-${kind}`;
      receiver.respond(path, [500]);
      let server = await createServer(config, { clock });
      try {
        const admin = server.adminToken ?? '';
        const call = async (method: 'POST' | 'PUT', url: string, token: string, body: unknown) =>
          (await injectJson(server, method, url, token, body)).body;
        await call('PUT', '/v1/relay/settings/webhook', admin, { url: receiver.url(path) });
        const agent = await call('POST', '/v1/agents', admin, { name: 'restart-bot' });
        await call('POST', '/v1/relay/requests', agent.apiKey, {
          reason: 'after restart',
          publicKey: toBase64Url(generateKeyPair().publicKey),
        });
        await server.relay.dispatcher.runOnce();
        expect(receiver.received(path)).toHaveLength(1);
        await server.close();
        server = await createServer(config, { clock });
        clock.advance(RETRY_DELAYS_MS[0] ?? 0);
        await server.relay.dispatcher.runOnce();
        expect(receiver.received(path)).toHaveLength(2);
        const rows = await server.store.db.selectFrom('relay_deliveries').select(['status', 'attempts']).execute();
        expect(rows).toEqual([{ status: 'delivered', attempts: 2 }]);
      } finally {
        await server.close();
        await site.cleanup();
      }
    });
  }
});
