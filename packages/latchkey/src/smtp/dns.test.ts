// Tests of the DNS bridge between the parse worker and the host: answers, error codes, the per-message budget.
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { createDnsCache, DnsError, type DnsResolver, portResolver, serveDns } from './dns.js';
import { zoneResolver } from './test-support/dns-zone.js';

function bridge(resolver: DnsResolver, budgetMs: number) {
  const { port1, port2 } = new MessageChannel();
  const stop = serveDns(port1, resolver, budgetMs);
  return {
    ask: portResolver(port2),
    stop: () => {
      stop();
      port2.close();
    },
  };
}

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'answered';
  } catch (err) {
    return (err as DnsError).code;
  }
}

describe('DNS over a port', () => {
  it('carries answers and node:dns error codes across', async () => {
    const { ask, stop } = bridge(
      zoneResolver({ 'example.com': { TXT: [['v=spf1 -all']], MX: [{ exchange: 'mx.example.com', priority: 10 }] } }),
      1000,
    );
    try {
      expect(await ask('example.com', 'TXT')).toEqual([['v=spf1 -all']]);
      expect(await ask('example.com', 'MX')).toEqual([{ exchange: 'mx.example.com', priority: 10 }]);
      expect(await code(ask('example.com', 'A'))).toBe('ENODATA');
      expect(await code(ask('nowhere.example', 'TXT'))).toBe('ENOTFOUND');
    } finally {
      stop();
    }
  });

  it('answers ETIMEOUT once the budget is spent, however slow the resolver', async () => {
    const slow: DnsResolver = () => new Promise((resolve) => setTimeout(() => resolve([['late']]), 5000));
    const { ask, stop } = bridge(slow, 150);
    try {
      const started = Date.now();
      expect(await code(ask('slow.example', 'TXT'))).toBe('ETIMEOUT');
      expect(await code(ask('slow.example', 'TXT'))).toBe('ETIMEOUT');
      expect(Date.now() - started).toBeLessThan(1000);
    } finally {
      stop();
    }
  });

  it('refuses more than 40 questions for one message', async () => {
    const { ask, stop } = bridge(async () => [['ok']], 5000);
    try {
      const answers = await Promise.all(Array.from({ length: 45 }, (_, i) => code(ask(`n${i}.example`, 'TXT'))));
      expect(answers.filter((a) => a === 'answered')).toHaveLength(40);
      expect(answers.filter((a) => a === 'ETIMEOUT')).toHaveLength(5);
    } finally {
      stop();
    }
  });

  it('caches definite answers for a minute, never timeouts', async () => {
    let t = 0;
    const zone = zoneResolver({ 'example.com': { TXT: [['v=spf1 -all']] } });
    let flaky = 0;
    const resolver: DnsResolver = async (name, rrtype) => {
      if (name === 'flaky.example') {
        flaky += 1;
        throw new DnsError('ETIMEOUT');
      }
      return zone(name, rrtype);
    };
    const cached = createDnsCache(() => t).wrap(resolver);
    for (let i = 0; i < 3; i++) {
      expect(await cached('Example.com', 'TXT')).toEqual([['v=spf1 -all']]);
      expect(await code(cached('nowhere.example', 'TXT'))).toBe('ENOTFOUND');
      expect(await code(cached('example.com', 'A'))).toBe('ENODATA');
      expect(await code(cached('flaky.example', 'TXT'))).toBe('ETIMEOUT');
    }
    expect(zone.queries).toEqual(['TXT Example.com', 'TXT nowhere.example', 'A example.com']);
    expect(flaky).toBe(3);
    t += 61_000;
    await cached('example.com', 'TXT');
    expect(zone.queries).toHaveLength(4);
  });

  it('keeps DnsError codes for mailauth', () => {
    expect(new DnsError('ENOTFOUND').code).toBe('ENOTFOUND');
  });
});
