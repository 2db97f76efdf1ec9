// Registration-time checks for a webhook URL: http(s), no credentials, and not an IP literal in a refused range.
import { isIP } from 'node:net';
import { classifyIp } from './ip-policy.js';

/** Thrown when a webhook URL is refused; `details[0].path` names the request field that held it. */
export class WebhookUrlError extends Error {
  override readonly name = 'WebhookUrlError';
  readonly code = 'INVALID_WEBHOOK_URL';
  readonly details: { path: string; message: string }[];

  constructor(path: string, message: string) {
    super(message);
    this.details = [{ path, message }];
  }
}

/** Options for {@link validateWebhookUrl}. */
export interface ValidateWebhookUrlOptions {
  /** Request field to name in errors; defaults to `url`. */
  field?: string;
  /** `host:port` entries that may be private (development and tests only); see {@link isAllowlistedHost}. */
  allowedPrivateHosts?: readonly string[];
}

const MAX_URL_LENGTH = 2048;

/**
 * Parses and checks a webhook URL when it is registered, so a bad target is refused with a clear message instead of
 * failing every delivery later. The WHATWG parser normalises every IPv4 spelling first (`http://2130706433/`,
 * `http://0x7f.1/`, `http://0177.0.0.1/` all become `127.0.0.1`), so the range check sees the address that would be
 * dialled. Names are refused only when they are loopback by definition (`localhost`, `*.localhost`); any other name
 * is judged by what it resolves to at connect time (see safe-post.ts), since DNS can change after registration.
 */
export function validateWebhookUrl(raw: unknown, options: ValidateWebhookUrlOptions = {}): URL {
  const field = options.field ?? 'url';
  const url = parseWebhookUrl(raw, field);
  if (isAllowlistedHost(url, options.allowedPrivateHosts ?? [])) return url;
  const host = bareHostname(url);
  if (isIP(host)) {
    const verdict = classifyIp(host);
    if (!verdict.allowed) {
      throw new WebhookUrlError(field, `${field} points to a refused address (${verdict.category.replace('_', '-')})`);
    }
  } else if (/(^|\.)localhost$/.test(host.replace(/\.$/, ''))) {
    throw new WebhookUrlError(field, `${field} points to a refused address (localhost)`);
  }
  return url;
}

/**
 * The shape checks alone: a string of at most 2048 characters that parses as an absolute http(s) URL without
 * credentials. Delivery uses this and then judges the address it actually connects to.
 */
export function parseWebhookUrl(raw: unknown, field = 'url'): URL {
  if (typeof raw !== 'string' || raw.length === 0) throw new WebhookUrlError(field, `${field} must be a URL string`);
  if (raw.length > MAX_URL_LENGTH) {
    throw new WebhookUrlError(field, `${field} must be at most ${MAX_URL_LENGTH} characters`);
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookUrlError(field, `${field} must be an absolute http or https URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new WebhookUrlError(field, `${field} must use http or https`);
  }
  if (url.username || url.password) {
    // Credentials in a URL end up in logs and Referer-like places; webhooks authenticate with signatures instead.
    throw new WebhookUrlError(field, `${field} must not contain a username or password`);
  }
  return url;
}

/** The hostname as a resolver or `net.connect` wants it: IPv6 without brackets, lower case. */
export function bareHostname(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
}

/**
 * True when `url`'s host and effective port appear in `allowedPrivateHosts`, written `host:port` (`127.0.0.1:8080`,
 * `[::1]:8080`, `receiver.internal:443`). The entry must name the host as the URL does: allowing `127.0.0.1:8080`
 * does not allow `localhost:8080`.
 */
export function isAllowlistedHost(url: URL, allowedPrivateHosts: readonly string[]): boolean {
  if (allowedPrivateHosts.length === 0) return false;
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  const key = `${url.hostname}:${port}`.toLowerCase();
  return allowedPrivateHosts.some((entry) => normaliseEntry(entry) === key);
}

function normaliseEntry(entry: string): string | undefined {
  try {
    // Parsing the entry as a URL authority applies the same normalisation as the webhook URL (IPv6 compression, case).
    const parsed = new URL(`http://${entry.trim()}`);
    return parsed.port || entry.trim().endsWith(':80') ? `${parsed.hostname}:${parsed.port || '80'}` : undefined;
  } catch {
    return undefined;
  }
}
