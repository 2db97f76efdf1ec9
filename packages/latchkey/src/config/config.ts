// Server configuration: one zod schema, parsed once at start from flags and environment (flags win).
import { availableParallelism } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A duration such as `7d`, `24h`, `3600s` or `250ms`, in milliseconds. */
export function parseDuration(text: string): number | null {
  const m = /^(\d{1,9})(ms|s|m|h|d)$/.exec(text.trim());
  if (!m?.[1] || !m[2]) return null;
  return Number(m[1]) * (UNITS[m[2]] ?? 0);
}

function duration(min: number, max: number) {
  return z.string().transform((text, ctx) => {
    const ms = parseDuration(text);
    if (ms === null || ms < min || ms > max) {
      ctx.addIssue({ code: 'custom', message: `must be a duration like 30s, 24h or 7d, from ${min} ms to ${max} ms` });
      return z.NEVER;
    }
    return ms;
  });
}

const count = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const schema = z.object({
  dataDir: z.string().min(1).default('./latchkey-data'),
  databaseUrl: z
    .string()
    .regex(/^postgres(?:ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  host: z.string().min(1).default('127.0.0.1'),
  httpPort: port.default(8420),
  smtpPort: z.union([z.literal('off'), port]).default(2525),
  mailDomain: z
    .string()
    .regex(
      /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i,
      'must be a domain name',
    )
    .transform((d) => d.toLowerCase())
    .default('agents.localhost'),
  publicUrl: z.url({ protocol: /^https?$/ }).optional(),
  masterKey: z.string().min(1).optional(),
  masterKeyFile: z.string().min(1).optional(),
  twilioAuthToken: z.string().min(1).optional(),
  smsWebhookSecret: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/]+={0,2}$/, 'must be a Standard Webhooks secret: whsec_<base64>')
    .optional(),
  /** Messages older than this are deleted. */
  messageRetentionMs: duration(60_000, 3650 * 86_400_000).default(7 * 86_400_000),
  /** SMTP limits (ADR 0023). */
  smtpMaxMessageBytes: count(1024, 100 * 1024 * 1024).default(10 * 1024 * 1024),
  smtpMaxBufferedBytes: count(1024, 16 * 1024 * 1024 * 1024).default(256 * 1024 * 1024),
  smtpMaxClients: count(1, 100_000).default(500),
  smtpMaxConnectionsPerIp: count(1, 100_000).default(20),
  smtpMaxRecipients: count(1, 1000).default(50),
  smtpIdleTimeoutMs: duration(100, 3_600_000).default(60_000),
  smtpParseTimeoutMs: duration(100, 600_000).default(10_000),
  smtpParseMemoryMb: count(16, 4096).default(128),
  // Parsing is CPU work: one worker per core (at least two, so one slow message never stops the rest).
  smtpParseWorkers: count(1, 64).default(Math.max(2, availableParallelism())),
  webhookAllowPrivateHosts: z
    .string()
    .transform((list) =>
      list
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string().regex(/^(?:\[[0-9a-f:.]+\]|[a-z0-9.-]+):\d{1,5}$/i, 'entries must be host:port')))
    .default([]),
  logLevel: z.enum(logLevels).default('info'),
  json: z.boolean().default(false),
});

/** Everything `latchkey serve` needs, validated. */
export type ServeConfig = z.infer<typeof schema> & { dataDir: string };

/** Command-line flags of `latchkey serve`, as commander hands them over. */
export interface ServeFlags {
  data?: string;
  databaseUrl?: string;
  host?: string;
  httpPort?: string;
  smtpPort?: string;
  mailDomain?: string;
  publicUrl?: string;
  json?: boolean;
}

/** Thrown when configuration is invalid; the message names the flag or variable. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const NAMES: Record<string, string> = {
  dataDir: '--data / LATCHKEY_DATA_DIR',
  databaseUrl: '--database-url / DATABASE_URL',
  host: '--host / LATCHKEY_HOST',
  httpPort: '--http-port / LATCHKEY_HTTP_PORT',
  smtpPort: '--smtp-port / LATCHKEY_SMTP_PORT',
  mailDomain: '--mail-domain / LATCHKEY_MAIL_DOMAIN',
  publicUrl: '--public-url / LATCHKEY_PUBLIC_URL',
  masterKey: 'LATCHKEY_MASTER_KEY',
  masterKeyFile: 'LATCHKEY_MASTER_KEY_FILE',
  twilioAuthToken: 'LATCHKEY_TWILIO_AUTH_TOKEN',
  smsWebhookSecret: 'LATCHKEY_SMS_WEBHOOK_SECRET',
  webhookAllowPrivateHosts: 'LATCHKEY_WEBHOOK_ALLOW_PRIVATE_HOSTS',
  logLevel: 'LATCHKEY_LOG_LEVEL',
  messageRetentionMs: 'LATCHKEY_MESSAGE_RETENTION',
  smtpMaxMessageBytes: 'LATCHKEY_SMTP_MAX_MESSAGE_BYTES',
  smtpMaxBufferedBytes: 'LATCHKEY_SMTP_MAX_BUFFERED_BYTES',
  smtpMaxClients: 'LATCHKEY_SMTP_MAX_CLIENTS',
  smtpMaxConnectionsPerIp: 'LATCHKEY_SMTP_MAX_CONNECTIONS_PER_IP',
  smtpMaxRecipients: 'LATCHKEY_SMTP_MAX_RECIPIENTS',
  smtpIdleTimeoutMs: 'LATCHKEY_SMTP_IDLE_TIMEOUT',
  smtpParseTimeoutMs: 'LATCHKEY_SMTP_PARSE_TIMEOUT',
  smtpParseMemoryMb: 'LATCHKEY_SMTP_PARSE_MEMORY_MB',
  smtpParseWorkers: 'LATCHKEY_SMTP_PARSE_WORKERS',
};

/**
 * Builds the configuration from flags and environment. Empty variables count as unset.
 * @throws ConfigError naming the offending flag or variable (never its value: it may be a secret).
 */
export function loadServeConfig(flags: ServeFlags, env: Record<string, string | undefined>): ServeConfig {
  const pick = (flag: string | undefined, name: string): string | undefined => {
    if (flag !== undefined && flag !== '') return flag;
    const value = env[name];
    return value === undefined || value === '' ? undefined : value;
  };
  const raw = {
    dataDir: pick(flags.data, 'LATCHKEY_DATA_DIR'),
    databaseUrl: pick(flags.databaseUrl, 'DATABASE_URL'),
    host: pick(flags.host, 'LATCHKEY_HOST'),
    httpPort: pick(flags.httpPort, 'LATCHKEY_HTTP_PORT'),
    smtpPort: pick(flags.smtpPort, 'LATCHKEY_SMTP_PORT'),
    mailDomain: pick(flags.mailDomain, 'LATCHKEY_MAIL_DOMAIN'),
    publicUrl: pick(flags.publicUrl, 'LATCHKEY_PUBLIC_URL'),
    masterKey: pick(undefined, 'LATCHKEY_MASTER_KEY'),
    masterKeyFile: pick(undefined, 'LATCHKEY_MASTER_KEY_FILE'),
    twilioAuthToken: pick(undefined, 'LATCHKEY_TWILIO_AUTH_TOKEN'),
    smsWebhookSecret: pick(undefined, 'LATCHKEY_SMS_WEBHOOK_SECRET'),
    webhookAllowPrivateHosts: pick(undefined, 'LATCHKEY_WEBHOOK_ALLOW_PRIVATE_HOSTS'),
    logLevel: pick(undefined, 'LATCHKEY_LOG_LEVEL'),
    messageRetentionMs: pick(undefined, 'LATCHKEY_MESSAGE_RETENTION'),
    smtpMaxMessageBytes: pick(undefined, 'LATCHKEY_SMTP_MAX_MESSAGE_BYTES'),
    smtpMaxBufferedBytes: pick(undefined, 'LATCHKEY_SMTP_MAX_BUFFERED_BYTES'),
    smtpMaxClients: pick(undefined, 'LATCHKEY_SMTP_MAX_CLIENTS'),
    smtpMaxConnectionsPerIp: pick(undefined, 'LATCHKEY_SMTP_MAX_CONNECTIONS_PER_IP'),
    smtpMaxRecipients: pick(undefined, 'LATCHKEY_SMTP_MAX_RECIPIENTS'),
    smtpIdleTimeoutMs: pick(undefined, 'LATCHKEY_SMTP_IDLE_TIMEOUT'),
    smtpParseTimeoutMs: pick(undefined, 'LATCHKEY_SMTP_PARSE_TIMEOUT'),
    smtpParseMemoryMb: pick(undefined, 'LATCHKEY_SMTP_PARSE_MEMORY_MB'),
    smtpParseWorkers: pick(undefined, 'LATCHKEY_SMTP_PARSE_WORKERS'),
    json: flags.json ?? false,
  };
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '');
      return `${NAMES[key] ?? key}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  }
  if (parsed.data.masterKey && parsed.data.masterKeyFile) {
    throw new ConfigError('Set LATCHKEY_MASTER_KEY or LATCHKEY_MASTER_KEY_FILE, not both.');
  }
  const dataDir = isAbsolute(parsed.data.dataDir) ? parsed.data.dataDir : resolve(parsed.data.dataDir);
  return { ...parsed.data, dataDir };
}
