// Prometheus metrics, one registry per server (tests run several servers in one process).
import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

export interface HttpMetrics {
  registry: Registry;
  observe(method: string, route: string, status: number, seconds: number): void;
  authFailure(reason: string): void;
}

/** Builds the metrics registry with process defaults and HTTP series. */
export function createMetrics(): HttpMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'latchkey_' });
  const requests = new Counter({
    name: 'latchkey_http_requests_total',
    help: 'HTTP requests by route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'latchkey_http_request_duration_seconds',
    help: 'HTTP request duration by route pattern.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 30],
    registers: [registry],
  });
  const authFailures = new Counter({
    name: 'latchkey_auth_failures_total',
    help: 'Requests refused at authentication, by reason.',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  // prom-client hashes the label values on every call; the series of a (method, route, status) are bound once.
  // Keys are bounded: route patterns, not raw URLs.
  const bound = new Map<string, { count: () => void; time: (seconds: number) => void }>();
  return {
    registry,
    observe(method, route, status, seconds) {
      const key = `${method} ${route} ${status}`;
      let series = bound.get(key);
      if (!series) {
        const counter = requests.labels(method, route, String(status));
        const histogram = duration.labels(method, route);
        series = { count: () => counter.inc(), time: (s) => histogram.observe(s) };
        bound.set(key, series);
      }
      series.count();
      series.time(seconds);
    },
    authFailure(reason) {
      authFailures.inc({ reason });
    },
  };
}
