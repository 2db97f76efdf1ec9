// End to end with `latchkey serve`: the start line names the real SMTP address, SIGTERM lets a message in DATA
// finish and be stored, and on PostgreSQL a wait on one instance wakes for mail received by another.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nodemailer from 'nodemailer';
import { describe, expect, it } from 'vitest';
import { zoneResolver } from '../../packages/latchkey/src/smtp/test-support/dns-zone.js';
import {
  dropSchema,
  freshSchema,
  pgAvailable,
  urlWithSchema,
} from '../../packages/latchkey/src/test-support/postgres.js';
import { smtpConnect, startMailServer } from './mail-support.js';
import { http, startServer, tempDir } from './support.js';

const EML = (name: string) => fileURLToPath(new URL(`../fixtures/eml/${name}`, import.meta.url));

describe('latchkey serve with SMTP', () => {
  it('prints the bound SMTP address, and on SIGTERM finishes the message in DATA before exiting 0', async () => {
    const { dir, remove } = tempDir();
    try {
      let server = await startServer(dir, {}, ['--smtp-port', '0']);
      expect(server.start.smtp).toMatch(/^127\.0\.0\.1:\d+$/);
      const port = Number(server.start.smtp.split(':')[1]);
      const token = readFileSync(join(dir, 'admin-token'), 'utf8').trim();
      const created = await http(`${server.start.http}/v1/agents`, token, {
        method: 'POST',
        body: { name: 'drain-bot' },
      });
      const apiKey = created.body.apiKey as string;

      const c = smtpConnect(port);
      expect(await c.reply()).toMatch(/^220 /);
      await c.command('EHLO client.test');
      await c.command('MAIL FROM:<accounts@example.com>');
      expect(await c.command('RCPT TO:<drain-bot@agents.localhost>')).toMatch(/^250 /);
      expect(await c.command('DATA')).toMatch(/^354 /);
      c.send('From: accounts@example.com\r\nSubject: Your code\r\n');
      const exited = server.stop();
      await new Promise((r) => setTimeout(r, 300));
      // The listener is closed at once: new sessions are refused while this one finishes.
      const late = smtpConnect(port);
      await late.closed;
      c.send('\r\nYour Example verification code is 550123.\r\n.');
      expect(await c.reply()).toMatch(/^250 2\.6\.0 Message accepted/);
      expect(await c.command('QUIT')).toMatch(/^(221|421) /);
      expect(await exited).toBe(0);

      server = await startServer(dir, {}, ['--smtp-port', '0']);
      const list = await http(`${server.start.http}/v1/inbox/messages`, apiKey);
      expect(list.body.messages).toEqual([
        expect.objectContaining({ subject: 'Your code', codes: [expect.objectContaining({ value: '550123' })] }),
      ]);
      expect(await server.stop()).toBe(0);
    } finally {
      remove();
    }
  });
});

describe.skipIf(!pgAvailable)('inbox on PostgreSQL, two instances', () => {
  it('a wait on one instance wakes when the other stores the message', async () => {
    const schema = freshSchema();
    const env = { DATABASE_URL: urlWithSchema(schema), LATCHKEY_MASTER_KEY: randomBytes(32).toString('base64') };
    const a = await startMailServer(env, zoneResolver({}));
    const b = await startMailServer(env, zoneResolver({}));
    try {
      const bot = await a.agent('shared-inbox');
      const latencies: number[] = [];
      for (let i = 0; i < 5; i++) {
        const waiting = b.api('GET', '/v1/inbox/wait?kind=code&timeoutSeconds=20', { token: bot.apiKey });
        await new Promise((r) => setTimeout(r, 150));
        const t = nodemailer.createTransport({ host: '127.0.0.1', port: a.smtpPort, ignoreTLS: true });
        const sent = t
          .sendMail({
            envelope: { from: 'accounts@example.com', to: ['shared-inbox@agents.localhost'] },
            raw: readFileSync(EML('base64.eml')),
          })
          .finally(() => t.close());
        await sent;
        const stored = performance.now();
        const res = await waiting;
        latencies.push(performance.now() - stored);
        expect(res.body).toMatchObject({ status: 'received', code: { value: '640215' } });
      }
      console.log(`[two instances] wake-up after store: ${latencies.map((l) => l.toFixed(0)).join(', ')} ms`);
      expect(Math.max(...latencies)).toBeLessThan(1500);
    } finally {
      await b.close();
      await a.close();
      await dropSchema(schema);
    }
  });
});
