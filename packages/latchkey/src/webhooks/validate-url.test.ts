// Tests for webhook URL validation at registration, including every IPv4 spelling the WHATWG parser normalises.
import { describe, expect, it } from 'vitest';
import { isAllowlistedHost, validateWebhookUrl, WebhookUrlError } from './validate-url.js';

function refusal(raw: unknown, options = {}): WebhookUrlError {
  try {
    validateWebhookUrl(raw, options);
  } catch (error) {
    if (error instanceof WebhookUrlError) return error;
    throw error;
  }
  throw new Error(`expected ${String(raw)} to be refused`);
}

describe('validateWebhookUrl', () => {
  it('accepts public http and https URLs and returns the parsed URL', () => {
    expect(validateWebhookUrl('https://hooks.example.com/latchkey?x=1').hostname).toBe('hooks.example.com');
    expect(validateWebhookUrl('http://93.184.215.14:8080/hook').port).toBe('8080');
    expect(validateWebhookUrl('https://[2606:4700:4700::1111]/').hostname).toBe('[2606:4700:4700::1111]');
  });

  it.each([
    'http://127.0.0.1/',
    'http://2130706433/',
    'http://0x7f.1/',
    'http://0x7f000001/',
    'http://0177.0.0.1/',
    'http://017700000001/',
    'http://127.1/',
    'http://0/',
    'http://%31%32%37.0.0.1/',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[::ffff:7f00:1]:8080/',
    'http://[64:ff9b::7f00:1]/',
    'http://169.254.169.254/latest/meta-data/',
    'http://2852039166/',
    'http://[fd00:ec2::254]/',
    'http://100.100.100.200/',
    'http://10.0.0.1/',
    'http://192.168.0.1/',
    'http://172.16.0.1/',
    'http://100.64.0.1/',
    'http://[fe80::1]/',
    'http://[fc00::1]/',
    'http://224.0.0.1/',
    'http://255.255.255.255/',
    'http://192.0.2.1/',
    'http://localhost/',
    'http://LOCALHOST./',
    'http://api.localhost:3000/',
  ])('refuses %s', (raw) => {
    const error = refusal(raw);
    expect(error.code).toBe('INVALID_WEBHOOK_URL');
    expect(error.details).toEqual([{ path: 'url', message: error.message }]);
    expect(error.message).toMatch(/refused address/);
  });

  it('refuses other schemes, credentials, relative and oversized URLs, naming the field', () => {
    const cases: unknown[] = [
      'ftp://example.com/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'gopher://example.com/',
      'https://user:pass@example.com/',
      'https://user@example.com/',
      '/relative/path',
      'example.com/hook',
      '',
      42,
      undefined,
      `https://example.com/${'a'.repeat(2048)}`,
    ];
    for (const raw of cases) {
      const error = refusal(raw, { field: 'webhook.url' });
      expect(error.details[0]?.path).toBe('webhook.url');
      expect(error.message).toContain('webhook.url');
    }
  });

  it('never quotes credentials back', () => {
    expect(refusal('https://alice:hunter2@example.com/').message).not.toContain('hunter2');
  });

  it('lets an explicitly allowlisted host:port through, and nothing else', () => {
    const allowedPrivateHosts = ['127.0.0.1:4000', '[::1]:4001', 'receiver.localhost:80'];
    expect(validateWebhookUrl('http://127.0.0.1:4000/hook', { allowedPrivateHosts }).port).toBe('4000');
    expect(validateWebhookUrl('http://2130706433:4000/hook', { allowedPrivateHosts }).hostname).toBe('127.0.0.1');
    expect(validateWebhookUrl('http://[0:0::1]:4001/', { allowedPrivateHosts }).hostname).toBe('[::1]');
    expect(validateWebhookUrl('http://receiver.localhost/', { allowedPrivateHosts }).hostname).toBe(
      'receiver.localhost',
    );
    expect(refusal('http://127.0.0.1:4001/', { allowedPrivateHosts }).code).toBe('INVALID_WEBHOOK_URL');
    expect(refusal('http://localhost:4000/', { allowedPrivateHosts }).code).toBe('INVALID_WEBHOOK_URL');
    expect(refusal('https://127.0.0.1:4000/', { allowedPrivateHosts: ['127.0.0.1'] }).code).toBe('INVALID_WEBHOOK_URL');
  });
});

describe('isAllowlistedHost', () => {
  it('compares the effective port', () => {
    expect(isAllowlistedHost(new URL('https://10.0.0.5/'), ['10.0.0.5:443'])).toBe(true);
    expect(isAllowlistedHost(new URL('http://10.0.0.5/'), ['10.0.0.5:80'])).toBe(true);
    expect(isAllowlistedHost(new URL('http://10.0.0.5/'), ['10.0.0.5:443'])).toBe(false);
    expect(isAllowlistedHost(new URL('http://10.0.0.5:8080/'), [])).toBe(false);
  });
});
