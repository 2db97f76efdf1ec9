// MCP over Streamable HTTP at /mcp, authenticated with an agent key. Each MCP session is bound to the key that
// opened it and calls the API in-process through the same pipeline as any client (authentication, validation,
// audit), via `app.inject`. Relay private keys live in the session's memory only, never in the store.
import { randomUUID } from 'node:crypto';
import { Latchkey } from '@latchkey/sdk';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { MaybePromise } from '../core/maybe-promise.js';
import type { Principal } from '../modules/identity/principal.js';
import { createRelayKeyring, type RelayKeyring } from './relay-keys.js';
import { createMcpServer } from './server.js';

interface Session {
  transport: StreamableHTTPServerTransport;
  server: McpServer;
  keys: RelayKeyring;
  agentId: string;
  keyId: string;
  lastUsed: number;
}

export interface McpHttpOptions {
  authenticate(authorization: string | undefined, requestId: string): MaybePromise<Principal>;
  /** Idle sessions are closed after this long (default 30 minutes). */
  idleMs?: number;
  /** Sessions at most per agent (default 16): opening another closes the oldest. */
  maxSessionsPerAgent?: number;
  now?: () => number;
}

/** A fetch that sends the SDK's requests through the app in-process. */
function injectFetch(app: FastifyInstance): typeof fetch {
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const res = await app.inject({
      method: (init?.method ?? 'GET') as 'GET',
      url: url.pathname + url.search,
      headers: (init?.headers ?? {}) as Record<string, string>,
      ...(typeof init?.body === 'string' ? { payload: init.body } : {}),
    });
    const headers = new Headers();
    for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers.set(k, String(v));
    return new Response(res.statusCode === 204 ? null : res.body, { status: res.statusCode, headers });
  }) as typeof fetch;
}

function refuse(reply: FastifyReply, status: number, code: string, message: string, requestId: string): FastifyReply {
  return reply.code(status).send({ error: { code, message, requestId } });
}

/** Registers POST/GET/DELETE /mcp. Returns a function that closes every session (for shutdown). */
export function registerMcpHttp(app: FastifyInstance, options: McpHttpOptions): () => Promise<void> {
  const sessions = new Map<string, Session>();
  const idleMs = options.idleMs ?? 30 * 60_000;
  const perAgent = options.maxSessionsPerAgent ?? 16;
  const now = options.now ?? Date.now;
  const fetchInProcess = injectFetch(app);

  const closeSession = async (id: string) => {
    const session = sessions.get(id);
    if (!session) return;
    sessions.delete(id);
    session.keys.clear();
    await session.transport.close().catch(() => undefined);
    await session.server.close().catch(() => undefined);
  };

  const sweeper = setInterval(() => {
    for (const [id, s] of sessions) if (now() - s.lastUsed > idleMs) void closeSession(id);
  }, 60_000);
  sweeper.unref();

  async function handle(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    let principal: Principal;
    try {
      principal = await options.authenticate(request.headers.authorization, request.id);
    } catch {
      reply.header('WWW-Authenticate', 'Bearer realm="latchkey"');
      return refuse(reply, 401, 'UNAUTHENTICATED', 'Send an agent key: Authorization: Bearer lk_agent_…', request.id);
    }
    if (principal.kind !== 'agent') {
      return refuse(reply, 403, 'AGENT_ONLY', 'The MCP endpoint acts as an agent; use an agent key.', request.id);
    }
    const sessionId = request.headers['mcp-session-id'];
    let session: Session | undefined;
    if (typeof sessionId === 'string') {
      session = sessions.get(sessionId);
      // A session belongs to the key that opened it; anyone else learns nothing about it.
      if (!session || session.keyId !== principal.keyId) {
        return refuse(reply, 404, 'MCP_SESSION_NOT_FOUND', 'No such MCP session; initialize a new one.', request.id);
      }
    } else if (request.method === 'POST') {
      const mine = [...sessions.entries()].filter(([, s]) => s.agentId === principal.agentId);
      if (mine.length >= perAgent) {
        const oldest = mine.sort((a, b) => a[1].lastUsed - b[1].lastUsed)[0];
        if (oldest) await closeSession(oldest[0]);
      }
      const token = (request.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
      const lk = new Latchkey({ baseUrl: 'http://latchkey.internal', apiKey: token, fetch: fetchInProcess });
      const keys = createRelayKeyring();
      const server = createMcpServer(lk, keys);
      const created: Session = {
        server,
        keys,
        agentId: principal.agentId,
        keyId: principal.keyId,
        lastUsed: now(),
        transport: new StreamableHTTPServerTransport({
          sessionIdGenerator: () => randomUUID(),
          onsessioninitialized: (id) => {
            sessions.set(id, created);
          },
        }),
      };
      created.transport.onclose = () => {
        const id = created.transport.sessionId;
        if (id) void closeSession(id);
      };
      await server.connect(created.transport);
      session = created;
    } else {
      return refuse(
        reply,
        400,
        'MCP_SESSION_REQUIRED',
        'Send Mcp-Session-Id, or POST an initialize request.',
        request.id,
      );
    }
    session.lastUsed = now();
    reply.hijack();
    await session.transport.handleRequest(request.raw, reply.raw, request.body);
    return undefined;
  }

  app.post('/mcp', handle);
  app.get('/mcp', handle);
  app.delete('/mcp', handle);

  return async () => {
    clearInterval(sweeper);
    await Promise.all([...sessions.keys()].map(closeSession));
  };
}
