// SMTP helpers for the mail benchmarks: free ports, MailDev as a child process, Postfix's smtp-source as the load
// tool, and a raw SMTP client whose timestamps are taken on the socket.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAILDEV = fileURLToPath(new URL('../node_modules/maildev/bin/maildev', import.meta.url));

/** Fails early with a clear message when smtp-source is missing. */
export function requireSmtpSource() {
  if (spawnSync('smtp-source', []).error) {
    throw new Error('smtp-source is not installed (apt-get install postfix); the SMTP benchmarks use it as the load.');
  }
}

/** A TCP port nothing listens on right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts connections on the port. */
async function waitForPort(port, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Starts MailDev (in-memory store, its default) on free ports. */
export async function startMaildev() {
  const smtpPort = await freePort();
  const webPort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'maildev-bench-'));
  const proc = spawn(
    process.execPath,
    [
      MAILDEV,
      '--smtp',
      String(smtpPort),
      '--web',
      String(webPort),
      '--ip',
      '127.0.0.1',
      '--mail-directory',
      dir,
      '--silent',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  proc.stderr.on('data', (d) => {
    err += d;
  });
  const exited = new Promise((r) => proc.once('exit', r));
  await Promise.race([
    waitForPort(smtpPort),
    exited.then(() => {
      throw new Error(`maildev exited:\n${err}`);
    }),
  ]);
  return {
    smtp: `127.0.0.1:${smtpPort}`,
    pid: proc.pid,
    async stop() {
      proc.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Runs smtp-source and returns the wall time and rate. `persistent` keeps each session's connection for all its
 * messages (-d); otherwise every message opens its own connection.
 */
export function smtpSource(target, { messages, sessions, persistent, file, from, to }) {
  const args = ['-s', String(sessions), '-m', String(messages), '-f', from, '-t', to, '-F', file, '-M', 'bench.test'];
  if (persistent) args.unshift('-d');
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const proc = spawn('smtp-source', [...args, target], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    proc.stderr.on('data', (d) => {
      err += d;
    });
    proc.once('exit', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (code !== 0) return reject(new Error(`smtp-source failed (${code}): ${err.slice(0, 500)}`));
      resolve({ seconds, rate: messages / seconds, messages });
    });
  });
}

/** A raw SMTP client on one connection; `reply()` resolves with the next complete reply and when it arrived. */
export function smtpClient(hostPort) {
  const [host, port] = hostPort.split(':');
  const socket = connect(Number(port), host);
  socket.setNoDelay(true);
  socket.setEncoding('utf8');
  let buffer = '';
  const waiters = [];
  socket.on('data', (chunk) => {
    buffer += chunk;
    for (;;) {
      const m = /(?:^|\r\n)(\d{3}) [^\r\n]*\r\n/.exec(buffer);
      if (!m) break;
      const end = m.index + m[0].length;
      const text = buffer.slice(0, end).trim();
      buffer = buffer.slice(end);
      waiters.shift()?.({ text, at: performance.now() });
    }
  });
  const reply = () => new Promise((resolve) => waiters.push(resolve));
  return {
    reply,
    write: (text) => socket.write(text),
    async command(line) {
      const next = reply();
      socket.write(`${line}\r\n`);
      return next;
    },
    close: () => socket.destroy(),
  };
}

/** Percentile of a list of numbers (nearest rank). */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
