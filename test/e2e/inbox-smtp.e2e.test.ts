// End to end: the real SMTP receiver on a free port, fed by nodemailer, swaks and raw sockets. Fixtures in several
// MIME encodings and languages arrive with their codes; limits answer with the right SMTP reply while /healthz stays
// fast; sender authentication comes from the session and an injected DNS zone, never from headers.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dkimSign } from 'mailauth';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { zoneResolver } from '../../packages/latchkey/src/smtp/test-support/dns-zone.js';
import { healthzDuring, type MailServer, smtpConnect, startMailServer, swaks } from './mail-support.js';

const EML = (name: string) => fileURLToPath(new URL(`../fixtures/eml/${name}`, import.meta.url));

function transport(port: number) {
  return nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true, name: 'client.test' });
}

function sendRaw(port: number, to: string | string[], raw: Buffer | string, from = 'sender@example.com') {
  const t = transport(port);
  return t.sendMail({ envelope: { from, to: ([] as string[]).concat(to) }, raw }).finally(() => t.close());
}

async function replyOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'accepted';
  } catch (err) {
    const e = err as { responseCode?: number; response?: string; message: string };
    return e.response ?? `${e.responseCode ?? ''} ${e.message}`;
  }
}

const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))] ?? 0;

describe('SMTP receiver: delivery', () => {
  const zone = zoneResolver({});
  let mail: MailServer;
  let bot: { id: string; name: string; apiKey: string };

  beforeAll(async () => {
    mail = await startMailServer({}, zone);
    bot = await mail.agent('bot');
  });
  afterAll(async () => {
    await mail?.close();
  });

  async function latest() {
    const res = await mail.api('GET', '/v1/inbox/messages?limit=1', { token: bot.apiKey });
    return res.body.messages[0];
  }

  it('greets without naming its software or version, and offers no AUTH and no relay', async () => {
    const c = smtpConnect(mail.smtpPort);
    try {
      expect(await c.reply()).toBe('220 agents.localhost ESMTP');
      const ehlo = await c.command('EHLO client.test');
      expect(ehlo).toContain('SIZE 10485760');
      expect(ehlo).not.toMatch(/AUTH|STARTTLS/);
      expect(await c.command('AUTH PLAIN AGJvdABzZWNyZXQ=')).toMatch(/^50[02] /);
      expect(await c.command('MAIL FROM:<a@example.com>')).toMatch(/^250 /);
      expect(await c.command('RCPT TO:<someone@gmail.com>')).toMatch(/^550 .*Relaying denied/);
      expect(await c.command('RCPT TO:<nobody@agents.localhost>')).toMatch(/^550 5\.1\.1 No such recipient here/);
      expect(await c.command('RCPT TO:<relay-alice@agents.localhost>')).toMatch(/^550 /);
      expect(await c.command('DATA')).toMatch(/^503 /);
    } finally {
      c.end();
    }
  });

  type Summary = { subject: string; to: string; codes: { value: string }[]; links: { url: string; kind: string }[] };
  const fixtures: [string, (m: Summary) => void][] = [
    [
      'multipart-alternative.eml',
      (m) => {
        expect(m.subject).toBe('Your Example verification code');
        expect(m.codes[0]?.value).toBe('482913');
        expect(m.links.map((l) => l.url)).toContain('https://example.com/verify-email?token=k3J9x');
      },
    ],
    [
      'html-only.eml',
      (m) => {
        expect(m.codes).toEqual([]);
        expect(m.links[0]).toEqual({
          url: 'https://acme-cloud.example/account/confirm-email?token=Zx81Qp',
          kind: 'verify',
        });
      },
    ],
    ['quoted-printable.eml', (m) => expect(m.codes[0]?.value).toBe('905217')],
    ['base64.eml', (m) => expect(m.codes[0]?.value).toBe('640215')],
    [
      'non-english-de.eml',
      (m) => {
        expect(m.subject).toBe('Ihr Bestätigungscode für Kühne');
        expect(m.codes[0]?.value).toBe('318406');
      },
    ],
    [
      'non-english-ja.eml',
      (m) => {
        expect(m.subject).toBe('【サンプル】確認コードのお知らせ');
        expect(m.codes[0]?.value).toBe('582014');
      },
    ],
  ];

  for (const [name, check] of fixtures) {
    it(`nodemailer delivers ${name}`, async () => {
      const info = await sendRaw(mail.smtpPort, 'bot@agents.localhost', readFileSync(EML(name)));
      expect(info.response).toMatch(/^250 2\.6\.0 Message accepted/);
      check(await latest());
    });

    it(`swaks delivers ${name} to a +tag address`, async () => {
      const run = await swaks(mail.smtpPort, [
        '--from',
        'a@example.com',
        '--to',
        'Bot+Swaks@Agents.Localhost',
        '--data',
        `@${EML(name)}`,
      ]);
      expect(run.code, run.out).toBe(0);
      expect(run.replies.at(-2)).toMatch(/^250 2\.6\.0/);
      const m = await latest();
      expect(m.to).toBe('bot+swaks@agents.localhost');
      check(m);
    });
  }

  it('delivers a message nodemailer composes (multipart, UTF-8 subject) and one to two agents at once', async () => {
    const other = await mail.agent('other-bot');
    const t = transport(mail.smtpPort);
    try {
      await t.sendMail({
        from: '"Zoë from Example" <zoe@example.com>',
        to: ['bot@agents.localhost', 'other-bot@agents.localhost'],
        subject: 'Código de verificación: 246810',
        text: 'Tu código de verificación es 246810.',
        html: '<p>Tu código de verificación es <b>246810</b>.</p>',
      });
    } finally {
      t.close();
    }
    for (const token of [bot.apiKey, other.apiKey]) {
      const res = await mail.api('GET', '/v1/inbox/messages?limit=1', { token });
      expect(res.body.messages[0]).toMatchObject({
        subject: 'Código de verificación: 246810',
        fromName: 'Zoë from Example',
        codes: [{ value: '246810' }],
      });
    }
  });

  it('refuses an unknown recipient with 550 and stores nothing', async () => {
    const before = (await mail.api('GET', '/v1/inbox/messages?limit=200', { token: bot.apiKey })).body.messages.length;
    const refused = await replyOf(sendRaw(mail.smtpPort, 'nobody@agents.localhost', readFileSync(EML('base64.eml'))));
    expect(refused).toMatch(/^550 5\.1\.1 No such recipient here/);
    const run = await swaks(mail.smtpPort, ['--from', 'a@example.com', '--to', 'ghost@agents.localhost']);
    expect(run.code).not.toBe(0);
    expect(run.replies).toContain('550 5.1.1 No such recipient here');
    const after = (await mail.api('GET', '/v1/inbox/messages?limit=200', { token: bot.apiKey })).body.messages.length;
    expect(after).toBe(before);
  });

  it('wakes a waiting agent as the message is stored', async () => {
    const waiting = mail.api('GET', '/v1/inbox/wait?kind=code&from=northwind.example&timeoutSeconds=20', {
      token: bot.apiKey,
    });
    await new Promise((r) => setTimeout(r, 100));
    await sendRaw(mail.smtpPort, 'bot@agents.localhost', readFileSync(EML('quoted-printable.eml')));
    const res = await waiting;
    expect(res.body).toMatchObject({ status: 'received', code: { value: '905217' } });
  });
});

describe('SMTP receiver: sender authentication', () => {
  it('verifies DKIM signed here and DMARC through the zone; forged Received headers change nothing', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const spki = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    const zone = zoneResolver({
      'sel1._domainkey.example.com': { TXT: [[`v=DKIM1; k=rsa; p=${spki}`]] },
      '_dmarc.example.com': { TXT: [['v=DMARC1; p=reject']] },
      'example.com': { TXT: [['v=spf1 ip4:203.0.113.5 -all']] },
      'spf-ok.example': { TXT: [['v=spf1 ip4:127.0.0.1 -all']] },
    });
    const mail = await startMailServer({}, zone);
    try {
      const bot = await mail.agent('auth-bot');
      const message = readFileSync(EML('multipart-alternative.eml'));
      const key = {
        signingDomain: 'example.com',
        selector: 'sel1',
        privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      };
      const signed = await dkimSign(message, { ...key, signatureData: [key] });
      await sendRaw(
        mail.smtpPort,
        'auth-bot@agents.localhost',
        Buffer.concat([Buffer.from(signed.signatures), message]),
      );
      const list = async () =>
        (await mail.api('GET', '/v1/inbox/messages?limit=1', { token: bot.apiKey })).body.messages[0];
      expect((await list()).auth).toEqual({ spf: 'fail', dkim: 'pass', dmarc: 'pass', verdict: 'pass' });

      // The forged headers name 203.0.113.5, the address SPF allows; the connection came from 127.0.0.1.
      await sendRaw(
        mail.smtpPort,
        'auth-bot@agents.localhost',
        readFileSync(EML('forged-received.eml')),
        'accounts@example.com',
      );
      expect((await list()).auth).toEqual({ spf: 'fail', dkim: 'none', dmarc: 'fail', verdict: 'fail' });

      await sendRaw(
        mail.smtpPort,
        'auth-bot@agents.localhost',
        'From: a@spf-ok.example\r\nSubject: hi\r\n\r\nhello\r\n',
        'a@spf-ok.example',
      );
      expect((await list()).auth).toEqual({ spf: 'pass', dkim: 'none', dmarc: 'none', verdict: 'neutral' });
      expect(zone.queries).toContain('TXT sel1._domainkey.example.com');
    } finally {
      await mail.close();
    }
  });
});

describe('SMTP receiver: limits, with /healthz fast throughout', () => {
  it('refuses an oversize message with 552 as it streams, and a SIZE declared too big at MAIL', async () => {
    const mail = await startMailServer({ LATCHKEY_SMTP_MAX_MESSAGE_BYTES: '65536' });
    try {
      const bot = await mail.agent('bot');
      const big = `From: a@example.com\r\nSubject: big\r\n\r\n${'0123456789abcdef\r\n'.repeat(200_000)}`;
      const { result, latencies } = await healthzDuring(mail.http, () =>
        replyOf(sendRaw(mail.smtpPort, 'bot@agents.localhost', big)),
      );
      expect(result).toMatch(/^552 /);
      expect(p99(latencies)).toBeLessThan(250);
      const c = smtpConnect(mail.smtpPort);
      await c.reply();
      expect(await c.command('EHLO x')).toContain('SIZE 65536');
      expect(await c.command('MAIL FROM:<a@example.com> SIZE=1000000')).toMatch(/^552 /);
      c.end();
      const list = await mail.api('GET', '/v1/inbox/messages', { token: bot.apiKey });
      expect(list.body.messages).toEqual([]);
      const metrics = await (await fetch(`${mail.http}/metrics`)).text();
      expect(metrics).toMatch(/^latchkey_smtp_outcomes_total\{outcome="oversized"\} 1$/m);
      expect(metrics).toMatch(/^latchkey_inbox_waiters 0$/m);
    } finally {
      await mail.close();
    }
  });

  it('answers 452 while too many message bytes are in flight, and frees them when a client hangs up', async () => {
    const mail = await startMailServer({
      LATCHKEY_SMTP_MAX_MESSAGE_BYTES: '1048576',
      LATCHKEY_SMTP_MAX_BUFFERED_BYTES: '1500000',
    });
    try {
      await mail.agent('bot');
      const body = `${'0123456789'.repeat(7)}\r\n`.repeat(12_000);
      const open = async () => {
        const c = smtpConnect(mail.smtpPort);
        await c.reply();
        await c.command('EHLO x');
        await c.command('MAIL FROM:<a@example.com>');
        await c.command('RCPT TO:<bot@agents.localhost>');
        expect(await c.command('DATA')).toMatch(/^354 /);
        c.send(`From: a@example.com\r\nSubject: part\r\n\r\n${body}`);
        return c;
      };
      const settle = () => new Promise((r) => setTimeout(r, 300));
      const holding = await open();
      await settle();
      const crowded = await open();
      expect(await crowded.command('.')).toMatch(/^452 /);
      crowded.end();
      holding.end();
      await settle();
      const later = await open();
      expect(await later.command('.')).toMatch(/^250 /);
      later.end();
    } finally {
      await mail.close();
    }
  });

  it('disconnects a client that goes quiet with 421', async () => {
    const mail = await startMailServer({ LATCHKEY_SMTP_IDLE_TIMEOUT: '400ms' });
    try {
      const { result, latencies } = await healthzDuring(mail.http, async () => {
        const c = smtpConnect(mail.smtpPort);
        await c.reply();
        await c.command('EHLO slow.test');
        c.send('MAIL FROM:<a@example.com>');
        await c.reply();
        // …then nothing: a slow (or slowloris) client.
        const timeout = await c.reply(5000);
        await c.closed;
        return timeout;
      });
      expect(result).toMatch(/^421 .*Timeout/);
      expect(p99(latencies)).toBeLessThan(250);
    } finally {
      await mail.close();
    }
  });

  it('answers 421 beyond the connections allowed from one address, and beyond the total', async () => {
    const perIp = await startMailServer({ LATCHKEY_SMTP_MAX_CONNECTIONS_PER_IP: '3' });
    try {
      const { result } = await healthzDuring(perIp.http, async () => {
        const open = [smtpConnect(perIp.smtpPort), smtpConnect(perIp.smtpPort), smtpConnect(perIp.smtpPort)];
        const greetings = await Promise.all(open.map((c) => c.reply()));
        const extra = smtpConnect(perIp.smtpPort);
        const refused = await extra.reply();
        await extra.closed;
        open[0]?.end();
        await open[0]?.closed;
        await new Promise((r) => setTimeout(r, 50));
        const again = smtpConnect(perIp.smtpPort);
        const welcome = await again.reply();
        for (const c of [...open, again]) c.end();
        return { greetings, refused, welcome };
      });
      expect(result.greetings.every((g) => g.startsWith('220 '))).toBe(true);
      expect(result.refused).toMatch(/^421 .*Too many connections from your address/);
      expect(result.welcome).toMatch(/^220 /);
    } finally {
      await perIp.close();
    }

    const total = await startMailServer({ LATCHKEY_SMTP_MAX_CLIENTS: '2', LATCHKEY_SMTP_MAX_CONNECTIONS_PER_IP: '50' });
    try {
      const open = [smtpConnect(total.smtpPort), smtpConnect(total.smtpPort)];
      await Promise.all(open.map((c) => c.reply()));
      const extra = smtpConnect(total.smtpPort);
      expect(await extra.reply()).toMatch(/^421 .*Too many connected clients/);
      for (const c of [...open, extra]) c.end();
    } finally {
      await total.close();
    }
  });

  it('answers 452 beyond the recipients allowed per message', async () => {
    const mail = await startMailServer({ LATCHKEY_SMTP_MAX_RECIPIENTS: '2' });
    try {
      for (const name of ['r1', 'r2', 'r3']) await mail.agent(name);
      const c = smtpConnect(mail.smtpPort);
      await c.reply();
      await c.command('EHLO x');
      await c.command('MAIL FROM:<a@example.com>');
      expect(await c.command('RCPT TO:<r1@agents.localhost>')).toMatch(/^250 /);
      expect(await c.command('RCPT TO:<r2@agents.localhost>')).toMatch(/^250 /);
      expect(await c.command('RCPT TO:<r3@agents.localhost>')).toMatch(/^452 /);
      c.end();
    } finally {
      await mail.close();
    }
  });

  it('refuses a MIME bomb and a part too big for the parse budgets with 554 and the reason; /healthz stays fast', async () => {
    const tight = await startMailServer({
      LATCHKEY_SMTP_PARSE_MEMORY_MB: '32',
      LATCHKEY_SMTP_MAX_MESSAGE_BYTES: '33554432',
    });
    try {
      const bot = await tight.agent('bot');
      const huge = `From: a@example.com\r\nSubject: huge\r\nContent-Type: text/plain\r\n\r\n${'All work and no play. '.repeat(1_000_000)}\r\n`;
      const { result, latencies } = await healthzDuring(tight.http, async () => ({
        bomb: await replyOf(sendRaw(tight.smtpPort, 'bot@agents.localhost', readFileSync(EML('mime-bomb.eml')))),
        huge: await replyOf(sendRaw(tight.smtpPort, 'bot@agents.localhost', huge)),
        after: await replyOf(sendRaw(tight.smtpPort, 'bot@agents.localhost', readFileSync(EML('base64.eml')))),
      }));
      expect(result.bomb).toMatch(/^554 5\.6\.0 Message refused: it could not be parsed within limits \(unparsable\)/);
      expect(result.huge).toMatch(/^554 .*\(parse_(memory|crash)\)/);
      expect(result.after).toBe('accepted');
      expect(p99(latencies)).toBeLessThan(250);
      const list = await tight.api('GET', '/v1/inbox/messages', { token: bot.apiKey });
      expect(list.body.messages.map((m: { subject: string }) => m.subject)).toEqual(['Fabrikam security code']);
      const metrics = await (await fetch(`${tight.http}/metrics`)).text();
      expect(metrics).toMatch(/^latchkey_smtp_outcomes_total\{outcome="unparsable"\} 1$/m);
      expect(metrics).toMatch(/^latchkey_smtp_outcomes_total\{outcome="accepted"\} 1$/m);
    } finally {
      await tight.close();
    }

    const slow = await startMailServer({
      LATCHKEY_SMTP_PARSE_TIMEOUT: '100ms',
      LATCHKEY_SMTP_MAX_MESSAGE_BYTES: '67108864',
    });
    try {
      await slow.agent('bot');
      const body = 'word '.repeat(8_000_000);
      const refused = await replyOf(sendRaw(slow.smtpPort, 'bot@agents.localhost', `Subject: slow\r\n\r\n${body}\r\n`));
      expect(refused).toMatch(/^554 .*\(parse_timeout\)/);
    } finally {
      await slow.close();
    }
  });

  it('stores a huge part that fits the budgets, cut to what an agent can use', async () => {
    const mail = await startMailServer({ LATCHKEY_SMTP_MAX_MESSAGE_BYTES: '33554432' });
    try {
      const bot = await mail.agent('bot');
      const text = `Your code is 135790.\r\n${'Filler line of a very long newsletter.\r\n'.repeat(200_000)}`;
      const { result, latencies } = await healthzDuring(mail.http, () =>
        replyOf(sendRaw(mail.smtpPort, 'bot@agents.localhost', `From: a@example.com\r\nSubject: long\r\n\r\n${text}`)),
      );
      expect(result).toBe('accepted');
      expect(p99(latencies)).toBeLessThan(250);
      const [summary] = (await mail.api('GET', '/v1/inbox/messages', { token: bot.apiKey })).body.messages;
      expect(summary.size).toBeGreaterThan(8_000_000);
      expect(summary.codes[0].value).toBe('135790');
      const full = await mail.api('GET', `/v1/inbox/messages/${summary.id}`, { token: bot.apiKey });
      expect(full.body.text.length).toBe(512 * 1024);
    } finally {
      await mail.close();
    }
  });
});
