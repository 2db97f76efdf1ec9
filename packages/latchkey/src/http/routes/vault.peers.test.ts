// The vault against real peers, through the API: every vector of test/fixtures/totp-vectors.jsonl, oathtool at
// the same instants, google-authenticator's URI accepted by pam_google_authenticator (pamtester), and QR images
// made by qrencode. Missing tools fail the tests (CI installs them); pamtester needs root for /etc/pam.d.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { afterAll, expect, it } from 'vitest';
import { fakeClock } from '../../core/clock.js';
import { encodeBase32 } from '../../modules/totp/index.js';
import { loadVectors } from '../../modules/totp/test-support/vectors.js';
import { describeEachServer, type TestServer } from '../../test-support/server.js';
import { canarySeed, createAgent } from '../../test-support/vault.js';

const clock = fakeClock();
const work = mkdtempSync(join(tmpdir(), 'latchkey-vault-peers-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function codeAt(ts: TestServer, apiKey: string, name: string, ms: number) {
  clock.set(ms);
  const res = await ts.call('GET', `/v1/vault/items/${name}/totp`, { token: apiKey });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as { code: string; step?: number; counter?: number };
}

function oathtool(args: string[]): string {
  return execFileSync('oathtool', args, { encoding: 'utf8' }).trim();
}

function googleAuthenticator(flags: string[]): { uri: string; secretFile: string; options: Map<string, string> } {
  const home = mkdtempSync(join(work, 'ga-'));
  const secretFile = join(home, '.google_authenticator');
  const stdout = execFileSync(
    'google-authenticator',
    ['-f', '-C', '-Q', 'UTF8', '-s', secretFile, '-l', 'agent@latchkey', '-i', 'Latchkey Vault', ...flags],
    { encoding: 'utf8', env: { ...process.env, HOME: home } },
  );
  const chart = /chl=(\S+)/.exec(stdout);
  if (chart?.[1] === undefined) throw new Error('google-authenticator printed no otpauth URL');
  const options = new Map(
    readFileSync(secretFile, 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('" '))
      .map((l) => {
        const [k = '', ...v] = l.slice(2).trim().split(' ');
        return [k, v.join(' ')] as const;
      }),
  );
  return { uri: decodeURIComponent(chart[1]), secretFile, options };
}

let pamServices = 0;
function pamAccepts(secretFile: string, code: string): boolean {
  const name = `latchkey-vault-test-${process.pid}-${++pamServices}`;
  const file = join('/etc/pam.d', name);
  writeFileSync(file, `auth required pam_google_authenticator.so secret=${secretFile} user=root\n`);
  try {
    const result = spawnSync('pamtester', ['-v', name, 'root', 'authenticate'], {
      input: `${code}\n`,
      encoding: 'utf8',
    });
    if (result.error !== undefined) throw result.error;
    return result.status === 0 && /successfully authenticated/.test(`${result.stdout}${result.stderr}`);
  } finally {
    rmSync(file, { force: true });
  }
}

function qrencodePng(text: string): Buffer {
  const file = join(work, `${Math.random().toString(36).slice(2)}.png`);
  execFileSync('qrencode', ['-o', file, '-s', '6', text]);
  return readFileSync(file);
}

function pngToJpeg(png: Buffer): Buffer {
  const image = PNG.sync.read(png);
  return jpeg.encode({ data: image.data, width: image.width, height: image.height }, 90).data;
}

describeEachServer(
  'vault codes against real peers',
  (get) => {
    it('serves every vector of totp-vectors.jsonl, and refuses the seeds shorter than 80 bits', async () => {
      const ts = get();
      const bot = await createAgent(ts);
      const vectors = loadVectors();
      expect(vectors.length).toBeGreaterThanOrEqual(49);
      let served = 0;
      let refused = 0;
      for (const v of vectors) {
        const name = v.id;
        const secret = v.secret_base32.replace(/=+$/, '');
        const totp =
          v.kind === 'hotp'
            ? {
                uri: `otpauth://hotp/Vectors:${v.id}?secret=${secret}&digits=${v.digits}&counter=${v.counter}&algorithm=${v.algorithm}`,
              }
            : v.kind === 'steam'
              ? { uri: `otpauth://totp/Steam:${v.id}?secret=${secret}&encoder=steam&period=${v.period ?? 30}` }
              : { secret, algorithm: v.algorithm, digits: v.digits, period: v.period ?? 30 };
        const put = await ts.call('PUT', `/v1/vault/items/${name}`, {
          token: bot.apiKey,
          body: { type: 'totp', totp },
        });
        if (Buffer.from(v.secret_hex, 'hex').length < 10) {
          // RFC 4226 asks for 128-bit seeds; the vault enrolls nothing under 80 bits (the totp module still computes them).
          expect(put.status, v.id).toBe(422);
          expect(put.body.error.code).toBe('TOTP_SECRET_INVALID');
          refused++;
          continue;
        }
        expect(put.status, `${v.id}: ${JSON.stringify(put.body)}`).toBe(201);
        const at = v.kind === 'hotp' ? Date.UTC(2026, 0, 1) : (v.unix_time ?? 0) * 1000;
        const got = await codeAt(ts, bot.apiKey, name, at);
        expect(got.code, v.id).toBe(v.expected);
        if (v.kind === 'hotp') expect(got.counter).toBe(v.counter);
        served++;
      }
      expect(served + refused).toBe(vectors.length);
      expect(served).toBeGreaterThanOrEqual(38);
    });

    it('gives the code oathtool --totp gives at the same instant, for SHA1/SHA256/SHA512 × 6/7/8 digits', async () => {
      const ts = get();
      const bot = await createAgent(ts);
      const instants = [Math.floor(Date.now() / 1000), 59, 1_111_111_109, 1_700_000_000, 20_000_000_000];
      for (const algorithm of ['SHA1', 'SHA256', 'SHA512'] as const) {
        for (const digits of [6, 7, 8]) {
          const seed = canarySeed();
          const name = `oath-${algorithm}-${digits}`;
          const put = await ts.call('PUT', `/v1/vault/items/${name}`, {
            token: bot.apiKey,
            body: { type: 'totp', totp: { secret: seed.base32, algorithm, digits } },
          });
          expect(put.status).toBe(201);
          for (const seconds of instants) {
            const expected = oathtool([
              `--totp=${algorithm.toLowerCase()}`,
              '-d',
              String(digits),
              '--now',
              `@${seconds}`,
              seed.bytes.toString('hex'),
            ]);
            expect((await codeAt(ts, bot.apiKey, name, seconds * 1000)).code, `${name} @${seconds}`).toBe(expected);
          }
        }
      }
    });

    it('enrolls google-authenticator’s otpauth URI; pam_google_authenticator accepts the vault’s codes', async () => {
      const ts = get();
      const bot = await createAgent(ts);
      const made = googleAuthenticator(['-t', '-d', '-r', '3', '-R', '30', '-w', '3']);
      expect(made.uri).toMatch(/^otpauth:\/\/totp\//);
      const put = await ts.call('PUT', '/v1/vault/items/ga-totp', {
        token: bot.apiKey,
        body: { type: 'totp', totp: { uri: made.uri } },
      });
      expect(put.status).toBe(201);
      expect(put.body.totp).toMatchObject({ issuer: 'Latchkey Vault', account: 'agent@latchkey' });
      const now = Date.now();
      const code = await codeAt(ts, bot.apiKey, 'ga-totp', now);
      const wrong = String((Number(code.code) + 500_000) % 1_000_000).padStart(6, '0');
      expect(pamAccepts(made.secretFile, wrong)).toBe(false);
      // pam_google_authenticator checks against the real clock: ask again at the real instant.
      expect(pamAccepts(made.secretFile, (await codeAt(ts, bot.apiKey, 'ga-totp', Date.now())).code)).toBe(true);
    });

    it('enrolls a google-authenticator HOTP secret; each code the vault hands out is accepted once, in order', async () => {
      const ts = get();
      const bot = await createAgent(ts);
      const made = googleAuthenticator(['-c', '-u', '-w', '3']);
      // google-authenticator leaves the counter out of the URI it prints; its file holds it.
      const uri = `${made.uri}&counter=${made.options.get('HOTP_COUNTER')}`;
      const put = await ts.call('PUT', '/v1/vault/items/ga-hotp', {
        token: bot.apiKey,
        body: { type: 'totp', totp: { uri } },
      });
      expect(put.status).toBe(201);
      const first = await codeAt(ts, bot.apiKey, 'ga-hotp', Date.now());
      const second = await codeAt(ts, bot.apiKey, 'ga-hotp', Date.now());
      expect(second.counter).toBe((first.counter ?? 0) + 1);
      expect(pamAccepts(made.secretFile, first.code)).toBe(true);
      expect(pamAccepts(made.secretFile, second.code)).toBe(true);
      // PAM moved its counter past both: neither works again (and a failed try moves it on once more).
      expect(pamAccepts(made.secretFile, first.code)).toBe(false);
    });

    it('enrolls a QR image made by qrencode (PNG and JPEG) to the same codes as its URI', async () => {
      const ts = get();
      const bot = await createAgent(ts);
      const seed = canarySeed();
      const uri = `otpauth://totp/ACME%20Co:bot%40acme.test?secret=${seed.base32}&issuer=ACME%20Co&algorithm=SHA256&digits=8&period=45`;
      const png = qrencodePng(uri);
      const results = [];
      for (const [name, totp] of [
        ['by-uri', { uri }],
        ['by-png', { qrImage: png.toString('base64') }],
        ['by-jpeg', { qrImage: pngToJpeg(png).toString('base64') }],
      ] as const) {
        const put = await ts.call('PUT', `/v1/vault/items/${name}`, {
          token: bot.apiKey,
          body: { type: 'totp', totp },
        });
        expect(put.status, `${name}: ${JSON.stringify(put.body)}`).toBe(201);
        expect(put.body.totp).toMatchObject({ issuer: 'ACME Co', account: 'bot@acme.test', digits: 8, period: 45 });
        results.push((await codeAt(ts, bot.apiKey, name, 1_800_000_000_000)).code);
      }
      expect(new Set(results).size).toBe(1);
      expect(results[0]).toBe(
        oathtool(['--totp=sha256', '-d', '8', '-s', '45s', '--now', '@1800000000', seed.bytes.toString('hex')]),
      );
      // A QR code that is not an otpauth URI, and an image without one, are refused naming the field.
      const notOtp = await ts.call('PUT', '/v1/vault/items/not-otp', {
        token: bot.apiKey,
        body: { type: 'totp', totp: { qrImage: qrencodePng('https://example.com').toString('base64') } },
      });
      expect(notOtp.status).toBe(422);
      expect(notOtp.body.error).toMatchObject({ code: 'TOTP_URI_INVALID', details: [{ path: 'totp.qrImage' }] });
      const blank = new PNG({ width: 64, height: 64 });
      blank.data.fill(255);
      const none = await ts.call('PUT', '/v1/vault/items/no-qr', {
        token: bot.apiKey,
        body: { type: 'totp', totp: { qrImage: PNG.sync.write(blank).toString('base64') } },
      });
      expect(none.status).toBe(422);
      expect(none.body.error.code).toBe('TOTP_QR_NOT_FOUND');
      expect(encodeBase32(seed.bytes)).toBe(seed.base32);
    });
  },
  { clock },
);
