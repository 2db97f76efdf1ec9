// Unit tests of the master keyring and envelope encryption.
import { randomBytes } from 'node:crypto';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { AppError } from '../core/app-error.js';
import { createEnvelope } from './envelope.js';
import { Keyring, MasterKeyError, WRAPPED_KEY_LENGTH, wrappedKeyVersion } from './keyring.js';

const b64 = () => randomBytes(32).toString('base64');

describe('Keyring.parse', () => {
  it('reads a single key as version 1 and a versioned list with the first as primary', () => {
    expect(Keyring.parse(b64(), 'LATCHKEY_MASTER_KEY').versions).toEqual([1]);
    const ring = Keyring.parse(` 2:${b64()} , 1:${b64()} `, 'LATCHKEY_MASTER_KEY');
    expect(ring.primaryVersion).toBe(2);
    expect(ring.versions).toEqual([2, 1]);
  });

  it('refuses bad input with a message naming the variable and never the key', () => {
    const short = randomBytes(16).toString('base64');
    for (const bad of ['', 'not base64!', short, `1:${b64()},1:${b64()}`, `${b64()},${b64()}`, `0:${b64()}`]) {
      let error: unknown;
      try {
        Keyring.parse(bad, 'LATCHKEY_MASTER_KEY_FILE');
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(MasterKeyError);
      expect((error as Error).message).toContain('LATCHKEY_MASTER_KEY_FILE');
      if (bad.length > 8) expect((error as Error).message).not.toContain(bad.slice(2, 30));
    }
  });

  it('serialises back to the same keys, and never prints them', () => {
    const ring = Keyring.parse(`3:${b64()},1:${b64()}`, 'LATCHKEY_MASTER_KEY');
    const again = Keyring.parse(ring.serialize(), 'LATCHKEY_MASTER_KEY');
    expect(again.matchesCheck(3, ring.checkValue(3))).toBe(true);
    expect(again.matchesCheck(1, ring.checkValue(1))).toBe(true);
    expect(inspect(ring)).not.toContain(ring.serialize().slice(2, 20));
    expect(JSON.stringify({ ring })).not.toContain(ring.serialize().slice(2, 20));
  });

  it('tells a wrong key by its check value', () => {
    const a = Keyring.generate();
    const b = Keyring.generate();
    expect(a.matchesCheck(1, a.checkValue(1))).toBe(true);
    expect(b.matchesCheck(1, a.checkValue(1))).toBe(false);
    expect(a.matchesCheck(2, a.checkValue(1))).toBe(false);
  });
});

describe('envelope', () => {
  const ctx = { scope: 'vault', orgId: 'org_1', ownerId: 'agt_1', objectId: 'itm_1' };

  it('encrypts fields with a per-object data key wrapped by the primary version', () => {
    const ring = Keyring.generate();
    const env = createEnvelope(() => ring);
    const { dataKey, wrapped } = env.newDataKey(ctx);
    expect(wrapped.length).toBe(WRAPPED_KEY_LENGTH);
    expect(wrappedKeyVersion(wrapped)).toBe(1);
    const sealed = dataKey.seal('password', 'hunter2');
    expect(sealed.includes(Buffer.from('hunter2'))).toBe(false);
    const reopened = env.openDataKey(wrapped, ctx);
    expect(reopened.openText('password', sealed)).toBe('hunter2');
    expect(inspect(dataKey)).not.toMatch(/[0-9a-f]{32}/);
  });

  it('refuses a ciphertext moved to another field, object, owner or org', () => {
    const ring = Keyring.generate();
    const env = createEnvelope(() => ring);
    const { dataKey, wrapped } = env.newDataKey(ctx);
    const sealed = dataKey.seal('password', 'hunter2');
    expect(() => dataKey.open('username', sealed)).toThrow(AppError);
    for (const moved of [{ objectId: 'itm_2' }, { ownerId: 'agt_2' }, { orgId: 'org_2' }, { scope: 'message' }]) {
      expect(() => env.openDataKey(wrapped, { ...ctx, ...moved })).toThrow(AppError);
    }
    const other = env.newDataKey({ ...ctx, objectId: 'itm_2' });
    expect(() => other.dataKey.open('password', sealed)).toThrow(AppError);
  });

  it('gives a typed error for any flipped byte, truncated tag or garbage', () => {
    const ring = Keyring.generate();
    const env = createEnvelope(() => ring);
    const { dataKey, wrapped } = env.newDataKey(ctx);
    const sealed = dataKey.seal('secret', 'x'.repeat(20));
    for (let i = 0; i < sealed.length; i++) {
      const copy = Buffer.from(sealed);
      copy[i] = (copy[i] ?? 0) ^ 0x01;
      expect(() => dataKey.open('secret', copy)).toThrow(AppError);
    }
    for (let i = 0; i < wrapped.length; i++) {
      const copy = Buffer.from(wrapped);
      copy[i] = (copy[i] ?? 0) ^ 0x80;
      expect(() => env.openDataKey(copy, ctx)).toThrow(AppError);
    }
    for (const cut of [4, 8, 12]) {
      expect(() => dataKey.open('secret', sealed.subarray(0, sealed.length - (16 - cut)))).toThrow(AppError);
    }
    for (let i = 0; i < 200; i++) {
      const junk = randomBytes(i);
      expect(() => dataKey.open('secret', junk)).toThrow(AppError);
      expect(() => env.openDataKey(junk, ctx)).toThrow(AppError);
    }
  });

  it('rewraps under a new primary version and reads both', () => {
    let ring = Keyring.generate();
    const env = createEnvelope(() => ring);
    const { dataKey, wrapped } = env.newDataKey(ctx);
    const sealed = dataKey.seal('f', 'value');
    ring = ring.withNewPrimary();
    expect(env.openDataKey(wrapped, ctx).openText('f', sealed)).toBe('value');
    const rewrapped = env.rewrap(wrapped, ctx);
    expect(rewrapped && wrappedKeyVersion(rewrapped)).toBe(2);
    expect(env.rewrap(rewrapped ?? Buffer.alloc(0), ctx)).toBeNull();
    ring = ring.without(1);
    expect(env.openDataKey(rewrapped ?? Buffer.alloc(0), ctx).openText('f', sealed)).toBe('value');
    expect(() => env.openDataKey(wrapped, ctx)).toThrow(/version 1/);
  });
});
