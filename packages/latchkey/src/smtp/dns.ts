// DNS for sender authentication: the host answers, the parse worker asks. Lookups run on the main thread, where
// waiting costs nothing, under a per-message budget, so a sender's slow DNS cannot hold a worker for long.
import { Resolver } from 'node:dns/promises';
import type { MessagePort } from 'node:worker_threads';

/** mailauth's resolver shape: `dns.promises.resolve(name, rrtype)`; failures carry a DNS error `code`. */
export type DnsResolver = (name: string, rrtype: string) => Promise<unknown>;

/** An error as node:dns reports it: ENOTFOUND (no such name), ENODATA (no such record), ETIMEOUT, … */
export class DnsError extends Error {
  constructor(readonly code: string) {
    super(`DNS ${code}`);
    this.name = 'DnsError';
  }
}

const CACHE_TTL_MS = 60_000;
const CACHE_MAX = 10_000;

/**
 * A small TTL cache of definite DNS answers (records, "no such name", "no such record"), since the same sender
 * domains come back again and again. Timeouts and server failures are not cached: the next message may fare better.
 */
export function createDnsCache(now: () => number = Date.now): { wrap(resolver: DnsResolver): DnsResolver } {
  const cache = new Map<string, { until: number; value?: unknown; code?: string }>();
  const remember = (key: string, entry: { value?: unknown; code?: string }) => {
    if (cache.size >= CACHE_MAX) {
      const oldest = cache.keys().next();
      if (!oldest.done) cache.delete(oldest.value);
    }
    cache.set(key, { until: now() + CACHE_TTL_MS, ...entry });
  };
  return {
    wrap: (resolver) => async (name, rrtype) => {
      const key = `${rrtype} ${name.toLowerCase()}`;
      const hit = cache.get(key);
      if (hit && hit.until > now()) {
        if (hit.code !== undefined) throw new DnsError(hit.code);
        return hit.value;
      }
      try {
        const value = await resolver(name, rrtype);
        remember(key, { value });
        return value;
      } catch (err) {
        const code = (err as { code?: string }).code ?? 'ESERVFAIL';
        if (code === 'ENOTFOUND' || code === 'ENODATA') remember(key, { code });
        throw new DnsError(code);
      }
    },
  };
}

/** The system's resolver with a short per-query timeout, behind a TTL cache. */
export function systemResolver(options: { timeoutMs?: number; now?: () => number } = {}): DnsResolver {
  const resolver = new Resolver({ timeout: options.timeoutMs ?? 1500, tries: 2 });
  return createDnsCache(options.now).wrap((name, rrtype) => resolver.resolve(name, rrtype));
}

/** A query from the worker and the host's answer, over a MessagePort. */
type DnsQuery = { id: number; name: string; rrtype: string };
type DnsAnswer = { id: number; value?: unknown; code?: string };

const MAX_QUERIES = 40;

/**
 * Answers one message's DNS queries arriving on `port` with `resolver`, until `budgetMs` has passed since the
 * first query; after that (or after 40 queries) every query fails at once with ETIMEOUT, which mailauth reports as
 * `temperror`. The budget starts with the first query, not when the message is handed over: time spent waiting
 * for a free worker, or for a new one to load, is not the sender's DNS and must not turn a burst of mail into
 * `temperror` verdicts. Returns the function that stops serving and closes the port.
 */
export function serveDns(port: MessagePort, resolver: DnsResolver, budgetMs: number, now = Date.now): () => void {
  let deadline: number | undefined;
  let count = 0;
  let open = true;
  port.on('message', (query: DnsQuery) => {
    count += 1;
    deadline ??= now() + budgetMs;
    const remaining = deadline - now();
    const answer = (a: DnsAnswer) => {
      if (open) port.postMessage(a);
    };
    if (remaining <= 0 || count > MAX_QUERIES || typeof query.name !== 'string' || query.name.length > 255) {
      answer({ id: query.id, code: 'ETIMEOUT' });
      return;
    }
    let settled = false;
    const settle = (a: DnsAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      answer(a);
    };
    const timer = setTimeout(() => settle({ id: query.id, code: 'ETIMEOUT' }), remaining);
    resolver(query.name, query.rrtype).then(
      (value) => settle({ id: query.id, value }),
      (err: unknown) => settle({ id: query.id, code: (err as { code?: string }).code ?? 'ESERVFAIL' }),
    );
  });
  return () => {
    open = false;
    port.close();
  };
}

/** The worker's side: a mailauth resolver that asks the host over `port`. */
export function portResolver(port: MessagePort): DnsResolver {
  let next = 0;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  port.on('message', (answer: DnsAnswer) => {
    const pending = waiting.get(answer.id);
    if (!pending) return;
    waiting.delete(answer.id);
    if (answer.code !== undefined) pending.reject(new DnsError(answer.code));
    else pending.resolve(answer.value);
  });
  return (name, rrtype) =>
    new Promise((resolve, reject) => {
      const id = ++next;
      waiting.set(id, { resolve, reject });
      port.postMessage({ id, name, rrtype } satisfies DnsQuery);
    });
}
