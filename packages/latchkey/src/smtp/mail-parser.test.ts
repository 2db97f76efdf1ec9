// Tests of the parse pool as the receiver uses it: real workers (the built parse worker), DNS answered by the host.
import { afterEach, describe, expect, it } from 'vitest';
import { DnsError, type DnsResolver } from './dns.js';
import { createMailParser, type MailParser } from './mail-parser.js';
import { zoneResolver } from './test-support/dns-zone.js';

const message = (from: string) =>
  new TextEncoder().encode(`From: ${from}\r\nTo: bot@agents.localhost\r\nSubject: code\r\n\r\nYour code is 482913\r\n`);
const facts = (mailFrom: string) => ({ mailFrom, remoteAddress: '127.0.0.1', heloName: 'mail.test' });

let parser: MailParser | undefined;
afterEach(async () => {
  await parser?.close();
  parser = undefined;
});

describe('mail parser pool', () => {
  it('starts a message’s DNS budget at its first question, not while it waits for a worker', async () => {
    const zone = zoneResolver({ 'fast.example': { TXT: [['v=spf1 ip4:127.0.0.1 -all']] } });
    // Every question about slow.example takes 300 ms: the first message holds the only worker past the budget.
    const resolver: DnsResolver = (name, rrtype) =>
      name.toLowerCase().endsWith('slow.example')
        ? new Promise((_, reject) => setTimeout(() => reject(new DnsError('ENOTFOUND')), 300))
        : zone(name, rrtype);
    parser = createMailParser({
      mta: 'agents.localhost',
      resolver,
      workers: 1,
      timeoutMs: 10_000,
      dnsBudgetMs: 500,
      memoryMb: 64,
      maxQueue: 10,
    });
    await parser.warm();
    const started = Date.now();
    const slow = parser.parse(message('a@slow.example'), facts('bounces@slow.example'));
    const fast = parser.parse(message('b@fast.example'), facts('bounces@fast.example'));
    const [first, second] = await Promise.all([slow, fast]);
    // The second message waited for the first (its budget would have been spent had it counted from the hand-over).
    expect(Date.now() - started).toBeGreaterThan(500);
    expect(first.auth.spf).toBe('none');
    expect(second.auth).toMatchObject({ spf: 'pass', fromDomain: 'fast.example' });
  });

  it('still refuses a sender whose DNS outlasts the budget', async () => {
    const resolver: DnsResolver = () => new Promise((resolve) => setTimeout(() => resolve([['v=spf1 +all']]), 2000));
    parser = createMailParser({
      mta: 'agents.localhost',
      resolver,
      workers: 1,
      timeoutMs: 10_000,
      dnsBudgetMs: 200,
      memoryMb: 64,
      maxQueue: 10,
    });
    // The resolver would say +all (pass) after 2 s; the budget answers first.
    const mail = await parser.parse(message('a@late.example'), facts('bounces@late.example'));
    expect(mail.auth.spf).toBe('temperror');
  });
});
