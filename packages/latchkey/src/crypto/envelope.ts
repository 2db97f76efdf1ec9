// Envelope encryption (SPEC §4): a random data key per object, AES-256-GCM with 16-byte tags, the data key
// wrapped by the master keyring. Associated data binds every ciphertext to its scope, org, owner, object and
// field, so a ciphertext copied into another row, field or tenant does not decrypt.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { cryptoError } from './crypto-errors.js';
import { type Keyring, wrappedKeyVersion } from './keyring.js';

/** What a data key belongs to. `scope` names the kind of object (`vault`, `message`, `store`, …). */
export interface EnvelopeContext {
  scope: string;
  orgId: string;
  /** The agent (or other owner) the object belongs to; `-` for org-level objects. */
  ownerId: string;
  objectId: string;
}

const FIELD_MAGIC = Buffer.from('LKE1', 'ascii');
const NONCE = 12;
const TAG = 16;

/** An unwrapped data key bound to its context. Prints as a placeholder, never as bytes. */
export class DataKey {
  readonly #key: Buffer;
  readonly context: EnvelopeContext;

  constructor(key: Buffer, context: EnvelopeContext) {
    this.#key = key;
    this.context = context;
  }

  /** Encrypts one field: `LKE1 | nonce | ciphertext | tag`. */
  seal(field: string, plaintext: Uint8Array | string): Buffer {
    const nonce = randomBytes(NONCE);
    const cipher = createCipheriv('aes-256-gcm', this.#key, nonce, { authTagLength: TAG });
    cipher.setAAD(fieldAad(this.context, field));
    const data = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
    const body = Buffer.concat([cipher.update(data), cipher.final()]);
    return Buffer.concat([FIELD_MAGIC, nonce, body, cipher.getAuthTag()]);
  }

  /** Decrypts one field. @throws AppError CIPHERTEXT_INVALID for any tampering, truncation or wrong row. */
  open(field: string, sealed: Uint8Array): Buffer {
    const blob = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
    if (blob.length < 4 + NONCE + TAG || !blob.subarray(0, 4).equals(FIELD_MAGIC))
      throw cryptoError('CIPHERTEXT_INVALID');
    const nonce = blob.subarray(4, 4 + NONCE);
    const body = blob.subarray(4 + NONCE, blob.length - TAG);
    const tag = blob.subarray(blob.length - TAG);
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, nonce, { authTagLength: TAG });
      decipher.setAAD(fieldAad(this.context, field));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(body), decipher.final()]);
    } catch {
      throw cryptoError('CIPHERTEXT_INVALID');
    }
  }

  /**
   * A 32-byte secret derived from this data key for `purpose` (HKDF-SHA256). Used for store-level secrets
   * such as the keyed-hash key, so their bytes rotate with the data key that protects them.
   */
  deriveSecret(purpose: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.#key, Buffer.alloc(0), `latchkey/derive/v1\0${purpose}`, 32));
  }

  /** Decrypts a UTF-8 field. */
  openText(field: string, sealed: Uint8Array): string {
    return this.open(field, sealed).toString('utf8');
  }

  [inspect.custom](): string {
    return `DataKey(${this.context.scope}:${this.context.objectId})`;
  }

  toJSON(): string {
    return this[inspect.custom]();
  }
}

/** Source of the current keyring; rotation swaps it while the server runs. */
export type KeyringSource = () => Keyring;

/** The envelope operations services use; only crypto/ sees key bytes. */
export interface Envelope {
  /** A fresh data key for a new object, and its wrapped form to store. */
  newDataKey(context: EnvelopeContext): { dataKey: DataKey; wrapped: Buffer };
  /** Unwraps a stored data key. @throws AppError CIPHERTEXT_INVALID / KEY_VERSION_UNKNOWN. */
  openDataKey(wrapped: Uint8Array, context: EnvelopeContext): DataKey;
  /** Rewraps a stored data key under the primary version; null when it already uses it. */
  rewrap(wrapped: Uint8Array, context: EnvelopeContext): Buffer | null;
}

/** Builds the envelope over a keyring source. */
export function createEnvelope(keyring: KeyringSource): Envelope {
  return {
    newDataKey(context) {
      const key = randomBytes(32);
      return { dataKey: new DataKey(key, context), wrapped: keyring().wrap(key, wrapAad(context)) };
    },
    openDataKey(wrapped, context) {
      return new DataKey(keyring().unwrap(wrapped, wrapAad(context)), context);
    },
    rewrap(wrapped, context) {
      const ring = keyring();
      if (wrappedKeyVersion(wrapped) === ring.primaryVersion) return null;
      return ring.wrap(ring.unwrap(wrapped, wrapAad(context)), wrapAad(context));
    },
  };
}

function contextBytes(label: string, c: EnvelopeContext, field?: string): Buffer {
  // NUL separators cannot occur in ids or field names, so distinct contexts never encode alike.
  const parts = [label, c.scope, c.orgId, c.ownerId, c.objectId];
  if (field !== undefined) parts.push(field);
  return Buffer.from(parts.join('\0'), 'utf8');
}

function wrapAad(c: EnvelopeContext): Buffer {
  return contextBytes('latchkey/data-key/v1', c);
}

function fieldAad(c: EnvelopeContext, field: string): Buffer {
  return contextBytes('latchkey/field/v1', c, field);
}
