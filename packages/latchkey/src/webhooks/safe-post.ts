// Delivers one webhook POST without letting the target reach internal addresses (SSRF), follow redirects or hang us.
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type Socket } from 'node:net';
import { classifyIp } from './ip-policy.js';
import { bareHostname, isAllowlistedHost, parseWebhookUrl, WebhookUrlError } from './validate-url.js';

/** Resolves a host name to every address it has (the policy refuses the name if any one is refused). */
export type Resolver = (hostname: string) => Promise<LookupAddress[]>;

/** Options for {@link safePost}. */
export interface SafePostOptions {
  headers?: Readonly<Record<string, string>>;
  body: string | Uint8Array;
  /** Budget for the whole exchange: DNS, connect, TLS, sending and reading the response. */
  timeoutMs: number;
  /** Response bytes kept; the connection is closed once more arrive. */
  maxResponseBytes: number;
  /** `host:port` entries that may be private, for development and tests; empty in production. */
  allowedPrivateHosts?: readonly string[];
  /** Defaults to the system resolver (`dns.lookup`); tests pass their own to play a rebinding DNS server. */
  resolve?: Resolver;
}

/** Why a delivery failed. A 3xx is a failure: redirects are never followed, since they could point anywhere. */
export type SafePostFailure = 'invalid_url' | 'refused_address' | 'redirect' | 'http_status' | 'timeout' | 'network';

/** The outcome of one attempt; failures are values, not exceptions, so the caller can record and retry them. */
export type SafePostOutcome =
  | { ok: true; status: number; body: Uint8Array; truncated: boolean }
  | { ok: false; failure: SafePostFailure; message: string; status?: number };

/** Raised inside the connection path when a resolved or connected address is outside the policy. */
class RefusedAddressError extends Error {}

const USER_AGENT = 'Latchkey-Webhooks/0.1';

/**
 * POSTs `body` to `url` with the SSRF policy applied where it cannot be raced: the host name is resolved by our own
 * `lookup` at connect time and the connection is refused if ANY resolved address is outside the policy (so a DNS
 * answer that changes between registration and delivery, or a name with one public and one private address, cannot
 * reach inside). IP literals are checked directly, and the connected socket's peer address is checked once more.
 * No redirects are followed, the whole exchange has one deadline, and at most `maxResponseBytes` of the response are
 * read. Resolves with a {@link SafePostOutcome}; it does not reject.
 */
export async function safePost(url: string, options: SafePostOptions): Promise<SafePostOutcome> {
  let target: URL;
  try {
    target = parseWebhookUrl(url);
  } catch (error) {
    if (error instanceof WebhookUrlError) return { ok: false, failure: 'invalid_url', message: error.message };
    throw error;
  }
  const privateAllowed = isAllowlistedHost(target, options.allowedPrivateHosts ?? []);
  const hostname = bareHostname(target);
  // An IP literal never reaches `lookup` (net.connect dials it directly), so it is judged here. Names, localhost
  // included, are judged by what they resolve to at connect time.
  const literal = isIP(hostname) ? classifyIp(hostname) : undefined;
  if (literal && !literal.allowed && !privateAllowed) {
    return {
      ok: false,
      failure: 'refused_address',
      message: `the webhook URL is a refused address (${literal.category})`,
    };
  }
  const resolve = options.resolve ?? systemResolver;
  const body = typeof options.body === 'string' ? Buffer.from(options.body, 'utf8') : Buffer.from(options.body);
  const transport = target.protocol === 'https:' ? https : http;

  return new Promise<SafePostOutcome>((resolveOutcome) => {
    let settled = false;
    const finish = (outcome: SafePostOutcome) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      request.destroy();
      resolveOutcome(outcome);
    };

    const request = transport.request({
      protocol: target.protocol,
      hostname,
      port: target.port || undefined,
      path: `${target.pathname}${target.search}`,
      method: 'POST',
      // A fresh connection per delivery: a pooled socket would skip the connect-time checks.
      agent: false,
      headers: { 'user-agent': USER_AGENT, ...options.headers, 'content-length': String(body.length) },
      lookup: (name, lookupOptions, callback) => {
        resolve(name)
          .then((addresses) => {
            const family = lookupOptions.family === 4 || lookupOptions.family === 6 ? lookupOptions.family : 0;
            const usable = addresses.filter((a) => family === 0 || a.family === family);
            const refused = privateAllowed ? undefined : addresses.find((a) => !classifyIp(a.address).allowed);
            if (refused)
              throw new RefusedAddressError(
                `the webhook host resolves to a refused address (${classifyIp(refused.address).category})`,
              );
            const first = usable[0];
            if (!first) throw new Error('the webhook host has no address');
            if (lookupOptions.all) callback(null, usable);
            else callback(null, first.address, first.family);
          })
          .catch((error: unknown) => callback(asErrno(error), '', 0));
      },
    });

    const deadline = setTimeout(() => {
      finish({ ok: false, failure: 'timeout', message: `no complete response within ${options.timeoutMs} ms` });
    }, options.timeoutMs);

    request.on('socket', (socket: Socket) => {
      socket.once('connect', () => {
        const peer = socket.remoteAddress ?? '';
        if (!privateAllowed && !classifyIp(peer).allowed) {
          finish({
            ok: false,
            failure: 'refused_address',
            message: `connected to a refused address (${classifyIp(peer).category})`,
          });
        }
      });
    });

    request.on('error', (error) => {
      if (error instanceof RefusedAddressError)
        finish({ ok: false, failure: 'refused_address', message: error.message });
      else finish({ ok: false, failure: 'network', message: `delivery failed: ${describeNetworkError(error)}` });
    });

    request.on('response', (response) => {
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400) {
        finish({
          ok: false,
          failure: 'redirect',
          status,
          message: `the receiver answered ${status}; redirects are not followed`,
        });
        return;
      }
      const chunks: Buffer[] = [];
      let kept = 0;
      let truncated = false;
      const done = () => {
        const bytes = new Uint8Array(Buffer.concat(chunks));
        if (status >= 200 && status < 300) finish({ ok: true, status, body: bytes, truncated });
        else finish({ ok: false, failure: 'http_status', status, message: `the receiver answered ${status}` });
      };
      response.on('data', (chunk: Buffer) => {
        if (truncated) return;
        const room = options.maxResponseBytes - kept;
        chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
        kept += Math.min(chunk.length, room);
        if (chunk.length > room) {
          // Stop reading at once: a receiver that streams forever must not hold memory or the connection.
          truncated = true;
          done();
        }
      });
      response.on('end', done);
      response.on('error', (error) => {
        finish({ ok: false, failure: 'network', message: `delivery failed: ${describeNetworkError(error)}` });
      });
    });

    request.end(body);
  });
}

const systemResolver: Resolver = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) =>
      error ? reject(error) : resolve(addresses),
    );
  });

function asErrno(error: unknown): NodeJS.ErrnoException {
  return error instanceof Error ? error : new Error(String(error));
}

/** A short, secret-free description: the error code when there is one (ECONNREFUSED, ENOTFOUND, …). */
function describeNetworkError(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  return code ?? error.message;
}
