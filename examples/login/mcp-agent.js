// @ts-check
// The same sign-up and sign-in as agent.js, but through Latchkey's MCP tools, the way an LLM agent drives them:
// every Latchkey step is a tool call on an MCP client (here the official client over stdio, `latchkey mcp`).
// The tool calls are scripted in the order a model would make them.
//
//   LATCHKEY_URL=… LATCHKEY_API_KEY=lk_agent_… ACME_URL=… node examples/login/mcp-agent.js
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const LATCHKEY_BIN = fileURLToPath(new URL('../../packages/latchkey/bin/latchkey.js', import.meta.url));

/**
 * Calls a tool and returns its structured result; a tool error (the API's refusal) becomes an exception.
 * @param {Client} client @param {string} name @param {Record<string, unknown>} [args]
 * @returns {Promise<any>}
 */
async function tool(client, name, args = {}) {
  const result = await client.callTool({ name, arguments: args });
  if (result.isError) throw new Error(`${name}: ${JSON.stringify(result.content)}`);
  return result.structuredContent;
}

/**
 * @param {string} siteUrl @param {string} path @param {object} [body] @param {string} [session]
 * @returns {Promise<any>}
 */
async function site(siteUrl, path, body, session) {
  /** @type {Record<string, string>} */
  const headers = { 'content-type': 'application/json' };
  if (session) headers.authorization = `Bearer ${session}`;
  const res = await fetch(siteUrl + path, body ? { method: 'POST', headers, body: JSON.stringify(body) } : { headers });
  const json = await res.json();
  if (res.status >= 300) throw new Error(`${path}: the site answered ${res.status} ${JSON.stringify(json)}`);
  return json;
}

/**
 * A code valid for typing that is not the one already used at `usedStep` (each code works once).
 * @param {Client} client @param {string} item @param {number | undefined} usedStep
 * @returns {Promise<{ code: string, step: number }>}
 */
async function freshCode(client, item, usedStep) {
  for (;;) {
    const otp = await tool(client, 'vault_totp', { name: item, minValidSeconds: 10 });
    if (usedStep === undefined || otp.step > usedStep) return { code: otp.code, step: otp.step };
    await new Promise((resolve) => setTimeout(resolve, (otp.remainingSeconds + 1) * 1000));
  }
}

/**
 * Signs up to Acme and then signs in, every Latchkey step a tool call.
 * @param {{ client: Client, siteUrl: string, item?: string }} options
 * @returns {Promise<{ email: string, account: { email: string, signedIn: boolean }, calls: string[] }>}
 */
export async function signUpAndLogIn({ client, siteUrl, item = 'acme' }) {
  /** @type {string[]} */
  const calls = [];
  const call = (/** @type {string} */ name, /** @type {Record<string, unknown>} */ args = {}) => {
    calls.push(name);
    return tool(client, name, args);
  };
  const { email } = await call('whoami');
  const password = randomBytes(18).toString('base64url');
  await call('vault_store', { name: item, type: 'login', username: email, password, url: siteUrl });
  const { otpauthUri } = await site(siteUrl, '/api/signup', { email, password });
  await call('vault_store', {
    name: item,
    type: 'login',
    username: email,
    password,
    url: siteUrl,
    totp: { uri: otpauthUri },
  });
  calls.push('vault_totp');
  const first = await freshCode(client, item, undefined);
  await site(siteUrl, '/api/signup/confirm', { email, code: first.code });

  // Later, signing in: the credential, the authenticator code, the emailed code.
  const login = await call('vault_get', { name: item });
  const { loginId } = await site(siteUrl, '/api/login', { email: login.username, password: login.password });
  calls.push('vault_totp');
  const second = await freshCode(client, item, first.step);
  await site(siteUrl, '/api/login/totp', { loginId, code: second.code });
  const mailed = await call('mail_wait_for_code', { from: 'acme.example', timeoutSeconds: 45 });
  if (mailed.status !== 'received') throw new Error('no code arrived from Acme');
  const { session } = await site(siteUrl, '/api/login/email', { loginId, code: mailed.code });
  const account = await site(siteUrl, '/api/account', undefined, session);
  return { email, account, calls };
}

/** Starts `latchkey mcp` over stdio as an MCP client would, and connects the official client to it. */
export async function connectStdio(/** @type {{ url: string, apiKey: string }} */ options) {
  const client = new Client({ name: 'acme-login-agent', version: '1.0.0' });
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [LATCHKEY_BIN, 'mcp'],
    env: { PATH: process.env.PATH ?? '', LATCHKEY_URL: options.url, LATCHKEY_API_KEY: options.apiKey },
  });
  await client.connect(transport);
  return client;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const client = await connectStdio({
    url: process.env.LATCHKEY_URL ?? 'http://127.0.0.1:8420',
    apiKey: process.env.LATCHKEY_API_KEY ?? '',
  });
  try {
    const { account, calls } = await signUpAndLogIn({
      client,
      siteUrl: process.env.ACME_URL ?? 'http://127.0.0.1:8600',
    });
    console.log(`Signed in to Acme as ${account.email} with tools: ${calls.join(', ')}`);
  } finally {
    await client.close();
  }
}
