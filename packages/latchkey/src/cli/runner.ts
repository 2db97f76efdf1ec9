// Glue between commander and the SDK: each command gets a client, the io, and uniform error handling.
import type { Latchkey } from '@latchkey/sdk';
import type { Command } from 'commander';
import { clientFrom } from './client.js';
import { type GlobalOptions, type Io, reportError } from './output.js';

export interface CommandContext {
  lk: Latchkey;
  io: Io;
  asJson: boolean;
}

export interface Runner {
  io: Io;
  env: Record<string, string | undefined>;
  /** Wraps a command body: builds the client, runs it, reports errors and sets the exit code. */
  action<A extends unknown[]>(
    fn: (ctx: CommandContext, ...args: A) => Promise<void>,
  ): (...args: unknown[]) => Promise<void>;
  exitCode: number;
}

/** Builds a runner writing to `io`. */
export function createRunner(io: Io, env: Record<string, string | undefined>): Runner {
  const runner: Runner = {
    io,
    env,
    exitCode: 0,
    action<A extends unknown[]>(fn: (ctx: CommandContext, ...args: A) => Promise<void>) {
      return async (...args: unknown[]) => {
        const command = args[args.length - 1] as Command;
        const globals = command.optsWithGlobals<GlobalOptions>();
        const asJson = Boolean(globals.json);
        try {
          const lk = clientFrom(globals, env);
          // commander calls back with the positional arguments, the options object, then the command itself.
          await fn({ lk, io, asJson }, ...(args.slice(0, -1) as unknown as A));
        } catch (err) {
          runner.exitCode = reportError(io, err, asJson);
        }
      };
    },
  };
  return runner;
}
