// The HTTP transport: one place that builds URLs, sends JSON, and turns error envelopes into LatchkeyError.
import { LatchkeyError } from './errors.js';

export interface ClientOptions {
  /** Default `http://127.0.0.1:8420`. */
  baseUrl?: string;
  /** An agent key (`lk_agent_…`) or operator token (`lk_op_…`). Sent only in the Authorization header. */
  apiKey: string;
  /** Per-request timeout in milliseconds for calls that do not wait (default 30 000). */
  timeoutMs?: number;
  /** A fetch implementation (default: the global one). */
  fetch?: typeof fetch;
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** A JSON body already serialized (when its exact bytes are signed). */
  rawBody?: string;
  /** Extra headers. */
  headers?: Record<string, string>;
  /** `false` sends no Authorization header (routes authenticated by a signature instead). */
  auth?: boolean;
  /** Overrides the timeout (long-poll calls pass their own). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Sends requests to one Latchkey server. */
export class Transport {
  readonly baseUrl: string;
  readonly #apiKey: string;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;

  constructor(options: ClientOptions) {
    if (!options.apiKey) throw new LatchkeyError({ code: 'CONFIGURATION', message: 'apiKey is required.', status: 0 });
    this.baseUrl = (options.baseUrl ?? 'http://127.0.0.1:8420').replace(/\/+$/, '');
    this.#apiKey = options.apiKey;
    this.#timeoutMs = options.timeoutMs ?? 30_000;
    this.#fetch = options.fetch ?? globalThis.fetch;
  }

  /** Sends one request and returns the parsed JSON body (undefined for 204). */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const url = new URL(this.baseUrl + path);
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { ...options.headers, accept: 'application/json' };
    if (options.auth !== false) headers.authorization = `Bearer ${this.#apiKey}`;
    let body = options.rawBody;
    if (body === undefined && options.body !== undefined) body = JSON.stringify(options.body);
    if (body !== undefined) headers['content-type'] = 'application/json';
    const timeout = AbortSignal.timeout(options.timeoutMs ?? this.#timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    let response: Response;
    try {
      response = await this.#fetch(url, { method, headers, ...(body !== undefined ? { body } : {}), signal });
    } catch (err) {
      const timedOut = timeout.aborted;
      throw new LatchkeyError({
        code: timedOut ? 'TIMEOUT' : 'NETWORK_ERROR',
        message: timedOut
          ? `No answer from ${this.baseUrl} in time.`
          : `Cannot reach ${this.baseUrl}: ${(err as Error).message}`,
        status: 0,
      });
    }
    const requestId = response.headers.get('request-id') ?? undefined;
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let json: unknown;
    try {
      json = text.length > 0 ? JSON.parse(text) : undefined;
    } catch {
      throw new LatchkeyError({
        code: 'INVALID_RESPONSE',
        message: `Non-JSON answer (HTTP ${response.status}).`,
        status: response.status,
        requestId,
      });
    }
    if (!response.ok) {
      const error = (
        json as { error?: { code?: string; message?: string; details?: { path: string; message: string }[] } }
      )?.error;
      throw new LatchkeyError({
        code: error?.code ?? 'HTTP_ERROR',
        message: error?.message ?? `HTTP ${response.status}`,
        status: response.status,
        requestId,
        details: error?.details ?? [],
      });
    }
    return json as T;
  }
}

/** Encodes one path segment. */
export function seg(value: string): string {
  return encodeURIComponent(value);
}
