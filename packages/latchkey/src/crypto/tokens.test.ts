// Unit tests of ids and bearer tokens.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isId, newId } from './ids.js';
import {
  hashSecret,
  looksLikeToken,
  mintCaptureToken,
  mintToken,
  parseCaptureToken,
  parseToken,
  secretMatches,
} from './tokens.js';

describe('ids', () => {
  it('are prefixed, well-formed and ordered by time', () => {
    const a = newId('agt', 1_700_000_000_000);
    const b = newId('agt', 1_700_000_000_001);
    expect(a).toMatch(/^agt_[0-9a-z]{26}$/);
    expect(isId('agt', a)).toBe(true);
    expect(isId('key', a)).toBe(false);
    expect(a < b).toBe(true);
    expect(isId('agt', 'agt_ILLEGAL0000000000000000000')).toBe(false);
  });

  it('encode the given millisecond even when ids of another one come between', () => {
    const decode = (id: string) =>
      [...id.slice(4, 14)].reduce((n, c) => n * 32 + '0123456789abcdefghjkmnpqrstvwxyz'.indexOf(c), 0);
    for (const ms of [1_700_000_000_000, 1_700_000_000_000, 0, 1_700_000_000_001, 1_700_000_000_000]) {
      expect(decode(newId('evt', ms))).toBe(ms);
    }
  });

  it('draw their random part evenly from the whole alphabet, never repeating', () => {
    const ids = Array.from({ length: 4096 }, () => newId('req', 1_700_000_000_000));
    expect(new Set(ids).size).toBe(ids.length);
    const counts = new Map<string, number>();
    for (const id of ids) for (const c of id.slice(14)) counts.set(c, (counts.get(c) ?? 0) + 1);
    // 65,536 characters over 32 symbols: 2,048 each on average; a biased mapping would be far off.
    expect(counts.size).toBe(32);
    for (const n of counts.values()) expect(Math.abs(n - 2048)).toBeLessThan(300);
  });
});

describe('tokens', () => {
  it('round-trip through parse and verify against the stored hash only', () => {
    const id = newId('key');
    const { token, secretHash } = mintToken('agent', id);
    expect(token).toMatch(/^lk_agent_key_[0-9a-z]{26}_[0-9a-z]{52}$/);
    const parsed = parseToken(token);
    expect(parsed?.kind).toBe('agent');
    expect(parsed?.id).toBe(id);
    expect(secretMatches(parsed?.secret ?? '', secretHash)).toBe(true);
    const secret = parsed?.secret ?? '';
    const altered = `${secret.slice(0, -1)}${secret.endsWith('0') ? '1' : '0'}`;
    expect(secretMatches(altered, secretHash)).toBe(false);
    expect(secretHash.equals(hashSecret(parsed?.secret ?? ''))).toBe(true);
    expect(secretHash.toString('hex')).not.toContain(parsed?.secret ?? 'x');
  });

  it('store the secret as its plain SHA-256 digest, so hashes stored by any version keep matching', () => {
    // FIPS 180-2's example: SHA-256("abc").
    expect(hashSecret('abc').toString('hex')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const secret = mintToken('agent', newId('key')).token.slice(-52);
    expect(hashSecret(secret).equals(createHash('sha256').update(secret).digest())).toBe(true);
    expect(hashSecret(secret)).toHaveLength(32);
  });

  it('parses operator tokens and refuses anything malformed', () => {
    const { token } = mintToken('operator', newId('opt'));
    expect(parseToken(token)?.kind).toBe('operator');
    const good = mintToken('agent', newId('key')).token;
    for (const bad of [
      '',
      'lk_agent_',
      good.slice(0, -1),
      `${good}0`,
      good.replace('lk_agent_key_', 'lk_agent_opt_'),
      good.toUpperCase(),
      `${good.slice(0, 10)} ${good.slice(11)}`,
      'x'.repeat(10_000),
    ]) {
      expect(parseToken(bad), bad.slice(0, 40)).toBeNull();
    }
  });

  it('spots token-shaped text', () => {
    expect(looksLikeToken('foo lk_agent_key_x')).toBe(true);
    expect(looksLikeToken('LK_OP_abc')).toBe(true);
    expect(looksLikeToken('/v1/agents/agt_123')).toBe(false);
  });
});

describe('capture tokens', () => {
  it('mints lk_cap_<humanId>_<secret>, parses it back, and stores only a hash', () => {
    const humanId = newId('hum');
    const { token, secretHash } = mintCaptureToken(humanId);
    expect(token).toMatch(/^lk_cap_hum_[0-9a-z]{26}_[0-9a-z]{52}$/);
    const parsed = parseCaptureToken(token);
    expect(parsed?.humanId).toBe(humanId);
    expect(secretMatches(parsed?.secret ?? '', secretHash)).toBe(true);
    expect(looksLikeToken(`/x?t=${token}`)).toBe(true);
  });

  it('refuses anything else', () => {
    const { token } = mintCaptureToken(newId('hum'));
    for (const bad of [
      token.slice(0, -1),
      token.replace('lk_cap_', 'lk_op_'),
      `${token}x`,
      'lk_cap_',
      '',
      'x'.repeat(300),
    ]) {
      expect(parseCaptureToken(bad)).toBeNull();
    }
    expect(parseCaptureToken(mintToken('operator', newId('opt')).token)).toBeNull();
  });
});
