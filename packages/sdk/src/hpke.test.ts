// Known-answer and failure tests for the SDK's HPKE (RFC 9180 base mode).
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromBase64Url, toBase64Url } from './base64url.js';
import { generateKeyPair, HpkeError, open, seal, setupBaseSender } from './hpke.js';

const hex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'));
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');
const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

// RFC 9180 Appendix A.1.1: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-128-GCM, base mode.
const A11 = {
  info: hex('4f6465206f6e2061204772656369616e2055726e'),
  skEm: hex('52c4a758a802cd8b936eceea314432798d5baf2d7e9235dc084ab1b9cfa2f736'),
  pkEm: hex('37fda3567bdbd628e88668c3c8d7e97d1d1253b6d4ea6d44c150f741f1bf4431'),
  skRm: hex('4612c550263fc8ad58375df3f557aac531d26850903e55a9f23f21d8534e8ac8'),
  pkRm: hex('3948cfe0ad1ddb695d780e59077195da6c56506b027329794ab02bca80815c4d'),
  sharedSecret: 'fe0e18c9f024ce43799ae393c7e8fe8fce9d218875e8227b0187c04e7d2ea1fc',
  keyScheduleContext:
    '00725611c9d98c07c03f60095cd32d400d8347d45ed67097bbad50fc56da742d07cb6cffde367bb0565ba28bb02c90744a20f5ef37f30523526106f637abb05449',
  secret: '12fff91991e93b48de37e7daddb52981084bd8aa64289c3788471d9a9712f397',
  key: '4531685d41d65f03dc48f6b8302c05b0',
  baseNonce: '56d890e5accaaf011cff4b7d',
  exporterSecret: '45ff1c2e220db587171952c0592d5f5ebe103f1561a2614e38f2ffd47e99e3f8',
  pt: hex('4265617574792069732074727574682c20747275746820626561757479'),
  aad0: hex('436f756e742d30'),
  ct0: 'f938558b5d72f1a23810b4be2ab4f84331acc02fc97babc53a52ae8218a355a96d8770ac83d07bea87e13c512a',
};

// DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM, base mode: RFC 9180 prints no vector for this suite; this one
// is BoringSSL's, as vendored by Tink (cc/hybrid/internal/hpke_test_util.cc), which gives pkRm, skEm and the first ct.
const AES256 = {
  pkRm: hex('ac66bae9ffa270cf4a89ed9f274e30c0456babae2572aaaf002ff0d8884ab018'),
  skEm: hex('28e212563a8b6f068af7ff17400ff1baf23612b7a738bbaf5dfb321b2b5b431a'),
  ct0: '23ded2d5d90ea89d975dac4792b297240f194952d7421aacbff0474100052b6bb8aa58d18ef6c42b6960e2e28f',
};

/** Builds a key pair from a raw private key, deriving the public half with node:crypto directly (not the module). */
function keyPairFrom(privateKey: Uint8Array): { privateKey: Uint8Array; publicKey: Uint8Array } {
  const der = Buffer.concat([Buffer.from('302e020100300506032b656e04220420', 'hex'), privateKey]);
  const x = createPublicKey(createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })).export({ format: 'jwk' }).x;
  return { privateKey, publicKey: fromBase64Url(x ?? '') ?? new Uint8Array(0) };
}

const RELAY_INFO = ascii('latchkey-relay-v1');
const EMPTY = new Uint8Array(0);

describe('RFC 9180 A.1.1 (X25519, HKDF-SHA256, AES-128-GCM)', () => {
  const ephemeral = { privateKey: A11.skEm, publicKey: A11.pkEm };

  it('derives the published key schedule', () => {
    const context = setupBaseSender(A11.pkRm, A11.info, { aead: 'aes-128-gcm', ephemeral });
    expect(toHex(context.enc)).toBe(toHex(A11.pkEm));
    expect(toHex(context.sharedSecret)).toBe(A11.sharedSecret);
    expect(toHex(context.keyScheduleContext)).toBe(A11.keyScheduleContext);
    expect(toHex(context.secret)).toBe(A11.secret);
    expect(toHex(context.key)).toBe(A11.key);
    expect(toHex(context.baseNonce)).toBe(A11.baseNonce);
    expect(toHex(context.exporterSecret)).toBe(A11.exporterSecret);
  });

  it('seals the first (sequence 0) encryption to the published ciphertext', () => {
    const sealed = seal(A11.pkRm, A11.info, A11.aad0, A11.pt, { aead: 'aes-128-gcm', ephemeral });
    expect(toHex(sealed.enc)).toBe(toHex(A11.pkEm));
    expect(toHex(sealed.ciphertext)).toBe(A11.ct0);
  });

  it('opens the published ciphertext with the recipient key', () => {
    const plaintext = open(A11.skRm, A11.pkEm, A11.info, A11.aad0, hex(A11.ct0), { aead: 'aes-128-gcm' });
    expect(toHex(plaintext)).toBe(toHex(A11.pt));
  });

  it('derives the published public keys from the private keys', () => {
    expect(toHex(keyPairFrom(A11.skRm).publicKey)).toBe(toHex(A11.pkRm));
    expect(toHex(keyPairFrom(A11.skEm).publicKey)).toBe(toHex(A11.pkEm));
  });
});

describe('X25519, HKDF-SHA256, AES-256-GCM (the product suite)', () => {
  it('seals the BoringSSL vector to its ciphertext', () => {
    const ephemeral = keyPairFrom(AES256.skEm);
    const sealed = seal(AES256.pkRm, A11.info, A11.aad0, A11.pt, { ephemeral });
    expect(toHex(sealed.ciphertext)).toBe(AES256.ct0);
  });

  it('round-trips the relay payload shape with the product info and empty AAD', () => {
    const recipient = generateKeyPair();
    const payload = ascii(JSON.stringify({ code: '412157', channel: 'sms', from: '+15550100', requestId: 'rly_1' }));
    const sealed = seal(recipient.publicKey, RELAY_INFO, EMPTY, payload);
    expect(sealed.enc).toHaveLength(32);
    expect(sealed.ciphertext).toHaveLength(payload.length + 16);
    expect(toHex(open(recipient.privateKey, sealed.enc, RELAY_INFO, EMPTY, sealed.ciphertext))).toBe(toHex(payload));
  });

  it('uses a fresh ephemeral key for every seal', () => {
    const recipient = generateKeyPair();
    const a = seal(recipient.publicKey, RELAY_INFO, EMPTY, ascii('same'));
    const b = seal(recipient.publicKey, RELAY_INFO, EMPTY, ascii('same'));
    expect(toHex(a.enc)).not.toBe(toHex(b.enc));
    expect(toHex(a.ciphertext)).not.toBe(toHex(b.ciphertext));
  });

  it('interoperates with keys made by node:crypto directly', () => {
    const { publicKey, privateKey } = generateKeyPairSync('x25519');
    const pk = fromBase64Url(publicKey.export({ format: 'jwk' }).x ?? '');
    const sk = fromBase64Url(privateKey.export({ format: 'jwk' }).d ?? '');
    if (!pk || !sk) throw new Error('node:crypto exported an unexpected JWK');
    const sealed = seal(pk, RELAY_INFO, EMPTY, ascii('hello'));
    expect(new TextDecoder().decode(open(sk, sealed.enc, RELAY_INFO, EMPTY, sealed.ciphertext))).toBe('hello');
  });
});

describe('failures are typed and never return plaintext', () => {
  const recipient = generateKeyPair();
  const message = ascii('{"code":"123456"}');
  const sealed = seal(recipient.publicKey, RELAY_INFO, EMPTY, message);

  function openError(run: () => unknown): HpkeError {
    try {
      run();
    } catch (error) {
      if (error instanceof HpkeError) return error;
      throw error;
    }
    throw new Error('expected an HpkeError');
  }

  it('refuses another private key', () => {
    const other = generateKeyPair();
    const error = openError(() => open(other.privateKey, sealed.enc, RELAY_INFO, EMPTY, sealed.ciphertext));
    expect(error.code).toBe('HPKE_OPEN_FAILED');
    expect(error.message).not.toContain(toHex(other.privateKey));
  });

  it('refuses every single flipped bit of enc and ciphertext', () => {
    for (const [field, bytes] of [
      ['enc', sealed.enc],
      ['ciphertext', sealed.ciphertext],
    ] as const) {
      for (let i = 0; i < bytes.length; i++) {
        const altered = Uint8Array.from(bytes);
        altered[i] = (altered[i] ?? 0) ^ (1 << (i % 8));
        const enc = field === 'enc' ? altered : sealed.enc;
        const ciphertext = field === 'ciphertext' ? altered : sealed.ciphertext;
        expect(openError(() => open(recipient.privateKey, enc, RELAY_INFO, EMPTY, ciphertext)).code).toBe(
          'HPKE_OPEN_FAILED',
        );
      }
    }
  });

  it('refuses a different info, AAD or AEAD, and truncated input', () => {
    const cases: (() => unknown)[] = [
      () => open(recipient.privateKey, sealed.enc, ascii('latchkey-relay-v2'), EMPTY, sealed.ciphertext),
      () => open(recipient.privateKey, sealed.enc, RELAY_INFO, ascii('x'), sealed.ciphertext),
      () => open(recipient.privateKey, sealed.enc, RELAY_INFO, EMPTY, sealed.ciphertext, { aead: 'aes-128-gcm' }),
      () => open(recipient.privateKey, sealed.enc, RELAY_INFO, EMPTY, sealed.ciphertext.subarray(0, 15)),
      () => open(recipient.privateKey, sealed.enc, RELAY_INFO, EMPTY, sealed.ciphertext.subarray(1)),
      () => open(recipient.privateKey, sealed.enc.subarray(1), RELAY_INFO, EMPTY, sealed.ciphertext),
    ];
    for (const run of cases) expect(openError(run).code).toBe('HPKE_OPEN_FAILED');
  });

  // Low-order X25519 points (0, 1, an order-8 point, p-1): a DH with any of them yields all zeros.
  const lowOrder = [
    '0000000000000000000000000000000000000000000000000000000000000000',
    '0100000000000000000000000000000000000000000000000000000000000000',
    'e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800',
    'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
  ];

  it('refuses all-zero and low-order recipient public keys when sealing', () => {
    for (const point of lowOrder) {
      const error = openError(() => seal(hex(point), RELAY_INFO, EMPTY, message));
      expect(error.code).toBe('HPKE_INVALID_KEY');
      expect(error.details[0]?.path).toBe('publicKey');
    }
  });

  it('refuses a low-order enc when opening', () => {
    for (const point of lowOrder) {
      const error = openError(() => open(recipient.privateKey, hex(point), RELAY_INFO, EMPTY, sealed.ciphertext));
      expect(error.code).toBe('HPKE_OPEN_FAILED');
    }
  });

  it('refuses keys of the wrong length', () => {
    expect(openError(() => seal(new Uint8Array(31), RELAY_INFO, EMPTY, message)).code).toBe('HPKE_INVALID_KEY');
    expect(openError(() => open(new Uint8Array(33), sealed.enc, RELAY_INFO, EMPTY, sealed.ciphertext)).code).toBe(
      'HPKE_INVALID_KEY',
    );
  });
});

describe('base64url', () => {
  it('round-trips keys and refuses non-canonical text', () => {
    const key = generateKeyPair().publicKey;
    const text = toBase64Url(key);
    expect(text).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(toHex(fromBase64Url(text) ?? EMPTY)).toBe(toHex(key));
    expect(fromBase64Url(`${text}=`)).toBeUndefined();
    expect(fromBase64Url(text.replace(/.$/, '+'))).toBeUndefined();
    expect(fromBase64Url('A')).toBeUndefined();
    expect(fromBase64Url('AA')).toEqual(Uint8Array.of(0));
    // 'AB' would decode to the same byte with a stray low bit set: two spellings of one value are refused.
    expect(fromBase64Url('AB')).toBeUndefined();
  });
});
