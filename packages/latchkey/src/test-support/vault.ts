// Helpers for vault tests: agents with keys, an operator of another org, and seeds in every encoding a leak
// check must look for.
import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { newId } from '../crypto/ids.js';
import { mintToken } from '../crypto/tokens.js';
import { encodeBase32 } from '../modules/totp/index.js';
import type { TestServer } from './server.js';

let counter = 0;

/** Creates an agent through the API; returns its id, name and API key. */
export async function createAgent(
  ts: TestServer,
  name = `bot-${++counter}-${randomBytes(3).toString('hex')}`,
): Promise<{ id: string; name: string; apiKey: string }> {
  const res = await ts.call('POST', '/v1/agents', { body: { name } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { id: res.body.agent.id, name: res.body.agent.name, apiKey: res.body.apiKey };
}

/** An operator token of a second org in the same store. */
export async function otherOrgOperator(ts: TestServer): Promise<string> {
  return ts.server.store.write(async (tx) => {
    const org = await tx.identity.ensureOrg({
      id: newId('org'),
      name: `other-${randomBytes(4).toString('hex')}`,
      createdAt: 1,
    });
    const human = await tx.identity.ensureHuman({ id: newId('hum'), orgId: org.id, name: 'eve', createdAt: 1 });
    const tokenId = newId('opt');
    const { token, secretHash } = mintToken('operator', tokenId);
    await tx.identity.insertOperatorToken({ id: tokenId, orgId: org.id, humanId: human.id, secretHash, createdAt: 1 });
    return token;
  });
}

/** A random seed and the forms it could leak in. */
export interface CanarySeed {
  bytes: Buffer;
  base32: string;
  /** Every encoding a leak check searches for (case-insensitively where the encoding is). */
  forms: string[];
}

/** A fresh 20-byte seed with its base32, hex, base64 and base64url forms (and the unpadded base32 a URI uses). */
export function canarySeed(): CanarySeed {
  const bytes = randomBytes(20);
  const base32 = encodeBase32(bytes);
  const forms = [
    base32,
    base32.replace(/=+$/, ''),
    bytes.toString('hex'),
    bytes.toString('base64'),
    bytes.toString('base64url'),
    // The raw bytes as latin1 text, as they would appear if a buffer were written out unencoded.
    bytes.toString('latin1'),
  ];
  return { bytes, base32, forms };
}

/** Every place a seed could hide in `text`, or [] when none: checks each form case-insensitively. */
export function seedLeaks(text: string, seed: CanarySeed): string[] {
  const lower = text.toLowerCase();
  const found = seed.forms.filter((form) => lower.includes(form.toLowerCase()));
  // An otpauth URI carrying any secret parameter is a leak whatever the seed's encoding.
  if (/otpauth:\/\/[^\s"]*secret=/i.test(text)) found.push('otpauth URI with secret');
  return found;
}
