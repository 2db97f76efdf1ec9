// Tests of message parsing and sender authentication over the .eml fixtures, with DNS answered from a zone:
// MIME encodings, non-English text, nesting bombs, SPF by resolver answers, DKIM signed here, DMARC, and
// Received headers that lie.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dkimSign } from 'mailauth';
import { describe, expect, it } from 'vitest';
import { parseMail, type SessionFacts } from './parse-mail.js';
import { zoneResolver } from './test-support/dns-zone.js';

function fixture(name: string): Uint8Array {
  return readFileSync(fileURLToPath(new URL(`../../../../test/fixtures/eml/${name}`, import.meta.url)));
}

const session: SessionFacts = { mailFrom: 'bounces@example.com', remoteAddress: '127.0.0.1', heloName: 'mail.test' };
const noDns = zoneResolver({});
const parse = (raw: Uint8Array | string, facts = session, resolver = noDns) =>
  parseMail(typeof raw === 'string' ? Buffer.from(raw) : raw, facts, { mta: 'agents.localhost', resolver });

describe('parseMail: MIME', () => {
  it('reads multipart/alternative: both parts, the code and the link', async () => {
    const mail = await parse(fixture('multipart-alternative.eml'));
    expect(mail.from).toEqual({ address: 'accounts@example.com', name: 'Example Accounts' });
    expect(mail.to).toEqual(['bot@agents.localhost']);
    expect(mail.subject).toBe('Your Example verification code');
    expect(mail.messageId).toBe('<multipart-alt-1@example.com>');
    expect(mail.text).toContain('482913');
    expect(mail.html).toContain('<strong>482913</strong>');
    expect(mail.extraction.codes[0]?.value).toBe('482913');
    expect(mail.extraction.links.map((l) => l.url)).toContain('https://example.com/verify-email?token=k3J9x');
    expect(mail.headers.find((h) => h.key === 'subject')?.value).toBe('Your Example verification code');
  });

  it('reads an HTML-only message: no code, the confirm link first', async () => {
    const mail = await parse(fixture('html-only.eml'));
    expect(mail.text).toBeNull();
    expect(mail.extraction.codes).toEqual([]);
    expect(mail.extraction.links[0]).toEqual({
      url: 'https://acme-cloud.example/account/confirm-email?token=Zx81Qp',
      kind: 'verify',
    });
  });

  it('decodes quoted-printable, joining soft line breaks inside a URL', async () => {
    const mail = await parse(fixture('quoted-printable.eml'));
    expect(mail.extraction.codes[0]?.value).toBe('905217');
    expect(mail.extraction.links[0]).toEqual({
      url: 'https://login.northwind.example/magic-link?token=AbCdEfGhIjKlMnOpQrStUvWxYz0123456789&redirect=%2Fhome',
      kind: 'login',
    });
  });

  it('decodes base64 parts and leaves attachments out', async () => {
    const mail = await parse(fixture('base64.eml'));
    expect(mail.text).toContain('Your verification code is 640215.');
    expect(mail.extraction.codes[0]?.value).toBe('640215');
    expect(JSON.stringify(mail)).not.toContain('JVBERi0');
  });

  it('decodes encoded-word subjects and non-UTF-8 charsets', async () => {
    const de = await parse(fixture('non-english-de.eml'));
    expect(de.subject).toBe('Ihr Bestätigungscode für Kühne');
    expect(de.from).toEqual({ address: 'konto@kuehne.example', name: 'Kühne Konto' });
    expect(de.text).toContain('Ihr Bestätigungscode lautet: 318406');
    expect(de.extraction.codes[0]?.value).toBe('318406');
    const ja = await parse(fixture('non-english-ja.eml'));
    expect(ja.subject).toBe('【サンプル】確認コードのお知らせ');
    expect(ja.extraction.codes[0]?.value).toBe('582014');
  });

  it('refuses a nested-multipart bomb instead of walking it', async () => {
    await expect(parse(fixture('mime-bomb.eml'))).rejects.toThrow(/nesting depth/);
  });

  it('keeps what leaves the worker bounded: long bodies and many headers are cut', async () => {
    const headers = Array.from({ length: 500 }, (_, i) => `X-Filler-${i}: ${'v'.repeat(10_000)}`).join('\n');
    const raw = `From: a@example.com\nTo: bot@agents.localhost\nSubject: big\n${headers}\n\n${'x'.repeat(2_000_000)}\n`;
    await expect(parse(raw)).rejects.toThrow(/header size/);
    const body = await parse(`From: a@example.com\nSubject: big\n\n${'word '.repeat(400_000)}`);
    expect(body.text?.length).toBe(512 * 1024);
  });
});

describe('parseMail: sender authentication', () => {
  const message = readFileSync(
    fileURLToPath(new URL('../../../../test/fixtures/eml/multipart-alternative.eml', import.meta.url)),
  );

  it('passes SPF when the connecting address is allowed, fails it when not, by DNS answers alone', async () => {
    const allowed = zoneResolver({ 'example.com': { TXT: [['v=spf1 ip4:127.0.0.1 -all']] } });
    const pass = await parse(message, session, allowed);
    expect(pass.auth).toMatchObject({ spf: 'pass', dkim: 'none', dmarc: 'none', verdict: 'neutral' });
    expect(allowed.queries).toContain('TXT example.com');
    const denied = zoneResolver({ 'example.com': { TXT: [['v=spf1 ip4:203.0.113.5 -all']] } });
    const fail = await parse(message, session, denied);
    expect(fail.auth).toMatchObject({ spf: 'fail', verdict: 'fail', fromDomain: 'example.com' });
    const none = await parse(message, session, zoneResolver({}));
    expect(none.auth).toMatchObject({ spf: 'none', dkim: 'none', dmarc: 'none', verdict: 'none' });
  });

  it('ignores forged Received, Return-Path and Authentication-Results headers', async () => {
    // The forged headers claim 203.0.113.5, the one address SPF allows; the session came from 127.0.0.1.
    const zone = zoneResolver({
      'example.com': { TXT: [['v=spf1 ip4:203.0.113.5 -all']] },
      '_dmarc.example.com': { TXT: [['v=DMARC1; p=reject']] },
    });
    const mail = await parse(fixture('forged-received.eml'), { ...session, mailFrom: 'accounts@example.com' }, zone);
    expect(mail.auth).toMatchObject({ spf: 'fail', dkim: 'none', dmarc: 'fail', verdict: 'fail' });
  });

  it('verifies a DKIM signature made here, applies DMARC, and fails a tampered body', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const key = {
      signingDomain: 'example.com',
      selector: 'lk2026',
      privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    };
    // mailauth signs what `signatureData` lists; its type declaration wants the first signature at the top too.
    const signed = await dkimSign(message, { ...key, canonicalization: 'relaxed/relaxed', signatureData: [key] });
    expect(signed.signatures).toMatch(/^DKIM-Signature: /);
    expect(signed.errors).toEqual([]);
    const raw = Buffer.concat([Buffer.from(signed.signatures), message]);
    const spki = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    const zone = zoneResolver({
      'lk2026._domainkey.example.com': { TXT: [[`v=DKIM1; k=rsa; p=${spki}`]] },
      '_dmarc.example.com': { TXT: [['v=DMARC1; p=reject']] },
      // SPF fails: DKIM alone carries DMARC.
      'example.com': { TXT: [['v=spf1 -all']] },
    });
    const good = await parse(raw, session, zone);
    expect(good.auth).toEqual({ spf: 'fail', dkim: 'pass', dmarc: 'pass', verdict: 'pass', fromDomain: 'example.com' });

    const tampered = Buffer.from(raw.toString('utf8').replace('482913', '482914'));
    const bad = await parse(tampered, session, zone);
    // mailauth reports a body-hash mismatch as `neutral` (RFC 6376 §6.3); DMARC then fails for want of a pass.
    expect(bad.auth).toMatchObject({ dkim: 'neutral', dmarc: 'fail', verdict: 'fail' });

    const unpublished = await parse(raw, session, zoneResolver({}));
    expect(unpublished.auth.dkim).not.toBe('pass');
  });
});
