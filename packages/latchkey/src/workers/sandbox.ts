// Runs hostile-input work (MIME parsing, image decoding) in worker threads with a time and memory budget,
// so one bad input can neither stall the API's event loop nor exhaust the process's heap.
import { fileURLToPath } from 'node:url';
import { type TransferListItem, Worker } from 'node:worker_threads';

export type SandboxFailure = 'timeout' | 'memory' | 'crash' | 'busy' | 'closed' | 'failed';

/** Why sandboxed work did not produce a result. `failed`: the handler threw (message is the handler's). */
export class SandboxError extends Error {
  override readonly name = 'SandboxError';
  constructor(
    readonly reason: SandboxFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface SandboxOptions {
  /** Worker threads at most (default 2). */
  size?: number;
  /** Wall-clock budget per task; the worker is terminated when it is exceeded. */
  timeoutMs: number;
  /** Heap budget per worker (V8 old generation). */
  maxOldGenerationSizeMb: number;
  maxYoungGenerationSizeMb?: number;
  /** Tasks waiting at most; more are refused with `busy` (default 1000). */
  maxQueue?: number;
}

export interface Sandbox<I, O> {
  /**
   * Runs one task. `transfer` moves buffers or message ports into the worker instead of copying them (the
   * caller must not use them afterwards); a port lets the task ask the host for I/O it may not do itself.
   */
  run(input: I, transfer?: readonly TransferListItem[]): Promise<O>;
  close(): Promise<void>;
}

type Task<I, O> = {
  input: I;
  transfer: readonly TransferListItem[];
  resolve: (o: O) => void;
  reject: (e: Error) => void;
};
type Slot = { worker: Worker; busy: boolean };

/**
 * The compiled file of a worker that sits next to `moduleUrl`. Under the test runner modules are loaded from
 * `src/*.ts`, which a worker thread cannot load, so the path is mapped to the built `dist/*.js`.
 */
export function workerFile(moduleUrl: string, name: string): URL {
  const url = new URL(name, moduleUrl);
  if (!moduleUrl.endsWith('.ts')) return url;
  const at = url.href.lastIndexOf('/src/');
  return new URL(`${url.href.slice(0, at)}/dist/${url.href.slice(at + 5)}`.replace(/\.ts$/, '.js'));
}

/**
 * A pool of workers running the handler registered with `serveSandbox` in `source` (a file URL, or inline
 * JavaScript for tests).
 */
export function createSandbox<I, O>(source: URL | string, options: SandboxOptions): Sandbox<I, O> {
  const size = options.size ?? 2;
  const maxQueue = options.maxQueue ?? 1000;
  const slots: Slot[] = [];
  const queue: Task<I, O>[] = [];
  let closed = false;

  function spawn(): Slot {
    const worker = new Worker(typeof source === 'string' ? source : fileURLToPath(source), {
      eval: typeof source === 'string',
      resourceLimits: {
        maxOldGenerationSizeMb: options.maxOldGenerationSizeMb,
        maxYoungGenerationSizeMb:
          options.maxYoungGenerationSizeMb ?? Math.max(8, Math.floor(options.maxOldGenerationSizeMb / 4)),
      },
      stdout: false,
      stderr: false,
    });
    worker.unref();
    const slot = { worker, busy: false };
    slots.push(slot);
    return slot;
  }

  function retire(slot: Slot): void {
    const i = slots.indexOf(slot);
    if (i >= 0) slots.splice(i, 1);
    void slot.worker.terminate();
  }

  function pump(): void {
    while (queue.length > 0 && !closed) {
      const slot = slots.find((s) => !s.busy) ?? (slots.length < size ? spawn() : undefined);
      if (!slot) return;
      const task = queue.shift();
      if (!task) return;
      execute(slot, task);
    }
  }

  function execute(slot: Slot, task: Task<I, O>): void {
    slot.busy = true;
    const { worker } = slot;
    let settled = false;
    const finish = (fn: () => void, keep: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      if (keep) slot.busy = false;
      else retire(slot);
      fn();
      pump();
    };
    const timer = setTimeout(
      () => finish(() => task.reject(new SandboxError('timeout', `gave up after ${options.timeoutMs} ms`)), false),
      options.timeoutMs,
    );
    const onMessage = (msg: { ok: boolean; output?: O; message?: string }) =>
      finish(
        () =>
          msg.ok ? task.resolve(msg.output as O) : task.reject(new SandboxError('failed', msg.message ?? 'failed')),
        true,
      );
    const onError = (err: Error & { code?: string }) =>
      finish(
        () =>
          task.reject(
            err.code === 'ERR_WORKER_OUT_OF_MEMORY'
              ? new SandboxError('memory', 'exceeded its memory budget')
              : new SandboxError('crash', 'the worker crashed'),
          ),
        false,
      );
    const onExit = () => finish(() => task.reject(new SandboxError('crash', 'the worker exited')), false);
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage(task.input, task.transfer);
  }

  return {
    run(input, transfer = []) {
      if (closed) return Promise.reject(new SandboxError('closed', 'the sandbox is closed'));
      if (queue.length >= maxQueue) return Promise.reject(new SandboxError('busy', 'too much work queued'));
      return new Promise<O>((resolve, reject) => {
        queue.push({ input, transfer, resolve, reject });
        pump();
      });
    },
    async close() {
      closed = true;
      for (const task of queue.splice(0)) task.reject(new SandboxError('closed', 'the sandbox is closed'));
      await Promise.all(slots.splice(0).map((s) => s.worker.terminate()));
    },
  };
}
