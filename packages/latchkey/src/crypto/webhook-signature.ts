// Standard Webhooks signatures (standardwebhooks.com): HMAC-SHA256 over "id.timestamp.body" with a whsec_ secret.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The three headers a Standard Webhooks sender attaches. */
export interface StandardWebhookHeaders {
  'webhook-id': string;
  'webhook-timestamp': string;
  'webhook-signature': string;
}

/** Header values as node's `IncomingHttpHeaders` or a plain record give them (names matched case-insensitively). */
export type HeaderBag = Readonly<Record<string, string | readonly string[] | undefined>>;

/** What a verified delivery proves: who (by id) sent it and when. */
export interface VerifiedWebhook {
  id: string;
  timestamp: number;
}

/** Stable failure codes; messages name the header at fault and never quote the secret or a signature. */
export type WebhookSignatureErrorCode =
  | 'WEBHOOK_SECRET_INVALID'
  | 'WEBHOOK_HEADER_MISSING'
  | 'WEBHOOK_HEADER_INVALID'
  | 'WEBHOOK_TIMESTAMP_INVALID'
  | 'WEBHOOK_TIMESTAMP_EXPIRED'
  | 'WEBHOOK_SIGNATURE_INVALID'
  | 'WEBHOOK_REPLAYED';

/** Thrown when a secret cannot be used or a delivery does not verify. */
export class WebhookSignatureError extends Error {
  override readonly name = 'WebhookSignatureError';
  readonly code: WebhookSignatureErrorCode;
  readonly details: { path: string; message: string }[];

  constructor(code: WebhookSignatureErrorCode, path: string, message: string) {
    super(message);
    this.code = code;
    this.details = [{ path, message }];
  }
}

/**
 * Remembers delivery ids so a captured request cannot be replayed inside the tolerance window. The inbox service backs
 * this with the database (a unique `(source, id)` row, pruned after `expiresAt`), so every instance shares it.
 */
export interface WebhookReplayGuard {
  /** Records `id`; resolves `false` when it was already recorded. Must be atomic (an insert that may conflict). */
  claim(id: string, expiresAt: Date): Promise<boolean>;
}

/** The spec's window: a timestamp more than five minutes from our clock, either way, is refused. */
export const WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

const SECRET_PREFIX = 'whsec_';
const MIN_SECRET_BYTES = 24;
const MAX_ID_LENGTH = 256;
const MAX_SIGNATURES = 16;
const SIGNATURE_BYTES = 32;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Decodes a `whsec_<base64>` secret (the prefix is optional, as in the reference libraries). Refuses secrets shorter
 * than 24 bytes, the spec's lower bound, so a guessable secret fails at start-up rather than in production.
 */
export function parseWebhookSecret(secret: string): Uint8Array {
  const text = secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret;
  const bytes = decodeBase64(text);
  if (!bytes || bytes.length < MIN_SECRET_BYTES) {
    throw new WebhookSignatureError(
      'WEBHOOK_SECRET_INVALID',
      'secret',
      `the webhook secret must be whsec_ followed by base64 of at least ${MIN_SECRET_BYTES} bytes`,
    );
  }
  return bytes;
}

/** A new signing secret for a receiver we deliver to: `whsec_` and the base64 of 32 random bytes. */
export function generateWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(32).toString('base64')}`;
}

/** Returns the `webhook-signature` value (`v1,<base64>`) for one delivery; `timestamp` is in Unix seconds. */
export function signWebhook(
  secret: string | Uint8Array,
  id: string,
  timestamp: number,
  body: string | Uint8Array,
): string {
  return `v1,${Buffer.from(hmac(secretBytes(secret), id, timestamp, body)).toString('base64')}`;
}

/** Builds the three headers for an outbound delivery signed at `now` (milliseconds since the epoch). */
export function webhookHeaders(
  secret: string | Uint8Array,
  id: string,
  now: number,
  body: string | Uint8Array,
): StandardWebhookHeaders {
  const timestamp = Math.floor(now / 1000);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signWebhook(secret, id, timestamp, body),
  };
}

/**
 * Verifies a delivery: all three headers present, a timestamp within {@link WEBHOOK_TOLERANCE_SECONDS} of `now`
 * (milliseconds), and at least one `v1` signature (of up to 16, space-separated) matching the HMAC of the exact body
 * bytes, compared in constant time. Throws {@link WebhookSignatureError} otherwise. Replay is not checked here: see
 * {@link verifyWebhookOnce}.
 */
export function verifyWebhook(
  secret: string | Uint8Array,
  headers: HeaderBag,
  body: string | Uint8Array,
  now: number,
): VerifiedWebhook {
  const id = singleHeader(headers, 'webhook-id');
  const timestampText = singleHeader(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (signatures === undefined || signatures.length === 0) missing('webhook-signature');
  if (id.length > MAX_ID_LENGTH || /[^\x21-\x7e]/.test(id)) {
    throw new WebhookSignatureError(
      'WEBHOOK_HEADER_INVALID',
      'webhook-id',
      'webhook-id must be 1-256 printable characters',
    );
  }
  if (!/^\d{1,12}$/.test(timestampText)) {
    throw new WebhookSignatureError(
      'WEBHOOK_TIMESTAMP_INVALID',
      'webhook-timestamp',
      'webhook-timestamp must be an integer number of seconds since the Unix epoch',
    );
  }
  const timestamp = Number(timestampText);
  if (Math.abs(Math.floor(now / 1000) - timestamp) > WEBHOOK_TOLERANCE_SECONDS) {
    throw new WebhookSignatureError(
      'WEBHOOK_TIMESTAMP_EXPIRED',
      'webhook-timestamp',
      `webhook-timestamp is more than ${WEBHOOK_TOLERANCE_SECONDS} seconds away from the server clock`,
    );
  }
  const expected = hmac(secretBytes(secret), id, timestamp, body);
  // Every candidate is compared (no early exit) so the time taken does not reveal which entry matched.
  let matched = false;
  for (const entry of signatures.split(' ').filter(Boolean).slice(0, MAX_SIGNATURES)) {
    const comma = entry.indexOf(',');
    if (entry.slice(0, comma) !== 'v1') continue;
    const candidate = decodeBase64(entry.slice(comma + 1));
    if (candidate?.length === SIGNATURE_BYTES && timingSafeEqual(candidate, expected)) matched = true;
  }
  if (!matched) {
    throw new WebhookSignatureError(
      'WEBHOOK_SIGNATURE_INVALID',
      'webhook-signature',
      'no v1 signature in webhook-signature matches this request',
    );
  }
  return { id, timestamp };
}

/**
 * {@link verifyWebhook}, then claims the `webhook-id` with `guard` so the same delivery is accepted once. The claim
 * comes after the signature check, so forged requests cannot use up ids; it is kept until the timestamp leaves the
 * tolerance window, after which the timestamp check alone refuses a replay.
 */
export async function verifyWebhookOnce(
  secret: string | Uint8Array,
  headers: HeaderBag,
  body: string | Uint8Array,
  now: number,
  guard: WebhookReplayGuard,
): Promise<VerifiedWebhook> {
  const verified = verifyWebhook(secret, headers, body, now);
  const expiresAt = new Date((verified.timestamp + WEBHOOK_TOLERANCE_SECONDS) * 1000);
  if (!(await guard.claim(verified.id, expiresAt))) {
    throw new WebhookSignatureError('WEBHOOK_REPLAYED', 'webhook-id', 'this webhook-id was already delivered');
  }
  return verified;
}

function hmac(key: Uint8Array, id: string, timestamp: number, body: string | Uint8Array): Buffer {
  return createHmac('sha256', key).update(`${id}.${timestamp}.`, 'utf8').update(body).digest();
}

function secretBytes(secret: string | Uint8Array): Uint8Array {
  return typeof secret === 'string' ? parseWebhookSecret(secret) : secret;
}

/** Strict base64: refuses text that would not round-trip, since Node's decoder silently skips bad characters. */
function decodeBase64(text: string): Buffer | undefined {
  if (text.length === 0 || text.length % 4 !== 0 || !BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.toString('base64') === text ? bytes : undefined;
}

function header(headers: HeaderBag, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    // Repeated signature headers are as good as one space-separated list; repeated ids or timestamps are ambiguous.
    return typeof value === 'string' ? value : value?.join(' ');
  }
  return undefined;
}

function singleHeader(headers: HeaderBag, name: string): string {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    if (typeof value === 'string' && value.length > 0) return value;
    break;
  }
  return missing(name);
}

function missing(name: string): never {
  throw new WebhookSignatureError('WEBHOOK_HEADER_MISSING', name, `the ${name} header is required`);
}
