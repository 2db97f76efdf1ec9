// Tests for safePost against real local HTTP servers: SSRF refusals, allowlist, redirects, deadlines, size caps.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Resolver, safePost } from './safe-post.js';

interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One local receiver whose behaviour is chosen by path. */
let server: http.Server;
let port = 0;
const received: Received[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      switch (req.url) {
        case '/ok':
          res.writeHead(200, { 'content-type': 'text/plain' }).end('thanks');
          return;
        case '/redirect':
          res.writeHead(302, { location: `http://127.0.0.1:${port}/ok` }).end();
          return;
        case '/error':
          res.writeHead(500).end('nope');
          return;
        case '/slow':
          return; // never answers
        case '/trickle':
          res.writeHead(200);
          res.write('a'); // headers and one byte, then silence: the deadline covers the body too
          return;
        case '/huge': {
          res.writeHead(200);
          const block = Buffer.alloc(64 * 1024, 120);
          const pump = () => {
            while (res.write(block)) {
              if (res.destroyed) return;
            }
            res.once('drain', pump);
          };
          res.on('error', () => undefined);
          pump();
          return;
        }
        default:
          res.writeHead(404).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

const base = (path: string) => `http://127.0.0.1:${port}${path}`;
const allow = () => [`127.0.0.1:${port}`];
const options = { body: '{"event":"test"}', timeoutMs: 2_000, maxResponseBytes: 1_024 };

describe('safePost', () => {
  it('refuses 127.0.0.1 without the allowlist, before connecting', async () => {
    const before = received.length;
    const outcome = await safePost(base('/ok'), options);
    expect(outcome).toMatchObject({ ok: false, failure: 'refused_address' });
    expect(received.length).toBe(before);
  });

  it('refuses every other spelling of loopback', async () => {
    for (const url of [
      `http://2130706433:${port}/ok`,
      `http://0x7f.1:${port}/ok`,
      `http://[::ffff:127.0.0.1]:${port}/ok`,
      `http://[::1]:${port}/ok`,
      `http://0.0.0.0:${port}/ok`,
    ]) {
      expect(await safePost(url, options)).toMatchObject({ ok: false, failure: 'refused_address' });
    }
  });

  it('delivers to an allowlisted host:port, with the body and headers intact', async () => {
    const outcome = await safePost(base('/ok'), {
      ...options,
      headers: { 'content-type': 'application/json', 'webhook-id': 'msg_1' },
      allowedPrivateHosts: allow(),
    });
    expect(outcome).toEqual({ ok: true, status: 200, body: new TextEncoder().encode('thanks'), truncated: false });
    const last = received.at(-1);
    expect(last?.body).toBe('{"event":"test"}');
    expect(last?.headers['webhook-id']).toBe('msg_1');
    expect(last?.headers['content-length']).toBe('16');
    expect(last?.headers['user-agent']).toMatch(/^Latchkey-Webhooks\//);
  });

  it('does not follow a 302', async () => {
    const before = received.length;
    const outcome = await safePost(base('/redirect'), { ...options, allowedPrivateHosts: allow() });
    expect(outcome).toMatchObject({ ok: false, failure: 'redirect', status: 302 });
    expect(received.slice(before).map((r) => r.path)).toEqual(['/redirect']);
  });

  it('reports a non-2xx answer', async () => {
    expect(await safePost(base('/error'), { ...options, allowedPrivateHosts: allow() })).toMatchObject({
      ok: false,
      failure: 'http_status',
      status: 500,
    });
  });

  it('gives up on a server that never answers, within the deadline', async () => {
    for (const path of ['/slow', '/trickle']) {
      const started = performance.now();
      const outcome = await safePost(base(path), { ...options, timeoutMs: 300, allowedPrivateHosts: allow() });
      const elapsed = performance.now() - started;
      expect(outcome).toMatchObject({ ok: false, failure: 'timeout' });
      expect(elapsed).toBeGreaterThanOrEqual(290);
      expect(elapsed).toBeLessThan(2_000);
    }
  });

  it('keeps at most maxResponseBytes of an endless response and closes the connection', async () => {
    const outcome = await safePost(base('/huge'), {
      ...options,
      maxResponseBytes: 100_000,
      allowedPrivateHosts: allow(),
    });
    expect(outcome).toMatchObject({ ok: true, status: 200, truncated: true });
    if (!outcome.ok) throw new Error('unreachable');
    expect(outcome.body.length).toBe(100_000);
    expect(outcome.body.every((byte) => byte === 120)).toBe(true);
  });

  it('refuses a name that resolves to loopback (localhost through the system resolver)', async () => {
    const before = received.length;
    const outcome = await safePost(`http://localhost:${port}/ok`, { ...options, allowedPrivateHosts: allow() });
    expect(outcome).toMatchObject({ ok: false, failure: 'refused_address' });
    expect(received.length).toBe(before);
  });

  it('refuses a name if any one of its addresses is refused (DNS rebinding), checked at connect time', async () => {
    let lookups = 0;
    const rebinding: Resolver = async () => {
      lookups += 1;
      return [
        { address: '93.184.215.14', family: 4 },
        { address: '127.0.0.1', family: 4 },
      ];
    };
    const outcome = await safePost(`http://rebind.example:${port}/ok`, { ...options, resolve: rebinding });
    expect(outcome).toMatchObject({ ok: false, failure: 'refused_address' });
    expect(lookups).toBe(1);
    const mapped: Resolver = async () => [{ address: '::ffff:169.254.169.254', family: 6 }];
    expect(await safePost('http://metadata.example/latest', { ...options, resolve: mapped })).toMatchObject({
      ok: false,
      failure: 'refused_address',
    });
  });

  it('uses the resolver for the connection itself, and honours an allowlisted name', async () => {
    const resolver: Resolver = async () => [{ address: '127.0.0.1', family: 4 }];
    const outcome = await safePost(`http://receiver.test:${port}/ok`, {
      ...options,
      resolve: resolver,
      allowedPrivateHosts: [`receiver.test:${port}`],
    });
    expect(outcome).toMatchObject({ ok: true, status: 200 });
    expect(received.at(-1)?.headers.host).toBe(`receiver.test:${port}`);
  });

  it('reports connection failures and bad URLs as outcomes, not exceptions', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    expect(
      await safePost(`http://127.0.0.1:${closedPort}/`, {
        ...options,
        allowedPrivateHosts: [`127.0.0.1:${closedPort}`],
      }),
    ).toMatchObject({ ok: false, failure: 'network', message: expect.stringContaining('ECONNREFUSED') });
    expect(await safePost('ftp://example.com/', options)).toMatchObject({ ok: false, failure: 'invalid_url' });
    expect(await safePost('https://u:p@example.com/', options)).toMatchObject({ ok: false, failure: 'invalid_url' });
    const failing: Resolver = async () => {
      throw Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'ENOTFOUND' });
    };
    expect(await safePost('http://nowhere.example/', { ...options, resolve: failing })).toMatchObject({
      ok: false,
      failure: 'network',
    });
  });
});
