// A floor for SMTP ingest: smtp-server alone, and smtp-server with the two libraries every stored message must go
// through (postal-mime to parse, mailauth for SPF/DKIM/DMARC), with nothing stored and nothing extracted.
//   sink   the message is read to its end and acknowledged
//   parse  the message is parsed and authenticated in one of two worker threads, then acknowledged
// Usage: node smtp-floor.js MODE; prints {"smtp": "host:port"} when it accepts connections.
import { createRequire } from 'node:module';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';

const require = createRequire(new URL('../../packages/latchkey/package.json', import.meta.url));

if (!isMainThread) {
  const { default: PostalMime } = await import('postal-mime');
  const { authenticate } = require('mailauth');
  // Every name is unknown: the cheapest answer DNS can give, as if every lookup were cached.
  const resolver = async () => {
    throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
  };
  parentPort.on('message', async ({ id, raw, mailFrom, ip, helo }) => {
    const bytes = Buffer.from(raw);
    await Promise.all([
      PostalMime.parse(bytes, { attachmentEncoding: 'arraybuffer' }),
      authenticate(bytes, {
        trustReceived: false,
        sender: mailFrom,
        ip,
        helo,
        mta: 'floor',
        resolver,
        disableArc: true,
        disableBimi: true,
      }),
    ]);
    parentPort.postMessage(id);
  });
} else {
  const { SMTPServer } = require('smtp-server');
  const mode = process.argv[2];
  if (mode !== 'sink' && mode !== 'parse') throw new Error(`unknown floor ${mode}`);
  const workers = mode === 'parse' ? [0, 1].map(() => new Worker(new URL(import.meta.url))) : [];
  const pending = new Map();
  for (const worker of workers) {
    worker.on('message', (id) => {
      pending.get(id)?.();
      pending.delete(id);
    });
  }
  let next = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    maxClients: 1000,
    onData(stream, session, callback) {
      const chunks = [];
      stream.on('data', (chunk) => chunks.push(chunk));
      stream.on('end', () => {
        if (workers.length === 0) return callback();
        const id = next++;
        pending.set(id, callback);
        const raw = Buffer.concat(chunks);
        workers[id % workers.length].postMessage({
          id,
          raw,
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          ip: session.remoteAddress,
          helo: session.hostNameAppearsAs,
        });
      });
    },
  });
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`${JSON.stringify({ smtp: `127.0.0.1:${server.server.address().port}` })}\n`);
  });
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}
