// Notifier implementations: in-process for SQLite (one instance owns the store), LISTEN/NOTIFY for PostgreSQL
// (every instance hears every other). One PostgreSQL channel per store carries all logical channels.
import { EventEmitter } from 'node:events';
import pg from 'pg';
import type { Notifier, NotifyListener } from '../core/notifier.js';

const MAX_PAYLOAD = 4000;

function checkPayload(channel: string, payload: string): void {
  if (channel.includes('\n') || Buffer.byteLength(channel) + Buffer.byteLength(payload) > MAX_PAYLOAD) {
    throw new Error('notification too large or malformed');
  }
}

/** Signals within this process only. */
export function createLocalNotifier(): Notifier {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    async publish(channel, payload) {
      checkPayload(channel, payload);
      emitter.emit(channel, payload);
    },
    subscribe(channel, listener) {
      emitter.on(channel, listener);
      return () => emitter.off(channel, listener);
    },
    async close() {
      emitter.removeAllListeners();
    },
  };
}

/**
 * Signals across instances through PostgreSQL. A dedicated connection LISTENs; when it drops it reconnects
 * with backoff and tells every subscriber to re-check (`null`), since signals sent meanwhile are lost.
 */
export async function createPostgresNotifier(options: {
  connectionString: string;
  /** Distinguishes stores (schemas) sharing one database. */
  storeKey: string;
  /** Publishes through the store's pool. */
  query: (text: string, values: unknown[]) => Promise<unknown>;
}): Promise<Notifier> {
  const pgChannel = `latchkey_${options.storeKey}`.slice(0, 63).replace(/[^a-z0-9_]/g, '_');
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  let client: pg.Client | null = null;
  let closed = false;
  let retry = 100;

  const connect = async (): Promise<void> => {
    const c = new pg.Client({ connectionString: options.connectionString });
    c.on('notification', (msg) => {
      if (msg.channel !== pgChannel || !msg.payload) return;
      const cut = msg.payload.indexOf('\n');
      if (cut > 0) emitter.emit(msg.payload.slice(0, cut), msg.payload.slice(cut + 1));
    });
    c.on('error', () => undefined);
    c.on('end', () => {
      if (closed) return;
      client = null;
      setTimeout(() => void reconnect(), retry);
      retry = Math.min(retry * 2, 5000);
    });
    await c.connect();
    await c.query(`LISTEN "${pgChannel}"`);
    client = c;
    retry = 100;
  };

  const reconnect = async (): Promise<void> => {
    if (closed) return;
    try {
      await connect();
      for (const name of emitter.eventNames()) emitter.emit(name, null);
    } catch {
      setTimeout(() => void reconnect(), retry);
      retry = Math.min(retry * 2, 5000);
    }
  };

  await connect();
  return {
    async publish(channel, payload) {
      checkPayload(channel, payload);
      await options.query('select pg_notify($1, $2)', [pgChannel, `${channel}\n${payload}`]);
    },
    subscribe(channel, listener: NotifyListener) {
      emitter.on(channel, listener);
      return () => emitter.off(channel, listener);
    },
    async close() {
      closed = true;
      emitter.removeAllListeners();
      await client?.end().catch(() => undefined);
    },
  };
}
