// The worker side of a sandbox: one handler, one task at a time, errors reported by message only.
import { parentPort } from 'node:worker_threads';

/** Registers the handler of a sandbox worker file. Thrown errors reach the caller as `failed` with their message. */
export function serveSandbox<I, O>(handler: (input: I) => O | Promise<O>): void {
  const port = parentPort;
  if (!port) throw new Error('serveSandbox must run in a worker thread');
  port.on('message', async (input: I) => {
    try {
      port.postMessage({ ok: true, output: await handler(input) });
    } catch (err) {
      port.postMessage({ ok: false, message: err instanceof Error ? err.message : 'failed' });
    }
  });
}
