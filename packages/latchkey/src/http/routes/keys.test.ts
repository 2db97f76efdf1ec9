// Key rotation and retirement through the API, on both stores: a new version from the key file (SQLite), from
// the environment (rolling, PostgreSQL too), rotation under concurrent writes, and the guards that keep every
// instance able to read every row.
import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadServeConfig } from '../../config/config.js';
import { createServer, type LatchkeyServer } from '../../main.js';
import { newSite, type StoreSite, storeKinds } from '../../test-support/stores.js';

interface Running {
  server: LatchkeyServer;
  token: string;
  call(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    url: string,
    options?: { token?: string; body?: unknown },
    // biome-ignore lint/suspicious/noExplicitAny: tests assert response shapes at run time, field by field.
  ): Promise<{ status: number; body: any }>;
}

async function serve(site: StoreSite, env: Record<string, string> = {}, token?: string): Promise<Running> {
  const config = loadServeConfig(
    { data: site.dir, httpPort: '0', smtpPort: 'off' },
    { LATCHKEY_LOG_LEVEL: 'silent', ...(site.databaseUrl ? { DATABASE_URL: site.databaseUrl } : {}), ...env },
  );
  const server = await createServer(config);
  const admin = token ?? server.adminToken ?? readFileSync(join(site.dir, 'admin-token'), 'utf8').trim();
  return {
    server,
    token: admin,
    async call(method, url, options = {}) {
      const res = await server.app.inject({
        method,
        url,
        headers: {
          authorization: `Bearer ${options.token ?? admin}`,
          ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(options.body !== undefined ? { payload: JSON.stringify(options.body) } : {}),
      });
      return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : undefined };
    },
  };
}

async function agentOf(r: Running, name = `bot-${randomBytes(3).toString('hex')}`): Promise<string> {
  const res = await r.call('POST', '/v1/agents', { body: { name } });
  expect(res.status).toBe(201);
  return res.body.apiKey;
}

async function putItems(r: Running, apiKey: string, names: string[], tag: string): Promise<void> {
  const results = await Promise.all(
    names.map((name) =>
      r.call('PUT', `/v1/vault/items/${name}`, {
        token: apiKey,
        body: { type: 'login', password: `${name}:${tag}`, totp: { secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' } },
      }),
    ),
  );
  for (const res of results) expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
}

/** Reads every item's secrets, and the TOTP code of every `codeEvery`-th item (each read is an audited write). */
async function expectReadable(r: Running, apiKey: string, expected: Map<string, string>, codeEvery = 1): Promise<void> {
  const entries = [...expected];
  for (let i = 0; i < entries.length; i += 50) {
    await Promise.all(
      entries.slice(i, i + 50).map(async ([name, password], j) => {
        const res = await r.call('GET', `/v1/vault/items/${name}`, { token: apiKey });
        expect(res.status, `${name}: ${JSON.stringify(res.body)}`).toBe(200);
        expect(res.body.secrets.password).toBe(password);
        if ((i + j) % codeEvery !== 0) return;
        expect((await r.call('GET', `/v1/vault/items/${name}/totp`, { token: apiKey })).status).toBe(200);
      }),
    );
  }
}

async function finished(r: Running): Promise<{ status: string; rewrapped: number; failed: number; total: number }> {
  for (let i = 0; i < 600; i++) {
    const res = await r.call('GET', '/v1/keys/rotation');
    if (res.body.rotation && res.body.rotation.status !== 'running') return res.body.rotation;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('rotation did not finish');
}

function dataKeysByVersion(body: { versions: { version: number; dataKeys: number }[] }): Record<number, number> {
  return Object.fromEntries(body.versions.map((v) => [v.version, v.dataKeys]));
}

const key = () => randomBytes(32).toString('base64');

describe('key rotation with a key file (SQLite)', () => {
  it('adds a version to the file, rewraps every data key, retires the old version, and restarts cleanly', async () => {
    const site = newSite('sqlite');
    try {
      let r = await serve(site);
      const apiKey = await agentOf(r);
      const names = Array.from({ length: 12 }, (_, i) => `item-${i}`);
      await putItems(r, apiKey, names, 'v1');
      const before = await r.call('GET', '/v1/keys');
      expect(before.body).toMatchObject({ primaryVersion: 1, source: 'file', canAddVersion: true, rotation: null });
      expect(dataKeysByVersion(before.body)).toEqual({ 1: 13 }); // 12 items + the keyed-hash store secret
      expect(before.body.instances).toEqual([expect.objectContaining({ self: true, versions: [1] })]);

      const agentTry = await r.call('POST', '/v1/keys/rotate', { token: apiKey, body: {} });
      expect(agentTry.status).toBe(403);
      const started = await r.call('POST', '/v1/keys/rotate', { body: {} });
      expect(started.status).toBe(202);
      expect(started.body).toMatchObject({ status: 'running', targetVersion: 2, addedVersion: true, total: 13 });
      const done = await finished(r);
      expect(done).toMatchObject({ status: 'done', rewrapped: 13, failed: 0 });
      const file = join(site.dir, 'master.key');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      expect(readFileSync(file, 'utf8')).toMatch(/^2:[A-Za-z0-9+/]+=*,1:[A-Za-z0-9+/]+=*\n$/);
      const after = await r.call('GET', '/v1/keys');
      expect(dataKeysByVersion(after.body)).toEqual({ 2: 13, 1: 0 });
      await expectReadable(r, apiKey, new Map(names.map((n) => [n, `${n}:v1`])));

      expect((await r.call('POST', '/v1/keys/versions/2/retire')).body.error.code).toBe('KEY_VERSION_IS_PRIMARY');
      expect((await r.call('POST', '/v1/keys/versions/7/retire')).status).toBe(404);
      const retired = await r.call('POST', '/v1/keys/versions/1/retire');
      expect(retired.status).toBe(200);
      expect(retired.body.versions.map((v: { version: number }) => v.version)).toEqual([2]);
      expect(readFileSync(file, 'utf8')).toMatch(/^2:[A-Za-z0-9+/]+=*\n$/);
      const events = await r.call('GET', '/v1/audit?action=keys.');
      expect(events.body.events.map((e: { action: string; outcome: string }) => `${e.action}:${e.outcome}`)).toEqual(
        expect.arrayContaining(['keys.rotate:success', 'keys.retire:success', 'keys.rotate:denied']),
      );
      await r.server.close();

      r = await serve(site, {}, r.token);
      await expectReadable(r, apiKey, new Map(names.map((n) => [n, `${n}:v1`])));
      await r.server.close();
    } finally {
      await site.cleanup();
    }
  });
});

for (const kind of storeKinds) {
  describe(`key rotation with LATCHKEY_MASTER_KEY [${kind}]`, () => {
    it('rewraps to the primary the operator added, refuses to retire a version in use, then retires it', async () => {
      const site = newSite(kind);
      const [k1, k2] = [key(), key()];
      try {
        let r = await serve(site, { LATCHKEY_MASTER_KEY: `1:${k1}` });
        const apiKey = await agentOf(r);
        const old = Array.from({ length: 5 }, (_, i) => `old-${i}`);
        await putItems(r, apiKey, old, 'one');
        expect((await r.call('GET', '/v1/keys')).body).toMatchObject({ source: 'environment', canAddVersion: false });
        const cannot = await r.call('POST', '/v1/keys/rotate', { body: { addVersion: true } });
        expect(cannot.status).toBe(422);
        expect(cannot.body.error.details[0].path).toBe('addVersion');
        await r.server.close();

        // Step 2 of the rolling procedure: the new version first, the old one still held.
        r = await serve(site, { LATCHKEY_MASTER_KEY: `2:${k2},1:${k1}` }, r.token);
        const fresh = ['new-0', 'new-1'];
        await putItems(r, apiKey, fresh, 'two');
        expect(dataKeysByVersion((await r.call('GET', '/v1/keys')).body)).toEqual({ 2: 2, 1: 6 });
        const inUse = await r.call('POST', '/v1/keys/versions/1/retire');
        expect(inUse.status).toBe(409);
        expect(inUse.body.error.code).toBe('KEY_VERSION_IN_USE');
        expect(inUse.body.error.message).toContain('6 stored data key(s)');

        const started = await r.call('POST', '/v1/keys/rotate');
        expect(started.body).toMatchObject({ targetVersion: 2, addedVersion: false, total: 8 });
        expect(await finished(r)).toMatchObject({ status: 'done', rewrapped: 6, failed: 0 });
        expect((await r.call('POST', '/v1/keys/versions/1/retire')).status).toBe(200);
        await r.server.close();

        // The store no longer needs version 1: a start without it works and reads everything.
        r = await serve(site, { LATCHKEY_MASTER_KEY: `2:${k2}` }, r.token);
        await expectReadable(
          r,
          apiKey,
          new Map([...old.map((n) => [n, `${n}:one`] as const), ...fresh.map((n) => [n, `${n}:two`] as const)]),
        );
        await r.server.close();
      } finally {
        await site.cleanup();
      }
    });

    it('rotates under concurrent writes and reads, leaving every item readable under the new version', async () => {
      const site = newSite(kind);
      const [k1, k2] = [key(), key()];
      try {
        let r = await serve(site, { LATCHKEY_MASTER_KEY: `1:${k1}` });
        const apiKey = await agentOf(r);
        const names = Array.from({ length: 420 }, (_, i) => `item-${String(i).padStart(3, '0')}`);
        for (let i = 0; i < names.length; i += 60) await putItems(r, apiKey, names.slice(i, i + 60), 'before');
        await r.server.close();
        r = await serve(site, { LATCHKEY_MASTER_KEY: `2:${k2},1:${k1}` }, r.token);

        const expected = new Map(names.map((n) => [n, `${n}:before`]));
        const started = await r.call('POST', '/v1/keys/rotate');
        expect(started.status).toBe(202);
        // While it runs: replace items across the id range, add new ones, and read.
        const writes: Promise<void>[] = [];
        for (let round = 0; round < 6; round++) {
          const replaced = names.filter((_, i) => i % 6 === round).slice(0, 25);
          const added = Array.from({ length: 10 }, (_, i) => `during-${round}-${i}`);
          writes.push(putItems(r, apiKey, [...replaced, ...added], `round${round}`));
          for (const n of [...replaced, ...added]) expected.set(n, `${n}:round${round}`);
          writes.push(
            r.call('GET', `/v1/vault/items/${names[round * 50]}`, { token: apiKey }).then((res) => {
              expect(res.status).toBe(200);
            }),
          );
        }
        await Promise.all(writes);
        const done = await finished(r);
        expect(done.status).toBe('done');
        expect(done.failed).toBe(0);
        const status = await r.call('GET', '/v1/keys');
        expect(dataKeysByVersion(status.body)).toEqual({ 2: expected.size + 1, 1: 0 });
        await expectReadable(r, apiKey, expected, 25);
        await r.server.close();
      } finally {
        await site.cleanup();
      }
    }, 120_000);
  });
}

describe.skipIf(!storeKinds.includes('postgres'))('key rotation with two instances (PostgreSQL)', () => {
  it('refuses to rewrap to a version another running instance lacks, and warns at its start', async () => {
    const site = newSite('postgres');
    const other = { ...newSite('sqlite') };
    const [k1, k2] = [key(), key()];
    try {
      const old = await serve(site, { LATCHKEY_MASTER_KEY: `1:${k1}` });
      const second = { ...site, dir: other.dir };
      const upgraded = await serve(second, { LATCHKEY_MASTER_KEY: `2:${k2},1:${k1}` }, old.token);
      expect(upgraded.server.notices.join('\n')).toMatch(/does not hold master key version 2/);
      const refused = await upgraded.call('POST', '/v1/keys/rotate');
      expect(refused.status).toBe(409);
      expect(refused.body.error.code).toBe('KEY_VERSION_NOT_EVERYWHERE');
      // Version 2 is the other instance's primary: retiring it anywhere is refused.
      const retire = await old.call('POST', '/v1/keys/versions/2/retire');
      expect(retire.status).toBe(409);
      expect(retire.body.error.message).toContain('still wrap new data keys with version 2');
      const instances = (await upgraded.call('GET', '/v1/keys')).body.instances;
      expect(instances).toHaveLength(2);
      await old.server.close();
      const started = await upgraded.call('POST', '/v1/keys/rotate');
      expect(started.status).toBe(202);
      expect(await finished(upgraded)).toMatchObject({ status: 'done', failed: 0 });
      // The old instance is gone; version 1 is no one's primary any more, and no row uses it.
      const retired = await upgraded.call('POST', '/v1/keys/versions/1/retire');
      expect(retired.status, JSON.stringify(retired.body)).toBe(200);
      await upgraded.server.close();
    } finally {
      await site.cleanup();
      await other.cleanup();
    }
  });
});
