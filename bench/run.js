// `npm run bench`: each scenario against the bare node:http baseline, same load tool, same connections, same run.
// The two servers take turns over several rounds and each round's ratio pairs two runs made moments apart, so a
// slow spell of a shared machine lands on both sides of a round instead of on one server's only run.
// Before any load, the server sits idle as a deployed one does between its start and its first traffic; V8 runs a
// memory-reducing collection about 8 s into such a spell, and the state that leaves is the one users get.
// Usage: node bench/run.js [scenario …] [--rounds N] [--seconds N] [--connections N] [--idle SECONDS]
import { readdirSync } from 'node:fs';
import { commandLine, report, requireWrk, startBaseline, startLatchkey, wrk, wrkWithCpu } from './lib.js';

const cli = commandLine();
const rounds = cli.number('--rounds', 5);
const seconds = cli.number('--seconds', 4);
const connections = cli.number('--connections', 50);
const idleSeconds = cli.number('--idle', 10);
const wanted = cli.names;

requireWrk();
const files = readdirSync(new URL('./scenarios/', import.meta.url)).filter((f) => f.endsWith('.js'));
let allOk = true;
for (const file of files) {
  const scenario = (await import(`./scenarios/${file}`)).default;
  if (wanted.length > 0 && !wanted.includes(file.replace(/\.js$/, ''))) continue;
  const server = await startLatchkey();
  try {
    const setup = await scenario.setup(server);
    const baseline = await startBaseline(setup.baselineBody);
    try {
      await new Promise((resolve) => setTimeout(resolve, idleSeconds * 1000));
      const opts = { headers: setup.headers, seconds, connections };
      // Warm both up (JIT, caches), then alternate: baseline first in even rounds, Latchkey first in odd ones.
      wrk(baseline.url + setup.path, { ...opts, seconds: 2 });
      const warm = wrk(server.url + setup.path, { ...opts, seconds: 2 });
      const runBase = () => wrkWithCpu(baseline.pid, baseline.url + setup.path, opts);
      const runOurs = () => wrkWithCpu(server.pid, server.url + setup.path, opts);
      const pairs = [];
      for (let round = 0; round < rounds; round++) {
        if (round % 2 === 0) {
          const base = runBase();
          pairs.push({ base, ours: runOurs() });
        } else {
          const ours = runOurs();
          pairs.push({ base: runBase(), ours });
        }
      }
      allOk = report(scenario.name, pairs, scenario.target) && allOk;
      // `after` may check what the load left behind (e.g. one audit event per request served).
      if (setup.after) {
        const served = [warm, ...pairs.map((p) => p.ours)];
        const checked = await setup.after(server, {
          requests: served.reduce((n, r) => n + r.total, 0),
          timeouts: served.reduce((n, r) => n + r.timeouts, 0),
          runs: served.length,
          connections,
        });
        allOk = checked !== false && allOk;
      }
    } finally {
      await baseline.stop();
    }
  } finally {
    await server.stop();
  }
}
process.exitCode = allOk ? 0 : 1;
