// @ts-check
// "Acme": a small sample web service that signs users in the way real sites do — a password, then a TOTP code
// from an authenticator app, then a one-time code emailed over SMTP. It knows nothing about Latchkey; it is the
// kind of site an agent has to get through. Run it alone: node examples/login/site.js (see README.md).
import { createHmac, randomBytes, randomInt, scryptSync, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import nodemailer from 'nodemailer';

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** @param {Buffer} bytes */
function base32(bytes) {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += B32[(buffer >>> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += B32[(buffer << (5 - bits)) & 31];
  return out;
}

/** RFC 6238 with SHA-1, 6 digits, 30 s — what most sites use. @param {Buffer} secret @param {number} step */
function totp(secret, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac('sha1', secret).update(counter).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const value = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(value % 1_000_000).padStart(6, '0');
}

/** @param {string} a @param {string} b */
function same(a, b) {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * @typedef {{ email: string, salt: Buffer, hash: Buffer, totpSecret: Buffer, confirmed: boolean, lastStep: number }} Account
 * @typedef {{ email: string, stage: 'totp' | 'email' | 'done', emailCode?: string, attempts: number, expiresAt: number }} Login
 */

/**
 * Starts the sample site.
 * @param {{ smtpHost: string, smtpPort: number, port?: number, host?: string, mailFrom?: string, now?: () => number }} options
 * @returns {Promise<{ url: string, close: () => Promise<void>, sent: () => number }>}
 */
export async function startAcmeSite(options) {
  const now = options.now ?? (() => Date.now());
  const mailFrom = options.mailFrom ?? 'Acme Security <security@acme.example>';
  const transport = nodemailer.createTransport({
    host: options.smtpHost,
    port: options.smtpPort,
    secure: false,
    ignoreTLS: true,
  });
  /** @type {Map<string, Account>} */
  const accounts = new Map();
  /** @type {Map<string, Login>} */
  const logins = new Map();
  /** @type {Map<string, string>} */
  const sessions = new Map();
  let sent = 0;

  /** @param {Account} account @param {string} code */
  function checkTotp(account, code) {
    const step = Math.floor(now() / 30_000);
    for (const s of [step - 1, step, step + 1]) {
      if (s > account.lastStep && same(totp(account.totpSecret, s), code)) {
        account.lastStep = s; // a code works once
        return true;
      }
    }
    return false;
  }

  /** @param {string} to @param {string} code */
  async function mailCode(to, code) {
    const spaced = `${code.slice(0, 3)} ${code.slice(3)}`;
    await transport.sendMail({
      from: mailFrom,
      to,
      subject: 'Your Acme sign-in code',
      text: [
        'Hi,',
        '',
        `Someone (hopefully you) is signing in to Acme from 203.0.113.7 at ${new Date(now()).toUTCString()}.`,
        '',
        `Your verification code is: ${spaced}`,
        '',
        'It expires in 10 minutes. If this was not you, reset your password at https://acme.example/security.',
        '',
        'Acme Inc., 1234 Market Street, Suite 500, San Francisco, CA 94103',
      ].join('\n'),
      html: `<!doctype html><html><body style="font-family:Arial;font-size:14px;color:#333333">
        <span style="display:none;max-height:0;overflow:hidden">Sign-in attempt on your account, order #88123</span>
        <table width="600" cellpadding="0" cellspacing="0"><tr><td style="padding:24px">
        <p>Hi,</p><p>Someone (hopefully you) is signing in to Acme from 203.0.113.7.</p>
        <p>Your verification code is:</p>
        <p style="font-size:32px;letter-spacing:6px;font-weight:bold">${spaced}</p>
        <p>It expires in 10 minutes. If this was not you, <a href="https://acme.example/security">secure your account</a>.</p>
        <p style="font-size:11px;color:#999999">Acme Inc., 1234 Market Street, Suite 500, San Francisco, CA 94103 ·
        <a href="https://acme.example/unsubscribe?u=8812">Unsubscribe</a></p></td></tr></table></body></html>`,
    });
    sent++;
  }

  /** @param {import('node:http').IncomingMessage} req */
  async function readJson(req) {
    let raw = '';
    for await (const chunk of req) {
      raw += chunk;
      if (raw.length > 64 * 1024) throw new Error('too large');
    }
    return raw ? JSON.parse(raw) : {};
  }

  /**
   * @param {string} method @param {string} path @param {any} body @param {string | undefined} auth
   * @returns {Promise<[number, object]>}
   */
  async function handle(method, path, body, auth) {
    if (method === 'POST' && path === '/api/signup') {
      const { email, password } = body;
      if (typeof email !== 'string' || !email.includes('@') || typeof password !== 'string' || password.length < 12) {
        return [422, { error: 'an email and a password of at least 12 characters are required' }];
      }
      if (accounts.has(email)) return [409, { error: 'account exists' }];
      const salt = randomBytes(16);
      const totpSecret = randomBytes(20);
      accounts.set(email, {
        email,
        salt,
        hash: scryptSync(password, salt, 32),
        totpSecret,
        confirmed: false,
        lastStep: -1,
      });
      const label = encodeURIComponent(`Acme:${email}`);
      // Like most sites: show the secret once, as a QR code and as this URI, and ask for a first code.
      return [
        201,
        {
          otpauthUri: `otpauth://totp/${label}?secret=${base32(totpSecret)}&issuer=Acme&algorithm=SHA1&digits=6&period=30`,
        },
      ];
    }
    if (method === 'POST' && path === '/api/signup/confirm') {
      const account = accounts.get(body.email);
      if (!account || typeof body.code !== 'string' || !checkTotp(account, body.code))
        return [401, { error: 'invalid code' }];
      account.confirmed = true;
      return [200, { confirmed: true }];
    }
    if (method === 'POST' && path === '/api/login') {
      const account = accounts.get(body.email);
      const ok =
        account?.confirmed &&
        typeof body.password === 'string' &&
        timingSafeEqual(scryptSync(body.password, account.salt, 32), account.hash);
      if (!account || !ok) return [401, { error: 'wrong email or password' }];
      const loginId = randomBytes(16).toString('hex');
      logins.set(loginId, { email: account.email, stage: 'totp', attempts: 0, expiresAt: now() + 600_000 });
      return [200, { loginId, next: 'totp' }];
    }
    if (method === 'POST' && (path === '/api/login/totp' || path === '/api/login/email')) {
      const login = logins.get(body.loginId);
      if (!login || login.expiresAt < now() || login.attempts >= 5) return [401, { error: 'start again' }];
      const account = accounts.get(login.email);
      if (!account || typeof body.code !== 'string') return [401, { error: 'start again' }];
      if (path === '/api/login/totp') {
        if (login.stage !== 'totp') return [409, { error: 'wrong step' }];
        if (!checkTotp(account, body.code)) {
          login.attempts++;
          return [401, { error: 'invalid authenticator code' }];
        }
        login.stage = 'email';
        login.emailCode = String(randomInt(0, 1_000_000)).padStart(6, '0');
        await mailCode(account.email, login.emailCode);
        return [200, { loginId: body.loginId, next: 'email' }];
      }
      if (login.stage !== 'email' || !login.emailCode) return [409, { error: 'wrong step' }];
      if (!same(login.emailCode, body.code.replace(/\s/g, ''))) {
        login.attempts++;
        return [401, { error: 'invalid email code' }];
      }
      login.stage = 'done';
      logins.delete(body.loginId);
      const session = randomBytes(24).toString('hex');
      sessions.set(session, account.email);
      return [200, { session }];
    }
    if (method === 'GET' && path === '/api/account') {
      const email = auth?.startsWith('Bearer ') ? sessions.get(auth.slice(7)) : undefined;
      if (!email) return [401, { error: 'sign in first' }];
      return [200, { email, plan: 'pro', signedIn: true }];
    }
    return [404, { error: 'not found' }];
  }

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    readJson(req)
      .then((body) => handle(req.method ?? 'GET', path, body, req.headers.authorization))
      .catch(() => /** @type {[number, object]} */ ([400, { error: 'bad request' }]))
      .then(([status, payload]) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(payload));
      });
  });
  await new Promise((resolve) =>
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve(undefined)),
  );
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}`,
    sent: () => sent,
    close: () =>
      new Promise((resolve) => {
        transport.close();
        server.close(() => resolve());
      }),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const site = await startAcmeSite({
    smtpHost: process.env.ACME_SMTP_HOST ?? '127.0.0.1',
    smtpPort: Number(process.env.ACME_SMTP_PORT ?? 2525),
    port: Number(process.env.ACME_PORT ?? 8600),
  });
  console.log(`Acme is listening on ${site.url}`);
}
