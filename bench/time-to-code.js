// Time to code: an agent long-polls GET /v1/inbox/wait while a verification mail is delivered over SMTP; measured from
// the moment the client has written the end of DATA to the moment the HTTP response (with the code) has arrived.
// Usage: node bench/time-to-code.js [--messages N] [--database-url postgres://…]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { api, commandLine, startLatchkey } from './lib.js';
import { percentile, smtpClient } from './smtp.js';

const cli = commandLine();
const messages = cli.number('--messages', 300);
const databaseUrl = cli.option('--database-url', undefined);
const TARGET_P99_MS = 50;
const WARMUP = 30;
const template = readFileSync(
  fileURLToPath(new URL('../test/fixtures/eml/multipart-alternative.eml', import.meta.url)),
  'utf8',
);

const latchkey = await startLatchkey(
  { LATCHKEY_LOG_LEVEL: 'warn', ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) },
  { smtp: true },
);
let failed = false;
try {
  const agent = await api(latchkey.url, latchkey.adminToken, 'POST', '/v1/agents', { name: 'ttc' });
  const smtp = smtpClient(latchkey.smtp);
  await smtp.reply();
  await smtp.command('EHLO bench.test');
  const toCode = [];
  const toAck = [];
  for (let i = 0; i < WARMUP + messages; i++) {
    const code = String(100_000 + ((i * 7919) % 900_000));
    const subject = `Your code ${i}-${Math.random().toString(36).slice(2, 8)}`;
    const raw = template
      .replace('Subject: Your Example verification code', `Subject: ${subject}`)
      .replaceAll('482913', code)
      .replace(/\r?\n/g, '\r\n');
    // The subject makes the wait match this message only; `since` a second back keeps the scan to a few rows.
    const since = new Date(Date.now() - 1000).toISOString();
    const url = `${latchkey.url}/v1/inbox/wait?kind=code&timeoutSeconds=10&since=${since}&subject=${encodeURIComponent(subject)}`;
    const answered = fetch(url, { headers: { authorization: `Bearer ${agent.apiKey}` } }).then(async (res) => ({
      body: await res.json(),
      at: performance.now(),
    }));
    // Let the wait reach the server and subscribe before the mail is sent (the common case for an agent).
    await new Promise((r) => setTimeout(r, 15));
    await smtp.command('MAIL FROM:<accounts@example.com>');
    await smtp.command('RCPT TO:<ttc@agents.localhost>');
    await smtp.command('DATA');
    const ack = smtp.reply();
    smtp.write(`${raw}\r\n.\r\n`);
    const dataEnd = performance.now();
    const [{ body, at }, acked] = await Promise.all([answered, ack]);
    if (body.status !== 'received' || body.code?.value !== code) {
      throw new Error(`message ${i}: expected code ${code}, got ${JSON.stringify(body).slice(0, 200)}`);
    }
    if (i >= WARMUP) {
      toCode.push(at - dataEnd);
      toAck.push(acked.at - dataEnd);
    }
  }
  smtp.close();
  const fmt = (xs) =>
    `p50 ${percentile(xs, 50).toFixed(1).padStart(6)} ms   p99 ${percentile(xs, 99).toFixed(1).padStart(6)} ms   max ${Math.max(
      ...xs,
    )
      .toFixed(1)
      .padStart(6)} ms`;
  const p99 = percentile(toCode, 99);
  failed = p99 > TARGET_P99_MS;
  console.log(
    `\nTime to code (${databaseUrl ? 'PostgreSQL' : 'SQLite'}), ${messages} messages after ${WARMUP} warm-up`,
  );
  console.log(`  end of DATA → HTTP response with the code  ${fmt(toCode)}`);
  console.log(`  end of DATA → SMTP 250 (stored)             ${fmt(toAck)}`);
  console.log(`  p99 ${p99.toFixed(1)} ms (target ≤ ${TARGET_P99_MS} ms) ${failed ? 'FAIL' : 'PASS'}`);
} finally {
  await latchkey.stop();
}
process.exitCode = failed ? 1 : 0;
