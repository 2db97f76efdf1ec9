// Tests for link classification and ordering in several languages.
import { describe, expect, it } from 'vitest';
import { type LinkSource, linksInText, normaliseHref, rankLinks } from './links.js';

const TOKEN = 'Vq3nE8yZkR2mXc7TfL0p';
const link = (url: string, label = '', before = '', after = ''): LinkSource => ({ url, label, before, after });
const kinds = (sources: LinkSource[]): Array<[string, string]> => rankLinks(sources).map((l) => [l.kind, l.url]);

describe('rankLinks: kinds', () => {
  it.each([
    ['verify', 'Confirm my account', `https://x.test/users/confirmation?confirmation_token=${TOKEN}`],
    ['verify', 'E-Mail-Adresse bestätigen', `https://x.test/a/${TOKEN}`],
    ['verify', 'Vérifier mon adresse', `https://x.test/a/${TOKEN}`],
    ['verify', '验证电子邮箱', `https://x.test/a/${TOKEN}`],
    ['verify', 'メールアドレスを認証', `https://x.test/a/${TOKEN}`],
    ['verify', 'تأكيد البريد الإلكتروني', `https://x.test/a/${TOKEN}`],
    ['login', 'Sign in to Acme', `https://x.test/a/${TOKEN}`],
    ['login', 'Войти', `https://x.test/a/${TOKEN}`],
    ['login', '로그인', `https://x.test/a/${TOKEN}`],
    ['login', 'Giriş yap', `https://x.test/a/${TOKEN}`],
    ['reset', 'Reset password', `https://x.test/a/${TOKEN}`],
    ['reset', 'Restablecer contraseña', `https://x.test/a/${TOKEN}`],
    ['reset', 'पासवर्ड रीसेट करें', `https://x.test/a/${TOKEN}`],
    ['reset', 'Wachtwoord herstellen', `https://x.test/a/${TOKEN}`],
  ])('%s: "%s"', (kind, label, url) => {
    expect(kinds([link(url, label)])).toEqual([[kind, url]]);
  });

  it('reads the URL words when the label says nothing', () => {
    const url = `https://x.test/__/auth/action?mode=resetPassword&oobCode=${TOKEN}`;
    expect(kinds([link(url, url)])).toEqual([['reset', url]]);
  });

  it('reads the sentence before a bare link', () => {
    const url = `https://x.test/${TOKEN}`;
    expect(kinds([link(url, '', 'Click the link below to verify your email address:\n\n')])).toEqual([['verify', url]]);
  });

  it('calls links without a per-message token navigation', () => {
    expect(kinds([link('https://x.test/login', 'Log in'), link('https://x.test/reset_password', 'Reset')])).toEqual([
      ['other', 'https://x.test/login'],
      ['other', 'https://x.test/reset_password'],
    ]);
  });

  it('never makes unsubscribe, report, revert or social links actions', () => {
    const sources = [
      link(`https://x.test/unsubscribe?u=${TOKEN}`, 'Unsubscribe'),
      link(`https://x.test/a?t=${TOKEN}`, 'Not you? Report it'),
      link(`https://x.test/__/auth/action?mode=revertSecondFactorAddition&oobCode=${TOKEN}`, ''),
      link(`https://x.test/b?t=${TOKEN}`, '', 'If you did not add this number, click the link below to remove it.\n\n'),
      link(`https://www.facebook.com/acme?ref=${TOKEN}`, 'Confirm on Facebook'),
      link(`https://x.test/img/verify-${TOKEN}.png`, 'Verify'),
    ];
    expect(rankLinks(sources).every((l) => l.kind === 'other')).toBe(true);
  });
});

describe('rankLinks: order', () => {
  it('puts actions first, strongest evidence first, then the rest in document order', () => {
    const a = 'https://x.test/help';
    const b = `https://x.test/x/${TOKEN}`;
    const c = `https://x.test/verify?token=${TOKEN}`;
    const ranked = rankLinks([link(a, 'Help'), link(b, '', 'You can also verify here:'), link(c, 'Verify email')]);
    expect(ranked.map((l) => l.url)).toEqual([c, b, a]);
  });

  it('reports a URL once, with its best kind', () => {
    const url = `https://x.test/verify?token=${TOKEN}`;
    expect(rankLinks([link(url, url), link(url, 'Verify email')])).toEqual([{ url, kind: 'verify' }]);
  });
});

describe('link sources', () => {
  it('keeps only web links from href attributes', () => {
    expect(normaliseHref(' https://x.test/a ')).toBe('https://x.test/a');
    for (const href of [
      'mailto:a@x.test',
      'tel:+1555',
      'javascript:alert(1)',
      '#top',
      '/relative',
      'data:text/html,x',
    ]) {
      expect(normaliseHref(href)).toBeUndefined();
    }
  });

  it('finds links in plain text with their context, scheme-less hosts with a path included', () => {
    const text =
      'Your WhatsApp code is 105-876 but you can simply tap on this link to verify your device: v.whatsapp.com/105876';
    const [found] = linksInText(text);
    expect(found?.url).toBe('v.whatsapp.com/105876');
    expect(found?.before).toContain('verify your device');
    expect(rankLinks(linksInText(text))).toEqual([{ url: 'v.whatsapp.com/105876', kind: 'verify' }]);
  });
});
