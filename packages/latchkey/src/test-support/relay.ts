// Helpers for relay tests: agents, key pairs, requests, operators of other orgs, SMS capture, and opening payloads.
import { fromBase64Url, generateKeyPair, type HpkeKeyPair, hpkeOpen, toBase64Url } from '@latchkey/sdk';
import { expect } from 'vitest';
import { newId } from '../crypto/ids.js';
import { mintToken } from '../crypto/tokens.js';
import type { LatchkeyServer } from '../main.js';
import type { RelayMail } from '../modules/relay/relay-capture.js';
import type { TestServer } from './server.js';

let counter = 0;

/** Creates an agent as the admin; returns its id, name and API key. */
export async function newAgent(ts: TestServer, token?: string): Promise<{ id: string; name: string; apiKey: string }> {
  const name = `bot-relay-${++counter}-${Math.random().toString(36).slice(2, 6)}`;
  const res = await ts.call('POST', '/v1/agents', { body: { name }, ...(token ? { token } : {}) });
  expect(res.status).toBe(201);
  return { id: res.body.agent.id, name, apiKey: res.body.apiKey };
}

/** Asks for a code as `apiKey`; returns the request id and the key pair that opens the payload. */
export async function requestOtp(
  ts: TestServer,
  apiKey: string,
  body: Record<string, unknown> = {},
): Promise<{ id: string; keys: HpkeKeyPair; status: string; approvalUrl: string }> {
  const keys = generateKeyPair();
  const res = await ts.call('POST', '/v1/relay/requests', {
    token: apiKey,
    body: { reason: 'sign in to the bank portal', publicKey: toBase64Url(keys.publicKey), ...body },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return { id: res.body.id, keys, status: res.body.status, approvalUrl: res.body.approvalUrl };
}

/** Mints the admin's SMS capture token. */
export async function captureToken(ts: TestServer, token?: string): Promise<string> {
  const res = await ts.call('POST', '/v1/relay/settings/capture-token', token ? { token } : {});
  expect(res.status).toBe(201);
  return res.body.token;
}

/** Posts an SMS with a capture token. */
export function postSms(ts: TestServer, token: string, from: string, body: string) {
  return ts.call('POST', '/v1/relay/capture/sms', { token, body: { from, body } });
}

/** Opens a consume response with the private key; returns the decrypted JSON. */
export function openPayload(
  privateKey: Uint8Array,
  payload: { enc: string; ciphertext: string },
): Record<string, unknown> {
  const enc = fromBase64Url(payload.enc);
  const ciphertext = fromBase64Url(payload.ciphertext);
  if (!enc || !ciphertext) throw new Error('payload is not base64url');
  const plaintext = hpkeOpen(
    privateKey,
    enc,
    new TextEncoder().encode('latchkey-relay-v1'),
    new Uint8Array(0),
    ciphertext,
  );
  return JSON.parse(new TextDecoder().decode(plaintext)) as Record<string, unknown>;
}

/** Adds a human with an operator token, in the admin's org or a new one. */
export async function addOperator(
  ts: TestServer,
  options: { newOrg?: boolean } = {},
): Promise<{ token: string; humanId: string; orgId: string; name: string }> {
  const store = ts.server.store;
  const name = `op-${++counter}-${Math.random().toString(36).slice(2, 6)}`;
  return store.write(async (tx) => {
    const org = options.newOrg
      ? await tx.identity.ensureOrg({ id: newId('org'), name: `org-${name}`, createdAt: 1 })
      : await tx.identity.ensureOrg({ id: newId('org'), name: 'default', createdAt: 1 });
    const human = await tx.identity.ensureHuman({ id: newId('hum'), orgId: org.id, name, createdAt: 1 });
    const tokenId = newId('opt');
    const { token, secretHash } = mintToken('operator', tokenId);
    await tx.identity.insertOperatorToken({ id: tokenId, orgId: org.id, humanId: human.id, secretHash, createdAt: 1 });
    return { token, humanId: human.id, orgId: org.id, name };
  });
}

/** The admin's human id. */
export async function adminId(ts: TestServer): Promise<string> {
  const me = await ts.call('GET', '/v1/me');
  return me.body.principal.id;
}

/** A received mail as the SMTP receiver hands it over, from a sender whose DMARC passed unless told otherwise. */
export function mailFrom(
  from: string,
  text: string,
  options: { dmarc?: string; code?: string; subject?: string } = {},
): RelayMail {
  const domain = from.slice(from.lastIndexOf('@') + 1);
  return {
    receivedAt: Date.now(),
    from: { address: from },
    subject: options.subject ?? 'Your sign-in code',
    text,
    auth: { dmarc: options.dmarc ?? 'pass', fromDomain: domain },
    extraction: { extractedText: text, codes: options.code ? [{ value: options.code }] : [], links: [] },
  };
}

/** Relay audit events about one request, oldest first, as `action:outcome[:reason]`. */
export async function relayTrail(ts: TestServer, requestId: string): Promise<string[]> {
  const res = await ts.call('GET', '/v1/audit?action=relay.&limit=500');
  expect(res.status).toBe(200);
  return (res.body.events as { action: string; outcome: string; reason?: string; target: { id?: string } }[])
    .filter((e) => e.target.id === requestId)
    .reverse()
    .map((e) => [e.action, e.outcome, e.reason].filter(Boolean).join(':'));
}

/** Sends JSON to a server built with `createServer` (tests that restart or run two instances); parses the answer. */
export async function injectJson(
  server: LatchkeyServer,
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  token: string,
  body?: unknown,
  // biome-ignore lint/suspicious/noExplicitAny: tests assert response shapes at run time, field by field.
): Promise<{ status: number; body: any }> {
  const res = await server.app.inject({
    method,
    url,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
  return { status: res.statusCode, body: res.body.length > 0 ? JSON.parse(res.body) : undefined };
}

/** A fresh id that names nothing. */
export function unknownRequestId(): string {
  return newId('rly');
}
