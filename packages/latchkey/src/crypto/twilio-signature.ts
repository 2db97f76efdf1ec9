// Twilio's X-Twilio-Signature: base64 HMAC-SHA1 of the webhook URL followed by the sorted POST parameters.
import { createHmac, timingSafeEqual } from 'node:crypto';

/** POST parameters as parsed from the form body: pairs (repeats allowed), `URLSearchParams`, or a record. */
export type TwilioParams = Iterable<readonly [string, string]> | Readonly<Record<string, string | readonly string[]>>;

/** Stable failure codes; messages never quote the auth token or the signature. */
export type TwilioSignatureErrorCode = 'TWILIO_SIGNATURE_MISSING' | 'TWILIO_SIGNATURE_INVALID';

/** Thrown by {@link verifyTwilioSignature}; `details[0].path` names the header. */
export class TwilioSignatureError extends Error {
  override readonly name = 'TwilioSignatureError';
  readonly code: TwilioSignatureErrorCode;
  readonly details: { path: string; message: string }[];

  constructor(code: TwilioSignatureErrorCode, message: string) {
    super(message);
    this.code = code;
    this.details = [{ path: 'x-twilio-signature', message }];
  }
}

const SHA1_BYTES = 20;

/**
 * Computes the signature exactly as twilio-node's `getExpectedTwilioSignature` does: the URL as the WHATWG parser
 * serialises it, then for each parameter name in code-unit order, each distinct value in order, `name + value`, with
 * no separators; HMAC-SHA1 keyed with the auth token's UTF-8 bytes; base64.
 */
export function computeTwilioSignature(authToken: string, url: string, params: TwilioParams): string {
  return Buffer.from(digest(authToken, new URL(url).toString(), params)).toString('base64');
}

/**
 * Verifies `X-Twilio-Signature` for a request Twilio made to `url` (the public URL configured in Twilio, with its
 * query string). Like Twilio's own libraries it accepts the signature for the URL with and without an explicit port,
 * because Twilio's signer is inconsistent about including `:443`/`:80` or a custom port. Compares in constant time and
 * throws {@link TwilioSignatureError} on any mismatch.
 */
export function verifyTwilioSignature(
  authToken: string,
  url: string,
  params: TwilioParams,
  signature: string | undefined,
): void {
  if (!signature) {
    throw new TwilioSignatureError('TWILIO_SIGNATURE_MISSING', 'the X-Twilio-Signature header is required');
  }
  const given = Buffer.from(signature, 'base64');
  // Node's base64 decoder skips junk; requiring a round trip keeps "almost" signatures from being normalised into valid.
  const canonical = given.length === SHA1_BYTES && given.toString('base64') === signature;
  const pairs = collect(params);
  let matched = false;
  for (const candidate of twilioUrlCandidates(url)) {
    const expected = digest(authToken, candidate, pairs);
    if (canonical && timingSafeEqual(given, expected)) matched = true;
  }
  if (!matched) {
    throw new TwilioSignatureError('TWILIO_SIGNATURE_INVALID', 'X-Twilio-Signature does not match this request');
  }
}

/**
 * The URL spellings Twilio may have signed: without any port, and with the explicit port (the scheme's default when
 * the URL has none), mirroring twilio-node's `validateRequest`.
 */
export function twilioUrlCandidates(url: string): string[] {
  const parsed = new URL(url);
  const withPort = parsed.port ? parsed.toString() : withDefaultPort(parsed);
  const withoutPort = new URL(parsed.toString());
  withoutPort.port = '';
  return [...new Set([withoutPort.toString(), withPort])];
}

/** Rebuilds the URL with `:443`/`:80` spelled out, which the WHATWG serialiser always drops. */
function withDefaultPort(parsed: URL): string {
  const port = parsed.protocol === 'https:' ? '443' : '80';
  const auth = parsed.username ? `${parsed.username}${parsed.password ? `:${parsed.password}` : ''}@` : '';
  return `${parsed.protocol}//${auth}${parsed.host}:${port}${parsed.pathname}${parsed.search}${parsed.hash}`;
}

function digest(authToken: string, url: string, params: TwilioParams | Map<string, Set<string>>): Buffer {
  const grouped = params instanceof Map ? params : collect(params);
  const hmac = createHmac('sha1', Buffer.from(authToken, 'utf8')).update(url, 'utf8');
  for (const name of [...grouped.keys()].sort()) {
    // Repeated parameters (e.g. several MediaUrl values) are deduplicated and sorted, as twilio-node and twilio-python do.
    for (const value of [...(grouped.get(name) ?? [])].sort()) hmac.update(name + value, 'utf8');
  }
  return hmac.digest();
}

function collect(params: TwilioParams): Map<string, Set<string>> {
  const grouped = new Map<string, Set<string>>();
  const add = (name: string, value: string) => {
    const values = grouped.get(name) ?? new Set<string>();
    values.add(value);
    grouped.set(name, values);
  };
  if (isIterable(params)) {
    for (const [name, value] of params) add(name, value);
  } else {
    for (const [name, value] of Object.entries(params)) {
      if (typeof value === 'string') add(name, value);
      else for (const item of value) add(name, item);
    }
  }
  return grouped;
}

function isIterable(params: TwilioParams): params is Iterable<readonly [string, string]> {
  return typeof (params as Partial<Iterable<unknown>>)[Symbol.iterator] === 'function';
}
