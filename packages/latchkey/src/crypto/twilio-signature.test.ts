// Tests for X-Twilio-Signature against Twilio's documented example and hand-built HMACs for the edge cases.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  computeTwilioSignature,
  TwilioSignatureError,
  twilioUrlCandidates,
  verifyTwilioSignature,
} from './twilio-signature.js';

// The worked example of Twilio's webhook security docs (auth token 12345), the same vector twilio-node's tests use.
const TOKEN = '12345';
const URL_ = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const PARAMS = {
  CallSid: 'CA1234567890ABCDE',
  Caller: '+14158675310',
  Digits: '1234',
  From: '+14158675310',
  To: '+18005551212',
};
const SIGNATURE = 'GvWf1cFY/Q7PnoempGyD5oXAezc=';

/** The algorithm written out by hand, independent of the module: HMAC-SHA1 over an explicit string. */
const hand = (token: string, data: string) => createHmac('sha1', token).update(data, 'utf8').digest('base64');

function failure(run: () => unknown): TwilioSignatureError {
  try {
    run();
  } catch (error) {
    if (error instanceof TwilioSignatureError) return error;
    throw error;
  }
  throw new Error('expected a TwilioSignatureError');
}

describe('computeTwilioSignature', () => {
  it("reproduces Twilio's documented example in any parameter order and input shape", () => {
    expect(computeTwilioSignature(TOKEN, URL_, PARAMS)).toBe(SIGNATURE);
    const reversed = Object.entries(PARAMS).reverse();
    expect(computeTwilioSignature(TOKEN, URL_, reversed)).toBe(SIGNATURE);
    expect(computeTwilioSignature(TOKEN, URL_, new URLSearchParams(reversed))).toBe(SIGNATURE);
    const data = `${URL_}CallSidCA1234567890ABCDECaller+14158675310Digits1234From+14158675310To+18005551212`;
    expect(hand(TOKEN, data)).toBe(SIGNATURE);
  });

  it('sorts repeated parameters by value and drops exact duplicates', () => {
    const pairs: [string, string][] = [
      ['MediaUrl0', 'https://b.example/2'],
      ['Body', 'Your code is 123456'],
      ['MediaUrl0', 'https://a.example/1'],
      ['MediaUrl0', 'https://b.example/2'],
    ];
    const expected = hand(
      'tok',
      'https://x.example/smsBodyYour code is 123456MediaUrl0https://a.example/1MediaUrl0https://b.example/2',
    );
    expect(computeTwilioSignature('tok', 'https://x.example/sms', pairs)).toBe(expected);
    expect(
      computeTwilioSignature('tok', 'https://x.example/sms', {
        Body: 'Your code is 123456',
        MediaUrl0: ['https://b.example/2', 'https://a.example/1'],
      }),
    ).toBe(expected);
  });

  it('hashes UTF-8 bytes, sorts names by code unit, and keeps the query string as part of the URL', () => {
    const params = { b: 'é😀', B: '1', a: '' };
    const url = 'https://x.example/sms?z=1&a=2';
    expect(computeTwilioSignature('tök', url, params)).toBe(hand('tök', `${url}B1ab${'é😀'}`));
  });
});

describe('verifyTwilioSignature', () => {
  it('accepts the documented example', () => {
    expect(() => verifyTwilioSignature(TOKEN, URL_, PARAMS, SIGNATURE)).not.toThrow();
  });

  it('accepts a signature made over the URL with the default port spelled out', () => {
    const signedWithPort = hand(
      TOKEN,
      `https://mycompany.com:443/myapp.php?foo=1&bar=2${'CallSidCA1234567890ABCDECaller+14158675310Digits1234From+14158675310To+18005551212'}`,
    );
    expect(() => verifyTwilioSignature(TOKEN, URL_, PARAMS, signedWithPort)).not.toThrow();
    expect(() =>
      verifyTwilioSignature(TOKEN, 'https://mycompany.com:443/myapp.php?foo=1&bar=2', PARAMS, SIGNATURE),
    ).not.toThrow();
  });

  it('accepts a custom-port URL signed with or without its port, and no other port', () => {
    const configured = 'https://hooks.example:8443/v1/sms/twilio';
    const withPort = hand('tok', `${configured}Bodyhi`);
    const withoutPort = hand('tok', 'https://hooks.example/v1/sms/twilioBodyhi');
    const otherPort = hand('tok', 'https://hooks.example:9443/v1/sms/twilioBodyhi');
    expect(() => verifyTwilioSignature('tok', configured, { Body: 'hi' }, withPort)).not.toThrow();
    expect(() => verifyTwilioSignature('tok', configured, { Body: 'hi' }, withoutPort)).not.toThrow();
    expect(failure(() => verifyTwilioSignature('tok', configured, { Body: 'hi' }, otherPort)).code).toBe(
      'TWILIO_SIGNATURE_INVALID',
    );
    expect(twilioUrlCandidates(configured)).toEqual([
      'https://hooks.example/v1/sms/twilio',
      'https://hooks.example:8443/v1/sms/twilio',
    ]);
    expect(twilioUrlCandidates('http://hooks.example/sms?x=1')).toEqual([
      'http://hooks.example/sms?x=1',
      'http://hooks.example:80/sms?x=1',
    ]);
  });

  it('refuses tampering with parameters, URL, scheme, token or signature', () => {
    const cases: [string, string, Record<string, string>, string][] = [
      [TOKEN, URL_, { ...PARAMS, Digits: '9999' }, SIGNATURE],
      [TOKEN, URL_, { ...PARAMS, Extra: '' }, SIGNATURE],
      [TOKEN, 'https://mycompany.com/myapp.php?foo=1&bar=3', PARAMS, SIGNATURE],
      [TOKEN, 'http://mycompany.com/myapp.php?foo=1&bar=2', PARAMS, SIGNATURE],
      ['12346', URL_, PARAMS, SIGNATURE],
      [TOKEN, URL_, PARAMS, SIGNATURE.replace('G', 'H')],
      [TOKEN, URL_, PARAMS, SIGNATURE.slice(0, -1)],
      [TOKEN, URL_, PARAMS, `${SIGNATURE}==`],
      [TOKEN, URL_, PARAMS, ` ${SIGNATURE}`],
    ];
    for (const [token, url, params, signature] of cases) {
      const error = failure(() => verifyTwilioSignature(token, url, params, signature));
      expect(error.code).toBe('TWILIO_SIGNATURE_INVALID');
      expect(error.message).not.toContain(token);
      expect(error.message).not.toContain(SIGNATURE);
    }
  });

  it('reports a missing header', () => {
    const error = failure(() => verifyTwilioSignature(TOKEN, URL_, PARAMS, undefined));
    expect(error.code).toBe('TWILIO_SIGNATURE_MISSING');
    expect(error.details[0]?.path).toBe('x-twilio-signature');
    expect(failure(() => verifyTwilioSignature(TOKEN, URL_, PARAMS, '')).code).toBe('TWILIO_SIGNATURE_MISSING');
  });
});
