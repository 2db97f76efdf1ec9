// In-process servers for HTTP tests (app.inject, no sockets), on either store.
import { afterAll, beforeAll, describe } from 'vitest';
import { loadServeConfig } from '../config/config.js';
import { type Clock, systemClock } from '../core/clock.js';
import { createServer, type LatchkeyServer } from '../main.js';
import { newSite, type StoreKind, type StoreSite, storeKinds } from './stores.js';

/** A response as tests see it. */
export interface CallResult {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests assert response shapes at run time, field by field.
  body: any;
  headers: Record<string, string | string[] | number | undefined>;
}

export interface TestServer {
  kind: StoreKind;
  server: LatchkeyServer;
  site: StoreSite;
  adminToken: string;
  /** Sends a request in-process; `token` becomes a Bearer header. */
  call(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    options?: { token?: string | null; body?: unknown; headers?: Record<string, string>; rawBody?: string },
  ): Promise<CallResult>;
  close(): Promise<void>;
}

/** Builds a server on a fresh store of the given kind. */
export async function startTestServer(
  kind: StoreKind,
  options: { clock?: Clock; env?: Record<string, string> } = {},
): Promise<TestServer> {
  const site = newSite(kind);
  const config = loadServeConfig(
    { data: site.dir, httpPort: '0', smtpPort: 'off' },
    { LATCHKEY_LOG_LEVEL: 'silent', ...(site.databaseUrl ? { DATABASE_URL: site.databaseUrl } : {}), ...options.env },
  );
  const server = await createServer(config, { clock: options.clock ?? systemClock, validateResponses: true });
  if (!server.adminToken) throw new Error('a fresh store must mint an admin token');
  const adminToken = server.adminToken;
  return {
    kind,
    server,
    site,
    adminToken,
    async call(method, url, opts = {}) {
      const token = opts.token === undefined ? adminToken : opts.token;
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      if (token !== null) headers.authorization = `Bearer ${token}`;
      let payload: string | undefined = opts.rawBody;
      if (opts.body !== undefined) {
        payload = JSON.stringify(opts.body);
        headers['content-type'] ??= 'application/json';
      }
      const res = await server.app.inject({ method, url, headers, ...(payload !== undefined ? { payload } : {}) });
      let body: unknown = res.body;
      try {
        body = res.body.length > 0 ? JSON.parse(res.body) : undefined;
      } catch {
        // not JSON (metrics, docs): keep the text
      }
      return { status: res.statusCode, body, headers: res.headers };
    },
    async close() {
      await server.close();
      await site.cleanup();
    },
  };
}

/** Declares `body` once per store kind with a server shared by the block. */
export function describeEachServer(
  title: string,
  body: (get: () => TestServer) => void,
  options: { clock?: Clock; env?: Record<string, string> } = {},
): void {
  for (const kind of storeKinds) {
    describe(`${title} [${kind}]`, () => {
      let ts: TestServer | undefined;
      beforeAll(async () => {
        ts = await startTestServer(kind, options);
      });
      afterAll(async () => {
        await ts?.close();
      });
      body(() => {
        if (!ts) throw new Error('server not started');
        return ts;
      });
    });
  }
}
