// `npm run bench`: each scenario against the bare node:http baseline, same load tool, same connections, same run.
// Usage: node bench/run.js [scenario …] [--seconds N] [--connections N]
import { readdirSync } from 'node:fs';
import { commandLine, report, requireWrk, startBaseline, startLatchkey, wrk, wrkWithCpu } from './lib.js';

const cli = commandLine();
const seconds = cli.number('--seconds', 10);
const connections = cli.number('--connections', 50);
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
      const opts = { headers: setup.headers, seconds, connections };
      // Warm both up (JIT, caches), then measure them back to back.
      wrk(baseline.url + setup.path, { ...opts, seconds: 2 });
      const warm = wrk(server.url + setup.path, { ...opts, seconds: 2 });
      const base = wrkWithCpu(baseline.pid, baseline.url + setup.path, opts);
      const ours = wrkWithCpu(server.pid, server.url + setup.path, opts);
      allOk = report(scenario.name, ours, base, scenario.target) && allOk;
      // `after` may check what the load left behind (e.g. one audit event per request served).
      if (setup.after) {
        const checked = await setup.after(server, {
          requests: warm.total + ours.total,
          timeouts: warm.timeouts + ours.timeouts,
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
