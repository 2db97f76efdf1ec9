// Master key rotation reaches the relay's data keys, on both stores: after rotating and retiring the old version, a
// captured sender still opens for the consume metadata and the webhook secret still signs deliveries.
import { randomBytes } from 'node:crypto';
import { generateKeyPair, toBase64Url } from '@latchkey/sdk';
import { afterAll, describe, expect, it } from 'vitest';
import { loadServeConfig } from '../../config/config.js';
import { verifyWebhook } from '../../crypto/webhook-signature.js';
import { createServer, type LatchkeyServer } from '../../main.js';
import { injectJson, openPayload } from '../../test-support/relay.js';
import { newSite, type StoreSite, storeKinds } from '../../test-support/stores.js';
import { startWebhookReceiver } from '../../test-support/webhook-receiver.js';

const receiver = await startWebhookReceiver();
afterAll(() => receiver.close());

function serve(site: StoreSite, masterKey: string): Promise<LatchkeyServer> {
  const config = loadServeConfig(
    { data: site.dir, httpPort: '0', smtpPort: 'off' },
    {
      LATCHKEY_LOG_LEVEL: 'silent',
      LATCHKEY_MASTER_KEY: masterKey,
      LATCHKEY_WEBHOOK_ALLOW_PRIVATE_HOSTS: receiver.hostPort,
      ...(site.databaseUrl ? { DATABASE_URL: site.databaseUrl } : {}),
    },
  );
  return createServer(config);
}

async function rotated(server: LatchkeyServer, token: string): Promise<{ status: string; rewrapped: number }> {
  expect((await injectJson(server, 'POST', '/v1/keys/rotate', token, {})).status).toBe(202);
  for (let i = 0; i < 600; i++) {
    const rotation = (await injectJson(server, 'GET', '/v1/keys/rotation', token)).body.rotation;
    if (rotation && rotation.status !== 'running') return rotation;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('rotation did not finish');
}

describe('key rotation and the relay', () => {
  for (const kind of storeKinds) {
    it(`keeps webhook secrets and captured senders readable [${kind}]`, async () => {
      const site = newSite(kind);
      const [k1, k2] = [randomBytes(32).toString('base64'), randomBytes(32).toString('base64')];
      const path = `/rotation/${kind}`;
      let server = await serve(site, `1:${k1}`);
      const admin = server.adminToken ?? '';
      try {
        const secret = (
          await injectJson(server, 'PUT', '/v1/relay/settings/webhook', admin, { url: receiver.url(path) })
        ).body.secret;
        const agent = (await injectJson(server, 'POST', '/v1/agents', admin, { name: 'rotating-bot' })).body;
        const keys = generateKeyPair();
        const req = await injectJson(server, 'POST', '/v1/relay/requests', agent.apiKey, {
          reason: 'across a rotation',
          channel: 'sms',
          publicKey: toBase64Url(keys.publicKey),
        });
        await injectJson(server, 'POST', `/v1/relay/requests/${req.body.id}/approve`, admin);
        const capture = (await injectJson(server, 'POST', '/v1/relay/settings/capture-token', admin)).body.token;
        const sms = await injectJson(server, 'POST', '/v1/relay/capture/sms', capture, {
          from: '+15550100177',
          body: 'code 909090',
        });
        expect(sms.body.captured).toBe(true);
        await server.close();

        server = await serve(site, `2:${k2},1:${k1}`);
        const done = await rotated(server, admin);
        expect(done.status).toBe('done');
        // The store's keyed-hash key, the webhook secret's data key and the captured sender's.
        expect(done.rewrapped).toBe(3);
        expect((await injectJson(server, 'POST', '/v1/keys/versions/1/retire', admin)).status).toBe(200);
        await server.close();

        server = await serve(site, `2:${k2}`);
        const consumed = await injectJson(server, 'POST', `/v1/relay/requests/${req.body.id}/consume`, agent.apiKey);
        expect(consumed.status).toBe(200);
        expect(consumed.body.metadata.from).toBe('+15550100177');
        expect(openPayload(keys.privateKey, consumed.body).code).toBe('909090');
        await injectJson(server, 'POST', '/v1/relay/settings/webhook/test', admin, {});
        await server.relay.dispatcher.runOnce();
        const test = receiver.received(path).find((d) => JSON.parse(d.body).type === 'relay.webhook_test');
        if (!test) throw new Error('no test delivery');
        expect(verifyWebhook(secret, test.headers, test.body, Date.now()).id).toMatch(/^whk_/);
      } finally {
        await server.close();
        await site.cleanup();
      }
    });
  }
});
