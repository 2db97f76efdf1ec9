// Tests for the relay's HPKE wrapper: the fixed suite, the wire encoding, and public-key validation.
import { generateKeyPair, hpkeOpen as open, toBase64Url } from '@latchkey/sdk';
import { describe, expect, it } from 'vitest';
import { parseRelayPublicKey, RELAY_HPKE_INFO, RelayKeyError, sealRelayPayload } from './hpke.js';

const info = new TextEncoder().encode(RELAY_HPKE_INFO);

function keyError(run: () => unknown): RelayKeyError {
  try {
    run();
  } catch (error) {
    if (error instanceof RelayKeyError) return error;
    throw error;
  }
  throw new Error('expected a RelayKeyError');
}

describe('sealRelayPayload', () => {
  it('seals JSON that the agent opens with the product suite, info and empty AAD', () => {
    const agent = generateKeyPair();
    const payload = {
      code: '412157',
      channel: 'sms',
      from: '+15550100',
      receivedAt: '2025-01-01T00:00:00Z',
      requestId: 'rly_1',
    };
    const sealed = sealRelayPayload(toBase64Url(agent.publicKey), payload);
    expect(sealed.enc).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(sealed.ciphertext).toMatch(/^[A-Za-z0-9_-]+$/);
    const plaintext = open(
      agent.privateKey,
      Buffer.from(sealed.enc, 'base64url'),
      info,
      new Uint8Array(0),
      Buffer.from(sealed.ciphertext, 'base64url'),
      { aead: 'aes-256-gcm' },
    );
    expect(JSON.parse(new TextDecoder().decode(plaintext))).toEqual(payload);
  });

  it('does not open with another agent key', () => {
    const agent = generateKeyPair();
    const sealed = sealRelayPayload(toBase64Url(agent.publicKey), { code: '1' });
    const other = generateKeyPair();
    const run = () =>
      open(
        other.privateKey,
        Buffer.from(sealed.enc, 'base64url'),
        info,
        new Uint8Array(0),
        Buffer.from(sealed.ciphertext, 'base64url'),
      );
    expect(run).toThrow(/could not be opened/);
  });
});

describe('parseRelayPublicKey', () => {
  it('accepts a 32-byte base64url key', () => {
    const agent = generateKeyPair();
    expect(Buffer.from(parseRelayPublicKey(toBase64Url(agent.publicKey))).equals(Buffer.from(agent.publicKey))).toBe(
      true,
    );
  });

  it('refuses malformed keys and names the field', () => {
    const valid = toBase64Url(generateKeyPair().publicKey);
    const cases = [
      '',
      `${valid}=`,
      valid.slice(0, -2),
      `${valid}AAAA`,
      // Standard base64 of 32 bytes always ends in '=', which base64url on the wire never carries.
      Buffer.from(generateKeyPair().publicKey).toString('base64'),
      'not a key at all!',
      // Low-order points: all zeros and u = 1.
      toBase64Url(new Uint8Array(32)),
      toBase64Url(Uint8Array.of(1, ...new Uint8Array(31))),
    ];
    for (const input of cases) {
      const error = keyError(() => parseRelayPublicKey(input));
      expect(error.code).toBe('INVALID_RELAY_PUBLIC_KEY');
      expect(error.details).toEqual([{ path: 'publicKey', message: error.message }]);
    }
  });

  it('refuses a non-string', () => {
    expect(keyError(() => parseRelayPublicKey(42 as unknown as string)).details[0]?.path).toBe('publicKey');
  });
});
