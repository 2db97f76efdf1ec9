// Every finished request is counted and logged once, by route pattern: never the raw URL, its query or a header.
import { Writable } from 'node:stream';
import { expect, it } from 'vitest';
import { loadServeConfig } from '../config/config.js';
import { createServer } from '../main.js';
import { newSite } from '../test-support/stores.js';

it('logs one line per request with method, route pattern, status, duration and request id', async () => {
  const site = newSite('sqlite');
  let logs = '';
  const logStream = new Writable({
    write(chunk, _enc, done) {
      logs += chunk.toString();
      done();
    },
  });
  const config = loadServeConfig({ data: site.dir, httpPort: '0', smtpPort: 'off' }, { LATCHKEY_LOG_LEVEL: 'debug' });
  const server = await createServer(config, { logStream });
  try {
    const admin = `Bearer ${server.adminToken ?? ''}`;
    const miss = await server.app.inject({
      url: '/v1/agents/no-such-agent?limit=7',
      headers: { authorization: admin },
    });
    expect(miss.statusCode).toBe(404);
    const unmatched = await server.app.inject({ url: '/v1/nowhere/else' });
    expect(unmatched.statusCode).toBe(404);
    const lines = logs
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((l) => l.msg === 'request');
    expect(lines).toEqual([
      expect.objectContaining({
        method: 'GET',
        route: '/v1/agents/:id',
        status: 404,
        ms: expect.any(Number),
        requestId: miss.headers['request-id'],
      }),
      expect.objectContaining({
        method: 'GET',
        route: 'unmatched',
        status: 404,
        requestId: unmatched.headers['request-id'],
      }),
    ]);
    expect(logs).not.toContain('no-such-agent');
    expect(logs).not.toContain('limit=7');
    expect(logs).not.toContain('nowhere');
    expect(logs).not.toContain(server.adminToken ?? 'no token');
    const metrics = (await server.app.inject({ url: '/metrics' })).body;
    expect(metrics).toContain('latchkey_http_requests_total{method="GET",route="/v1/agents/:id",status="404"} 1');
    expect(metrics).toContain('latchkey_http_requests_total{method="GET",route="unmatched",status="404"} 1');
    expect(metrics).toMatch(
      /latchkey_http_request_duration_seconds_count\{method="GET",route="\/v1\/agents\/:id"\} 1\n/,
    );
  } finally {
    await server.close();
    await site.cleanup();
  }
});
