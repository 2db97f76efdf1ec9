// End to end through the clients: the SDK's lk.mail and the CLI's `inbox list|show|wait`, against a server
// receiving real mail over SMTP.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Latchkey, LatchkeyError } from '@latchkey/sdk';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zoneResolver } from '../../packages/latchkey/src/smtp/test-support/dns-zone.js';
import { type MailServer, startMailServer } from './mail-support.js';
import { cli } from './support.js';

const EML = (name: string) => readFileSync(fileURLToPath(new URL(`../fixtures/eml/${name}`, import.meta.url)));

describe('inbox clients', () => {
  let mail: MailServer;
  let bot: { id: string; name: string; apiKey: string };
  const send = async (raw: Buffer, to = 'client-bot@agents.localhost') => {
    const t = nodemailer.createTransport({ host: '127.0.0.1', port: mail.smtpPort, ignoreTLS: true });
    try {
      await t.sendMail({ envelope: { from: 'sender@example.com', to: [to] }, raw });
    } finally {
      t.close();
    }
  };

  beforeAll(async () => {
    mail = await startMailServer({}, zoneResolver({}));
    bot = await mail.agent('client-bot');
  });
  afterAll(async () => {
    await mail?.close();
  });

  it('SDK: waitForCode resolves with the code as the mail lands; list and get read it back', async () => {
    const lk = new Latchkey({ baseUrl: mail.http, apiKey: bot.apiKey });
    const waiting = lk.mail.waitForCode({ from: 'northwind.example', timeoutSeconds: 20 });
    await new Promise((r) => setTimeout(r, 100));
    await send(EML('quoted-printable.eml'));
    const { code, message } = await waiting;
    expect(code.value).toBe('905217');
    expect(message.subject).toBe('Your Northwind sign-in code');

    const link = await lk.mail.waitForLink({ since: new Date(Date.now() - 60_000), timeoutSeconds: 1 });
    expect(link.link).toMatchObject({ kind: 'login' });

    const page = await lk.mail.listMessages({ from: 'northwind.example' });
    expect(page.messages.map((m) => m.id)).toContain(message.id);
    const full = await lk.mail.getMessage(message.id);
    expect(full.text).toContain('905217');
    expect((await lk.mail.markRead(message.id)).read).toBe(true);
    expect((await lk.mail.listMessages({ unread: true })).messages.map((m) => m.id)).not.toContain(message.id);

    const operator = new Latchkey({ baseUrl: mail.http, apiKey: mail.adminToken });
    expect((await operator.mail.listMessages({ agent: 'client-bot' })).messages.length).toBeGreaterThan(0);
    const number = await operator.mail.phoneNumbers.add('client-bot', '+1 415 555 0142');
    expect(number.number).toBe('+14155550142');
    expect(await operator.mail.phoneNumbers.list('client-bot')).toEqual([number]);
    await operator.mail.phoneNumbers.remove('client-bot', number.id);

    const timedOut = await lk.mail.waitForCode({ from: 'nobody.example', timeoutSeconds: 1 }).catch((e: unknown) => e);
    expect(timedOut).toBeInstanceOf(LatchkeyError);
    expect((timedOut as LatchkeyError).code).toBe('WAIT_TIMEOUT');
    await lk.mail.deleteMessage(message.id);
    await expect(lk.mail.getMessage(message.id)).rejects.toMatchObject({ code: 'MESSAGE_NOT_FOUND', status: 404 });
  });

  it('CLI: inbox wait prints just the code when piped; list and show print tables and fields', async () => {
    const env = { LATCHKEY_URL: mail.http, LATCHKEY_TOKEN: bot.apiKey };
    const waiting = cli(['inbox', 'wait', '--from', 'fabrikam.example', '--timeout', '20'], env);
    // Send only once the CLI is waiting: its `since` is when it started to wait.
    for (let i = 0; i < 200 && mail.server.inbox.waiting() === 0; i++) await new Promise((r) => setTimeout(r, 25));
    await send(EML('base64.eml'));
    const waited = await waiting;
    expect(waited.code, waited.stderr).toBe(0);
    expect(waited.stdout).toBe('640215\n');

    const list = await cli(['inbox', 'list', '--from', 'fabrikam.example'], env);
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^ID\s+RECEIVED\s+CHANNEL\s+FROM\s+SUBJECT\s+CODE\s+AUTH\s+READ$/m);
    expect(list.stdout).toMatch(
      /msg_\S+\s+\S+\s+email\s+security@fabrikam\.example\s+Fabrikam security code\s+640215\s+none\s+no/,
    );
    const id = /msg_\S+/.exec(list.stdout)?.[0] ?? '';
    const show = await cli(['inbox', 'show', id], env);
    expect(show.stdout).toMatch(/^codes\s+640215$/m);
    expect(show.stdout).toContain('Your verification code is 640215.');
    const asJson = await cli(['--json', 'inbox', 'show', id], env);
    expect(JSON.parse(asJson.stdout)).toMatchObject({ id, codes: [{ value: '640215' }] });

    const operator = await cli(['inbox', 'list', '--agent', 'client-bot', '--json'], {
      LATCHKEY_URL: mail.http,
      LATCHKEY_TOKEN: mail.adminToken,
    });
    expect(JSON.parse(operator.stdout).messages.length).toBeGreaterThan(0);
    const timeout = await cli(['inbox', 'wait', '--from', 'nobody.example', '--timeout', '1'], env);
    expect(timeout.code).toBe(1);
    expect(timeout.stderr).toContain('No matching message arrived within 1 s.');
  });
});
