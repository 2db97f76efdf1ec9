// Benchmark helpers: the built server and a bare node:http baseline as child processes, wrk as the load tool.
// Rates are only ever compared within one run on one machine, never against fixed numbers.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../packages/latchkey/bin/latchkey.js', import.meta.url));
const BASELINE = fileURLToPath(new URL('./baseline-server.js', import.meta.url));

/**
 * The command line of a benchmark: `option('--name', fallback)` is the value after `--name` (a string),
 * `number('--name', fallback)` the same as a number, and `names` the words that are not options or their values.
 */
export function commandLine(argv = process.argv.slice(2)) {
  const option = (name, fallback) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : fallback;
  };
  return {
    option,
    number: (name, fallback) => Number(option(name, fallback)),
    names: argv.filter((a, i) => !a.startsWith('--') && !argv[i - 1]?.startsWith('--')),
  };
}

/** Fails early with a clear message when wrk is missing. */
export function requireWrk() {
  if (spawnSync('wrk', ['--version']).error) {
    throw new Error('wrk is not installed (apt-get install wrk); the benchmarks use it as the load tool.');
  }
}

function waitForJsonLine(proc, label) {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    proc.stderr.on('data', (d) => {
      err += d;
    });
    proc.stdout.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line));
    });
    proc.once('exit', (code) => reject(new Error(`${label} exited with ${code}:\n${err}`)));
  });
}

/**
 * Starts `latchkey serve` on a fresh SQLite data folder (or DATABASE_URL from env) with free ports; SMTP is off
 * unless `options.smtp` is set (then `smtp` is the bound `host:port`).
 */
export async function startLatchkey(env = {}, options = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-bench-'));
  const proc = spawn(
    process.execPath,
    [BIN, 'serve', '--json', '--data', dir, '--http-port', '0', '--smtp-port', options.smtp ? '0' : 'off'],
    {
      env: { ...process.env, LATCHKEY_LOG_LEVEL: process.env.LATCHKEY_LOG_LEVEL ?? 'info', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const start = await waitForJsonLine(proc, 'latchkey');
  proc.stdout.resume();
  const adminToken = readFileSync(start.adminTokenFile, 'utf8').trim();
  return {
    url: start.http,
    smtp: start.smtp,
    pid: proc.pid,
    adminToken,
    dir,
    async stop() {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts a comparison server (a Node script) that reads `stdin` to its end and prints one JSON line when it listens
 * (`{"http": URL}` or `{"smtp": "host:port"}`); resolves to that line's addresses, its pid and `stop()`.
 */
export async function startScript(file, args = [], stdin = '') {
  const proc = spawn(process.execPath, [file, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  proc.stdin.end(stdin);
  const start = await waitForJsonLine(proc, [file, ...args].join(' '));
  return {
    url: start.http,
    smtp: start.smtp,
    pid: proc.pid,
    async stop() {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    },
  };
}

/** Starts the baseline: a bare node:http server answering every request with `body` (JSON). */
export function startBaseline(body) {
  return startScript(BASELINE, [], JSON.stringify(body));
}

/** CPU seconds (user + system, every thread) a process has used so far, from /proc (Linux). */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/**
 * Runs wrk against a server process and adds the server's CPU time per request (µs): steadier than a rate on a
 * shared machine, and it says where a ratio comes from.
 */
export function wrkWithCpu(pid, url, options) {
  const before = cpuSeconds(pid);
  const result = wrk(url, options);
  return { ...result, cpuPerRequestUs: ((cpuSeconds(pid) - before) * 1e6) / Math.max(1, result.total) };
}

/** JSON request helper for setting up scenarios. */
export async function api(base, token, method, path, body) {
  const res = await fetch(base + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status}: ${text}`);
  return text ? JSON.parse(text) : undefined;
}

function toMs(value, unit) {
  const n = Number(value);
  return unit === 'us' ? n / 1000 : unit === 's' ? n * 1000 : unit === 'm' ? n * 60_000 : n;
}

/** Runs wrk and returns requests/s, p50 and p99 latency (ms), the count of non-2xx answers and of timeouts. */
export function wrk(url, { headers = {}, seconds = 10, connections = 50, threads = 2 } = {}) {
  const args = ['-t', String(threads), '-c', String(connections), '-d', `${seconds}s`, '--latency'];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}: ${v}`);
  args.push(url);
  const run = spawnSync('wrk', args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`wrk failed: ${run.stderr}`);
  const out = run.stdout;
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const pct = (p) => {
    const m = new RegExp(`\\s${p}%\\s+([\\d.]+)(us|ms|s|m)`).exec(out);
    return m ? toMs(m[1], m[2]) : Number.NaN;
  };
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const total = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
  // Requests wrk gave up on were still served: a check of what the server did must count them.
  const timeouts = Number(/Socket errors:.*timeout (\d+)/.exec(out)?.[1] ?? 0);
  return { rps, p50: pct(50), p99: pct(99), non2xx, total, timeouts };
}

/** The middle value (the upper one of the two middles for an even count). */
export const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Prints one comparison from rounds of `{ base, ours }` runs made back to back, and returns whether it meets the
 * target. Each column is the median over the rounds; the verdict is the median of the rounds' own ratios.
 */
export function report(name, pairs, target) {
  const ratios = pairs.map((p) => p.ours.rps / p.base.rps);
  const ratio = median(ratios);
  const non2xx = pairs.reduce((n, p) => n + p.ours.non2xx, 0);
  const fmt = (runs) => {
    const m = (key) => median(runs.map((r) => r[key]));
    return (
      `${m('rps').toFixed(0).padStart(8)} req/s   p50 ${m('p50').toFixed(2).padStart(7)} ms   p99 ${m('p99').toFixed(2).padStart(7)} ms` +
      `   server CPU ${m('cpuPerRequestUs').toFixed(0).padStart(4)} µs/req`
    );
  };
  console.log(`\n${name}: medians of ${pairs.length} alternating rounds`);
  console.log(`  baseline (node:http)  ${fmt(pairs.map((p) => p.base))}`);
  console.log(`  latchkey              ${fmt(pairs.map((p) => p.ours))}${non2xx ? `   (${non2xx} non-2xx!)` : ''}`);
  const ok = ratio >= target && non2xx === 0;
  console.log(
    `  ratio ${ratio.toFixed(2)} (rounds: ${ratios.map((r) => r.toFixed(2)).join(' ')}; target ≥ ${target}) ${ok ? 'PASS' : 'FAIL'}`,
  );
  return ok;
}
