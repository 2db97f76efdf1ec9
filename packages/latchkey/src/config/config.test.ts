// Tests of the inbox and SMTP settings: durations, defaults, and errors that name the variable.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadServeConfig, parseDuration } from './config.js';

describe('parseDuration', () => {
  it('reads ms, s, m, h and d', () => {
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('3600s')).toBe(3_600_000);
    expect(parseDuration('15m')).toBe(900_000);
    expect(parseDuration('24h')).toBe(86_400_000);
    expect(parseDuration(' 7d ')).toBe(604_800_000);
  });

  it('refuses anything else', () => {
    for (const bad of ['7', 'd', '1.5h', '-1s', '7 days', '1w', '']) expect(parseDuration(bad)).toBeNull();
  });
});

describe('inbox and SMTP configuration', () => {
  it('defaults to a week of retention and bounded SMTP', () => {
    const config = loadServeConfig({}, {});
    expect(config.messageRetentionMs).toBe(7 * 86_400_000);
    expect(config).toMatchObject({
      smtpPort: 2525,
      smtpMaxMessageBytes: 10 * 1024 * 1024,
      smtpMaxConnectionsPerIp: 20,
      smtpIdleTimeoutMs: 60_000,
    });
    expect(config.smtpParseWorkers).toBeGreaterThanOrEqual(2);
  });

  it('reads the variables, and names the one that is wrong', () => {
    const config = loadServeConfig(
      { smtpPort: 'off' },
      {
        LATCHKEY_MESSAGE_RETENTION: '24h',
        LATCHKEY_SMTP_MAX_CONNECTIONS_PER_IP: '5',
        LATCHKEY_SMTP_IDLE_TIMEOUT: '30s',
      },
    );
    expect(config).toMatchObject({
      smtpPort: 'off',
      messageRetentionMs: 86_400_000,
      smtpMaxConnectionsPerIp: 5,
      smtpIdleTimeoutMs: 30_000,
    });
    expect(() => loadServeConfig({}, { LATCHKEY_MESSAGE_RETENTION: 'forever' })).toThrow(ConfigError);
    expect(() => loadServeConfig({}, { LATCHKEY_MESSAGE_RETENTION: '10s' })).toThrow(/LATCHKEY_MESSAGE_RETENTION/);
    expect(() => loadServeConfig({}, { LATCHKEY_SMTP_MAX_MESSAGE_BYTES: '12' })).toThrow(
      /LATCHKEY_SMTP_MAX_MESSAGE_BYTES/,
    );
  });
});
