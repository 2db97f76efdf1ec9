// @ts-check
// An agent that signs up to Acme (site.js) and later signs in, with no human involved: the password comes from
// its vault, the authenticator code from `vault.totp`, the emailed code from its inbox. It uses only
// @latchkey/sdk (and fetch to talk to the site, as any HTTP client would).
//
//   LATCHKEY_URL=http://127.0.0.1:8420 LATCHKEY_API_KEY=lk_agent_… ACME_URL=http://127.0.0.1:8600 \
//     node examples/login/agent.js
import { randomBytes } from 'node:crypto';
import { Latchkey } from '@latchkey/sdk';

/** Acme mails its codes from this domain; only its messages are accepted as the sign-in code. */
const ACME_SENDER = 'acme.example';

/**
 * JSON to and from the site.
 * @param {string} siteUrl @param {string} path @param {object} [body] @param {string} [session]
 * @returns {Promise<{ status: number, body: any }>}
 */
async function site(siteUrl, path, body, session) {
  /** @type {Record<string, string>} */
  const headers = { 'content-type': 'application/json' };
  if (session) headers.authorization = `Bearer ${session}`;
  const res = await fetch(siteUrl + path, body ? { method: 'POST', headers, body: JSON.stringify(body) } : { headers });
  return { status: res.status, body: await res.json() };
}

/**
 * @param {{ status: number, body: any }} res @param {string} step
 */
function expectOk(res, step) {
  if (res.status >= 300) throw new Error(`${step}: the site answered ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * A TOTP code that stays valid for typing, and is not the code of `usedStep`: sites accept each code once, so
 * right after enrolling (which used one) the agent waits for the next.
 * @param {Latchkey} lk @param {string} item @param {number | undefined} usedStep
 */
export async function freshTotp(lk, item, usedStep) {
  for (;;) {
    const otp = await lk.vault.totp(item, { minValidSeconds: 10 });
    if (otp.kind !== 'totp') throw new Error(`${item} is not a TOTP item`);
    if (usedStep === undefined || otp.step > usedStep) return otp;
    await new Promise((resolve) => setTimeout(resolve, (otp.remainingSeconds + 1) * 1000));
  }
}

/**
 * Creates an Acme account for the agent: a fresh password kept in the vault, the TOTP secret the site shows
 * enrolled straight into the vault (it never touches a file), and the enrollment confirmed with a first code.
 * @param {{ lk: Latchkey, siteUrl: string, item?: string }} options
 * @returns {Promise<{ email: string, usedStep: number }>}
 */
export async function signUp({ lk, siteUrl, item = 'acme' }) {
  const me = await lk.me();
  const email = me.inbox?.address;
  if (!email) throw new Error('signUp needs an agent key: operators have no inbox');
  const password = randomBytes(18).toString('base64url');
  const login = { type: /** @type {const} */ ('login'), username: email, password, url: siteUrl };
  // Kept before the site knows it, so a crash after signing up cannot lose the password.
  await lk.vault.store(item, login);
  const { otpauthUri } = expectOk(await site(siteUrl, '/api/signup', { email, password }), 'sign up');
  await lk.vault.store(item, { ...login, totp: { uri: otpauthUri } });
  const otp = await freshTotp(lk, item, undefined);
  expectOk(await site(siteUrl, '/api/signup/confirm', { email, code: otp.code }), 'confirm the authenticator');
  return { email, usedStep: otp.step };
}

/**
 * Signs in: password, then the authenticator code, then the code Acme emails. Returns the site's session token.
 * @param {{ lk: Latchkey, siteUrl: string, item?: string, usedStep?: number | undefined }} options
 * @returns {Promise<{ session: string, account: { email: string, signedIn: boolean }, emailedFrom: string | null }>}
 */
export async function logIn({ lk, siteUrl, item = 'acme', usedStep }) {
  const { secrets } = await lk.vault.get(item);
  const started = expectOk(
    await site(siteUrl, '/api/login', { email: secrets.username, password: secrets.password }),
    'password',
  );
  let otp = await freshTotp(lk, item, usedStep);
  // Anything that lands from now on is the answer to the next step; the wait also finds it if it is very quick.
  let since = new Date();
  let answer = await site(siteUrl, '/api/login/totp', { loginId: started.loginId, code: otp.code });
  if (answer.status === 401) {
    // Sites accept each code once: this one was used moments ago (by another sign-in). Take the next one.
    otp = await freshTotp(lk, item, otp.step);
    since = new Date();
    answer = await site(siteUrl, '/api/login/totp', { loginId: started.loginId, code: otp.code });
  }
  expectOk(answer, 'authenticator');
  const { code, message } = await lk.mail.waitForCode({ from: ACME_SENDER, since, timeoutSeconds: 60 });
  const { session } = expectOk(
    await site(siteUrl, '/api/login/email', { loginId: started.loginId, code: code.value }),
    'emailed code',
  );
  const account = expectOk(await site(siteUrl, '/api/account', undefined, session), 'account');
  return { session, account, emailedFrom: message.from };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const lk = new Latchkey({
    baseUrl: process.env.LATCHKEY_URL ?? 'http://127.0.0.1:8420',
    apiKey: process.env.LATCHKEY_API_KEY ?? '',
  });
  const siteUrl = process.env.ACME_URL ?? 'http://127.0.0.1:8600';
  const items = await lk.vault.list();
  const enrolled = items.items.some((i) => i.name === 'acme') ? undefined : await signUp({ lk, siteUrl });
  const { account } = await logIn({ lk, siteUrl, usedStep: enrolled?.usedStep });
  console.log(`Signed in to Acme as ${account.email}`);
}
