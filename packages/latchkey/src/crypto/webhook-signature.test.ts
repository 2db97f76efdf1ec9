// Tests for Standard Webhooks signing and verification, against the reference libraries' published example.
import { describe, expect, it } from 'vitest';
import {
  generateWebhookSecret,
  parseWebhookSecret,
  signWebhook,
  verifyWebhook,
  verifyWebhookOnce,
  type WebhookReplayGuard,
  WebhookSignatureError,
  webhookHeaders,
} from './webhook-signature.js';

// The example used by every standard-webhooks reference library's "sign function works" test
// (libraries/javascript/src/webhook.test.ts and its ports).
const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const MSG_ID = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
const TIMESTAMP = 1614265330;
const PAYLOAD = '{"test": 2432232314}';
const EXPECTED = 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=';
const NOW = TIMESTAMP * 1000;

function failure(run: () => unknown): WebhookSignatureError {
  try {
    run();
  } catch (error) {
    if (error instanceof WebhookSignatureError) return error;
    throw error;
  }
  throw new Error('expected a WebhookSignatureError');
}

const signed = () => ({ 'webhook-id': MSG_ID, 'webhook-timestamp': String(TIMESTAMP), 'webhook-signature': EXPECTED });

describe('signWebhook', () => {
  it('reproduces the published example', () => {
    expect(signWebhook(SECRET, MSG_ID, TIMESTAMP, PAYLOAD)).toBe(EXPECTED);
    expect(signWebhook(SECRET, MSG_ID, TIMESTAMP, new TextEncoder().encode(PAYLOAD))).toBe(EXPECTED);
    expect(webhookHeaders(SECRET, MSG_ID, NOW + 999, PAYLOAD)).toEqual(signed());
  });
});

describe('verifyWebhook', () => {
  it('accepts the published example, with or without the whsec_ prefix and in any header case', () => {
    expect(verifyWebhook(SECRET, signed(), PAYLOAD, NOW)).toEqual({ id: MSG_ID, timestamp: TIMESTAMP });
    expect(verifyWebhook(SECRET.slice(6), signed(), PAYLOAD, NOW).id).toBe(MSG_ID);
    const upper = { 'Webhook-Id': MSG_ID, 'WEBHOOK-TIMESTAMP': String(TIMESTAMP), 'Webhook-Signature': EXPECTED };
    expect(verifyWebhook(SECRET, upper, PAYLOAD, NOW).id).toBe(MSG_ID);
  });

  it('accepts a matching signature among several (key rotation)', () => {
    const headers = {
      ...signed(),
      'webhook-signature': `v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v2,${EXPECTED.slice(3)} ${EXPECTED}`,
    };
    expect(verifyWebhook(SECRET, headers, PAYLOAD, NOW).id).toBe(MSG_ID);
  });

  it('checks the five-minute window both ways, inclusive', () => {
    expect(verifyWebhook(SECRET, signed(), PAYLOAD, NOW + 300_000).id).toBe(MSG_ID);
    expect(verifyWebhook(SECRET, signed(), PAYLOAD, NOW - 300_000).id).toBe(MSG_ID);
    expect(failure(() => verifyWebhook(SECRET, signed(), PAYLOAD, NOW + 301_000)).code).toBe(
      'WEBHOOK_TIMESTAMP_EXPIRED',
    );
    expect(failure(() => verifyWebhook(SECRET, signed(), PAYLOAD, NOW - 301_000)).code).toBe(
      'WEBHOOK_TIMESTAMP_EXPIRED',
    );
  });

  it('names each missing header', () => {
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const) {
      const headers: Record<string, string> = signed();
      delete headers[name];
      const error = failure(() => verifyWebhook(SECRET, headers, PAYLOAD, NOW));
      expect(error.code).toBe('WEBHOOK_HEADER_MISSING');
      expect(error.details[0]?.path).toBe(name);
    }
  });

  it('refuses malformed timestamps', () => {
    for (const value of ['hello', '', '1614265330.5', '-1614265330', '1e9', ' 1614265330', '99999999999999']) {
      const error = failure(() => verifyWebhook(SECRET, { ...signed(), 'webhook-timestamp': value }, PAYLOAD, NOW));
      expect(['WEBHOOK_TIMESTAMP_INVALID', 'WEBHOOK_HEADER_MISSING']).toContain(error.code);
    }
  });

  it('refuses any change to body, id, timestamp, secret or signature', () => {
    const cases: [Record<string, string>, string, string][] = [
      [signed(), `${PAYLOAD} `, SECRET],
      [{ ...signed(), 'webhook-id': 'msg_other' }, PAYLOAD, SECRET],
      [{ ...signed(), 'webhook-timestamp': String(TIMESTAMP + 1) }, PAYLOAD, SECRET],
      [signed(), PAYLOAD, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSx'],
      [{ ...signed(), 'webhook-signature': 'v1,dawfeoifkpqwoekfpqoekf' }, PAYLOAD, SECRET],
      [{ ...signed(), 'webhook-signature': EXPECTED.slice(0, 8) }, PAYLOAD, SECRET],
      [{ ...signed(), 'webhook-signature': 'v1,' }, PAYLOAD, SECRET],
      [{ ...signed(), 'webhook-signature': `v2,${EXPECTED.slice(3)}` }, PAYLOAD, SECRET],
      [{ ...signed(), 'webhook-signature': EXPECTED.replace('g0hM', 'g0hN') }, PAYLOAD, SECRET],
    ];
    for (const [headers, body, secret] of cases) {
      const error = failure(() => verifyWebhook(secret, headers, body, NOW));
      expect(error.code).toBe('WEBHOOK_SIGNATURE_INVALID');
      expect(error.message).not.toContain('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw');
      expect(error.message).not.toContain(EXPECTED.slice(3));
    }
  });

  it('refuses unusable secrets without quoting them', () => {
    for (const secret of [
      '',
      'whsec_',
      'whsec_c2hvcnQ=',
      'whsec_not base64!',
      'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaS',
    ]) {
      const error = failure(() => parseWebhookSecret(secret));
      expect(error.code).toBe('WEBHOOK_SECRET_INVALID');
      if (secret.length > 6) expect(error.message).not.toContain(secret.slice(6));
    }
  });
});

describe('verifyWebhookOnce', () => {
  /** A single-process guard with the same contract the database-backed one honours. */
  function memoryGuard(): WebhookReplayGuard & { seen: Map<string, Date> } {
    const seen = new Map<string, Date>();
    return {
      seen,
      async claim(id, expiresAt) {
        if (seen.has(id)) return false;
        seen.set(id, expiresAt);
        return true;
      },
    };
  }

  it('accepts a delivery once and refuses its replay', async () => {
    const guard = memoryGuard();
    await expect(verifyWebhookOnce(SECRET, signed(), PAYLOAD, NOW, guard)).resolves.toEqual({
      id: MSG_ID,
      timestamp: TIMESTAMP,
    });
    expect(guard.seen.get(MSG_ID)?.getTime()).toBe((TIMESTAMP + 300) * 1000);
    await expect(verifyWebhookOnce(SECRET, signed(), PAYLOAD, NOW + 1000, guard)).rejects.toMatchObject({
      code: 'WEBHOOK_REPLAYED',
    });
  });

  it('does not spend an id on a forged request', async () => {
    const guard = memoryGuard();
    const forged = { ...signed(), 'webhook-signature': `v1,${Buffer.alloc(32).toString('base64')}` };
    await expect(verifyWebhookOnce(SECRET, forged, PAYLOAD, NOW, guard)).rejects.toMatchObject({
      code: 'WEBHOOK_SIGNATURE_INVALID',
    });
    expect(guard.seen.size).toBe(0);
    await expect(verifyWebhookOnce(SECRET, signed(), PAYLOAD, NOW, guard)).resolves.toMatchObject({ id: MSG_ID });
  });
});

describe('generateWebhookSecret', () => {
  it('makes a fresh whsec_ secret of 32 bytes that signs and verifies', () => {
    const a = generateWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(generateWebhookSecret()).not.toBe(a);
    expect(parseWebhookSecret(a)).toHaveLength(32);
    const headers = { ...webhookHeaders(a, 'msg_1', 1_700_000_000_000, '{}') };
    expect(verifyWebhook(a, headers, '{}', 1_700_000_000_000).id).toBe('msg_1');
  });
});
