// Terminal output: aligned tables for people, JSON for scripts, errors on stderr with a non-zero exit.
import { LatchkeyError } from '@latchkey/sdk';

/** Global flags every command sees. */
export interface GlobalOptions {
  json?: boolean;
  url?: string;
  data?: string;
  tokenFile?: string;
}

/** Where a command writes (so tests can capture it). */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  isTty: boolean;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  isTty: Boolean(process.stdout.isTTY),
};

/** Prints rows as an aligned table with a header; `-` for empty cells. */
export function table(io: Io, headers: string[], rows: (string | number | null | undefined)[][]): void {
  const cells = rows.map((r) => r.map((c) => (c === null || c === undefined || c === '' ? '-' : String(c))));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]?.length ?? 0)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  io.out(`${line(headers)}\n`);
  for (const r of cells) io.out(`${line(r)}\n`);
  if (rows.length === 0) io.out('(none)\n');
}

/** Prints `label  value` pairs aligned. */
export function fields(io: Io, pairs: [string, string | number | null | undefined][]): void {
  const width = Math.max(...pairs.map(([k]) => k.length));
  for (const [k, v] of pairs) io.out(`${k.padEnd(width)}  ${v === null || v === undefined || v === '' ? '-' : v}\n`);
}

/** Prints a value as JSON. */
export function json(io: Io, value: unknown): void {
  io.out(`${JSON.stringify(value, null, 2)}\n`);
}

/** A failure the CLI reports and exits with. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Reports an error the way the user asked (JSON or text) and returns the exit code. */
export function reportError(io: Io, err: unknown, asJson: boolean): number {
  if (err instanceof LatchkeyError) {
    if (asJson) {
      io.err(
        `${JSON.stringify({ error: { code: err.code, status: err.status, message: err.message, requestId: err.requestId, details: err.details } })}\n`,
      );
    } else {
      const id = err.requestId ? `, request ${err.requestId}` : '';
      io.err(`Error: ${err.message} (${err.code}${err.status ? ` ${err.status}` : ''}${id})\n`);
      for (const d of err.details) io.err(`  ${d.path}: ${d.message}\n`);
    }
    return err.status === 0 ? 3 : 1;
  }
  const message = err instanceof Error ? err.message : String(err);
  const code = err instanceof CliError ? err.exitCode : 1;
  io.err(asJson ? `${JSON.stringify({ error: { code: 'CLI_ERROR', message } })}\n` : `Error: ${message}\n`);
  return code;
}
