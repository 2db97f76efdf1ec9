// Tests for capture matching: every criterion on its own, their order, and hostile filters on hostile text.
import { describe, expect, it } from 'vitest';
import { type CaptureMessage, matchRequest, type RequestCriteria } from './capture-match.js';

const anyRequest: RequestCriteria = { channel: 'any', expectedSender: null, filterFrom: null, filterPattern: null };

const bankMail: CaptureMessage = {
  channel: 'email',
  from: 'otp@bank.example',
  text: 'Your Bank sign-in\nYour one-time code is 412157. It expires in 10 minutes.',
  auth: { dmarc: 'pass', fromDomain: 'bank.example' },
};

const bankSms: CaptureMessage = {
  channel: 'sms',
  from: '+15550100199',
  text: 'BANK: 735519 is your code. Do not share it.',
  auth: null,
};

describe('matchRequest', () => {
  it('matches a request without criteria on either channel', () => {
    expect(matchRequest(anyRequest, bankMail)).toBeNull();
    expect(matchRequest(anyRequest, bankSms)).toBeNull();
  });

  it('checks the channel', () => {
    expect(matchRequest({ ...anyRequest, channel: 'sms' }, bankMail)).toBe('channel_mismatch');
    expect(matchRequest({ ...anyRequest, channel: 'email' }, bankSms)).toBe('channel_mismatch');
    expect(matchRequest({ ...anyRequest, channel: 'email' }, bankMail)).toBeNull();
  });

  it('requires the expected sender, and on email a DMARC pass for it', () => {
    const fromBank = { ...anyRequest, expectedSender: 'bank.example' };
    expect(matchRequest(fromBank, bankMail)).toBeNull();
    expect(matchRequest(fromBank, { ...bankMail, from: 'otp@attacker.example' })).toBe('sender_mismatch');
    expect(matchRequest(fromBank, { ...bankMail, from: null })).toBe('sender_mismatch');
    expect(matchRequest(fromBank, { ...bankMail, auth: { dmarc: 'fail', fromDomain: 'bank.example' } })).toBe(
      'dmarc_failed',
    );
    expect(matchRequest(fromBank, { ...bankMail, auth: null })).toBe('dmarc_failed');
    const fromNumber = { ...anyRequest, expectedSender: '+1 555 010 0199' };
    expect(matchRequest(fromNumber, bankSms)).toBeNull();
    expect(matchRequest(fromNumber, { ...bankSms, from: '+15550100100' })).toBe('sender_mismatch');
    expect(matchRequest(fromNumber, bankMail)).toBe('sender_mismatch');
  });

  it('applies the from glob to the sender, ignoring case', () => {
    expect(matchRequest({ ...anyRequest, filterFrom: '*@BANK.example' }, bankMail)).toBeNull();
    expect(matchRequest({ ...anyRequest, filterFrom: '*@shop.example' }, bankMail)).toBe('filter_from_mismatch');
    expect(matchRequest({ ...anyRequest, filterFrom: '+1555*' }, bankSms)).toBeNull();
    expect(matchRequest({ ...anyRequest, filterFrom: '*' }, { ...bankSms, from: null })).toBe('filter_from_mismatch');
  });

  it('applies the pattern to the text, ignoring case', () => {
    expect(matchRequest({ ...anyRequest, filterPattern: 'one-time code is \\d{6}' }, bankMail)).toBeNull();
    expect(matchRequest({ ...anyRequest, filterPattern: '^bank: \\d{6}' }, bankSms)).toBeNull();
    expect(matchRequest({ ...anyRequest, filterPattern: 'password reset' }, bankMail)).toBe('filter_pattern_mismatch');
  });

  it('names the first criterion that fails', () => {
    const all: RequestCriteria = {
      channel: 'email',
      expectedSender: 'bank.example',
      filterFrom: '*@shop.example',
      filterPattern: 'nothing like this',
    };
    expect(matchRequest(all, { ...bankMail, auth: null })).toBe('dmarc_failed');
    expect(matchRequest(all, bankMail)).toBe('filter_from_mismatch');
  });

  it('stays fast with catastrophic patterns on long hostile text', () => {
    const hostile = { ...bankSms, text: `${'a'.repeat(60_000)}!` };
    for (const filterPattern of ['(a+)+$', '(a|a)*b', '(a*)*b', '(?:a|aa)+c', '(.*a){20}z']) {
      const started = performance.now();
      expect(matchRequest({ ...anyRequest, filterPattern }, hostile)).toBe('filter_pattern_mismatch');
      expect(performance.now() - started).toBeLessThan(500);
    }
  });
});
