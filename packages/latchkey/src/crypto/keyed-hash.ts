// Keyed hashes of sensitive identifiers (phone numbers, addresses, codes) for audit records and lookups:
// stable for equality, useless to anyone without the store's hash key.
import { createHmac } from 'node:crypto';

/** Computes `kh1:<hex>` = HMAC-SHA256(storeHashKey, purpose || 0 || value). */
export interface KeyedHasher {
  hash(purpose: string, value: string): string;
}

/** Builds a hasher over the store's hash key (32 random bytes kept wrapped in the store). */
export function createKeyedHasher(key: Buffer): KeyedHasher {
  const own = Buffer.from(key);
  return {
    hash(purpose, value) {
      return `kh1:${createHmac('sha256', own).update(purpose).update('\0').update(value, 'utf8').digest('hex')}`;
    },
  };
}
