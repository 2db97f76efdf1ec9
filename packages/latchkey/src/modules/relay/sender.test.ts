// Tests for expected senders: parsing each form, matching by channel, and DMARC alignment with the header From.
import { describe, expect, it } from 'vitest';
import { dmarcPassesFor, domainOf, parseExpectedSender, senderMatches } from './sender.js';

describe('parseExpectedSender', () => {
  it.each([
    ['No-Reply@Bank.Example', { kind: 'address', value: 'no-reply@bank.example', domain: 'bank.example' }],
    ['bank.example', { kind: 'domain', value: 'bank.example' }],
    ['Mail.Bank.Example.', { kind: 'domain', value: 'mail.bank.example' }],
    ['+1 (555) 010-0199', { kind: 'phone', value: '+15550100199' }],
    ['72975', { kind: 'phone', value: '72975' }],
    ['MYBANK', { kind: 'sender_id', value: 'mybank' }],
    ['My Bank', { kind: 'sender_id', value: 'mybank' }],
  ])('%s', (raw, parsed) => {
    expect(parseExpectedSender(raw)).toEqual(parsed);
  });

  it.each([
    '',
    '   ',
    '@bank.example',
    'user@',
    'user@localhost',
    'a b@bank.example',
    '12',
    '+1234567890123456',
    'x',
    'this sender id is far too long',
    'bank@@example',
    `${'a'.repeat(250)}.com`,
  ])('refuses %j', (raw) => {
    expect(parseExpectedSender(raw)).toBeNull();
  });
});

describe('senderMatches', () => {
  const sender = (raw: string) => {
    const parsed = parseExpectedSender(raw);
    if (!parsed) throw new Error(`unparsable ${raw}`);
    return parsed;
  };

  it('matches an address exactly, ignoring case', () => {
    expect(senderMatches(sender('no-reply@bank.example'), 'email', 'No-Reply@BANK.example')).toBe(true);
    expect(senderMatches(sender('no-reply@bank.example'), 'email', 'alerts@bank.example')).toBe(false);
  });

  it('matches a domain and its subdomains, never a lookalike', () => {
    const bank = sender('bank.example');
    expect(senderMatches(bank, 'email', 'otp@bank.example')).toBe(true);
    expect(senderMatches(bank, 'email', 'otp@mail.bank.example')).toBe(true);
    expect(senderMatches(bank, 'email', 'otp@evilbank.example')).toBe(false);
    expect(senderMatches(bank, 'email', 'otp@bank.example.evil')).toBe(false);
    expect(senderMatches(bank, 'email', 'bank.example')).toBe(false);
  });

  it('matches phone numbers by digits and sender ids without case or spaces, on SMS only', () => {
    expect(senderMatches(sender('+1 555 010 0199'), 'sms', '+15550100199')).toBe(true);
    expect(senderMatches(sender('+1 555 010 0199'), 'sms', '+15550100198')).toBe(false);
    expect(senderMatches(sender('+1 555 010 0199'), 'sms', 'x15550100199')).toBe(false);
    expect(senderMatches(sender('MYBANK'), 'sms', 'MyBank')).toBe(true);
    expect(senderMatches(sender('MYBANK'), 'sms', 'MYBANK2')).toBe(false);
    expect(senderMatches(sender('MYBANK'), 'email', 'mybank')).toBe(false);
    expect(senderMatches(sender('bank.example'), 'sms', 'bank.example')).toBe(false);
  });
});

describe('dmarcPassesFor', () => {
  it('requires a DMARC pass for the header From domain itself', () => {
    expect(dmarcPassesFor('otp@bank.example', { dmarc: 'pass', fromDomain: 'bank.example' })).toBe(true);
    expect(dmarcPassesFor('otp@bank.example', { dmarc: 'pass', fromDomain: 'BANK.example.' })).toBe(true);
    expect(dmarcPassesFor('otp@bank.example', { dmarc: 'fail', fromDomain: 'bank.example' })).toBe(false);
    expect(dmarcPassesFor('otp@bank.example', { dmarc: 'none', fromDomain: 'bank.example' })).toBe(false);
    expect(dmarcPassesFor('otp@bank.example', { dmarc: 'pass', fromDomain: 'attacker.example' })).toBe(false);
    expect(dmarcPassesFor('otp@bank.example', { dmarc: 'pass', fromDomain: null })).toBe(false);
    expect(dmarcPassesFor('otp@bank.example', null)).toBe(false);
  });

  it('takes the domain of an address', () => {
    expect(domainOf('a@B.Example.')).toBe('b.example');
    expect(domainOf('nobody')).toBeNull();
    expect(domainOf('@x')).toBeNull();
    expect(domainOf('x@')).toBeNull();
  });
});
