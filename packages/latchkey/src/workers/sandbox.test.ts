// Tests of the worker sandbox with inline workers: results, handler errors, timeouts, memory bombs, queueing.
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { createSandbox, SandboxError, workerFile } from './sandbox.js';

const WORKER = `
const { parentPort } = require('node:worker_threads');
parentPort.on('message', (input) => {
  if (input.op === 'double') return parentPort.postMessage({ ok: true, output: input.n * 2 });
  if (input.op === 'throw') return parentPort.postMessage({ ok: false, message: 'bad input' });
  if (input.op === 'spin') { for (;;) {} }
  if (input.op === 'eat') { const hog = []; for (;;) hog.push(new Array(1e6).fill(Math.random())); }
  if (input.op === 'exit') process.exit(3);
  if (input.op === 'ask') {
    input.port.once('message', (answer) => parentPort.postMessage({ ok: true, output: answer * input.buffer.byteLength }));
    input.port.postMessage('question');
  }
});
`;

async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (err) {
    return err instanceof SandboxError ? err.reason : 'other';
  }
}

describe('sandbox', () => {
  it('runs tasks, survives timeouts, memory bombs and crashes, and keeps serving', async () => {
    const sandbox = createSandbox<{ op: string; n?: number }, number>(WORKER, {
      size: 2,
      timeoutMs: 500,
      maxOldGenerationSizeMb: 32,
    });
    try {
      expect(await sandbox.run({ op: 'double', n: 21 })).toBe(42);
      expect(await reason(sandbox.run({ op: 'throw' }))).toBe('failed');
      const started = Date.now();
      expect(await reason(sandbox.run({ op: 'spin' }))).toBe('timeout');
      expect(Date.now() - started).toBeLessThan(3000);
      expect(await reason(sandbox.run({ op: 'eat' }))).toMatch(/memory|crash|timeout/);
      expect(await reason(sandbox.run({ op: 'exit' }))).toBe('crash');
      const results = await Promise.all(Array.from({ length: 20 }, (_, n) => sandbox.run({ op: 'double', n })));
      expect(results).toEqual(Array.from({ length: 20 }, (_, n) => n * 2));
    } finally {
      await sandbox.close();
    }
    expect(await reason(sandbox.run({ op: 'double', n: 1 }))).toBe('closed');
  });

  it('moves transferred ports and buffers into the task, so a task can ask the host for I/O', async () => {
    const sandbox = createSandbox<{ op: string; port: unknown; buffer: ArrayBuffer }, number>(WORKER, {
      size: 1,
      timeoutMs: 2000,
      maxOldGenerationSizeMb: 32,
    });
    const { port1, port2 } = new MessageChannel();
    port1.once('message', (q) => port1.postMessage(q === 'question' ? 7 : 0));
    const buffer = new ArrayBuffer(6);
    try {
      expect(await sandbox.run({ op: 'ask', port: port2, buffer }, [port2, buffer])).toBe(42);
      expect(buffer.byteLength).toBe(0);
    } finally {
      port1.close();
      await sandbox.close();
    }
  });

  it('refuses work beyond its queue', async () => {
    const sandbox = createSandbox<{ op: string }, number>(WORKER, {
      size: 1,
      timeoutMs: 300,
      maxOldGenerationSizeMb: 32,
      maxQueue: 2,
    });
    try {
      const running = [sandbox.run({ op: 'spin' }), sandbox.run({ op: 'spin' }), sandbox.run({ op: 'spin' })];
      expect(await reason(sandbox.run({ op: 'spin' }))).toBe('busy');
      await Promise.allSettled(running);
    } finally {
      await sandbox.close();
    }
  });

  it('maps source modules to their built workers', () => {
    expect(workerFile('file:///src/app/packages/latchkey/src/inbox/parse.ts', './w.js').href).toBe(
      'file:///src/app/packages/latchkey/dist/inbox/w.js',
    );
    expect(workerFile('file:///app/packages/latchkey/dist/inbox/parse.js', './w.js').href).toBe(
      'file:///app/packages/latchkey/dist/inbox/w.js',
    );
  });
});
