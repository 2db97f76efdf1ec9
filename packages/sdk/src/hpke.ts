// HPKE (RFC 9180) base mode, single-shot: DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-GCM, on node:crypto only.
import {
  createCipheriv,
  createDecipheriv,
  createHmac,
  createPrivateKey,
  createPublicKey,
  diffieHellman,
  generateKeyPairSync,
  type KeyObject,
} from 'node:crypto';

/** AEADs this implementation speaks; the relay's product suite uses `aes-256-gcm`. */
export type HpkeAead = 'aes-128-gcm' | 'aes-256-gcm';

/** An X25519 key pair as raw 32-byte strings (RFC 7748 encoding), the form HPKE serialises keys in. */
export interface HpkeKeyPair {
  publicKey: Uint8Array;
  privateKey: Uint8Array;
}

/** Options shared by {@link seal} and {@link open}. */
export interface HpkeOptions {
  /** Defaults to `aes-256-gcm`. */
  aead?: HpkeAead;
  /** Fixed ephemeral key pair for known-answer tests; production code must leave it unset. */
  ephemeral?: HpkeKeyPair;
}

/** Why an HPKE operation failed; the code is stable, the message never carries key material. */
export type HpkeErrorCode = 'HPKE_INVALID_KEY' | 'HPKE_OPEN_FAILED';

/** Thrown by every HPKE function on failure; no function here returns partial or unauthenticated output. */
export class HpkeError extends Error {
  override readonly name = 'HpkeError';
  readonly code: HpkeErrorCode;
  readonly details: { path: string; message: string }[];

  constructor(code: HpkeErrorCode, path: string, message: string) {
    super(message);
    this.code = code;
    this.details = [{ path, message }];
  }
}

/** The values a base-mode sender derives, exposed for RFC 9180 known-answer tests (not re-exported by the SDK). */
export interface HpkeSenderContext {
  enc: Uint8Array;
  sharedSecret: Uint8Array;
  keyScheduleContext: Uint8Array;
  secret: Uint8Array;
  key: Uint8Array;
  baseNonce: Uint8Array;
  exporterSecret: Uint8Array;
}

const MODE_BASE = 0x00;
const KEM_ID = 0x0020;
const KDF_ID = 0x0001;
const AEAD_IDS: Record<HpkeAead, number> = { 'aes-128-gcm': 0x0001, 'aes-256-gcm': 0x0002 };
const KEY_LENGTHS: Record<HpkeAead, number> = { 'aes-128-gcm': 16, 'aes-256-gcm': 32 };
const NONCE_LENGTH = 12;
const TAG_LENGTH = 16;
const HASH_LENGTH = 32;
const X25519_LENGTH = 32;

// Fixed DER headers that wrap a raw X25519 key (RFC 8410): node:crypto imports keys as KeyObjects, not raw bytes.
const PKCS8_X25519_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');
const SPKI_X25519_PREFIX = Buffer.from('302a300506032b656e032100', 'hex');

const encoder = new TextEncoder();
const VERSION_LABEL = encoder.encode('HPKE-v1');

/** Creates a fresh X25519 key pair for a relay request; the private key never leaves the caller. */
export function generateKeyPair(): HpkeKeyPair {
  const { privateKey } = generateKeyPairSync('x25519');
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  const raw = new Uint8Array(der.subarray(PKCS8_X25519_PREFIX.length));
  return { privateKey: raw, publicKey: publicKeyFromPrivate(raw) };
}

/**
 * Encrypts `plaintext` to `recipientPublicKey` (HPKE base mode, sequence number 0) and returns the encapsulated key
 * and the AEAD ciphertext (with its 16-byte tag). Throws {@link HpkeError} `HPKE_INVALID_KEY` for a malformed or
 * low-order recipient key.
 */
export function seal(
  recipientPublicKey: Uint8Array,
  info: Uint8Array,
  aad: Uint8Array,
  plaintext: Uint8Array,
  opts: HpkeOptions = {},
): { enc: Uint8Array; ciphertext: Uint8Array } {
  const aead = opts.aead ?? 'aes-256-gcm';
  const context = setupBaseSender(recipientPublicKey, info, opts);
  const cipher = createCipheriv(aead, context.key, context.baseNonce, { authTagLength: TAG_LENGTH });
  cipher.setAAD(aad);
  const body = Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  wipe(context.sharedSecret, context.secret, context.key, context.exporterSecret);
  return { enc: context.enc, ciphertext: new Uint8Array(body) };
}

/**
 * Decrypts what {@link seal} produced. Any failure (wrong key, altered `enc`, ciphertext, `info` or `aad`, wrong AEAD)
 * throws {@link HpkeError} `HPKE_OPEN_FAILED`; the causes are deliberately not told apart.
 */
export function open(
  recipientPrivateKey: Uint8Array,
  enc: Uint8Array,
  info: Uint8Array,
  aad: Uint8Array,
  ciphertext: Uint8Array,
  opts: Pick<HpkeOptions, 'aead'> = {},
): Uint8Array {
  const aead = opts.aead ?? 'aes-256-gcm';
  requireLength(recipientPrivateKey, X25519_LENGTH, 'privateKey', 'the private key must be 32 bytes');
  if (enc.length !== X25519_LENGTH || ciphertext.length < TAG_LENGTH) {
    throw new HpkeError('HPKE_OPEN_FAILED', 'ciphertext', 'the sealed payload could not be opened');
  }
  let dh: Uint8Array;
  try {
    dh = x25519(recipientPrivateKey, enc);
  } catch {
    throw new HpkeError('HPKE_OPEN_FAILED', 'ciphertext', 'the sealed payload could not be opened');
  }
  const pkRm = publicKeyFromPrivate(recipientPrivateKey);
  const sharedSecret = extractAndExpand(dh, concat(enc, pkRm));
  const schedule = keySchedule(aead, sharedSecret, info);
  try {
    const decipher = createDecipheriv(aead, schedule.key, schedule.baseNonce, { authTagLength: TAG_LENGTH });
    decipher.setAAD(aad);
    decipher.setAuthTag(ciphertext.subarray(ciphertext.length - TAG_LENGTH));
    const head = decipher.update(ciphertext.subarray(0, ciphertext.length - TAG_LENGTH));
    // final() authenticates; nothing decrypted is returned unless it succeeds.
    return new Uint8Array(Buffer.concat([head, decipher.final()]));
  } catch {
    throw new HpkeError('HPKE_OPEN_FAILED', 'ciphertext', 'the sealed payload could not be opened');
  } finally {
    wipe(dh, sharedSecret, schedule.secret, schedule.key, schedule.exporterSecret);
  }
}

/**
 * SetupBaseS (RFC 9180 §5.1.1) with every intermediate value returned, so tests can check the key schedule against the
 * RFC's vectors. Not part of the SDK's public surface.
 */
export function setupBaseSender(
  recipientPublicKey: Uint8Array,
  info: Uint8Array,
  opts: HpkeOptions = {},
): HpkeSenderContext {
  const aead = opts.aead ?? 'aes-256-gcm';
  requireLength(recipientPublicKey, X25519_LENGTH, 'publicKey', 'the public key must be 32 bytes');
  const ephemeral = opts.ephemeral ?? generateKeyPair();
  let dh: Uint8Array;
  try {
    dh = x25519(ephemeral.privateKey, recipientPublicKey);
  } catch {
    throw new HpkeError('HPKE_INVALID_KEY', 'publicKey', 'the public key is not a usable X25519 key');
  }
  const enc = publicKeyFromPrivate(ephemeral.privateKey);
  const sharedSecret = extractAndExpand(dh, concat(enc, recipientPublicKey));
  wipe(dh);
  return { enc, sharedSecret, ...keySchedule(aead, sharedSecret, info) };
}

/** X25519 with the all-zero output check RFC 9180 §7.1.4 requires (it catches low-order public keys). */
function x25519(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  const out = new Uint8Array(
    diffieHellman({ privateKey: privateKeyObject(privateKey), publicKey: publicKeyObject(publicKey) }),
  );
  // OpenSSL already refuses an all-zero result; checking again here keeps the guarantee independent of the library.
  let acc = 0;
  for (const byte of out) acc |= byte;
  if (acc === 0) throw new Error('all-zero shared secret');
  return out;
}

function privateKeyObject(raw: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_X25519_PREFIX, raw]), format: 'der', type: 'pkcs8' });
}

function publicKeyObject(raw: Uint8Array): KeyObject {
  return createPublicKey({ key: Buffer.concat([SPKI_X25519_PREFIX, raw]), format: 'der', type: 'spki' });
}

function publicKeyFromPrivate(raw: Uint8Array): Uint8Array {
  const der = createPublicKey(privateKeyObject(raw)).export({ format: 'der', type: 'spki' });
  return new Uint8Array(der.subarray(SPKI_X25519_PREFIX.length));
}

/** DHKEM ExtractAndExpand (RFC 9180 §4.1). */
function extractAndExpand(dh: Uint8Array, kemContext: Uint8Array): Uint8Array {
  const suite = concat(encoder.encode('KEM'), i2osp(KEM_ID, 2));
  const eaePrk = labeledExtract(suite, new Uint8Array(0), 'eae_prk', dh);
  return labeledExpand(suite, eaePrk, 'shared_secret', kemContext, HASH_LENGTH);
}

/** KeySchedule for mode_base (RFC 9180 §5.1): empty psk and psk_id. */
function keySchedule(aead: HpkeAead, sharedSecret: Uint8Array, info: Uint8Array) {
  const suite = concat(encoder.encode('HPKE'), i2osp(KEM_ID, 2), i2osp(KDF_ID, 2), i2osp(AEAD_IDS[aead], 2));
  const empty = new Uint8Array(0);
  const pskIdHash = labeledExtract(suite, empty, 'psk_id_hash', empty);
  const infoHash = labeledExtract(suite, empty, 'info_hash', info);
  const keyScheduleContext = concat(Uint8Array.of(MODE_BASE), pskIdHash, infoHash);
  const secret = labeledExtract(suite, sharedSecret, 'secret', empty);
  return {
    keyScheduleContext,
    secret,
    key: labeledExpand(suite, secret, 'key', keyScheduleContext, KEY_LENGTHS[aead]),
    baseNonce: labeledExpand(suite, secret, 'base_nonce', keyScheduleContext, NONCE_LENGTH),
    exporterSecret: labeledExpand(suite, secret, 'exp', keyScheduleContext, HASH_LENGTH),
  };
}

function labeledExtract(suite: Uint8Array, salt: Uint8Array, label: string, ikm: Uint8Array): Uint8Array {
  return hkdfExtract(salt, concat(VERSION_LABEL, suite, encoder.encode(label), ikm));
}

function labeledExpand(
  suite: Uint8Array,
  prk: Uint8Array,
  label: string,
  info: Uint8Array,
  length: number,
): Uint8Array {
  return hkdfExpand(prk, concat(i2osp(length, 2), VERSION_LABEL, suite, encoder.encode(label), info), length);
}

/** HKDF-Extract (RFC 5869 §2.2); an empty salt means HashLen zero bytes. */
function hkdfExtract(salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  const key = salt.length === 0 ? new Uint8Array(HASH_LENGTH) : salt;
  return new Uint8Array(createHmac('sha256', key).update(ikm).digest());
}

/** HKDF-Expand (RFC 5869 §2.3). */
function hkdfExpand(prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let previous = new Uint8Array(0);
  for (let offset = 0, counter = 1; offset < length; counter++) {
    previous = new Uint8Array(
      createHmac('sha256', prk).update(previous).update(info).update(Uint8Array.of(counter)).digest(),
    );
    out.set(previous.subarray(0, Math.min(previous.length, length - offset)), offset);
    offset += previous.length;
  }
  return out;
}

function i2osp(value: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = length - 1, v = value; i >= 0; i--, v = Math.floor(v / 256)) out[i] = v & 0xff;
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function requireLength(bytes: Uint8Array, length: number, path: string, message: string): void {
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) throw new HpkeError('HPKE_INVALID_KEY', path, message);
}

/** Best effort: JavaScript cannot promise that no copy survives, but buffers we own need not linger with secrets. */
function wipe(...buffers: Uint8Array[]): void {
  for (const buffer of buffers) buffer.fill(0);
}
