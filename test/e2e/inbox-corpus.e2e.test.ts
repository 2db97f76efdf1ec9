// End to end over the shared corpora: every email goes through SMTP (nodemailer → receiver → parse worker →
// sealed store) and every SMS through the signed inbound webhook; the API must then report what the extractor
// finds, at the same accuracy floors the extractor is held to on its own.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookHeaders } from '../../packages/latchkey/src/crypto/webhook-signature.js';
import { zoneResolver } from '../../packages/latchkey/src/smtp/test-support/dns-zone.js';
import { type MailServer, startMailServer } from './mail-support.js';

interface CorpusRecord {
  id: string;
  channel: 'email' | 'sms';
  from: string | null;
  subject: string | null;
  text: string | null;
  html: string | null;
  expected_code: string | null;
  expected_link: string | null;
  category: 'code' | 'link' | 'code+link' | 'negative';
}

function load(name: string): CorpusRecord[] {
  const path = fileURLToPath(new URL(`../fixtures/otp-messages/${name}`, import.meta.url));
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as CorpusRecord);
}

type Summary = { to: string; codes: { value: string }[]; links: { url: string; kind: string }[] };

const SECRET = `whsec_${randomBytes(32).toString('base64')}`;

describe('the corpora through SMTP, the SMS webhook and the API', () => {
  let mail: MailServer;
  let agent: { id: string; apiKey: string };

  beforeAll(async () => {
    mail = await startMailServer({ LATCHKEY_SMS_WEBHOOK_SECRET: SECRET }, zoneResolver({}));
    agent = await mail.agent('corpus');
  });
  afterAll(async () => {
    await mail?.close();
  });

  async function deliverAll(records: CorpusRecord[], tag: string): Promise<Map<string, Summary>> {
    const t = nodemailer.createTransport({
      host: '127.0.0.1',
      port: mail.smtpPort,
      ignoreTLS: true,
      pool: true,
      maxConnections: 4,
    });
    const byTo = new Map<string, CorpusRecord>();
    try {
      await Promise.all(
        records.map(async (r, i) => {
          if (r.channel === 'email') {
            const to = `corpus+${tag}${i}@agents.localhost`;
            byTo.set(to, r);
            await t.sendMail({
              from: r.from ?? 'unknown@example.com',
              to,
              subject: r.subject ?? '',
              ...(r.text !== null ? { text: r.text } : {}),
              ...(r.html !== null ? { html: r.html } : {}),
            });
            return;
          }
          const number = `+1555${tag === 'dev' ? '1' : '2'}${String(i).padStart(6, '0')}`;
          const added = await mail.api('POST', `/v1/agents/${agent.id}/phone-numbers`, { body: { number } });
          expect(added.status).toBe(201);
          byTo.set(number, r);
          const body = JSON.stringify({ to: number, from: r.from ?? 'unknown', body: r.text ?? '' });
          const res = await fetch(`${mail.http}/v1/sms/inbound`, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              ...webhookHeaders(SECRET, `${tag}-${r.id}`, Date.now(), body),
            },
            body,
          });
          expect(res.status).toBe(204);
        }),
      );
    } finally {
      t.close();
    }
    const out = new Map<string, Summary>();
    let cursor: string | null = null;
    do {
      const page: { body: { messages: Summary[]; nextCursor: string | null } } = await mail.api(
        'GET',
        `/v1/inbox/messages?limit=200${cursor ? `&cursor=${cursor}` : ''}`,
        { token: agent.apiKey },
      );
      for (const m of page.body.messages) {
        const record = byTo.get(m.to);
        if (record) out.set(record.id, m);
      }
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(out.size).toBe(records.length);
    return out;
  }

  function score(records: CorpusRecord[], got: Map<string, Summary>) {
    const tally = { codes: [0, 0], links: [0, 0], negatives: [0, 0] };
    const misses: string[] = [];
    for (const r of records) {
      const m = got.get(r.id);
      const action = m?.links.find((l) => l.kind !== 'other');
      const check = (kind: keyof typeof tally, ok: boolean) => {
        tally[kind][1] = (tally[kind][1] ?? 0) + 1;
        if (ok) tally[kind][0] = (tally[kind][0] ?? 0) + 1;
        else misses.push(`${kind}:${r.id}`);
      };
      if (r.expected_code !== null) check('codes', m?.codes[0]?.value === r.expected_code);
      if (r.category === 'negative') check('negatives', m?.codes.length === 0);
      check('links', r.expected_link === null ? action === undefined : action?.url === r.expected_link);
    }
    const ratio = ([ok, total]: number[]) => (total ? (ok ?? 0) / total : 1);
    return { codes: ratio(tally.codes), links: ratio(tally.links), negatives: ratio(tally.negatives), tally, misses };
  }

  it('reports codes and links at the extractor floors on the development corpus', async () => {
    const dev = load('messages.dev.jsonl');
    expect(dev).toHaveLength(105);
    const s = score(dev, await deliverAll(dev, 'dev'));
    console.log(`[pipeline dev] ${JSON.stringify(s.tally)} misses: ${s.misses.join(', ') || 'none'}`);
    expect(s.codes).toBeGreaterThanOrEqual(0.97);
    expect(s.links).toBeGreaterThanOrEqual(0.95);
    expect(s.negatives).toBeGreaterThanOrEqual(0.95);
  });

  it('and on the held-out corpus of other services', async () => {
    const holdout = load('messages.holdout.jsonl');
    expect(holdout.length).toBeGreaterThanOrEqual(80);
    const s = score(holdout, await deliverAll(holdout, 'ho'));
    console.log(`[pipeline holdout] ${JSON.stringify(s.tally)} misses: ${s.misses.join(', ') || 'none'}`);
    expect(s.codes).toBeGreaterThanOrEqual(0.95);
    expect(s.links).toBeGreaterThanOrEqual(0.95);
    expect(s.negatives).toBeGreaterThanOrEqual(0.95);
  });
});
