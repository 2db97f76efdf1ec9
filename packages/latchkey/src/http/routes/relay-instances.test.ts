// The one read across instances and restarts: two servers on one PostgreSQL schema share 100 concurrent consumes
// and exactly one succeeds; on either store a consumed code stays consumed after a restart.
import { generateKeyPair, toBase64Url } from '@latchkey/sdk';
import { describe, expect, it } from 'vitest';
import { loadServeConfig } from '../../config/config.js';
import { createServer, type LatchkeyServer } from '../../main.js';
import { pgAvailable } from '../../test-support/postgres.js';
import { injectJson, openPayload } from '../../test-support/relay.js';
import { newSite, type StoreSite, storeKinds } from '../../test-support/stores.js';

function configOf(site: StoreSite) {
  return loadServeConfig(
    { data: site.dir, httpPort: '0', smtpPort: 'off' },
    { LATCHKEY_LOG_LEVEL: 'silent', ...(site.databaseUrl ? { DATABASE_URL: site.databaseUrl } : {}) },
  );
}

/** Runs request → approve → SMS capture on `server`; returns what the agent needs to read the code. */
async function captured(server: LatchkeyServer, code: string) {
  const admin = server.adminToken ?? '';
  const agent = (await injectJson(server, 'POST', '/v1/agents', admin, { name: `bot-${code}` })).body;
  const keys = generateKeyPair();
  const req = await injectJson(server, 'POST', '/v1/relay/requests', agent.apiKey, {
    reason: 'one read',
    channel: 'sms',
    publicKey: toBase64Url(keys.publicKey),
  });
  await injectJson(server, 'POST', `/v1/relay/requests/${req.body.id}/approve`, admin);
  const token = (await injectJson(server, 'POST', '/v1/relay/settings/capture-token', admin)).body.token;
  const sms = await injectJson(server, 'POST', '/v1/relay/capture/sms', token, {
    from: '+15550100199',
    body: `code ${code}`,
  });
  expect(sms.body.captured).toBe(true);
  return { id: req.body.id as string, apiKey: agent.apiKey as string, keys };
}

describe.skipIf(!pgAvailable)('the one read across two PostgreSQL instances', () => {
  it('gives exactly one of 100 concurrent consumes, split over both, the code', async () => {
    const site = newSite('postgres');
    const a = await createServer(configOf(site));
    const b = await createServer(configOf(site));
    try {
      const r = await captured(a, '271828');
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          injectJson(i % 2 === 0 ? a : b, 'POST', `/v1/relay/requests/${r.id}/consume`, r.apiKey),
        ),
      );
      const ok = results.filter((x) => x.status === 200);
      expect(ok).toHaveLength(1);
      expect(results.filter((x) => x.status === 410).length).toBe(99);
      expect(openPayload(r.keys.privateKey, ok[0]?.body).code).toBe('271828');
      const events = await injectJson(a, 'GET', '/v1/audit?action=relay.consume&limit=10', a.adminToken ?? '');
      expect(events.body.events).toHaveLength(1);
      expect((await injectJson(b, 'GET', '/v1/audit/verify', a.adminToken ?? '')).body.ok).toBe(true);
    } finally {
      await a.close();
      await b.close();
      await site.cleanup();
    }
  });
});

describe.skipIf(!pgAvailable)('waiting across two PostgreSQL instances', () => {
  it('a wait on one instance ends when the other captures the code', async () => {
    const site = newSite('postgres');
    const a = await createServer(configOf(site));
    const b = await createServer(configOf(site));
    try {
      const admin = a.adminToken ?? '';
      const agent = (await injectJson(a, 'POST', '/v1/agents', admin, { name: 'waiting-bot' })).body;
      const req = await injectJson(a, 'POST', '/v1/relay/requests', agent.apiKey, {
        reason: 'wait across instances',
        channel: 'sms',
        publicKey: toBase64Url(generateKeyPair().publicKey),
      });
      const started = Date.now();
      const waiting = injectJson(b, 'GET', `/v1/relay/requests/${req.body.id}/wait?timeoutSeconds=20`, agent.apiKey);
      await injectJson(a, 'POST', `/v1/relay/requests/${req.body.id}/approve`, admin);
      const token = (await injectJson(a, 'POST', '/v1/relay/settings/capture-token', admin)).body.token;
      await injectJson(a, 'POST', '/v1/relay/capture/sms', token, { from: '+15550100199', body: 'code 424242' });
      const waited = await waiting;
      expect(waited.body.status).toBe('otp_received');
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      await a.close();
      await b.close();
      await site.cleanup();
    }
  });
});

describe('a consumed code stays consumed after a restart', () => {
  for (const kind of storeKinds) {
    it(`[${kind}]`, async () => {
      const site = newSite(kind);
      let server = await createServer(configOf(site));
      const admin = server.adminToken ?? '';
      try {
        const r = await captured(server, '161803');
        expect((await injectJson(server, 'POST', `/v1/relay/requests/${r.id}/consume`, r.apiKey)).status).toBe(200);
        await server.close();
        server = await createServer(configOf(site));
        const again = await injectJson(server, 'POST', `/v1/relay/requests/${r.id}/consume`, r.apiKey);
        expect(again.status).toBe(410);
        expect(again.body.error.code).toBe('RELAY_ALREADY_CONSUMED');
        expect((await injectJson(server, 'GET', `/v1/relay/requests/${r.id}`, admin)).body.status).toBe('consumed');
      } finally {
        await server.close();
        await site.cleanup();
      }
    });
  }
});
