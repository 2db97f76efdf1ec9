// SMTP ingest: Latchkey (parse + authenticate + extract + encrypt + durable store, acknowledged after commit) against
// MailDev (acknowledges before parsing, keeps mail in memory) under the same smtp-source load, in the same run,
// with one connection per message and over persistent connections (-d).
// Usage: node bench/smtp-ingest.js [--messages N] [--sessions N] [--persistent-messages N] [--persistent-sessions N]
//        [--rounds N]
import { fileURLToPath } from 'node:url';
import { api, commandLine, cpuSeconds, median, startLatchkey } from './lib.js';
import { requireSmtpSource, smtpSource, startMaildev } from './smtp.js';

const cli = commandLine();
const perConnection = { messages: cli.number('--messages', 3000), sessions: cli.number('--sessions', 100) };
const persistent = {
  messages: cli.number('--persistent-messages', 6000),
  sessions: cli.number('--persistent-sessions', 20),
};
const rounds = cli.number('--rounds', 3);
const TARGETS = { perConnection: 3, persistent: 1 };
// A real verification mail (code and link, text and HTML), the same bytes for both servers.
const FILE = fileURLToPath(new URL('../test/fixtures/eml/multipart-alternative.eml', import.meta.url));

requireSmtpSource();
const sessionsMax = Math.max(perConnection.sessions, persistent.sessions);
const latchkey = await startLatchkey(
  {
    LATCHKEY_LOG_LEVEL: 'warn',
    // All load comes from 127.0.0.1, so the per-address cap must allow the whole test.
    LATCHKEY_SMTP_MAX_CONNECTIONS_PER_IP: String(sessionsMax * 2),
    LATCHKEY_SMTP_MAX_CLIENTS: String(sessionsMax * 4),
  },
  { smtp: true },
);
const maildev = await startMaildev();
let failed = false;
try {
  const agent = await api(latchkey.url, latchkey.adminToken, 'POST', '/v1/agents', { name: 'bench' });
  const load = { file: FILE, from: 'accounts@example.com', to: 'bench@agents.localhost' };
  const sent = { latchkey: 0 };

  const run = async (server, mode, opts) => {
    const cpu0 = cpuSeconds(server.pid);
    const result = await smtpSource(server.smtp, { ...load, ...opts, persistent: mode === 'persistent' });
    result.cpu = cpuSeconds(server.pid) - cpu0;
    if (server === latchkey) sent.latchkey += opts.messages;
    return result;
  };

  // Warm-up: JIT, parse workers, caches, on both.
  for (const server of [maildev, latchkey]) await run(server, 'perConnection', { messages: 300, sessions: 20 });

  const results = {};
  for (const [mode, opts] of [
    ['perConnection', perConnection],
    ['persistent', persistent],
  ]) {
    const rates = { maildev: [], latchkey: [] };
    for (let round = 0; round < rounds; round++) {
      // Alternate which goes first, so neither always runs on a cooler machine.
      const order = round % 2 === 0 ? ['maildev', 'latchkey'] : ['latchkey', 'maildev'];
      for (const name of order) {
        const r = await run(name === 'maildev' ? maildev : latchkey, mode, opts);
        rates[name].push(r);
      }
    }
    results[mode] = rates;
  }

  // Every message Latchkey acknowledged must be stored.
  let stored = 0;
  let cursor = null;
  do {
    const page = await api(
      latchkey.url,
      agent.apiKey,
      'GET',
      `/v1/inbox/messages?limit=200${cursor ? `&cursor=${cursor}` : ''}`,
    );
    stored += page.messages.length;
    cursor = page.nextCursor;
  } while (cursor);

  const line = (rs) =>
    `${median(rs.map((r) => r.rate))
      .toFixed(0)
      .padStart(6)} msg/s (runs: ${rs.map((r) => r.rate.toFixed(0)).join(', ')}; ` +
    `${((median(rs.map((r) => r.cpu / r.messages)) || 0) * 1000).toFixed(2)} ms CPU/msg)`;
  console.log(`\nSMTP ingest, ${FILE.split('/').pop()} via smtp-source, median of ${rounds} runs`);
  for (const [mode, label, opts] of [
    ['perConnection', 'one connection per message', perConnection],
    ['persistent', 'persistent connections (-d)', persistent],
  ]) {
    const rates = results[mode];
    const ratio = median(rates.latchkey.map((r) => r.rate)) / median(rates.maildev.map((r) => r.rate));
    const ok = ratio >= TARGETS[mode];
    failed ||= !ok;
    console.log(`\n${label}: ${opts.messages} messages, ${opts.sessions} sessions`);
    console.log(`  maildev 2.2.1 (memory)      ${line(rates.maildev)}`);
    console.log(`  latchkey (SQLite, durable)  ${line(rates.latchkey)}`);
    console.log(`  ratio ${ratio.toFixed(2)} (target ≥ ${TARGETS[mode]}) ${ok ? 'PASS' : 'FAIL'}`);
  }
  const complete = stored === sent.latchkey;
  failed ||= !complete;
  console.log(
    `\nstored by latchkey: ${stored} of ${sent.latchkey} acknowledged ${complete ? 'OK' : 'MISSING MESSAGES'}`,
  );
} finally {
  await maildev.stop();
  await latchkey.stop();
}
process.exitCode = failed ? 1 : 0;
