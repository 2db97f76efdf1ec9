// Unit tests of the cross-field rules of vault item input.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../core/app-error.js';
import { checkItemInput, ITEM_NAME, type VaultItemInput } from './item-input.js';

function refusal(input: VaultItemInput): { path: string | undefined; message: string } {
  try {
    checkItemInput(input);
  } catch (err) {
    if (err instanceof AppError) return { path: err.details[0]?.path, message: err.message };
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('checkItemInput', () => {
  it('accepts each type with what it needs, trimming backup codes', () => {
    expect(checkItemInput({ type: 'login' })).toEqual({ url: null, backupCodes: [] });
    expect(checkItemInput({ type: 'totp', totp: { secret: 'x' } }).url).toBeNull();
    expect(checkItemInput({ type: 'secret', fields: { api_key: 'k' } }).backupCodes).toEqual([]);
    expect(
      checkItemInput({ type: 'login', url: 'https://example.com/a?b=c', backupCodes: [' 12 34 ', 'abcd'] }),
    ).toEqual({ url: 'https://example.com/a?b=c', backupCodes: ['12 34', 'abcd'] });
  });

  it('names the field of each refusal', () => {
    expect(refusal({ type: 'totp' }).path).toBe('totp');
    expect(refusal({ type: 'secret', totp: {} }).path).toBe('totp');
    expect(refusal({ type: 'secret', username: 'u' }).path).toBe('password');
    expect(refusal({ type: 'login', url: '/relative' }).path).toBe('url');
    expect(refusal({ type: 'login', url: 'https://u:p@example.com' }).path).toBe('url');
    expect(refusal({ type: 'login', url: 'https://u@example.com' }).path).toBe('url');
    expect(refusal({ type: 'login', backupCodes: ['a', ' '] }).path).toBe('backupCodes.1');
    expect(refusal({ type: 'login', backupCodes: ['a', 'b', 'a '] }).path).toBe('backupCodes.2');
    expect(refusal({ type: 'login', backupCodes: Array.from({ length: 101 }, (_, i) => `c${i}`) }).path).toBe(
      'backupCodes',
    );
    expect(
      refusal({ type: 'login', fields: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`f${i}`, 'v'])) }).path,
    ).toBe('fields');
  });

  it('refuses a field name that is not an identifier without repeating it', () => {
    const name = 'JBSWY3DPEHPK3PXPJBSWY3DP';
    const { path, message } = refusal({ type: 'login', fields: { [`${name} `]: 'v' } });
    expect(path).toBe('fields');
    expect(message).not.toContain(name);
  });
});

describe('ITEM_NAME', () => {
  it('allows URL- and shell-safe names and refuses the rest', () => {
    for (const ok of ['github', 'GitHub.com', 'aws_prod-1', 'bot@example.com', 'a+b', 'x'.repeat(128)]) {
      expect(ITEM_NAME.test(ok), ok).toBe(true);
    }
    for (const bad of ['', '-x', '.hidden', 'a b', 'a/b', 'x'.repeat(129), 'ünï', 'a%2Fb']) {
      expect(ITEM_NAME.test(bad), bad).toBe(false);
    }
  });
});
