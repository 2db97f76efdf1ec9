// Unit tests of what vault items seal: round trips, binding to the item and field, and typed failures.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../core/app-error.js';
import { createEnvelope } from '../../crypto/envelope.js';
import { Keyring } from '../../crypto/keyring.js';
import { createOtpParams } from '../totp/index.js';
import {
  openBackupCodes,
  openOtp,
  openSecrets,
  sealBackupCodes,
  sealOtp,
  sealSecrets,
  vaultContext,
} from './vault-sealing.js';

const envelope = createEnvelope(() => ring);
const ring = Keyring.generate();
const itemA = { orgId: 'org_a', agentId: 'agt_a', id: 'itm_a' };
const itemB = { orgId: 'org_a', agentId: 'agt_a', id: 'itm_b' };

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    return err instanceof AppError ? err.code : `not an AppError: ${String(err)}`;
  }
  return 'no error';
}

describe('vault sealing', () => {
  it('round-trips secrets, OTP credentials and backup codes', () => {
    const { dataKey } = envelope.newDataKey(vaultContext(itemA));
    const secrets = { username: 'u', password: 'p', notes: 'n', fields: { pin: '1' } };
    expect(openSecrets(dataKey, sealSecrets(dataKey, secrets))).toEqual(secrets);
    expect(sealSecrets(dataKey, {})).toBeNull();
    expect(openSecrets(dataKey, null)).toEqual({});
    const params = createOtpParams({
      kind: 'totp',
      secret: randomBytes(20),
      algorithm: 'SHA512',
      digits: 8,
      period: 45,
      issuer: 'Ex',
    });
    const opened = openOtp(dataKey, sealOtp(dataKey, params));
    expect(opened.secret.equals(params.secret)).toBe(true);
    expect(opened).toMatchObject({ kind: 'totp', algorithm: 'SHA512', digits: 8, period: 45 });
    const hotp = createOtpParams({
      kind: 'hotp',
      secret: randomBytes(20),
      algorithm: 'SHA1',
      digits: 6,
      period: 30,
      counter: 3,
    });
    expect(openOtp(dataKey, sealOtp(dataKey, hotp), 99).counter).toBe(99);
    expect(openBackupCodes(dataKey, sealBackupCodes(dataKey, ['a', 'b']))).toEqual(['a', 'b']);
  });

  it('refuses a ciphertext under another item, another field, or tampered, with a typed error', () => {
    const a = envelope.newDataKey(vaultContext(itemA)).dataKey;
    const b = envelope.newDataKey(vaultContext(itemB)).dataKey;
    const sealed = sealSecrets(a, { password: 'p' });
    if (!sealed) throw new Error('sealed');
    expect(codeOf(() => openSecrets(b, sealed))).toBe('CIPHERTEXT_INVALID');
    // Same key and item, wrong field: the associated data names the field.
    expect(codeOf(() => openBackupCodes(a, sealed))).toBe('CIPHERTEXT_INVALID');
    for (let i = 0; i < sealed.length; i++) {
      const flipped = Buffer.from(sealed);
      flipped[i] = (flipped[i] ?? 0) ^ 0x01;
      expect(
        codeOf(() => openSecrets(a, flipped)),
        `byte ${i}`,
      ).toBe('CIPHERTEXT_INVALID');
    }
    for (const tag of [12, 8, 4]) {
      expect(codeOf(() => openSecrets(a, sealed.subarray(0, sealed.length - (16 - tag))))).toBe('CIPHERTEXT_INVALID');
    }
    for (let n = 0; n < 200; n++) {
      const junk = randomBytes(n % 80);
      expect(codeOf(() => openOtp(a, junk))).toBe('CIPHERTEXT_INVALID');
    }
  });

  it('refuses a well-sealed value that is not what the field holds', () => {
    const { dataKey } = envelope.newDataKey(vaultContext(itemA));
    expect(codeOf(() => openOtp(dataKey, dataKey.seal('otp', 'not json')))).toBe('CIPHERTEXT_INVALID');
    expect(codeOf(() => openOtp(dataKey, dataKey.seal('otp', JSON.stringify({ v: 1, seed: 'AA==' }))))).toBe(
      'CIPHERTEXT_INVALID',
    );
    const short = { v: 1, kind: 'totp', algorithm: 'SHA1', digits: 6, period: 30, seed: 'AAAA' };
    expect(codeOf(() => openOtp(dataKey, dataKey.seal('otp', JSON.stringify(short))))).toBe('CIPHERTEXT_INVALID');
    expect(codeOf(() => openBackupCodes(dataKey, dataKey.seal('backupCodes', '[1,2]')))).toBe('CIPHERTEXT_INVALID');
  });
});
