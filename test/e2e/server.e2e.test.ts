// End to end: the real server on free ports, driven by the real CLI and plain HTTP, across restarts,
// and on PostgreSQL with two instances sharing one store.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  dropSchema,
  freshSchema,
  pgAvailable,
  urlWithSchema,
} from '../../packages/latchkey/src/test-support/postgres.js';
import { cli, http, startServer, tempDir } from './support.js';

describe('latchkey serve on SQLite', () => {
  it('creates an agent with the CLI, serves /v1/me with its key, and keeps everything across a restart', async () => {
    const { dir, remove } = tempDir();
    try {
      let server = await startServer(dir);
      expect(server.start.http).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(server.start.smtp).toBe('off');
      expect(server.start.mailDomain).toBe('agents.localhost');
      expect(server.start.adminTokenFile).toBe(join(dir, 'admin-token'));
      const env = { LATCHKEY_URL: server.start.http };

      const created = await cli(
        ['--json', '--data', dir, 'agent', 'create', 'support-bot', '-d', 'answers tickets'],
        env,
      );
      expect(created.code, created.stderr).toBe(0);
      const { agent, apiKey } = JSON.parse(created.stdout);
      expect(agent.name).toBe('support-bot');

      const me = await http(`${server.start.http}/v1/me`, apiKey);
      expect(me.status).toBe(200);
      expect(me.body.delegationChain).toEqual([
        expect.objectContaining({ type: 'human', name: 'admin' }),
        expect.objectContaining({ type: 'org', name: 'default' }),
        expect.objectContaining({ type: 'agent', name: 'support-bot' }),
      ]);

      expect(await server.stop()).toBe(0);
      server = await startServer(dir);
      const again = await http(`${server.start.http}/v1/me`, apiKey);
      expect(again.status).toBe(200);
      const list = await cli(['--data', dir, 'agent', 'list'], { LATCHKEY_URL: server.start.http });
      expect(list.code).toBe(0);
      expect(list.stdout).toMatch(/^ID\s+NAME\s+STATUS\s+CREATED\s+DESCRIPTION$/m);
      expect(list.stdout).toMatch(/support-bot\s+active/);
      const verify = await cli(['--data', dir, 'audit', 'verify'], { LATCHKEY_URL: server.start.http });
      expect(verify.stdout).toMatch(/Audit chain intact: \d+ events verified/);
      expect(server.stderr()).not.toContain(apiKey);
      expect(await server.stop()).toBe(0);
    } finally {
      remove();
    }
  });

  it('reports CLI errors clearly with a non-zero exit, as text or JSON', async () => {
    const { dir, remove } = tempDir();
    try {
      const server = await startServer(dir);
      const env = { LATCHKEY_URL: server.start.http };
      const missing = await cli(['--data', dir, 'agent', 'show', 'nobody'], env);
      expect(missing.code).toBe(1);
      expect(missing.stderr).toMatch(
        /^Error: No agent with that id or name in this org\. \(AGENT_NOT_FOUND 404, request req_/,
      );
      const bad = await cli(['--json', '--data', dir, 'agent', 'create', 'Bad Name'], env);
      expect(bad.code).toBe(1);
      expect(JSON.parse(bad.stderr).error).toMatchObject({
        code: 'VALIDATION_FAILED',
        status: 422,
        details: [{ path: 'name' }],
      });
      const noToken = await cli(['agent', 'list', '--json'], { ...env, LATCHKEY_DATA_DIR: join(dir, 'nope') });
      expect(noToken.code).toBe(2);
      const down = await cli(['--data', dir, 'agent', 'list'], { LATCHKEY_URL: 'http://127.0.0.1:9' });
      expect(down.code).toBe(3);
      expect(down.stderr).toContain('NETWORK_ERROR');
      const usage = await cli(['agent', 'frobnicate'], env);
      expect(usage.code).toBe(2);
      await server.stop();
    } finally {
      remove();
    }
  });

  it('refuses to start on a port in use and on bad configuration, with a clear message', async () => {
    const { dir, remove } = tempDir();
    try {
      const server = await startServer(dir);
      const port = new URL(server.start.http).port;
      // The same data folder is refused: one process owns an SQLite store.
      const twice = await cli(['serve', '--data', dir, '--http-port', '0', '--smtp-port', 'off'], {});
      expect(twice.code).toBe(2);
      expect(twice.stderr).toMatch(/is in use: another Latchkey process \(pid \d+\)/);
      const other = tempDir();
      const clash = await cli(['serve', '--data', other.dir, '--http-port', port, '--smtp-port', 'off'], {});
      other.remove();
      expect(clash.code).not.toBe(0);
      expect(clash.stderr).toContain('EADDRINUSE');
      const badPort = await cli(['serve', '--data', dir, '--http-port', 'eighty'], {});
      expect(badPort.code).toBe(2);
      expect(badPort.stderr).toContain('--http-port / LATCHKEY_HTTP_PORT');
      await server.stop();
    } finally {
      remove();
    }
  });
});

describe.skipIf(!pgAvailable)('latchkey serve on PostgreSQL, two instances', () => {
  it('bootstraps once when started together; a revoke on one is refused on the other at once', async () => {
    const schema = freshSchema();
    const a = tempDir();
    const b = tempDir();
    const env = { DATABASE_URL: urlWithSchema(schema), LATCHKEY_MASTER_KEY: randomBytes(32).toString('base64') };
    try {
      const [one, two] = await Promise.all([startServer(a.dir, env), startServer(b.dir, env)]);
      const tokens = [a.dir, b.dir].flatMap((d) => {
        try {
          return [readFileSync(join(d, 'admin-token'), 'utf8').trim()];
        } catch {
          return [];
        }
      });
      expect(tokens).toHaveLength(1);
      const opToken = tokens[0] ?? '';
      const created = await cli(['--json', 'agent', 'create', 'shared-bot'], {
        LATCHKEY_URL: one.start.http,
        LATCHKEY_TOKEN: opToken,
      });
      expect(created.code, created.stderr).toBe(0);
      const { apiKey } = JSON.parse(created.stdout);
      expect((await http(`${two.start.http}/v1/me`, apiKey)).status).toBe(200);

      // Writes from both instances at once interleave into one chain.
      await Promise.all(
        Array.from({ length: 30 }, (_, i) =>
          http(`${(i % 2 ? one : two).start.http}/v1/agents`, opToken, {
            method: 'POST',
            body: { name: `burst-${i}` },
          }),
        ),
      );
      const verify = await http(`${two.start.http}/v1/audit/verify`, opToken);
      expect(verify.body).toMatchObject({ ok: true });
      expect(verify.body.checked).toBeGreaterThanOrEqual(33);

      const revoked = await http(`${one.start.http}/v1/agents/shared-bot`, opToken, { method: 'DELETE' });
      expect(revoked.body.status).toBe('revoked');
      const refused = await http(`${two.start.http}/v1/me`, apiKey);
      expect(refused.status).toBe(401);
      expect((refused.body.error as { code: string }).code).toBe('KEY_REVOKED');

      expect(await one.stop()).toBe(0);
      expect(await two.stop()).toBe(0);
    } finally {
      a.remove();
      b.remove();
      await dropSchema(schema);
    }
  });
});
