// The HTTP series are rendered by hand; prom-client, fed the same observations, is the reference for the text.
import { Counter, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createMetrics, DURATION_BUCKETS } from './metrics.js';

const OBSERVATIONS: [string, string, number, number][] = [
  ['GET', '/v1/me', 200, 0.0004],
  ['GET', '/v1/me', 200, 0.001],
  ['GET', '/v1/me', 200, 0.0031],
  ['GET', '/v1/me', 401, 0.0007],
  ['POST', '/v1/agents', 201, 0.04],
  ['GET', '/v1/agents/:id', 404, 45],
  ['GET', 'unmatched', 404, 0.2],
];

/** The lines of one metric family (its samples, HELP and TYPE), sorted. */
function family(text: string, name: string): string[] {
  return text
    .split('\n')
    .filter((line) => new RegExp(`^(# (HELP|TYPE) )?${name}(_bucket|_sum|_count)?[ {]`).test(line))
    .sort();
}

describe('HTTP metrics', () => {
  it('writes the same request and duration series as prom-client would', async () => {
    const metrics = createMetrics();
    const reference = new Registry();
    const requests = new Counter({
      name: 'latchkey_http_requests_total',
      help: 'HTTP requests by route pattern and status.',
      labelNames: ['method', 'route', 'status'],
      registers: [reference],
    });
    const duration = new Histogram({
      name: 'latchkey_http_request_duration_seconds',
      help: 'HTTP request duration by route pattern.',
      labelNames: ['method', 'route'],
      buckets: [...DURATION_BUCKETS],
      registers: [reference],
    });
    for (const [method, route, status, seconds] of OBSERVATIONS) {
      metrics.observe(method, route, status, seconds);
      requests.inc({ method, route, status: String(status) });
      duration.observe({ method, route }, seconds);
    }
    const ours = await metrics.exposition();
    const theirs = await reference.metrics();
    for (const name of ['latchkey_http_requests_total', 'latchkey_http_request_duration_seconds']) {
      expect(family(ours, name).length).toBeGreaterThan(2);
      expect(family(ours, name)).toEqual(family(theirs, name));
    }
    expect(ours).toContain('latchkey_http_request_duration_seconds_bucket{le="0.001",method="GET",route="/v1/me"} 3');
    expect(ours).toContain(
      'latchkey_http_request_duration_seconds_bucket{le="30",method="GET",route="/v1/agents/:id"} 0',
    );
    expect(ours).toContain(
      'latchkey_http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/v1/agents/:id"} 1',
    );
    // The registry's own series (process defaults) are still there.
    expect(ours).toContain('latchkey_process_cpu_seconds_total');
  });

  it('escapes label values', async () => {
    const metrics = createMetrics();
    metrics.observe('GET', 'a"b\\c\nd', 200, 0.01);
    expect(await metrics.exposition()).toContain(
      'latchkey_http_requests_total{method="GET",route="a\\"b\\\\c\\nd",status="200"} 1',
    );
  });
});
