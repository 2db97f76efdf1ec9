// End to end: the built `latchkey` binary serving the vault, driven by the real CLI (vault, totp, keys) and the
// SDK, checked against oathtool and qrencode; replay refused across a restart (SQLite) and across two
// instances sharing PostgreSQL.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Latchkey, LatchkeyError } from '@latchkey/sdk';
import { describe, expect, it } from 'vitest';
import { encodeBase32 } from '../../packages/latchkey/src/modules/totp/index.js';
import {
  dropSchema,
  freshSchema,
  pgAvailable,
  urlWithSchema,
} from '../../packages/latchkey/src/test-support/postgres.js';
import { BIN, cli, http, startServer, tempDir } from './support.js';

/** The current unix second. Take it before asking for a code, and pass it to `oathCodes`. */
const nowSeconds = () => Math.floor(Date.now() / 1000);

/**
 * Every code oathtool gives from `since` (taken before the code was asked for) to one second from now: a code from
 * the vault must be one of them. The window spans the whole call, so a slow CLI start crossing a step boundary
 * is no failure, while a wrong code still is.
 */
function oathCodes(args: string[], since: number): string[] {
  const at = (s: number) => execFileSync('oathtool', [...args, '--now', `@${s}`], { encoding: 'utf8' }).trim();
  const codes = new Set<string>();
  for (let s = since; s <= nowSeconds() + 1; s++) codes.add(at(s));
  return [...codes];
}

function leaks(text: string, seed: Buffer, base32: string): boolean {
  const lower = text.toLowerCase();
  return [base32, seed.toString('hex'), seed.toString('base64'), seed.toString('base64url')].some((f) =>
    lower.includes(f.toLowerCase()),
  );
}

describe('the vault through the CLI and the SDK (SQLite)', () => {
  it('stores a login with its TOTP seed, gives codes oathtool agrees with, rotates keys, and never shows the seed', async () => {
    const { dir, remove } = tempDir();
    let server: Awaited<ReturnType<typeof startServer>> | undefined;
    try {
      server = await startServer(dir);
      const env = { LATCHKEY_URL: server.start.http };
      const created = await cli(['--json', '--data', dir, 'agent', 'create', 'vault-bot'], env);
      expect(created.code, created.stderr).toBe(0);
      const apiKey: string = JSON.parse(created.stdout).apiKey;
      const asAgent = { ...env, LATCHKEY_TOKEN: apiKey };
      const seed = randomBytes(20);
      const base32 = encodeBase32(seed);
      const codesFile = join(dir, 'codes.txt');
      writeFileSync(codesFile, 'code-one\ncode-two\n');

      const put = await cli(
        [
          'vault',
          'put',
          'github',
          '--username',
          'bot',
          '--password-stdin',
          '--secret',
          base32,
          '--login-url',
          'https://github.com/login',
          '--backup-codes-file',
          codesFile,
        ],
        asAgent,
        'pa55word-canary\n',
      );
      expect(put.code, put.stderr).toBe(0);
      expect(put.stdout).toMatch(/^name\s+github$/m);
      expect(put.stdout).toMatch(/^totp\s+totp SHA1 6 digits\/30s$/m);
      const list = await cli(['vault', 'list'], asAgent);
      expect(list.stdout).toMatch(/^NAME\s+TYPE\s+URL\s+TOTP\s+BACKUP CODES\s+UPDATED$/m);
      expect(list.stdout).toMatch(/^github\s+login\s+https:\/\/github\.com\/login\s+totp\s+2\/2/m);
      const got = await cli(['vault', 'get', 'github'], asAgent);
      expect(got.stdout).toMatch(/^password\s+pa55word-canary$/m);
      expect(got.stdout).toMatch(/^username\s+bot$/m);
      const json = JSON.parse((await cli(['--json', 'vault', 'get', 'github'], asAgent)).stdout);
      expect(json.secrets).toEqual({ username: 'bot', password: 'pa55word-canary' });

      const beforeTotp = nowSeconds();
      const totp = await cli(['totp', 'github'], asAgent);
      expect(totp.code, totp.stderr).toBe(0);
      expect(oathCodes(['--totp', seed.toString('hex')], beforeTotp)).toContain(totp.stdout.trim());
      const totpJson = JSON.parse((await cli(['--json', 'totp', 'github'], asAgent)).stdout);
      expect(totpJson).toMatchObject({ kind: 'totp', digits: 6, period: 30, algorithm: 'SHA1' });

      // A 5-second period makes --min-valid wait briefly: the code it prints lasts at least 4 more seconds.
      const quick = await cli(
        ['vault', 'put', 'quick', '--otpauth', `otpauth://totp/Q:bot?secret=${base32}&period=5`],
        asAgent,
      );
      expect(quick.code, quick.stderr).toBe(0);
      const waited = JSON.parse((await cli(['--json', 'totp', 'quick', '--min-valid', '4'], asAgent)).stdout);
      expect(waited.remainingSeconds).toBeGreaterThanOrEqual(4);
      const tooLong = await cli(['totp', 'quick', '--min-valid', '5'], asAgent);
      expect(tooLong.code).toBe(1);
      expect(tooLong.stderr).toContain('minValidSeconds: must be a whole number from 0 to 4');

      // --watch, piped: one line per code, quiet otherwise, and a clean exit on SIGINT.
      const beforeWatch = nowSeconds();
      const watcher = spawn(process.execPath, [BIN, 'totp', 'github', '--watch'], {
        env: { ...process.env, ...asAgent },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const firstLine = await new Promise<string>((resolve) => {
        let out = '';
        watcher.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('\n')) resolve(out.split('\n')[0] ?? '');
        });
      });
      expect(oathCodes(['--totp', seed.toString('hex')], beforeWatch)).toContain(firstLine);
      const exited = new Promise<number | null>((resolve) => watcher.once('exit', resolve));
      watcher.kill('SIGINT');
      expect(await exited).toBe(0);

      // A QR image made by qrencode enrolls to the same codes.
      const png = join(dir, 'qr.png');
      execFileSync('qrencode', [
        '-o',
        png,
        `otpauth://totp/Acme:bot?secret=${base32}&issuer=Acme&digits=8&algorithm=SHA512`,
      ]);
      const qr = await cli(['vault', 'put', 'acme', '--qr', png], asAgent);
      expect(qr.code, qr.stderr).toBe(0);
      expect(qr.stdout).toMatch(/^type\s+totp$/m);
      const beforeAcme = nowSeconds();
      const acme = (await cli(['totp', 'acme'], asAgent)).stdout.trim();
      expect(oathCodes(['--totp=sha512', '-d', '8', seed.toString('hex')], beforeAcme)).toContain(acme);

      // The operator gets codes but not secrets.
      const opCode = await cli(['--data', dir, 'totp', 'github', '--agent', 'vault-bot'], env);
      expect(opCode.code, opCode.stderr).toBe(0);
      const opGet = await cli(['--data', dir, 'vault', 'get', 'github', '--agent', 'vault-bot'], env);
      expect(opGet.code).toBe(1);
      expect(opGet.stderr).toContain('VAULT_SECRETS_AGENT_ONLY 403');

      // Rotation while serving, piped (quiet but for the summary), then retirement of the old version.
      const rotate = await cli(['--data', dir, 'keys', 'rotate'], env);
      expect(rotate.code, rotate.stderr).toBe(0);
      expect(rotate.stdout).toMatch(
        /^Rotation to master key version 2 \(new\) done: 4 data keys rewrapped, 0 already current, 0 failed\.\n$/,
      );
      const status = JSON.parse((await cli(['--json', '--data', dir, 'keys', 'status'], env)).stdout);
      expect(status.versions).toEqual([
        expect.objectContaining({ version: 2, primary: true, dataKeys: 4 }),
        expect.objectContaining({ version: 1, primary: false, dataKeys: 0 }),
      ]);
      const retire = await cli(['--data', dir, 'keys', 'retire', '1'], env);
      expect(retire.code, retire.stderr).toBe(0);
      const beforeRetired = nowSeconds();
      const afterRetire = (await cli(['totp', 'github'], asAgent)).stdout.trim();
      expect(oathCodes(['--totp', seed.toString('hex')], beforeRetired)).toContain(afterRetire);

      // A code accepted once stays refused after a restart.
      const code = JSON.parse((await cli(['--json', 'totp', 'github'], asAgent)).stdout).code as string;
      const verifyUrl = `${server.start.http}/v1/vault/items/github/totp/verify`;
      expect((await http(verifyUrl, apiKey, { method: 'POST', body: { code } })).body).toEqual({ valid: true });
      const stderrBefore = server.stderr();
      expect(await server.stop()).toBe(0);
      server = await startServer(dir);
      const again = `${server.start.http}/v1/vault/items/github/totp/verify`;
      expect((await http(again, apiKey, { method: 'POST', body: { code } })).body).toEqual({ valid: false });

      // The SDK, typed, against the same server.
      const lk = new Latchkey({ baseUrl: server.start.http, apiKey });
      const stored = await lk.vault.store('sdk-item', {
        type: 'login',
        username: 'sdk',
        password: 'sdk-pass',
        backupCodes: ['sdk-1'],
        totp: { uri: `otpauth://totp/SDK:bot?secret=${base32}&algorithm=SHA256&digits=7` },
      });
      expect(stored.totp).toMatchObject({ algorithm: 'SHA256', digits: 7, period: 30 });
      expect((await lk.vault.list()).items.map((i) => i.name)).toEqual(['acme', 'github', 'quick', 'sdk-item']);
      expect((await lk.vault.get('sdk-item')).secrets).toEqual({ username: 'sdk', password: 'sdk-pass' });
      const beforeSdk = nowSeconds();
      const sdkCode = await lk.vault.totp('sdk-item');
      expect(sdkCode.kind).toBe('totp');
      expect(oathCodes(['--totp=sha256', '-d', '7', seed.toString('hex')], beforeSdk)).toContain(sdkCode.code);
      expect(await lk.vault.verifyTotp('sdk-item', sdkCode.code)).toBe(true);
      expect(await lk.vault.verifyTotp('sdk-item', sdkCode.code)).toBe(false);
      expect(await lk.vault.consumeBackupCode('sdk-item')).toEqual({ code: 'sdk-1', remaining: 0 });
      await lk.vault.delete('sdk-item');
      const missing = await lk.vault.get('sdk-item').catch((err: unknown) => err);
      expect(missing).toBeInstanceOf(LatchkeyError);
      expect(missing).toMatchObject({ code: 'VAULT_ITEM_NOT_FOUND', status: 404 });

      const restarted = { LATCHKEY_URL: server.start.http, LATCHKEY_TOKEN: apiKey };
      const rm = await cli(['vault', 'rm', 'github'], restarted);
      expect(rm.stdout, rm.stderr).toBe('Deleted github.\n');
      expect((await cli(['vault', 'get', 'github'], restarted)).stderr).toContain('VAULT_ITEM_NOT_FOUND 404');

      const everything = [put, list, got, totp, qr, rotate, retire].map((r) => r.stdout + r.stderr).join('\n');
      expect(leaks(everything + stderrBefore + server.stderr(), seed, base32)).toBe(false);
      expect(stderrBefore + server.stderr()).not.toContain('pa55word-canary');
      expect(await server.stop()).toBe(0);
      server = undefined;
    } finally {
      // A failed assertion must not leave a server running.
      await server?.stop();
      remove();
    }
  }, 90_000);
});

describe.skipIf(!pgAvailable)('the vault on PostgreSQL, two instances', () => {
  it('refuses a replayed code on the other instance, and never hands out one HOTP counter twice', async () => {
    const schema = freshSchema();
    const a = tempDir();
    const b = tempDir();
    const running: Awaited<ReturnType<typeof startServer>>[] = [];
    const env = { DATABASE_URL: urlWithSchema(schema), LATCHKEY_MASTER_KEY: randomBytes(32).toString('base64') };
    try {
      const one = await startServer(a.dir, env);
      running.push(one);
      const two = await startServer(b.dir, env);
      running.push(two);
      const opToken = `${a.dir}/admin-token`;
      const created = await cli(['--json', '--token-file', opToken, 'agent', 'create', 'pg-bot'], {
        LATCHKEY_URL: one.start.http,
      });
      expect(created.code, created.stderr).toBe(0);
      const apiKey: string = JSON.parse(created.stdout).apiKey;
      const seed = randomBytes(20);
      const base32 = encodeBase32(seed);
      const put = await http(`${one.start.http}/v1/vault/items/shared`, apiKey, {
        method: 'PUT',
        body: { type: 'totp', totp: { secret: base32 } },
      });
      expect(put.status).toBe(201);
      const beforeCode = nowSeconds();
      const code = (await http(`${two.start.http}/v1/vault/items/shared/totp`, apiKey)).body.code as string;
      expect(oathCodes(['--totp', seed.toString('hex')], beforeCode)).toContain(code);
      const verify = (url: string) =>
        http(`${url}/v1/vault/items/shared/totp/verify`, apiKey, { method: 'POST', body: { code } });
      const [first, second] = await Promise.all([verify(one.start.http), verify(two.start.http)]);
      expect([first.body.valid, second.body.valid].sort()).toEqual([false, true]);
      expect((await verify(one.start.http)).body).toEqual({ valid: false });

      const hotp = await http(`${two.start.http}/v1/vault/items/counter`, apiKey, {
        method: 'PUT',
        body: { type: 'totp', totp: { uri: `otpauth://hotp/X:bot?secret=${base32}&counter=0` } },
      });
      expect(hotp.status).toBe(201);
      const taken = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          http(`${(i % 2 ? one : two).start.http}/v1/vault/items/counter/totp`, apiKey).then(
            (r) => r.body.counter as number,
          ),
        ),
      );
      expect(taken.sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i));
      expect(await one.stop()).toBe(0);
      expect(await two.stop()).toBe(0);
      running.length = 0;
    } finally {
      await Promise.all(running.map((s) => s.stop()));
      a.remove();
      b.remove();
      await dropSchema(schema);
    }
  }, 60_000);
});
