// End to end: a verification mail auto-forwarded to a human's relay address over real SMTP is captured only when
// DMARC passes for the expected sender, sealed at once, and read exactly once through the SDK.
import { generateKeyPairSync } from 'node:crypto';
import { Latchkey } from '@latchkey/sdk';
import { dkimSign } from 'mailauth';
import nodemailer from 'nodemailer';
import { describe, expect, it } from 'vitest';
import { zoneResolver } from '../../packages/latchkey/src/smtp/test-support/dns-zone.js';
import { startMailServer } from './mail-support.js';

function sendRaw(port: number, to: string, raw: Buffer | string, from: string) {
  const t = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
    name: 'mx.example.com',
  });
  return t.sendMail({ envelope: { from, to: [to] }, raw }).finally(() => t.close());
}

function message(code: string): Buffer {
  return Buffer.from(
    [
      'From: Example Bank <accounts@example.com>',
      'To: admin@home.example',
      'Subject: Your sign-in code',
      `Message-ID: <${code}@example.com>`,
      'Date: Mon, 23 Nov 2026 10:00:00 +0000',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      '',
      `Your verification code is ${code}. It expires in 10 minutes.`,
      '',
    ].join('\r\n'),
  );
}

describe('relay capture over SMTP', () => {
  it('captures a DKIM-signed mail for the expected sender, refuses a spoofed one, and releases the code once', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const zone = zoneResolver({
      'sel1._domainkey.example.com': {
        TXT: [[`v=DKIM1; k=rsa; p=${publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`]],
      },
      '_dmarc.example.com': { TXT: [['v=DMARC1; p=reject']] },
      'example.com': { TXT: [['v=spf1 ip4:203.0.113.5 -all']] },
    });
    const mail = await startMailServer({}, zone);
    try {
      const admin = new Latchkey({ baseUrl: mail.http, apiKey: mail.adminToken });
      const bot = await mail.agent('smtp-bot');
      const lk = new Latchkey({ baseUrl: mail.http, apiKey: bot.apiKey });
      const handle = await lk.relay.requestOtp({
        reason: 'log in to the bank',
        channel: 'email',
        expectedSender: 'example.com',
      });
      await admin.relay.approve(handle.id);
      const captureTrail = async () =>
        (await admin.audit.list({ action: 'relay.capture' })).events
          .filter((e) => e.target.id === handle.id)
          .map((e) => `${e.outcome}:${e.reason}`);

      // Spoofed: the visible From is the bank's, but nothing authenticates it (SPF fails, no DKIM): not captured.
      await sendRaw(mail.smtpPort, 'relay-admin@agents.localhost', message('111222'), 'accounts@example.com');
      expect((await lk.relay.get(handle)).status).toBe('approved');

      // Auto-forwarded from the human's mailbox: SPF fails at the forwarder, but the bank's DKIM signature survives.
      const key = {
        signingDomain: 'example.com',
        selector: 'sel1',
        privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      };
      const body = message('482913');
      const signed = await dkimSign(body, { ...key, signatureData: [key] });
      await sendRaw(
        mail.smtpPort,
        'relay-admin@agents.localhost',
        Buffer.concat([Buffer.from(signed.signatures), body]),
        'forwarder@home.example',
      );
      const waited = await lk.relay.wait(handle, { timeoutSeconds: 10 });
      // Should the capture not happen, the audit trail says why (its reason), which the status alone does not.
      expect(waited.status, `relay.capture trail: ${(await captureTrail()).join(', ')}`).toBe('otp_received');
      const otp = await lk.relay.consume(handle);
      expect(otp).toMatchObject({
        code: '482913',
        channel: 'email',
        from: 'accounts@example.com',
        requestId: handle.id,
      });
      await expect(lk.relay.consumeSealed(handle.id)).rejects.toMatchObject({ status: 410 });

      expect((await captureTrail()).reverse()).toEqual(['denied:dmarc_failed', 'success:email']);

      // A relay address of nobody is refused at RCPT time, and the message text is stored nowhere.
      const refused = await sendRaw(
        mail.smtpPort,
        'relay-nobody@agents.localhost',
        message('333444'),
        'a@example.com',
      ).then(
        () => 'accepted',
        (err: { responseCode?: number }) => String(err.responseCode),
      );
      expect(refused).toBe('550');
      const inbox = await mail.api('GET', '/v1/inbox/messages', { token: bot.apiKey });
      expect(JSON.stringify(inbox.body)).not.toContain('482913');
    } finally {
      await mail.close();
    }
  });
});
