// Floors: how close to each benchmark's baseline the least possible server on the required stack comes, measured in
// the same run as the baseline. A target above its floor cannot be met by any implementation on this machine;
// a target below it says how much room Latchkey's own code has. See bench/README.md.
// Usage: node bench/floors.js [http] [smtp] [--rounds N] [--seconds N]
import { fileURLToPath } from 'node:url';
import {
  commandLine,
  cpuSeconds,
  median,
  requireWrk,
  startBaseline,
  startLatchkey,
  startScript,
  wrk,
  wrkWithCpu,
} from './lib.js';
import { requireSmtpSource, smtpSource, startMaildev } from './smtp.js';

const cli = commandLine();
const rounds = cli.number('--rounds', 3);
const seconds = cli.number('--seconds', 6);
const wanted = (part) => cli.names.length === 0 || cli.names.includes(part);
// The one agent key the HTTP floors accept (their credential table has one row).
const FLOOR_TOKEN = `lk_agent_key_${'0'.repeat(26)}_${'a'.repeat(52)}`;

const floorScript = (name) => fileURLToPath(new URL(`./floors/${name}`, import.meta.url));

/** Runs each server `rounds` times, alternating, and prints median rates, CPU and ratios to the first. */
function compareHttp(name, target, servers, path, connections = 50) {
  const runs = new Map(servers.map((s) => [s.label, []]));
  for (let round = 0; round < rounds; round++) {
    for (const s of servers) {
      wrk(s.url + path, { headers: s.headers, seconds: 1, connections });
      runs.get(s.label).push(wrkWithCpu(s.pid, s.url + path, { headers: s.headers, seconds, connections }));
    }
  }
  const base = median(runs.get(servers[0].label).map((r) => r.rps));
  console.log(`\n${name}: median of ${rounds} runs of ${seconds} s, ${connections} connections (target ≥ ${target})`);
  for (const s of servers) {
    const rs = runs.get(s.label);
    const rate = median(rs.map((r) => r.rps));
    const failures = rs.reduce((n, r) => n + r.non2xx, 0);
    console.log(
      `  ${s.label.padEnd(34)} ${rate.toFixed(0).padStart(7)} req/s   server CPU ${median(
        rs.map((r) => r.cpuPerRequestUs),
      )
        .toFixed(0)
        .padStart(4)} µs/req   ratio ${(rate / base).toFixed(2)}${failures ? `   (${failures} non-2xx!)` : ''}`,
    );
  }
}

async function httpFloors() {
  requireWrk();
  const floorHeaders = { Authorization: `Bearer ${FLOOR_TOKEN}` };
  for (const [scenarioFile, floors] of [
    ['me', ['bare', 'auth']],
    ['totp', ['totp']],
  ]) {
    const scenario = (await import(`./scenarios/${scenarioFile}.js`)).default;
    const latchkey = await startLatchkey();
    const started = [];
    try {
      const setup = await scenario.setup(latchkey);
      const baseline = await startBaseline(setup.baselineBody);
      started.push(baseline);
      const servers = [{ label: 'baseline (node:http)', url: baseline.url, pid: baseline.pid, headers: {} }];
      for (const mode of floors) {
        const floor = await startScript(
          floorScript('http-floor.js'),
          [mode, FLOOR_TOKEN],
          JSON.stringify(setup.baselineBody),
        );
        started.push(floor);
        servers.push({ label: `floor: fastify + ${mode}`, url: floor.url, pid: floor.pid, headers: floorHeaders });
      }
      servers.push({ label: 'latchkey', url: latchkey.url, pid: latchkey.pid, headers: setup.headers });
      compareHttp(scenario.name, scenario.target, servers, setup.path);
    } finally {
      for (const s of started) await s.stop();
      await latchkey.stop();
    }
  }
}

async function smtpFloors() {
  requireSmtpSource();
  const file = fileURLToPath(new URL('../test/fixtures/eml/multipart-alternative.eml', import.meta.url));
  const load = { file, from: 'accounts@example.com', to: 'bench@agents.localhost' };
  const maildev = await startMaildev();
  const servers = [{ label: 'maildev 2.2.1 (memory)', smtp: maildev.smtp, pid: maildev.pid, stop: maildev.stop }];
  try {
    for (const mode of ['sink', 'parse']) {
      const floor = await startScript(floorScript('smtp-floor.js'), [mode]);
      const label = mode === 'sink' ? 'floor: smtp-server, nothing else' : 'floor: + postal-mime + mailauth';
      servers.push({ label, ...floor });
    }
    for (const s of servers) await smtpSource(s.smtp, { ...load, messages: 300, sessions: 20 });
    for (const [label, target, opts] of [
      ['one connection per message', 3, { messages: 3000, sessions: 100 }],
      ['persistent connections (-d)', 1, { messages: 6000, sessions: 20, persistent: true }],
    ]) {
      const runs = new Map(servers.map((s) => [s.label, []]));
      for (let round = 0; round < rounds; round++) {
        for (const s of servers) {
          const cpu = cpuSeconds(s.pid);
          const r = await smtpSource(s.smtp, { ...load, ...opts });
          runs.get(s.label).push({ rate: r.rate, cpuMs: ((cpuSeconds(s.pid) - cpu) * 1000) / opts.messages });
        }
      }
      const base = median(runs.get(servers[0].label).map((r) => r.rate));
      console.log(
        `\nSMTP, ${label}: ${opts.messages} messages, ${opts.sessions} sessions (target ≥ ${target}× MailDev)`,
      );
      for (const s of servers) {
        const rs = runs.get(s.label);
        const rate = median(rs.map((r) => r.rate));
        const cpu = median(rs.map((r) => r.cpuMs));
        console.log(
          `  ${s.label.padEnd(34)} ${rate.toFixed(0).padStart(7)} msg/s   ${cpu.toFixed(2)} ms CPU/msg   ratio ${(rate / base).toFixed(2)}`,
        );
      }
    }
  } finally {
    for (const s of servers) await s.stop();
  }
}

if (wanted('http')) await httpFloors();
if (wanted('smtp')) await smtpFloors();
