// Type tests of the vault and keys clients: results are typed, inputs are checked at compile time.
import { describe, expectTypeOf, it } from 'vitest';
import { Latchkey } from './client.js';
import type { KeyRotation, KeyringStatus, OtpCode, VaultItem, VaultSecrets } from './types.js';

const lk = new Latchkey({ apiKey: 'lk_agent_x' });

describe('lk.vault', () => {
  it('types store, get, list, delete and totp', () => {
    expectTypeOf(
      lk.vault.store('github', { type: 'login', username: 'u', totp: { secret: 'JBSWY3DP' } }),
    ).toEqualTypeOf<Promise<VaultItem>>();
    expectTypeOf(lk.vault.get('github')).toEqualTypeOf<Promise<{ item: VaultItem; secrets: VaultSecrets }>>();
    expectTypeOf(lk.vault.list()).toEqualTypeOf<Promise<{ items: VaultItem[]; nextCursor: string | null }>>();
    expectTypeOf(lk.vault.delete('github')).toEqualTypeOf<Promise<void>>();
    expectTypeOf(lk.vault.totp('github', { minValidSeconds: 5 })).toEqualTypeOf<Promise<OtpCode>>();
    expectTypeOf(lk.vault.verifyTotp('github', '123456')).toEqualTypeOf<Promise<boolean>>();
    expectTypeOf(lk.vault.consumeBackupCode('github')).toEqualTypeOf<Promise<{ code: string; remaining: number }>>();
  });

  it('narrows a code by kind', async () => {
    const code = await lk.vault.totp('github');
    if (code.kind === 'totp') expectTypeOf(code.remainingSeconds).toBeNumber();
    else expectTypeOf(code.counter).toBeNumber();
    // @ts-expect-error a TOTP item input needs one of uri, secret or qrImage with the right types
    lk.vault.store('x', { type: 'totp', totp: { secret: 42 } });
    // @ts-expect-error the seed is write-only: secrets carry no totp field
    expectTypeOf<VaultSecrets['totp']>().toBeUnknown();
  });
});

describe('lk.keys', () => {
  it('types status, rotate, rotation and retire', () => {
    expectTypeOf(lk.keys.status()).toEqualTypeOf<Promise<KeyringStatus>>();
    expectTypeOf(lk.keys.rotate({ addVersion: false })).toEqualTypeOf<Promise<KeyRotation>>();
    expectTypeOf(lk.keys.rotation()).toEqualTypeOf<Promise<KeyRotation | null>>();
    expectTypeOf(lk.keys.retire(1)).toEqualTypeOf<Promise<KeyringStatus>>();
  });
});
