// Unit tests of keyed hashes.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createKeyedHasher } from './keyed-hash.js';

describe('keyed hashes', () => {
  it('are stable per key and purpose, and differ across keys and purposes', () => {
    const key = randomBytes(32);
    const a = createKeyedHasher(key);
    expect(a.hash('phone', '+15551234567')).toBe(createKeyedHasher(key).hash('phone', '+15551234567'));
    expect(a.hash('phone', '+15551234567')).toMatch(/^kh1:[0-9a-f]{64}$/);
    expect(a.hash('phone', '+15551234567')).not.toBe(a.hash('email', '+15551234567'));
    expect(a.hash('phone', '+15551234567')).not.toBe(createKeyedHasher(randomBytes(32)).hash('phone', '+15551234567'));
  });
});
