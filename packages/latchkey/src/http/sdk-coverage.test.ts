// The SDK covers the API: every operation in /openapi.json is reached by some SDK method, and every request the
// SDK can make is an operation the server documents. Methods are found by walking the client, not listed by hand,
// so a new endpoint without an SDK method (or a method calling a route that does not exist) fails here.
import { randomBytes } from 'node:crypto';
import { Latchkey } from '@latchkey/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../test-support/server.js';

/** Called by SMS providers in their own format and signature scheme, never by an API client. */
const PROVIDER_ONLY = new Set(['POST /v1/sms/twilio']);

interface Operation {
  key: string;
  pattern: RegExp;
}

function operations(spec: { paths: Record<string, Record<string, unknown>> }): Operation[] {
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(spec.paths)) {
    if (!path.startsWith('/v1/')) continue;
    const pattern = new RegExp(`^${path.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    for (const method of Object.keys(methods)) ops.push({ key: `${method.toUpperCase()} ${path}`, pattern });
  }
  return ops;
}

/** Every request the SDK's methods make, by calling each with placeholder arguments against a recording fetch. */
async function sdkRequests(): Promise<{ method: string; path: string; via: string }[]> {
  const seen: { method: string; path: string; via: string }[] = [];
  let via = '';
  const record = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    seen.push({ method: init?.method ?? 'GET', path: url.pathname, via });
    return new Response('{}', { status: 200, headers: { 'content-type': 'application/json' } });
  }) as typeof fetch;
  const lk = new Latchkey({ baseUrl: 'http://sdk.test', apiKey: 'lk_agent_x_y', fetch: record });
  const secret = `whsec_${randomBytes(32).toString('base64')}`;
  const walk = async (name: string, api: object) => {
    for (const key of Object.getOwnPropertyNames(Object.getPrototypeOf(api))) {
      const member = (api as Record<string, unknown>)[key];
      if (key === 'constructor' || typeof member !== 'function') continue;
      via = `${name}.${key}`;
      const args = ['p1', { secret, to: 'p', from: 'p', body: 'p' }, 'p3'];
      try {
        const result = member.apply(api, args);
        if (result && typeof result === 'object' && Symbol.asyncIterator in result) await result.next();
        else await result;
      } catch {
        // Placeholder arguments and empty answers make many methods throw after their request: only requests count.
      }
    }
    for (const [key, child] of Object.entries(api)) {
      if (child && typeof child === 'object' && !Array.isArray(child)) await walk(`${name}.${key}`, child);
    }
  };
  await walk('lk', lk);
  return seen;
}

describe('the SDK and the OpenAPI document', () => {
  let ts: TestServer;
  let ops: Operation[];
  let requests: { method: string; path: string; via: string }[];
  beforeAll(async () => {
    ts = await startTestServer('sqlite');
    ops = operations((await ts.call('GET', '/openapi.json')).body);
    requests = await sdkRequests();
  });
  afterAll(async () => {
    await ts?.close();
  });

  it('reaches every documented operation', () => {
    expect(ops.length).toBeGreaterThan(40);
    const missing = ops
      .filter((op) => !PROVIDER_ONLY.has(op.key))
      .filter((op) => !requests.some((r) => op.key.startsWith(`${r.method} `) && op.pattern.test(r.path)))
      .map((op) => op.key);
    expect(missing).toEqual([]);
  });

  it('calls nothing the server does not document', () => {
    const unknown = requests
      .filter((r) => !ops.some((op) => op.key.startsWith(`${r.method} `) && op.pattern.test(r.path)))
      .map((r) => `${r.via}: ${r.method} ${r.path}`);
    expect(unknown).toEqual([]);
  });
});
