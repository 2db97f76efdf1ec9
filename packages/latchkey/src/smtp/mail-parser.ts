// The host side of message parsing: hands each message to the parse sandbox with a DNS channel, and turns a
// sandbox failure into a refusal with a reason the receiver can put in its SMTP reply.
import { MessageChannel } from 'node:worker_threads';
import { createSandbox, SandboxError, workerFile } from '../workers/sandbox.js';
import { type DnsResolver, serveDns } from './dns.js';
import type { ParsedMail, ParseTask, SessionFacts } from './parse-mail.js';

/** Why a message was not parsed. `busy` and `closed` are ours (retry later); the others are the message's. */
export type ParseRefusalReason = 'unparsable' | 'parse_timeout' | 'parse_memory' | 'parse_crash' | 'busy' | 'closed';

/** A message the parser would not or could not finish. */
export class ParseRefused extends Error {
  override readonly name = 'ParseRefused';
  constructor(
    readonly reason: ParseRefusalReason,
    message: string,
  ) {
    super(message);
  }

  /** True when the sender should try again later (4xx) rather than give up (5xx). */
  get transient(): boolean {
    return this.reason === 'busy' || this.reason === 'closed';
  }
}

/** Budgets of the parse sandbox. */
export interface ParserOptions {
  mta: string;
  resolver: DnsResolver;
  /** Worker threads (they mostly wait on DNS, so more than the core count is fine). */
  workers: number;
  /** Wall-clock budget for one message's parse and authentication, DNS included. */
  timeoutMs: number;
  /** Of which DNS may take at most this much; later queries fail at once (temperror). */
  dnsBudgetMs: number;
  /** Heap budget per worker. */
  memoryMb: number;
  /** Messages waiting for a worker at most; more are answered "try later". */
  maxQueue: number;
}

export interface MailParser {
  /** Parses one message. `raw` is moved into the worker: the caller must not touch it afterwards. */
  parse(raw: Uint8Array<ArrayBuffer>, session: SessionFacts): Promise<ParsedMail>;
  /** Starts every worker now (loading the parser takes a few hundred ms), so the first messages do not wait. */
  warm(): Promise<void>;
  close(): Promise<void>;
}

const REASONS: Record<SandboxError['reason'], ParseRefusalReason> = {
  failed: 'unparsable',
  timeout: 'parse_timeout',
  memory: 'parse_memory',
  crash: 'parse_crash',
  busy: 'busy',
  closed: 'closed',
};

/** Builds the parser over a pool of parse workers. */
export function createMailParser(options: ParserOptions): MailParser {
  const sandbox = createSandbox<ParseTask, ParsedMail>(workerFile(import.meta.url, './parse-worker.js'), {
    size: options.workers,
    timeoutMs: options.timeoutMs,
    maxOldGenerationSizeMb: options.memoryMb,
    maxQueue: options.maxQueue,
  });
  const parse: MailParser['parse'] = async (raw, session) => {
    // Only a buffer of its own may be moved: a view into a shared (pooled) buffer would take the pool along.
    const own = raw.byteOffset === 0 && raw.byteLength === raw.buffer.byteLength ? raw : raw.slice();
    const { port1, port2 } = new MessageChannel();
    const stop = serveDns(port1, options.resolver, options.dnsBudgetMs);
    try {
      return await sandbox.run({ raw: own, session, mta: options.mta, dns: port2 }, [own.buffer, port2]);
    } catch (err) {
      if (err instanceof SandboxError) {
        // Only the reason travels on: a handler's own message could quote the (hostile) input.
        const reason = REASONS[err.reason];
        throw new ParseRefused(reason, `message refused by the parser (${reason})`);
      }
      throw err;
    } finally {
      stop();
    }
  };
  return {
    parse,
    async warm() {
      const tiny = 'From: warm@localhost\r\nSubject: warm-up\r\n\r\nwarm-up\r\n';
      const facts = { mailFrom: '', remoteAddress: '127.0.0.1', heloName: 'localhost' };
      await Promise.allSettled(
        Array.from({ length: options.workers }, () => parse(new TextEncoder().encode(tiny), facts)),
      );
    },
    close: () => sandbox.close(),
  };
}
