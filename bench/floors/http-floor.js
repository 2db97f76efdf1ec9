// A floor for the HTTP scenarios: the least a Fastify server must do to answer them, with nothing else.
// It says how close to node:http a correct implementation on the required stack could come on this machine.
//   bare  GET /v1/me                  the JSON as a string: Fastify's own cost
//   auth  GET /v1/me                  plus a bearer token parsed, SHA-256 hashed and compared in constant time
//   totp  GET /v1/vault/items/:name/totp
//         plus an AES-256-GCM unwrap and decrypt, an HMAC-SHA1 code, and one hash-chained audit row per code in
//         SQLite (WAL, synchronous=FULL), committed in groups before the code is sent
// Usage: node http-floor.js MODE TOKEN, where TOKEN (lk_agent_<keyId>_<secret>) is the one key it accepts. The JSON
// to answer with comes on stdin; the server prints {"http": URL} when it listens.
import { createCipheriv, createDecipheriv, createHmac, hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The server package's own copies of fastify and better-sqlite3.
const require = createRequire(new URL('../../packages/latchkey/package.json', import.meta.url));
const Fastify = require('fastify');
const SQLite = require('better-sqlite3');

// The shape of the one key the floor accepts, and of the header that presents it.
const TOKEN = /^lk_agent_(key_[0-9a-z]{26})_([0-9a-z]{52})$/;
const BEARER = new RegExp(`^Bearer ${TOKEN.source.slice(1)}`);
const sha256 = (text) => Buffer.from(hash('sha256', text, 'hex'), 'hex');

function authenticator() {
  const [keyId, secret] = TOKEN.exec(process.argv[3] ?? '')?.slice(1) ?? [];
  if (!keyId || !secret) throw new Error('usage: http-floor.js MODE TOKEN');
  const stored = new Map([[keyId, sha256(secret)]]);
  return (header) => {
    const m = BEARER.exec(header ?? '');
    const expected = m ? stored.get(m[1]) : undefined;
    const presented = sha256(m ? m[2] : '');
    if (!expected || !timingSafeEqual(presented, expected)) throw Object.assign(new Error('no'), { statusCode: 401 });
  };
}

function sealed(key, plaintext, aad) {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, nonce).setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { nonce, ciphertext, tag: cipher.getAuthTag(), aad };
}

function open(key, box) {
  const decipher = createDecipheriv('aes-256-gcm', key, box.nonce, { authTagLength: 16 }).setAAD(box.aad);
  decipher.setAuthTag(box.tag);
  return Buffer.concat([decipher.update(box.ciphertext), decipher.final()]);
}

function totpRoute(app, body) {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-floor-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const db = new SQLite(join(dir, 'floor.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(
    'CREATE TABLE audit (seq INTEGER PRIMARY KEY, id TEXT, at TEXT, org TEXT, actor TEXT, action TEXT, target TEXT,' +
      ' outcome TEXT, hash BLOB, prev BLOB)',
  );
  const insert = db.prepare(
    'INSERT INTO audit (id, at, org, actor, action, target, outcome, hash, prev) VALUES (?,?,?,?,?,?,?,?,?)',
  );
  // Group commit: the first write of a turn of the event loop opens a transaction, the next turn commits it.
  let commit = null;
  const joinCommit = () => {
    commit ??= new Promise((resolve) => {
      db.exec('BEGIN IMMEDIATE');
      setImmediate(() => {
        db.exec('COMMIT');
        commit = null;
        resolve();
      });
    });
    return commit;
  };
  const master = randomBytes(32);
  const dataKey = randomBytes(32);
  const wrapped = sealed(master, dataKey, Buffer.from('org|agent|item|key'));
  const seed = sealed(dataKey, randomBytes(20), Buffer.from('org|agent|item|seed'));
  let prev = Buffer.alloc(32);
  const auth = authenticator();
  app.get('/v1/vault/items/:name/totp', async (request) => {
    auth(request.headers.authorization);
    const secret = open(open(master, wrapped), seed);
    const now = Math.floor(Date.now() / 1000);
    const counter = Buffer.alloc(8);
    counter.writeBigUInt64BE(BigInt(Math.floor(now / 30)));
    const mac = createHmac('sha1', secret).update(counter).digest();
    const code = String((mac.readUInt32BE(mac[19] & 15) & 0x7fffffff) % 1e6).padStart(6, '0');
    const committed = joinCommit();
    const event = ['evt', new Date().toISOString(), 'org', 'agent', 'vault.totp', request.params.name, 'success'];
    const digest = sha256(prev.toString('hex') + JSON.stringify(event));
    insert.run(...event, digest, prev);
    prev = digest;
    await committed;
    return { ...body, code, secondsRemaining: 30 - (now % 30) };
  });
}

let input = '';
process.stdin.on('data', (d) => {
  input += d;
});
process.stdin.on('end', async () => {
  const body = JSON.parse(input);
  const mode = process.argv[2];
  const app = Fastify({ logger: false });
  if (mode === 'bare') {
    const text = JSON.stringify(body);
    app.get('/v1/me', (_request, reply) => reply.type('application/json; charset=utf-8').send(text));
  } else if (mode === 'auth') {
    const auth = authenticator();
    app.get('/v1/me', (request, reply) => {
      auth(request.headers.authorization);
      reply.type('application/json; charset=utf-8').send(JSON.stringify(body));
    });
  } else if (mode === 'totp') {
    totpRoute(app, body);
  } else {
    throw new Error(`unknown floor ${mode}`);
  }
  await app.listen({ port: 0, host: '127.0.0.1' });
  process.stdout.write(`${JSON.stringify({ http: `http://127.0.0.1:${app.server.address().port}` })}\n`);
  process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
});
