// HTTP tests of the vault routes, in-process, on both stores: happy paths, bad input, security cases.
import { expect, it } from 'vitest';
import { fakeClock } from '../../core/clock.js';
import { encodeBase32, hotp, totpAt } from '../../modules/totp/index.js';
import { describeEachServer } from '../../test-support/server.js';
import { canarySeed, createAgent, otherOrgOperator, seedLeaks } from '../../test-support/vault.js';

// 12:00:10 UTC: 20 s left in a 30 s step.
const clock = fakeClock(Date.UTC(2026, 10, 1, 12, 0, 10));

describeEachServer(
  'vault routes',
  (get) => {
    it('creates (201), replaces (200), lists, reads, and deletes a login; metadata never holds a secret', async () => {
      const ts = get();
      const bot = await createAgent(ts);
      const seed = canarySeed();
      const body = {
        type: 'login',
        username: 'login-user-77',
        password: 'canary-password-9f8e7d',
        url: 'https://example.com/login',
        notes: 'recovery phrase lives here',
        fields: { pin: '4321' },
        backupCodes: ['1111-2222', '3333-4444'],
        totp: { secret: seed.base32, issuer: 'Example', account: 'bot@example.com' },
      };
      const created = await ts.call('PUT', '/v1/vault/items/example', { token: bot.apiKey, body });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({
        name: 'example',
        type: 'login',
        agentId: bot.id,
        url: 'https://example.com/login',
        totp: { kind: 'totp', algorithm: 'SHA1', digits: 6, period: 30, issuer: 'Example', counter: null },
        backupCodes: { total: 2, remaining: 2 },
      });
      expect(created.body.id).toMatch(/^itm_/);
      const text = JSON.stringify(created.body);
      expect(text).not.toContain('canary-password');
      // The username is a secret; the TOTP account label is display metadata (see ADR 0012).
      expect(text).not.toContain('login-user-77');
      expect(seedLeaks(text, seed)).toEqual([]);

      const replaced = await ts.call('PUT', '/v1/vault/items/example', {
        token: bot.apiKey,
        body: { ...body, password: 'second-password' },
      });
      expect(replaced.status).toBe(200);
      expect(replaced.body.id).toBe(created.body.id);
      expect(replaced.body.createdAt).toBe(created.body.createdAt);

      const list = await ts.call('GET', '/v1/vault/items', { token: bot.apiKey });
      expect(list.status).toBe(200);
      expect(list.body.items.map((i: { name: string }) => i.name)).toEqual(['example']);
      expect(JSON.stringify(list.body)).not.toMatch(/second-password|recovery phrase|4321|1111-2222/);

      const read = await ts.call('GET', '/v1/vault/items/example', { token: bot.apiKey });
      expect(read.status).toBe(200);
      expect(read.body.secrets).toEqual({
        username: 'login-user-77',
        password: 'second-password',
        notes: 'recovery phrase lives here',
        fields: { pin: '4321' },
      });
      expect(seedLeaks(JSON.stringify(read.body), seed)).toEqual([]);

      const del = await ts.call('DELETE', '/v1/vault/items/example', { token: bot.apiKey });
      expect(del.status).toBe(204);
      expect((await ts.call('GET', '/v1/vault/items/example', { token: bot.apiKey })).status).toBe(404);
      const again = await ts.call('DELETE', '/v1/vault/items/example', { token: bot.apiKey });
      expect(again.body.error.code).toBe('VAULT_ITEM_NOT_FOUND');
    });

    it('lists in name order with a cursor and a type filter', async () => {
      const ts = get();
      const bot = await createAgent(ts);
      for (const [name, type] of [
        ['c-item', 'secret'],
        ['a-item', 'login'],
        ['b-item', 'secret'],
      ] as const) {
        const res = await ts.call('PUT', `/v1/vault/items/${name}`, {
          token: bot.apiKey,
          body: { type, password: 'x' },
        });
        expect(res.status).toBe(201);
      }
      const first = await ts.call('GET', '/v1/vault/items?limit=2', { token: bot.apiKey });
      expect(first.body.items.map((i: { name: string }) => i.name)).toEqual(['a-item', 'b-item']);
      const next = await ts.call('GET', `/v1/vault/items?limit=2&cursor=${first.body.nextCursor}`, {
        token: bot.apiKey,
      });
      expect(next.body.items.map((i: { name: string }) => i.name)).toEqual(['c-item']);
      expect(next.body.nextCursor).toBeNull();
      const secrets = await ts.call('GET', '/v1/vault/items?type=secret', { token: bot.apiKey });
      expect(secrets.body.items.map((i: { name: string }) => i.name)).toEqual(['b-item', 'c-item']);
      const bad = await ts.call('GET', '/v1/vault/items?cursor=bm9wZQ', { token: bot.apiKey });
      expect(bad.status).toBe(422);
    });

    it('answers the current TOTP code with its step and validity, for SHA256/8 digits/60 s too', async () => {
      const ts = get();
      const bot = await createAgent(ts);
      const seed = canarySeed();
      await ts.call('PUT', '/v1/vault/items/mail', {
        token: bot.apiKey,
        body: { type: 'totp', totp: { secret: seed.base32, algorithm: 'SHA256', digits: 8, period: 60 } },
      });
      const res = await ts.call('GET', '/v1/vault/items/mail/totp', { token: bot.apiKey });
      expect(res.status).toBe(200);
      const expected = totpAt({ secret: seed.bytes, algorithm: 'SHA256', digits: 8, period: 60 }, clock.now());
      expect(res.body).toEqual({
        kind: 'totp',
        code: expected.code,
        digits: 8,
        period: 60,
        algorithm: 'SHA256',
        step: expected.step,
        validFrom: new Date(expected.validFrom).toISOString(),
        validUntil: new Date(expected.validUntil).toISOString(),
        remainingSeconds: 50,
        serverTime: new Date(clock.now()).toISOString(),
      });
      expect(seedLeaks(JSON.stringify(res.body), seed)).toEqual([]);
    });

    it('with minValidSeconds, waits for the next step instead of handing out a code about to expire', async () => {
      const ts = get();
      const bot = await createAgent(ts);
      const seed = canarySeed();
      await ts.call('PUT', '/v1/vault/items/soon', {
        token: bot.apiKey,
        body: { type: 'totp', totp: { secret: seed.base32 } },
      });
      const key = { secret: seed.bytes, algorithm: 'SHA1' as const, digits: 6, period: 30 };
      const now = totpAt(key, clock.now());
      // 20 s left: asking for 20 is served at once, 21 is not.
      const enough = await ts.call('GET', '/v1/vault/items/soon/totp?minValidSeconds=20', { token: bot.apiKey });
      expect(enough.body.step).toBe(now.step);
      const saved = clock.now();
      clock.set(now.validUntil - 1500);
      try {
        const started = Date.now();
        const waited = await ts.call('GET', '/v1/vault/items/soon/totp?minValidSeconds=5', { token: bot.apiKey });
        const elapsed = Date.now() - started;
        expect(waited.status).toBe(200);
        expect(waited.body.step).toBe(now.step + 1);
        expect(waited.body.code).toBe(totpAt(key, now.validUntil).code);
        expect(waited.body.remainingSeconds).toBeGreaterThanOrEqual(5);
        expect(elapsed).toBeGreaterThanOrEqual(1400);
        expect(elapsed).toBeLessThan(5000);
      } finally {
        clock.set(saved);
      }
      const tooMuch = await ts.call('GET', '/v1/vault/items/soon/totp?minValidSeconds=30', { token: bot.apiKey });
      expect(tooMuch.status).toBe(422);
      expect(tooMuch.body.error.details[0].path).toBe('minValidSeconds');
      const notNumber = await ts.call('GET', '/v1/vault/items/soon/totp?minValidSeconds=soon', { token: bot.apiKey });
      expect(notNumber.status).toBe(422);
      expect(notNumber.body.error.details[0].path).toBe('query.minValidSeconds');
    });

    it('verifies a code within ±1 step once, and refuses it after (replay)', async () => {
      const ts = get();
      const bot = await createAgent(ts);
      const seed = canarySeed();
      await ts.call('PUT', '/v1/vault/items/verify-me', {
        token: bot.apiKey,
        body: { type: 'totp', totp: { secret: seed.base32 } },
      });
      const key = { secret: seed.bytes, algorithm: 'SHA1' as const, digits: 6, period: 30 };
      const step = Math.floor(clock.now() / 30_000);
      const verify = (code: string) =>
        ts.call('POST', '/v1/vault/items/verify-me/totp/verify', { token: bot.apiKey, body: { code } });
      const previous = hotp(key, step - 1);
      const current = hotp(key, step);
      const far = hotp(key, step - 3);
      if (far !== current && far !== previous) expect((await verify(far)).body).toEqual({ valid: false });
      expect((await verify(previous)).body).toEqual({ valid: true });
      expect((await verify(previous)).body).toEqual({ valid: false });
      expect((await verify(current)).body).toEqual({ valid: true });
      expect((await verify(current)).body).toEqual({ valid: false });
      // After the current step is used, an earlier step is refused even if never used.
      expect((await verify(hotp(key, step + 1))).body).toEqual({ valid: true });
      expect((await verify('12345')).body).toEqual({ valid: false });
      const audit = await ts.call('GET', `/v1/audit?agent=${bot.id}&action=vault.totp.verify`);
      const reasons = audit.body.events.map(
        (e: { outcome: string; reason?: string }) => `${e.outcome}:${e.reason ?? ''}`,
      );
      expect(reasons).toContain('failure:code_already_used');
      expect(reasons).toContain('success:');
      for (const code of [previous, current]) expect(JSON.stringify(audit.body)).not.toContain(`"${code}"`);
    });

    it('hands out backup codes in order, exactly once, and then 410', async () => {
      const ts = get();
      const bot = await createAgent(ts);
      const codes = Array.from({ length: 10 }, (_, i) => `backup-${i}-${Math.random().toString(36).slice(2, 8)}`);
      await ts.call('PUT', '/v1/vault/items/recovery', {
        token: bot.apiKey,
        body: { type: 'login', username: 'x', backupCodes: codes },
      });
      const consume = () =>
        ts.call('POST', '/v1/vault/items/recovery/backup-codes/consume', { token: bot.apiKey, body: {} });
      const first = await consume();
      expect(first.body).toEqual({ code: codes[0], remaining: 9 });
      const racers = await Promise.all(Array.from({ length: 50 }, consume));
      const won = racers.filter((r) => r.status === 200).map((r) => r.body.code);
      expect(won).toHaveLength(9);
      expect(new Set(won)).toEqual(new Set(codes.slice(1)));
      const lost = racers.filter((r) => r.status !== 200);
      expect(lost.every((r) => r.status === 410 && r.body.error.code === 'VAULT_BACKUP_CODES_EXHAUSTED')).toBe(true);
      const meta = await ts.call('GET', '/v1/vault/items', { token: bot.apiKey });
      expect(meta.body.items[0].backupCodes).toEqual({ total: 10, remaining: 0 });
      await ts.call('PUT', '/v1/vault/items/none', { token: bot.apiKey, body: { type: 'secret', password: 'p' } });
      const none = await ts.call('POST', '/v1/vault/items/none/backup-codes/consume', { token: bot.apiKey });
      expect(none.status).toBe(409);
      expect(none.body.error.code).toBe('VAULT_NO_BACKUP_CODES');
    });

    it('enrolls an otpauth://hotp URI and advances its counter atomically, one code per call', async () => {
      const ts = get();
      const bot = await createAgent(ts);
      const seed = canarySeed();
      const uri = `otpauth://hotp/Example:bot?secret=${seed.base32}&issuer=Example&counter=5&digits=8`;
      const put = await ts.call('PUT', '/v1/vault/items/hotp', {
        token: bot.apiKey,
        body: { type: 'totp', totp: { uri } },
      });
      expect(put.status).toBe(201);
      expect(put.body.totp).toMatchObject({ kind: 'hotp', digits: 8, period: null, counter: 5 });
      const key = { secret: seed.bytes, algorithm: 'SHA1' as const, digits: 8 };
      const results = await Promise.all(
        Array.from({ length: 12 }, () => ts.call('GET', '/v1/vault/items/hotp/totp', { token: bot.apiKey })),
      );
      const counters = results.map((r) => r.body.counter).sort((a: number, b: number) => a - b);
      expect(counters).toEqual(Array.from({ length: 12 }, (_, i) => 5 + i));
      for (const r of results) {
        expect(r.body.kind).toBe('hotp');
        expect(r.body.code).toBe(hotp(key, r.body.counter));
      }
      const meta = await ts.call('GET', '/v1/vault/items', { token: bot.apiKey });
      expect(meta.body.items[0].totp.counter).toBe(17);
      const verify = await ts.call('POST', '/v1/vault/items/hotp/totp/verify', {
        token: bot.apiKey,
        body: { code: hotp(key, 17) },
      });
      expect(verify.status).toBe(409);
      expect(verify.body.error.code).toBe('VAULT_VERIFY_TOTP_ONLY');
    });

    it('enrolls a Steam Guard URI (encoder=steam) and serves 5-symbol codes', async () => {
      const ts = get();
      const bot = await createAgent(ts);
      const seed = canarySeed();
      const uri = `otpauth://totp/Steam:bot?secret=${seed.base32}&issuer=Steam&encoder=steam`;
      const put = await ts.call('PUT', '/v1/vault/items/steam', {
        token: bot.apiKey,
        body: { type: 'totp', totp: { uri } },
      });
      expect(put.body.totp).toMatchObject({ encoder: 'steam', digits: 5 });
      const code = await ts.call('GET', '/v1/vault/items/steam/totp', { token: bot.apiKey });
      const key = { secret: seed.bytes, algorithm: 'SHA1' as const, digits: 5, period: 30, encoder: 'steam' as const };
      expect(code.body.code).toBe(totpAt(key, clock.now()).code);
      expect(code.body.code).toMatch(/^[23456789BCDFGHJKMNPQRTVWXY]{5}$/);
    });

    it('enrolls the Key Uri Format variants: issuer in label or parameter, encoding, case, padding, spaces', async () => {
      const ts = get();
      const bot = await createAgent(ts);
      const seed = canarySeed();
      const padded = `${seed.base32}${'='.repeat((8 - (seed.base32.length % 8)) % 8)}`;
      const spaced = seed.base32
        .toLowerCase()
        .replace(/(.{4})/g, '$1 ')
        .trim();
      const cases: [string, unknown, Record<string, unknown>][] = [
        [
          'label-issuer',
          { uri: `otpauth://totp/Label%20Co:bot%40x.test?secret=${seed.base32}` },
          { issuer: 'Label Co', account: 'bot@x.test' },
        ],
        [
          'param-issuer',
          { uri: `otpauth://totp/bot?secret=${seed.base32}&issuer=Param%20Co` },
          { issuer: 'Param Co', account: 'bot' },
        ],
        ['both-issuers', { uri: `otpauth://totp/Old:bot?secret=${seed.base32}&issuer=New` }, { issuer: 'New' }],
        [
          'lowercase',
          { uri: `OTPAUTH://TOTP/x?secret=${seed.base32.toLowerCase()}&algorithm=sha1` },
          { algorithm: 'SHA1' },
        ],
        ['padded', { uri: `otpauth://totp/x?secret=${padded}` }, { digits: 6 }],
        ['spaced', { secret: spaced }, { period: 30 }],
      ];
      const key = { secret: seed.bytes, algorithm: 'SHA1' as const, digits: 6, period: 30 };
      for (const [name, totp, meta] of cases) {
        const put = await ts.call('PUT', `/v1/vault/items/${name}`, {
          token: bot.apiKey,
          body: { type: 'totp', totp },
        });
        expect(put.status, `${name}: ${JSON.stringify(put.body)}`).toBe(201);
        expect(put.body.totp, name).toMatchObject(meta);
        const code = await ts.call('GET', `/v1/vault/items/${name}/totp`, { token: bot.apiKey });
        expect(code.body.code, name).toBe(totpAt(key, clock.now()).code);
      }
    });

    it('stops waiting for the next step when the client goes away, releasing and recording nothing', async () => {
      const ts = get();
      const bot = await createAgent(ts);
      const seed = canarySeed();
      await ts.call('PUT', '/v1/vault/items/abandoned', {
        token: bot.apiKey,
        body: { type: 'totp', totp: { secret: seed.base32 } },
      });
      const { httpUrl } = await ts.server.listen();
      const saved = clock.now();
      const stepEnd = (Math.floor(saved / 30_000) + 1) * 30_000;
      clock.set(stepEnd - 1500);
      try {
        // 1.5 s are left: asking for 5 makes the server wait for the next step. The client leaves after 0.3 s.
        const aborter = new AbortController();
        const request = fetch(`${httpUrl}/v1/vault/items/abandoned/totp?minValidSeconds=5`, {
          headers: { authorization: `Bearer ${bot.apiKey}` },
          signal: aborter.signal,
        }).catch((err: unknown) => err);
        await new Promise((resolve) => setTimeout(resolve, 300));
        aborter.abort();
        expect(await request).toBeInstanceOf(Error);
        // Had the wait gone on, the code would have been released (and audited) after 1.5 s.
        await new Promise((resolve) => setTimeout(resolve, 2500));
        const events = await ts.call('GET', `/v1/audit?agent=${bot.id}&action=vault.totp`);
        expect(events.body.events.filter((e: { action: string }) => e.action === 'vault.totp')).toEqual([]);
        // The same request, not abandoned, is served and audited.
        const served = await fetch(`${httpUrl}/v1/vault/items/abandoned/totp?minValidSeconds=5`, {
          headers: { authorization: `Bearer ${bot.apiKey}` },
        });
        expect(served.status).toBe(200);
        const after = await ts.call('GET', `/v1/audit?agent=${bot.id}&action=vault.totp`);
        expect(after.body.events.filter((e: { action: string }) => e.action === 'vault.totp')).toHaveLength(1);
      } finally {
        clock.set(saved);
        await new Promise<void>((resolve) => ts.server.app.server.close(() => resolve()));
      }
    });

    it('refuses invalid input with 422 naming the field, and stores nothing', async () => {
      const ts = get();
      const bot = await createAgent(ts);
      const seed = canarySeed();
      const cases: [unknown, number, string, string][] = [
        [
          { type: 'totp', totp: { uri: `otpauth://totp/x?secret=${seed.base32}&digits=12` } },
          422,
          'TOTP_PARAMETER_INVALID',
          'totp.uri.digits',
        ],
        [
          { type: 'totp', totp: { uri: `otpauth://hotp/x?secret=${seed.base32}` } },
          422,
          'TOTP_PARAMETER_INVALID',
          'totp.uri.counter',
        ],
        [{ type: 'totp', totp: { uri: 'https://example.com' } }, 422, 'TOTP_URI_INVALID', 'totp.uri'],
        [{ type: 'totp', totp: { secret: 'not base32!!' } }, 422, 'TOTP_SECRET_INVALID', 'totp.secret'],
        [{ type: 'totp', totp: { secret: 'JBSWY3DP' } }, 422, 'TOTP_SECRET_INVALID', 'totp.secret'],
        [{ type: 'totp', totp: { secret: seed.base32, digits: 9 } }, 422, 'TOTP_PARAMETER_INVALID', 'totp.digits'],
        [
          { type: 'totp', totp: { secret: seed.base32, algorithm: 'MD5' } },
          422,
          'TOTP_PARAMETER_INVALID',
          'totp.algorithm',
        ],
        [{ type: 'totp', totp: { secret: seed.base32, digit: 8 } }, 422, 'TOTP_INPUT_INVALID', 'totp.digit'],
        [{ type: 'totp', totp: { secret: seed.base32, uri: 'otpauth://totp/x' } }, 422, 'TOTP_INPUT_INVALID', 'totp'],
        [{ type: 'totp', totp: { qrImage: 'not an image' } }, 422, 'TOTP_IMAGE_INVALID', 'totp.qrImage'],
        [
          { type: 'totp', totp: { qrImage: Buffer.from('GIF89a.....').toString('base64') } },
          422,
          'TOTP_IMAGE_INVALID',
          'totp.qrImage',
        ],
        [{ type: 'totp' }, 422, 'VALIDATION_FAILED', 'totp'],
        [{ type: 'secret', totp: { secret: seed.base32 } }, 422, 'VALIDATION_FAILED', 'totp'],
        [{ type: 'secret' }, 422, 'VALIDATION_FAILED', 'password'],
        [{ type: 'login', url: 'https://user:pw@example.com/' }, 422, 'VALIDATION_FAILED', 'url'],
        [{ type: 'login', url: 'not a url' }, 422, 'VALIDATION_FAILED', 'url'],
        [{ type: 'login', backupCodes: ['a', 'a'] }, 422, 'VALIDATION_FAILED', 'backupCodes.1'],
        [{ type: 'login', fields: { 'bad name!': 'x' } }, 422, 'VALIDATION_FAILED', 'fields'],
        [{ type: 'vault' }, 422, 'VALIDATION_FAILED', 'type'],
        [{ type: 'login', colour: 'red' }, 422, 'VALIDATION_FAILED', 'colour'],
        [{ type: 'login', password: 'x'.repeat(9000) }, 422, 'VALIDATION_FAILED', 'password'],
      ];
      for (const [body, status, code, path] of cases) {
        const res = await ts.call('PUT', '/v1/vault/items/bad', { token: bot.apiKey, body });
        expect(res.status, JSON.stringify(body).slice(0, 80)).toBe(status);
        expect(res.body.error.code).toBe(code);
        expect(res.body.error.details[0].path).toBe(path);
        expect(seedLeaks(JSON.stringify(res.body), seed)).toEqual([]);
      }
      expect((await ts.call('GET', '/v1/vault/items', { token: bot.apiKey })).body.items).toEqual([]);
      const badName = await ts.call('PUT', '/v1/vault/items/-dash', { token: bot.apiKey, body: { type: 'login' } });
      expect(badName.status).toBe(422);
      expect(badName.body.error.details[0].path).toBe('params.name');
      const notOtp = await ts.call('PUT', '/v1/vault/items/plain', {
        token: bot.apiKey,
        body: { type: 'login', password: 'p' },
      });
      expect(notOtp.status).toBe(201);
      const code = await ts.call('GET', '/v1/vault/items/plain/totp', { token: bot.apiKey });
      expect(code.status).toBe(409);
      expect(code.body.error.code).toBe('VAULT_ITEM_NOT_OTP');
    });

    it('needs a token, and hides another agent’s and another org’s items behind 404', async () => {
      const ts = get();
      const alice = await createAgent(ts);
      const bob = await createAgent(ts);
      await ts.call('PUT', '/v1/vault/items/shared-name', {
        token: alice.apiKey,
        body: { type: 'secret', password: 'alice-secret' },
      });
      const noToken = await ts.call('GET', '/v1/vault/items/shared-name', { token: null });
      expect(noToken.status).toBe(401);
      const bobs = await ts.call('GET', '/v1/vault/items/shared-name', { token: bob.apiKey });
      expect(bobs.status).toBe(404);
      expect(bobs.body.error.code).toBe('VAULT_ITEM_NOT_FOUND');
      const viaQuery = await ts.call('GET', `/v1/vault/items/shared-name?agent=${alice.id}`, { token: bob.apiKey });
      expect(viaQuery.status).toBe(404);
      expect(viaQuery.body.error.code).toBe('AGENT_NOT_FOUND');
      expect((await ts.call('GET', '/v1/vault/items', { token: bob.apiKey })).body.items).toEqual([]);
      const eve = await otherOrgOperator(ts);
      for (const [method, url] of [
        ['GET', `/v1/vault/items?agent=${alice.id}`],
        ['GET', `/v1/vault/items/shared-name?agent=${alice.name}`],
        ['GET', `/v1/vault/items/shared-name/totp?agent=${alice.id}`],
        ['DELETE', `/v1/vault/items/shared-name?agent=${alice.id}`],
      ] as const) {
        const res = await ts.call(method, url, { token: eve });
        expect(res.status, url).toBe(404);
      }
      const still = await ts.call('GET', '/v1/vault/items/shared-name', { token: alice.apiKey });
      expect(still.body.secrets.password).toBe('alice-secret');
    });

    it('lets operators manage an agent’s vault and get codes, but not read its secrets; all audited', async () => {
      const ts = get();
      const bot = await createAgent(ts);
      const seed = canarySeed();
      const put = await ts.call('PUT', `/v1/vault/items/provisioned?agent=${bot.name}`, {
        body: { type: 'login', username: 'ops', password: 'op-set', totp: { secret: seed.base32 } },
      });
      expect(put.status).toBe(201);
      expect((await ts.call('GET', `/v1/vault/items?agent=${bot.id}`)).body.items).toHaveLength(1);
      const code = await ts.call('GET', `/v1/vault/items/provisioned/totp?agent=${bot.id}`);
      expect(code.status).toBe(200);
      const read = await ts.call('GET', `/v1/vault/items/provisioned?agent=${bot.id}`);
      expect(read.status).toBe(403);
      expect(read.body.error.code).toBe('VAULT_SECRETS_AGENT_ONLY');
      const consume = await ts.call('POST', `/v1/vault/items/provisioned/backup-codes/consume?agent=${bot.id}`);
      expect(consume.status).toBe(403);
      const noAgent = await ts.call('GET', '/v1/vault/items');
      expect(noAgent.status).toBe(422);
      expect(noAgent.body.error.details[0].path).toBe('agent');
      // The agent reads what the operator stored.
      const own = await ts.call('GET', '/v1/vault/items/provisioned', { token: bot.apiKey });
      expect(own.body.secrets).toEqual({ username: 'ops', password: 'op-set' });

      const events = (await ts.call('GET', `/v1/audit?agent=${bot.id}&action=vault.`)).body.events as {
        action: string;
        outcome: string;
        actor: { type: string };
        delegationChain: { type: string; name: string }[];
        reason?: string;
      }[];
      const byOperator = events.filter((e) => e.actor.type === 'human');
      expect(byOperator.map((e) => `${e.action}:${e.outcome}`)).toEqual(
        expect.arrayContaining(['vault.put:success', 'vault.totp:success', 'vault.get:denied']),
      );
      for (const e of byOperator) {
        expect(e.delegationChain.map((l) => l.type)).toEqual(['human', 'org', 'agent']);
        expect(e.delegationChain[2]?.name).toBe(bot.name);
      }
      expect(events.find((e) => e.action === 'vault.get' && e.actor.type === 'agent')?.outcome).toBe('success');
    });

    it('makes a suspended agent’s key useless and a revoked agent’s vault unusable (409 for operators)', async () => {
      const ts = get();
      const bot = await createAgent(ts);
      await ts.call('PUT', '/v1/vault/items/x', { token: bot.apiKey, body: { type: 'secret', password: 'p' } });
      await ts.call('POST', `/v1/agents/${bot.id}/suspend`);
      const suspended = await ts.call('GET', '/v1/vault/items/x', { token: bot.apiKey });
      expect(suspended.status).toBe(403);
      expect(suspended.body.error.code).toBe('AGENT_SUSPENDED');
      expect((await ts.call('GET', `/v1/vault/items?agent=${bot.id}`)).status).toBe(200);
      await ts.call('DELETE', `/v1/agents/${bot.id}`);
      expect((await ts.call('GET', '/v1/vault/items/x', { token: bot.apiKey })).status).toBe(401);
      for (const [method, url] of [
        ['GET', `/v1/vault/items?agent=${bot.id}`],
        ['GET', `/v1/vault/items/x/totp?agent=${bot.id}`],
        ['PUT', `/v1/vault/items/y?agent=${bot.id}`],
        ['DELETE', `/v1/vault/items/x?agent=${bot.id}`],
      ] as const) {
        const res = await ts.call(method, url, method === 'PUT' ? { body: { type: 'secret', password: 'p' } } : {});
        expect(res.status, url).toBe(409);
        expect(res.body.error.code).toBe('AGENT_REVOKED');
      }
    });

    it('never accepts a seed-looking value in the URL and never echoes one', async () => {
      const ts = get();
      const bot = await createAgent(ts);
      const seed = canarySeed();
      const res = await ts.call('GET', `/v1/vault/items?secret=${seed.base32}`, { token: bot.apiKey });
      expect(res.status).toBe(400);
      expect(seedLeaks(JSON.stringify(res.body), seed)).toEqual([]);
      const keyAsName = await ts.call('PUT', `/v1/vault/items/${encodeBase32(seed.bytes)}x`, {
        token: bot.apiKey,
        body: { type: 'totp', totp: { secret: 'AAAA' } },
      });
      expect(seedLeaks(JSON.stringify(keyAsName.body.error ?? {}), seed)).toEqual([]);
    });
  },
  { clock },
);
