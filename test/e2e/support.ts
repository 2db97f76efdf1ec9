// End-to-end helpers: the real `latchkey` binary as a child process on free ports, and the CLI as a user runs it.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../packages/latchkey/bin/latchkey.js', import.meta.url));

export interface StartLine {
  http: string;
  smtp: string;
  mailDomain: string;
  adminTokenFile: string;
}

export interface ServerProcess {
  start: StartLine;
  proc: ChildProcess;
  stderr: () => string;
  /** Sends SIGTERM and resolves to the exit code. */
  stop(): Promise<number | null>;
}

/** A temporary folder removed by the returned function. */
export function tempDir(prefix = 'latchkey-e2e-'): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Starts `latchkey serve --json` on free ports and waits for its start line. */
export function startServer(
  dataDir: string,
  env: Record<string, string> = {},
  extraArgs: string[] = [],
): Promise<ServerProcess> {
  const proc = spawn(
    process.execPath,
    [BIN, 'serve', '--json', '--data', dataDir, '--http-port', '0', '--smtp-port', 'off', ...extraArgs],
    { env: { ...process.env, LATCHKEY_LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  proc.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in time:\n${err}`)), 20_000);
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (!line) return;
      clearTimeout(timer);
      resolve({
        start: JSON.parse(line) as StartLine,
        proc,
        stderr: () => err,
        stop: async () => {
          proc.kill('SIGTERM');
          return exited;
        },
      });
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code} before starting:\n${err}`));
    });
  });
}

/** Runs the CLI to completion; `input`, when given, is written to its stdin. */
export function cli(
  args: string[],
  env: Record<string, string> = {},
  input?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, ...env },
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    if (input !== undefined) proc.stdin?.end(input);
    let stdout = '';
    let stderr = '';
    proc.stdout?.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    proc.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    proc.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** GET/POST JSON over real HTTP. */
export async function http(
  url: string,
  token: string | null,
  init: { method?: string; body?: unknown } = {},
): Promise<{ status: number; body: { [key: string]: unknown } }> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    headers,
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : {} };
}
