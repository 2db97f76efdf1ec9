// The versioned master key (SPEC §4). Key bytes never leave this file: callers get wrap/unwrap/check operations.
import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { inspect } from 'node:util';
import { cryptoError } from './crypto-errors.js';

/** Where a master key came from, named in every error so the operator knows what to fix. */
export type KeySource = 'LATCHKEY_MASTER_KEY' | 'LATCHKEY_MASTER_KEY_FILE' | 'generated key file';

/** Thrown while loading a master key; the message names the variable and never contains key material. */
export class MasterKeyError extends Error {
  override readonly name = 'MasterKeyError';
}

const WRAP_MAGIC = Buffer.from('LKW1', 'ascii');
const NONCE = 12;
const TAG = 16;
const KEY = 32;
/** magic | version u32 | nonce | wrapped 32-byte key | tag */
export const WRAPPED_KEY_LENGTH = 4 + 4 + NONCE + KEY + TAG;
const CHECK_LABEL = 'latchkey/master-key-check/v1';

/**
 * Master key versions; the primary one wraps new data keys, all of them unwrap.
 * Immutable: rotation builds a new Keyring with `withNewPrimary`.
 */
export class Keyring {
  readonly #keys: Map<number, Buffer>;
  readonly primaryVersion: number;

  private constructor(keys: Map<number, Buffer>, primaryVersion: number) {
    this.#keys = keys;
    this.primaryVersion = primaryVersion;
  }

  /**
   * Parses `base64` (version 1) or a versioned list `"2:base64,1:base64"` whose first entry is primary.
   * @throws MasterKeyError naming `source` when the text is not a valid key or list.
   */
  static parse(spec: string, source: KeySource): Keyring {
    const entries = spec
      .trim()
      .split(',')
      .map((e) => e.trim())
      .filter((e) => e.length > 0);
    if (entries.length === 0) throw new MasterKeyError(`${source} is empty.`);
    const keys = new Map<number, Buffer>();
    let primary = 0;
    for (const entry of entries) {
      const match = /^(?:(\d{1,6}):)?([A-Za-z0-9+/_-]+={0,2})$/.exec(entry);
      if (!match?.[2]) {
        throw new MasterKeyError(`${source} must be base64 of 32 bytes, or a list like "2:<base64>,1:<base64>".`);
      }
      if (match[1] === undefined && entries.length > 1) {
        throw new MasterKeyError(`${source}: every entry of a key list needs a version, like "2:<base64>".`);
      }
      const version = match[1] === undefined ? 1 : Number(match[1]);
      const key = Buffer.from(match[2].replace(/-/g, '+').replace(/_/g, '/'), 'base64');
      if (key.length !== KEY) throw new MasterKeyError(`${source}: key version ${version} is not 32 bytes.`);
      if (version < 1) throw new MasterKeyError(`${source}: key versions start at 1.`);
      if (keys.has(version)) throw new MasterKeyError(`${source}: key version ${version} appears twice.`);
      keys.set(version, key);
      if (primary === 0) primary = version;
    }
    return new Keyring(keys, primary);
  }

  /** A fresh keyring with one random version-1 key. */
  static generate(): Keyring {
    return new Keyring(new Map([[1, randomBytes(KEY)]]), 1);
  }

  /** A keyring with an added random version, one above the highest, as primary. */
  withNewPrimary(): Keyring {
    const version = Math.max(...this.#keys.keys()) + 1;
    const keys = new Map([[version, randomBytes(KEY)], ...this.#keys]);
    return new Keyring(keys, version);
  }

  /** A keyring without `version` (which must not be primary). */
  without(version: number): Keyring {
    if (version === this.primaryVersion) throw new MasterKeyError('The primary key version cannot be removed.');
    const keys = new Map(this.#keys);
    keys.delete(version);
    return new Keyring(keys, this.primaryVersion);
  }

  /** The versions held, primary first. */
  get versions(): number[] {
    return [
      this.primaryVersion,
      ...[...this.#keys.keys()].filter((v) => v !== this.primaryVersion).sort((a, b) => b - a),
    ];
  }

  /** Serialises to the versioned-list form, for writing a key file with mode 0600. */
  serialize(): string {
    return this.versions.map((v) => `${v}:${this.#key(v).toString('base64')}`).join(',');
  }

  /** A value that proves which key a store was made with, without revealing it (HMAC of a fixed label). */
  checkValue(version: number): Buffer {
    return createHmac('sha256', this.#key(version)).update(CHECK_LABEL).digest();
  }

  /** True when `stored` is this keyring's check value for `version`; false when the version is absent. */
  matchesCheck(version: number, stored: Uint8Array): boolean {
    if (!this.#keys.has(version)) return false;
    const mine = this.checkValue(version);
    return stored.length === mine.length && timingSafeEqual(mine, stored);
  }

  /** Wraps a 32-byte data key with the primary version; `aad` binds it to its owner. */
  wrap(dataKey: Buffer, aad: Buffer): Buffer {
    const version = this.primaryVersion;
    const header = Buffer.alloc(8);
    WRAP_MAGIC.copy(header, 0);
    header.writeUInt32BE(version, 4);
    const nonce = randomBytes(NONCE);
    const cipher = createCipheriv('aes-256-gcm', this.#key(version), nonce, { authTagLength: TAG });
    cipher.setAAD(Buffer.concat([header, aad]));
    const body = Buffer.concat([cipher.update(dataKey), cipher.final()]);
    return Buffer.concat([header, nonce, body, cipher.getAuthTag()]);
  }

  /** Unwraps a data key. @throws AppError CIPHERTEXT_INVALID or KEY_VERSION_UNKNOWN, never a partial key. */
  unwrap(wrapped: Uint8Array, aad: Buffer): Buffer {
    const blob = Buffer.from(wrapped.buffer, wrapped.byteOffset, wrapped.byteLength);
    if (blob.length !== WRAPPED_KEY_LENGTH || !blob.subarray(0, 4).equals(WRAP_MAGIC)) {
      throw cryptoError('CIPHERTEXT_INVALID');
    }
    const version = blob.readUInt32BE(4);
    const key = this.#keys.get(version);
    if (!key)
      throw cryptoError('KEY_VERSION_UNKNOWN', `Stored data names master key version ${version}, which is not loaded.`);
    const nonce = blob.subarray(8, 8 + NONCE);
    const body = blob.subarray(8 + NONCE, 8 + NONCE + KEY);
    const tag = blob.subarray(8 + NONCE + KEY);
    try {
      const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG });
      decipher.setAAD(Buffer.concat([blob.subarray(0, 8), aad]));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(body), decipher.final()]);
    } catch {
      throw cryptoError('CIPHERTEXT_INVALID');
    }
  }

  #key(version: number): Buffer {
    const key = this.#keys.get(version);
    if (!key) throw cryptoError('KEY_VERSION_UNKNOWN', `Master key version ${version} is not loaded.`);
    return key;
  }

  /** Keeps key bytes out of logs and REPL output. */
  [inspect.custom](): string {
    return `Keyring(primary=v${this.primaryVersion}, versions=${this.versions.join(',')})`;
  }

  toJSON(): string {
    return this[inspect.custom]();
  }
}

/** The master key version that wrapped `wrapped`, or null when the blob is not a wrapped key. */
export function wrappedKeyVersion(wrapped: Uint8Array): number | null {
  if (wrapped.length !== WRAPPED_KEY_LENGTH) return null;
  const blob = Buffer.from(wrapped.buffer, wrapped.byteOffset, wrapped.byteLength);
  return blob.subarray(0, 4).equals(WRAP_MAGIC) ? blob.readUInt32BE(4) : null;
}
