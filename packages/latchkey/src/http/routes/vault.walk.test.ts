// The seed is write-only: enroll a TOTP item (by URI, by secret and by QR image), then call every route the
// app publishes in /openapi.json with full rights (the agent's key and an operator token), plus the error paths
// that see the seed, and search every response body and header, the log output (at trace level) and every
// audit row for the seed in raw, base32, hex, base64 and otpauth-URI forms. Runs on both stores.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadServeConfig } from '../../config/config.js';
import { createServer, type LatchkeyServer } from '../../main.js';
import { newSite, storeKinds } from '../../test-support/stores.js';
import { canarySeed, seedLeaks } from '../../test-support/vault.js';

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

function qrPng(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-walk-'));
  try {
    execFileSync('qrencode', ['-o', join(dir, 'qr.png'), text]);
    return readFileSync(join(dir, 'qr.png')).toString('base64');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const kind of storeKinds) {
  describe(`the TOTP seed is write-only [${kind}]`, () => {
    it('appears in no response, header, log line or audit record of any route', async () => {
      const site = newSite(kind);
      let logs = '';
      const logStream = new Writable({
        write(chunk, _enc, done) {
          logs += chunk.toString();
          done();
        },
      });
      const config = loadServeConfig(
        { data: site.dir, httpPort: '0', smtpPort: 'off' },
        { LATCHKEY_LOG_LEVEL: 'trace', ...(site.databaseUrl ? { DATABASE_URL: site.databaseUrl } : {}) },
      );
      let server: LatchkeyServer | undefined;
      try {
        server = await createServer(config, { logStream });
        const app = server.app;
        const admin = server.adminToken ?? '';
        const seen: string[] = [];
        const call = async (method: Method, url: string, token: string | null, body?: unknown) => {
          const res = await app.inject({
            method,
            url,
            headers: {
              ...(token ? { authorization: `Bearer ${token}` } : {}),
              ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
            },
            ...(body !== undefined ? { payload: JSON.stringify(body) } : {}),
          });
          seen.push(`${method} ${url} -> ${res.statusCode}\n${JSON.stringify(res.headers)}\n${res.body}`);
          return res;
        };

        const seed = canarySeed();
        const uri = `otpauth://totp/Walk%20Co:walker?secret=${seed.base32}&issuer=Walk%20Co&digits=8`;
        const created = JSON.parse((await call('POST', '/v1/agents', admin, { name: 'walker' })).body);
        const agentKey: string = created.apiKey;
        const agentId: string = created.agent.id;
        const keyId: string = created.key.id;
        const enrolments = [
          ['walk-totp', { type: 'login', username: 'u', password: 'p', backupCodes: ['b1', 'b2'], totp: { uri } }],
          ['walk-secret', { type: 'totp', totp: { secret: seed.base32.toLowerCase().replace(/(.{4})/g, '$1 ') } }],
          ['walk-qr', { type: 'totp', totp: { qrImage: qrPng(uri) } }],
        ] as const;
        for (const [name, body] of enrolments) {
          const res = await call('PUT', `/v1/vault/items/${name}`, agentKey, body);
          expect(res.statusCode, res.body).toBe(201);
        }
        // Refusals that see the seed: bad parameters next to it, the seed as a field name, a replayed code.
        for (const body of [
          { type: 'totp', totp: { uri: `${uri}&digits=12` } },
          { type: 'totp', totp: { uri: `${uri}&period=0&algorithm=MD5` } },
          { type: 'totp', totp: { secret: seed.base32, digits: 12 } },
          { type: 'totp', totp: { secret: seed.base32, [seed.base32]: 1 } },
          { type: 'totp', [seed.base32]: 1, totp: { secret: seed.base32 } },
          { type: 'secret', totp: { uri } },
          { type: 'totp', totp: { uri: uri.replace('otpauth://totp', 'otpauth://nope') } },
        ]) {
          const res = await call('PUT', '/v1/vault/items/walk-bad', agentKey, body);
          expect(res.statusCode).toBe(422);
        }

        const openapi = JSON.parse((await call('GET', '/openapi.json', null)).body) as {
          paths: Record<string, Record<string, { operationId: string }>>;
        };
        const operations = Object.entries(openapi.paths).flatMap(([path, methods]) =>
          Object.entries(methods).map(([method, op]) => ({
            method: method.toUpperCase() as Method,
            path,
            operationId: op.operationId,
          })),
        );
        expect(operations.length).toBeGreaterThanOrEqual(20);
        const code = JSON.parse((await call('GET', '/v1/vault/items/walk-totp/totp', agentKey)).body).code as string;
        const bodies: Record<string, unknown> = {
          putVaultItem: { type: 'totp', totp: { uri } },
          verifyVaultItemCode: { code },
          createAgent: { name: 'walker-two' },
          rotateKeys: {},
        };
        // Destructive calls last, so every other route sees the enrolled item and the live agent.
        const order = (op: { method: Method }) => (op.method === 'DELETE' ? 1 : 0);
        let called = 0;
        for (const op of [...operations].sort((a, b) => order(a) - order(b))) {
          const path = op.path
            .replace('{name}', 'walk-totp')
            .replace('{id}', agentId)
            .replace('{keyId}', keyId)
            .replace('{version}', '1');
          const vault = path.startsWith('/v1/vault/');
          for (const token of [agentKey, admin]) {
            const query = token === admin && vault ? `?agent=${agentId}` : '';
            const extra = op.operationId === 'getVaultItemCode' ? `${query ? '&' : '?'}minValidSeconds=0` : '';
            const body = op.method === 'GET' || op.method === 'DELETE' ? undefined : (bodies[op.operationId] ?? {});
            await call(op.method, `${path}${query}${extra}`, token, body);
            called++;
          }
        }
        expect(called).toBe(operations.length * 2);
        for (const url of ['/healthz', '/readyz', '/metrics', '/docs', '/v1/nope']) await call('GET', url, admin);
        // Wait for the background rotation the walk started, so its audit event is in the rows below.
        for (let i = 0; i < 100; i++) {
          const r = JSON.parse((await call('GET', '/v1/keys/rotation', admin)).body);
          if (r.rotation?.status !== 'running') break;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }

        const audit = await server.store.db.selectFrom('audit_events').selectAll().execute();
        expect(audit.length).toBeGreaterThan(20);
        expect(logs.length).toBeGreaterThan(1000);
        const places: [string, string][] = [
          ['responses', seen.join('\n')],
          ['logs', logs],
          ['audit rows', JSON.stringify(audit)],
        ];
        for (const [where, text] of places) expect(seedLeaks(text, seed), where).toEqual([]);
        // The check can fail: the request bodies the walk sent do hold the seed.
        expect(seedLeaks(JSON.stringify(enrolments), seed)).not.toEqual([]);
      } finally {
        await server?.close();
        await site.cleanup();
      }
    }, 60_000);
  });
}
