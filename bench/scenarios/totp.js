// GET /v1/vault/items/{name}/totp with an agent key: authentication, an unwrap and a decrypt, a TOTP code, and
// one durable audit event per code (committed before the code is sent), against the baseline answering the
// same JSON. Afterwards, the audit trail must hold one vault.totp event for every code handed out.
import { api } from '../lib.js';

export default {
  name: 'GET /v1/vault/items/{name}/totp (agent key, one audit event per code)',
  target: 0.5,
  async setup(server) {
    const { apiKey } = await api(server.url, server.adminToken, 'POST', '/v1/agents', { name: 'bench-totp' });
    await api(server.url, apiKey, 'PUT', '/v1/vault/items/bench', {
      type: 'totp',
      totp: { uri: 'otpauth://totp/Bench:bot?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=Bench' },
    });
    const path = '/v1/vault/items/bench/totp';
    const body = await api(server.url, apiKey, 'GET', path);
    return {
      path,
      headers: { Authorization: `Bearer ${apiKey}` },
      baselineBody: body,
      async after(_server, { requests, timeouts, runs, connections }) {
        let events = 0;
        let cursor;
        do {
          const q = `/v1/audit?action=vault.totp&limit=500${cursor ? `&cursor=${cursor}` : ''}`;
          const page = await api(server.url, server.adminToken, 'GET', q);
          events += page.events.filter((e) => e.action === 'vault.totp' && e.outcome === 'success').length;
          cursor = page.nextCursor;
        } while (cursor);
        // wrk counts completed responses; requests it timed out on, or still in flight when it stopped, were
        // served (and audited) too: at most one per connection per run, plus the timeouts.
        const ok = events >= requests && events <= requests + timeouts + runs * connections + 1;
        console.log(
          `  audit: ${events} vault.totp events for ${requests} codes counted by wrk ${ok ? 'PASS' : 'FAIL'}`,
        );
        return ok;
      },
    };
  },
};
