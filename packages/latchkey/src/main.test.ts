// Start-up behaviour: bootstrap, key files, and refusing to start on a missing or wrong master key
// without changing a byte of the store.
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadServeConfig } from './config/config.js';
import { MasterKeyError } from './crypto/keyring.js';
import { createServer } from './main.js';
import { newSite, type StoreSite, storeKinds } from './test-support/stores.js';

function configFor(site: StoreSite, env: Record<string, string> = {}) {
  return loadServeConfig(
    { data: site.dir, httpPort: '0', smtpPort: 'off' },
    { LATCHKEY_LOG_LEVEL: 'silent', ...(site.databaseUrl ? { DATABASE_URL: site.databaseUrl } : {}), ...env },
  );
}

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir)) out[name] = readFileSync(join(dir, name)).toString('base64');
  return out;
}

async function refusal(promise: Promise<unknown>): Promise<MasterKeyError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof MasterKeyError) return err;
    throw err;
  }
  throw new Error('the server started');
}

describe('first start (SQLite)', () => {
  it('generates a 0600 master key and admin token once, and reuses them on restart', async () => {
    const site = newSite('sqlite');
    try {
      const first = await createServer(configFor(site));
      expect(first.adminToken).toMatch(/^lk_op_opt_/);
      expect(first.notices.join()).toContain('master.key');
      await first.close();
      for (const file of ['master.key', 'admin-token']) {
        expect(statSync(join(site.dir, file)).mode & 0o777).toBe(0o600);
      }
      expect(readFileSync(join(site.dir, 'admin-token'), 'utf8').trim()).toBe(first.adminToken);
      const second = await createServer(configFor(site));
      expect(second.adminToken).toBeNull();
      expect(second.notices).toEqual([]);
      const me = await second.app.inject({ url: '/v1/me', headers: { authorization: `Bearer ${first.adminToken}` } });
      expect(me.statusCode).toBe(200);
      await second.close();
    } finally {
      await site.cleanup();
    }
  });

  it('sets and keeps WAL, synchronous=FULL and foreign keys after a reopen', async () => {
    const site = newSite('sqlite');
    try {
      for (let i = 0; i < 2; i++) {
        const server = await createServer(configFor(site));
        const { sql } = await import('kysely');
        const pragma = async (name: string) =>
          Object.values((await sql.raw(`pragma ${name}`).execute(server.store.db)).rows[0] as object)[0];
        expect(await pragma('journal_mode')).toBe('wal');
        expect(await pragma('synchronous')).toBe(2);
        expect(await pragma('foreign_keys')).toBe(1);
        await server.close();
      }
    } finally {
      await site.cleanup();
    }
  });
});

for (const kind of storeKinds) {
  describe(`master key checks [${kind}]`, () => {
    it('refuses an existing store with a missing key, naming the variable, and changes nothing', async () => {
      const site = newSite(kind);
      try {
        const server = await createServer(configFor(site));
        await server.app.inject({
          method: 'POST',
          url: '/v1/agents',
          headers: { authorization: `Bearer ${server.adminToken}`, 'content-type': 'application/json' },
          payload: JSON.stringify({ name: 'keeper' }),
        });
        await server.close();
        const keyText = readFileSync(join(site.dir, 'master.key'), 'utf8');
        rmSync(join(site.dir, 'master.key'));
        const before = snapshot(site.dir);
        const missing = await refusal(createServer(configFor(site)));
        expect(missing.message).toContain('LATCHKEY_MASTER_KEY');
        expect(snapshot(site.dir)).toEqual(before);
        expect(readdirSync(site.dir)).not.toContain('master.key');

        const wrong = await refusal(
          createServer(configFor(site, { LATCHKEY_MASTER_KEY: randomBytes(32).toString('base64') })),
        );
        expect(wrong.message).toContain('LATCHKEY_MASTER_KEY does not match');
        expect(wrong.message).not.toContain(keyText.trim().slice(2, 20));
        expect(snapshot(site.dir)).toEqual(before);

        const wrongFile = join(site.dir, '..', `wrong-${randomBytes(4).toString('hex')}.key`);
        writeFileSync(wrongFile, randomBytes(32).toString('base64'), { mode: 0o600 });
        const viaFile = await refusal(createServer(configFor(site, { LATCHKEY_MASTER_KEY_FILE: wrongFile })));
        expect(viaFile.message).toContain('LATCHKEY_MASTER_KEY_FILE');
        rmSync(wrongFile);

        // The right key, given through the environment, opens it with the data intact.
        const right = await createServer(configFor(site, { LATCHKEY_MASTER_KEY: keyText.trim() }));
        const list = await right.app.inject({
          url: '/v1/agents/keeper',
          headers: { authorization: `Bearer ${readFileSync(join(site.dir, 'admin-token'), 'utf8').trim()}` },
        });
        expect(list.statusCode).toBe(200);
        await right.close();
      } finally {
        await site.cleanup();
      }
    });

    it('accepts a new primary version and refuses to drop one the store still uses', async () => {
      const site = newSite(kind);
      const v1 = randomBytes(32).toString('base64');
      const v2 = randomBytes(32).toString('base64');
      try {
        await (await createServer(configFor(site, { LATCHKEY_MASTER_KEY: v1 }))).close();
        await (await createServer(configFor(site, { LATCHKEY_MASTER_KEY: `2:${v2},1:${v1}` }))).close();
        const dropped = await refusal(createServer(configFor(site, { LATCHKEY_MASTER_KEY: `2:${v2}` })));
        expect(dropped.message).toContain('version 1');
      } finally {
        await site.cleanup();
      }
    });
  });
}
