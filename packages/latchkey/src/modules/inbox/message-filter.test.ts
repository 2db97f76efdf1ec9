// Tests of the list/wait filters: addresses, domains without look-alikes, SMS senders, subjects, kinds.
import { describe, expect, it } from 'vitest';
import { actionLink, fromMatches, matchesFilter, subjectMatches } from './message-filter.js';

describe('fromMatches', () => {
  it('matches a whole address case-insensitively', () => {
    expect(fromMatches('NoReply@GitHub.com', 'noreply@github.com')).toBe(true);
    expect(fromMatches('noreply@github.com', 'support@github.com')).toBe(false);
  });

  it('matches a domain and its subdomains, never a look-alike', () => {
    expect(fromMatches('noreply@github.com', 'github.com')).toBe(true);
    expect(fromMatches('a@mail.github.com', 'GitHub.com')).toBe(true);
    expect(fromMatches('a@evilgithub.com', 'github.com')).toBe(false);
    expect(fromMatches('a@github.com.evil.net', 'github.com')).toBe(false);
  });

  it('matches SMS senders without spacing or punctuation', () => {
    expect(fromMatches('+14155550123', '+1 (415) 555-0123')).toBe(true);
    expect(fromMatches('Google', 'google')).toBe(true);
    expect(fromMatches('+14155550123', '+14155550124')).toBe(false);
  });

  it('never matches a message without a sender, unless the filter is empty', () => {
    expect(fromMatches(null, 'github.com')).toBe(false);
    expect(fromMatches(null, '')).toBe(true);
  });
});

describe('matchesFilter', () => {
  const message = {
    from: 'noreply@example.com',
    subject: 'Your Example verification code',
    codes: [{ value: '123456', display: '123 456', confidence: 0.9 }],
    links: [
      { url: 'https://example.com/help', kind: 'other' as const },
      { url: 'https://example.com/verify?t=1', kind: 'verify' as const },
    ],
  };

  it('applies every filter given', () => {
    expect(matchesFilter(message, {})).toBe(true);
    expect(matchesFilter(message, { from: 'example.com', subject: 'VERIFICATION', kind: 'code' })).toBe(true);
    expect(matchesFilter(message, { subject: 'password' })).toBe(false);
    expect(matchesFilter({ ...message, codes: [] }, { kind: 'code' })).toBe(false);
    const otherOnly = { ...message, links: [{ url: 'https://example.com/help', kind: 'other' as const }] };
    expect(matchesFilter(otherOnly, { kind: 'link' })).toBe(false);
    expect(matchesFilter(message, { kind: 'link' })).toBe(true);
  });

  it('picks the first verify, login or reset link', () => {
    expect(actionLink(message.links)?.url).toBe('https://example.com/verify?t=1');
    expect(subjectMatches(null, 'x')).toBe(false);
  });
});
