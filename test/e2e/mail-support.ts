// Helpers for mail end-to-end tests: the real server listening on free ports (in-process, so tests can hand it a DNS
// zone), a raw SMTP conversation for protocol-level cases, swaks, and a /healthz latency probe.
import { spawn } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { loadServeConfig } from '../../packages/latchkey/src/config/config.js';
import { createServer, type LatchkeyServer } from '../../packages/latchkey/src/main.js';
import type { DnsResolver } from '../../packages/latchkey/src/smtp/dns.js';
import { newSite, type StoreKind } from '../../packages/latchkey/src/test-support/stores.js';

export interface MailServer {
  server: LatchkeyServer;
  http: string;
  smtpPort: number;
  adminToken: string;
  /** JSON over real HTTP with the admin token unless another is given. */
  api(
    method: string,
    path: string,
    options?: { token?: string; body?: unknown },
    // biome-ignore lint/suspicious/noExplicitAny: tests assert response shapes at run time, field by field.
  ): Promise<{ status: number; body: any }>;
  /** Creates an agent; returns its id, name and key. */
  agent(name: string): Promise<{ id: string; name: string; apiKey: string }>;
  close(): Promise<void>;
}

/** Starts a server with SMTP on a free port; `env` sets limits, `resolver` answers sender-authentication DNS. */
export async function startMailServer(
  env: Record<string, string> = {},
  resolver?: DnsResolver,
  kind: StoreKind = 'sqlite',
): Promise<MailServer> {
  const site = newSite(kind);
  const config = loadServeConfig(
    { data: site.dir, httpPort: '0', smtpPort: '0' },
    { LATCHKEY_LOG_LEVEL: 'silent', ...(site.databaseUrl ? { DATABASE_URL: site.databaseUrl } : {}), ...env },
  );
  const server = await createServer(config, resolver ? { dnsResolver: resolver } : {});
  const { httpUrl, smtpAddress } = await server.listen();
  const adminToken = server.adminToken ?? '';
  const api: MailServer['api'] = async (method, path, options = {}) => {
    const headers: Record<string, string> = { authorization: `Bearer ${options.token ?? adminToken}` };
    if (options.body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(httpUrl + path, {
      method,
      headers,
      ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
  return {
    server,
    http: httpUrl,
    smtpPort: Number(smtpAddress?.split(':').pop()),
    adminToken,
    api,
    async agent(name) {
      const res = await api('POST', '/v1/agents', { body: { name } });
      if (res.status !== 201) throw new Error(`agent ${name}: ${res.status}`);
      return { id: res.body.agent.id, name, apiKey: res.body.apiKey };
    },
    async close() {
      await server.close();
      await site.cleanup();
    },
  };
}

/** A raw SMTP conversation: send lines, read replies (multi-line replies joined). */
export interface SmtpConversation {
  socket: Socket;
  /** The next complete reply, e.g. `250-…\r\n250 …`. Rejects if the server closes first. */
  reply(timeoutMs?: number): Promise<string>;
  send(line: string): void;
  /** Sends a line and returns the reply to it. */
  command(line: string): Promise<string>;
  /** Resolves when the server closes the connection. */
  closed: Promise<void>;
  end(): void;
}

/** Opens a raw SMTP connection (the greeting is the first reply). */
export function smtpConnect(port: number): SmtpConversation {
  const socket = connect(port, '127.0.0.1');
  socket.setEncoding('utf8');
  let buffer = '';
  const waiters: { resolve: (r: string) => void; reject: (e: Error) => void }[] = [];
  const replies: string[] = [];
  let ended = false;
  const pump = () => {
    for (;;) {
      // A reply ends with a line whose code is followed by a space (or stands alone).
      const m = /(?:^|\r\n)(\d{3})(?: [^\r\n]*)?\r\n/.exec(buffer);
      if (!m) break;
      const end = m.index + m[0].length;
      replies.push(buffer.slice(0, end).replace(/^\r\n/, '').trimEnd());
      buffer = buffer.slice(end);
    }
    while (replies.length > 0 && waiters.length > 0) waiters.shift()?.resolve(replies.shift() ?? '');
    if (ended) for (const w of waiters.splice(0)) w.reject(new Error('connection closed'));
  };
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    pump();
  });
  const closed = new Promise<void>((resolve) => {
    socket.on('close', () => {
      ended = true;
      pump();
      resolve();
    });
  });
  socket.on('error', () => undefined);
  const reply = (timeoutMs = 10_000) =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no reply in time')), timeoutMs);
      waiters.push({
        resolve: (r) => {
          clearTimeout(timer);
          resolve(r);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      pump();
    });
  const send = (line: string) => socket.write(`${line}\r\n`);
  return {
    socket,
    reply,
    send,
    command: (line) => {
      send(line);
      return reply();
    },
    closed,
    end: () => socket.destroy(),
  };
}

/** Runs swaks against the server; resolves to its exit code and the server's replies (lines from `<-`/`<**`). */
export function swaks(port: number, args: string[]): Promise<{ code: number | null; replies: string[]; out: string }> {
  return new Promise((resolve) => {
    const proc = spawn('swaks', ['--server', '127.0.0.1', '--port', String(port), '--timeout', '15', ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    proc.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    proc.on('exit', (code) =>
      resolve({
        code,
        out,
        replies: out
          .split('\n')
          .filter((l) => /^<(-|\*\*|~)/.test(l))
          .map((l) => l.replace(/^<\S*\s+/, '')),
      }),
    );
  });
}

/** Probes `GET /healthz` every 20 ms while `work` runs; returns the latencies seen (ms). */
export async function healthzDuring<T>(
  http: string,
  work: () => Promise<T>,
): Promise<{ result: T; latencies: number[] }> {
  const latencies: number[] = [];
  let running = true;
  const probe = (async () => {
    while (running) {
      const started = performance.now();
      const res = await fetch(`${http}/healthz`);
      await res.text();
      latencies.push(performance.now() - started);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  try {
    const result = await work();
    return { result, latencies };
  } finally {
    running = false;
    await probe;
  }
}
