// Prometheus metrics, one registry per server (tests run several servers in one process).
// The two series written on every request (count and duration) are plain counters rendered at scrape time:
// prom-client hashes a series' labels on every observation, even through a bound child, which cost about a
// microsecond per request. Everything else (process defaults, auth failures, SMTP) stays in prom-client's registry.
import { Counter, collectDefaultMetrics, Registry } from 'prom-client';

export interface HttpMetrics {
  /** Where other parts of the server register their series. */
  registry: Registry;
  observe(method: string, route: string, status: number, seconds: number): void;
  authFailure(reason: string): void;
  /** The whole exposition: the registry's series, then the HTTP request series. */
  exposition(): Promise<string>;
}

const REQUESTS = 'latchkey_http_requests_total';
const DURATION = 'latchkey_http_request_duration_seconds';
/** Upper bounds of the duration histogram, in seconds. */
export const DURATION_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10, 30] as const;

interface Durations {
  labels: string;
  /** Observations per bucket (not cumulative); the last slot counts those above every bound. */
  buckets: number[];
  sum: number;
  count: number;
}

interface Requests {
  labels: string;
  count: number;
  durations: Durations;
}

/** A label value as the text format wants it: backslash, double quote and newline escaped. */
function labelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

/** Builds the metrics registry with process defaults and HTTP series. */
export function createMetrics(): HttpMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'latchkey_' });
  const authFailures = new Counter({
    name: 'latchkey_auth_failures_total',
    help: 'Requests refused at authentication, by reason.',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  // Keys are bounded: methods and route patterns (never raw URLs), and statuses.
  const requests = new Map<string, Requests>();
  const durations = new Map<string, Durations>();

  function seriesOf(method: string, route: string, status: number): Requests {
    const routeKey = `${method} ${route}`;
    const key = `${routeKey} ${status}`;
    let series = requests.get(key);
    if (series) return series;
    const labels = `method="${labelValue(method)}",route="${labelValue(route)}"`;
    let d = durations.get(routeKey);
    if (!d) {
      d = { labels, buckets: new Array<number>(DURATION_BUCKETS.length + 1).fill(0), sum: 0, count: 0 };
      durations.set(routeKey, d);
    }
    series = { labels: `${labels},status="${status}"`, count: 0, durations: d };
    requests.set(key, series);
    return series;
  }

  function httpExposition(): string {
    const lines = [`# HELP ${REQUESTS} HTTP requests by route pattern and status.`, `# TYPE ${REQUESTS} counter`];
    for (const s of requests.values()) lines.push(`${REQUESTS}{${s.labels}} ${s.count}`);
    lines.push(`# HELP ${DURATION} HTTP request duration by route pattern.`, `# TYPE ${DURATION} histogram`);
    for (const d of durations.values()) {
      let cumulative = 0;
      DURATION_BUCKETS.forEach((bound, i) => {
        cumulative += d.buckets[i] ?? 0;
        lines.push(`${DURATION}_bucket{le="${bound}",${d.labels}} ${cumulative}`);
      });
      lines.push(`${DURATION}_bucket{le="+Inf",${d.labels}} ${d.count}`);
      lines.push(`${DURATION}_sum{${d.labels}} ${d.sum}`, `${DURATION}_count{${d.labels}} ${d.count}`);
    }
    return `${lines.join('\n')}\n`;
  }

  return {
    registry,
    observe(method, route, status, seconds) {
      const series = seriesOf(method, route, status);
      series.count++;
      const d = series.durations;
      let i = 0;
      while (i < DURATION_BUCKETS.length && seconds > (DURATION_BUCKETS[i] as number)) i++;
      d.buckets[i] = (d.buckets[i] ?? 0) + 1;
      d.sum += seconds;
      d.count++;
    },
    authFailure(reason) {
      authFailures.inc({ reason });
    },
    async exposition() {
      return (await registry.metrics()) + httpExposition();
    },
  };
}
