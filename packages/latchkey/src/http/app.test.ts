// HTTP tests of the operational endpoints and the OpenAPI document.
import { expect, it } from 'vitest';
import { describeEachServer } from '../test-support/server.js';

describeEachServer('operational endpoints', (get) => {
  it('answers /healthz and /readyz', async () => {
    expect((await get().call('GET', '/healthz', { token: null })).body).toEqual({ status: 'ok' });
    expect((await get().call('GET', '/readyz', { token: null })).body).toEqual({ status: 'ready' });
  });

  it('exports Prometheus metrics by route pattern, never by raw URL', async () => {
    await get().call('GET', '/v1/agents/some-name');
    const res = await get().call('GET', '/metrics', { token: null });
    expect(res.status).toBe(200);
    expect(res.body).toContain('latchkey_http_requests_total{method="GET",route="/v1/agents/:id",status="404"}');
    expect(res.body).not.toContain('some-name');
  });

  it('serves an OpenAPI 3.1 document generated from the route schemas', async () => {
    const res = await get().call('GET', '/openapi.json', { token: null });
    const doc = res.body;
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/v1/me', '/v1/agents', '/v1/agents/{id}', '/v1/audit/verify']),
    );
    const create = doc.paths['/v1/agents'].post;
    expect(create.requestBody.content['application/json'].schema.properties.name.pattern).toBeDefined();
    expect(create.responses['201'].content['application/json'].schema.properties.agent.$ref).toBe(
      '#/components/schemas/Agent',
    );
    expect(create.responses['409'].description).toContain('AGENT_NAME_TAKEN');
    expect(doc.components.schemas.Agent.properties.status.enum).toEqual(['active', 'suspended', 'revoked']);
    expect(create.security).toEqual([{ bearerAuth: [] }]);
    const text = JSON.stringify(doc);
    expect(text).not.toContain('$defs');
    for (const match of text.matchAll(/"\$ref":"#\/components\/schemas\/([^"]+)"/g)) {
      expect(doc.components.schemas[match[1] ?? '']).toBeDefined();
    }
    const docs = await get().call('GET', '/docs', { token: null });
    expect(docs.headers['content-type']).toContain('text/html');
    expect(docs.body).toContain('/openapi.json');
  });
});
