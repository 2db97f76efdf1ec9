// A real HTTP receiver for webhook tests: records every delivery and answers with the statuses it is told to.
import { createServer, type Server } from 'node:http';

/** One request the receiver got. */
export interface Received {
  path: string;
  headers: Record<string, string>;
  body: string;
}

export interface WebhookReceiver {
  /** `127.0.0.1:<port>`, for the private-host allowlist. */
  readonly hostPort: string;
  /** A URL on this receiver. */
  url(path: string): string;
  /** Deliveries to `path`, in arrival order. */
  received(path: string): Received[];
  /** The statuses to answer `path` with, one per request; 204 once they run out. */
  respond(path: string, statuses: number[]): void;
  close(): Promise<void>;
}

/** Starts a receiver on a free loopback port. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const log: Received[] = [];
  const plans = new Map<string, number[]>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      log.push({ path, headers, body: Buffer.concat(chunks).toString('utf8') });
      const status = plans.get(path)?.shift() ?? 204;
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    hostPort: `127.0.0.1:${port}`,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    received: (path) => log.filter((r) => r.path === path),
    respond: (path, statuses) => plans.set(path, [...statuses]),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
