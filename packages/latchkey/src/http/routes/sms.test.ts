// HTTP tests of SMS intake on both stores: phone numbers, X-Twilio-Signature right/wrong/missing, Standard Webhooks
// right/wrong/expired/replayed, unknown numbers, and 503 when a secret is not configured.
import { randomBytes } from 'node:crypto';
import { Latchkey } from '@latchkey/sdk';
import { describe, expect, it } from 'vitest';
import { computeTwilioSignature } from '../../crypto/twilio-signature.js';
import { webhookHeaders } from '../../crypto/webhook-signature.js';
import { describeEachServer, startTestServer, type TestServer } from '../../test-support/server.js';

const TWILIO_TOKEN = 'twilio-test-auth-token-0123456789';
const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const PUBLIC_URL = 'https://latchkey.example.com';
const ENV = {
  LATCHKEY_TWILIO_AUTH_TOKEN: TWILIO_TOKEN,
  LATCHKEY_SMS_WEBHOOK_SECRET: SECRET,
  LATCHKEY_PUBLIC_URL: PUBLIC_URL,
};

type Created = { agent: { id: string; name: string }; apiKey: string };

async function agentWithNumber(ts: TestServer): Promise<Created & { number: string }> {
  const name = `sms-${Math.random().toString(36).slice(2, 8)}`;
  const created = (await ts.call('POST', '/v1/agents', { body: { name } })).body as Created;
  const number = `+1415555${String(Math.floor(Math.random() * 10_000)).padStart(4, '0')}`;
  const res = await ts.call('POST', `/v1/agents/${created.agent.id}/phone-numbers`, { body: { number } });
  expect(res.status).toBe(201);
  return { ...created, number };
}

function twilioForm(to: string, body: string, sid = `SM${randomBytes(16).toString('hex')}`): [string, string][] {
  return [
    ['MessageSid', sid],
    ['AccountSid', 'AC0123456789abcdef0123456789abcdef'],
    ['From', '+15005550006'],
    ['To', to],
    ['Body', body],
    ['NumMedia', '0'],
  ];
}

function postTwilio(ts: TestServer, form: [string, string][], signature: string | null, path = '/v1/sms/twilio') {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (signature !== null) headers['x-twilio-signature'] = signature;
  return ts.call('POST', path, { token: null, headers, rawBody: new URLSearchParams(form).toString() });
}

function postInbound(ts: TestServer, payload: unknown, headers: Record<string, string>) {
  return ts.call('POST', '/v1/sms/inbound', {
    token: null,
    headers: { 'content-type': 'application/json', ...headers },
    rawBody: typeof payload === 'string' ? payload : JSON.stringify(payload),
  });
}

async function messagesOf(ts: TestServer, a: Created) {
  return (await ts.call('GET', '/v1/inbox/messages', { token: a.apiKey })).body.messages as {
    channel: string;
    from: string;
    to: string;
    codes: { value: string }[];
  }[];
}

describeEachServer(
  'SMS intake',
  (get) => {
    it('maps numbers to agents: E.164 only, one agent per number, operators only', async () => {
      const a = await agentWithNumber(get());
      const list = await get().call('GET', `/v1/agents/${a.agent.id}/phone-numbers`);
      expect(list.body.phoneNumbers).toEqual([
        { id: expect.stringMatching(/^num_/), agentId: a.agent.id, number: a.number, createdAt: expect.any(String) },
      ]);
      const b = (await get().call('POST', '/v1/agents', { body: { name: `sms-b-${Date.now()}` } })).body as Created;
      const taken = await get().call('POST', `/v1/agents/${b.agent.id}/phone-numbers`, {
        body: { number: a.number.replace(/^\+1/, '+1 ') },
      });
      expect(taken.status).toBe(409);
      expect(taken.body.error.code).toBe('PHONE_NUMBER_TAKEN');
      const bad = await get().call('POST', `/v1/agents/${b.agent.id}/phone-numbers`, { body: { number: '555-0100' } });
      expect(bad.status).toBe(422);
      expect(bad.body.error.code).toBe('PHONE_NUMBER_INVALID');
      const byAgent = await get().call('POST', `/v1/agents/${b.agent.id}/phone-numbers`, {
        token: b.apiKey,
        body: { number: '+14155550000' },
      });
      expect(byAgent.status).toBe(403);
      expect(byAgent.body.error.code).toBe('OPERATOR_ONLY');
      const id = list.body.phoneNumbers[0].id;
      expect((await get().call('DELETE', `/v1/agents/${b.agent.id}/phone-numbers/${id}`)).status).toBe(404);
      const removed = await get().call('DELETE', `/v1/agents/${a.agent.id}/phone-numbers/${id}`);
      expect(removed.body.number).toBe(a.number);
      const audit = await get().call('GET', `/v1/audit?agent=${a.agent.id}&action=inbox.phone_number.add`);
      expect(audit.body.events[0].target.name).toMatch(/^kh1:/);
      expect(JSON.stringify(audit.body)).not.toContain(a.number.slice(1));
    });

    it('accepts a Twilio post signed exactly as Twilio signs it, answers empty TwiML, stores the code', async () => {
      const a = await agentWithNumber(get());
      const form = twilioForm(a.number, 'Your Acme verification code is 731904');
      const signature = computeTwilioSignature(TWILIO_TOKEN, `${PUBLIC_URL}/v1/sms/twilio`, form);
      const res = await postTwilio(get(), form, signature);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/xml/);
      expect(res.body).toBe('<?xml version="1.0" encoding="UTF-8"?><Response></Response>');
      const [message] = await messagesOf(get(), a);
      expect(message).toMatchObject({
        channel: 'sms',
        from: '+15005550006',
        to: a.number,
        codes: [{ value: '731904' }],
      });

      // Twilio signs the URL it called, query string included.
      const withQuery = twilioForm(a.number, 'Code 880011');
      const querySig = computeTwilioSignature(TWILIO_TOKEN, `${PUBLIC_URL}/v1/sms/twilio?source=twilio`, withQuery);
      expect((await postTwilio(get(), withQuery, querySig, '/v1/sms/twilio?source=twilio')).status).toBe(200);
      // A replay of a stored post (same MessageSid, valid signature) stores nothing.
      expect((await postTwilio(get(), form, signature)).status).toBe(409);
      expect(await messagesOf(get(), a)).toHaveLength(2);
    });

    it('refuses a wrong or missing X-Twilio-Signature before looking anything up, storing nothing', async () => {
      const a = await agentWithNumber(get());
      const form = twilioForm(a.number, 'Your code is 123123');
      const good = computeTwilioSignature(TWILIO_TOKEN, `${PUBLIC_URL}/v1/sms/twilio`, form);
      const tampered = form.map(([k, v]): [string, string] => [k, k === 'Body' ? 'Your code is 999999' : v]);
      const otherUrl = computeTwilioSignature(TWILIO_TOKEN, 'https://evil.example/v1/sms/twilio', form);
      const otherToken = computeTwilioSignature('not-the-token', `${PUBLIC_URL}/v1/sms/twilio`, form);
      for (const [f, sig] of [
        [tampered, good],
        [form, otherUrl],
        [form, otherToken],
        [form, `${good.slice(0, -2)}==`],
        [form, ''],
      ] as const) {
        const res = await postTwilio(get(), [...f], sig);
        expect(res.status).toBe(401);
        expect(res.body.error.code).toBe('SMS_SIGNATURE_INVALID');
      }
      const missing = await postTwilio(get(), form, null);
      expect(missing.status).toBe(401);
      // Even for a number nobody has, a bad signature is refused as such: nothing is revealed about numbers.
      const unknown = await postTwilio(get(), twilioForm('+19995550000', 'x'), good);
      expect(unknown.body.error.code).toBe('SMS_SIGNATURE_INVALID');
      expect(await messagesOf(get(), a)).toEqual([]);
      const json = await get().call('POST', '/v1/sms/twilio', { token: null, body: { To: a.number } });
      expect(json.status).toBe(415);
    });

    it('answers 404 for a validly signed SMS to a number no agent has', async () => {
      const form = twilioForm('+19995550123', 'Your code is 123123');
      const res = await postTwilio(
        get(),
        form,
        computeTwilioSignature(TWILIO_TOKEN, `${PUBLIC_URL}/v1/sms/twilio`, form),
      );
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('SMS_NUMBER_UNKNOWN');
    });

    it('takes an SMS delivered by the SDK, signed with the webhook secret and no token', async () => {
      const a = await agentWithNumber(get());
      const { httpUrl } = await get().server.listen();
      const bridge = new Latchkey({ baseUrl: httpUrl, apiKey: 'unused-by-signed-routes' });
      await bridge.mail.deliverSms(
        { to: a.number, from: 'Google', body: 'G-771203 is your code.' },
        { secret: SECRET },
      );
      expect((await messagesOf(get(), a))[0]).toMatchObject({ channel: 'sms', codes: [{ value: '771203' }] });
      const wrong = `whsec_${randomBytes(32).toString('base64')}`;
      const refused = bridge.mail.deliverSms({ to: a.number, from: 'x', body: 'y' }, { secret: wrong });
      await expect(refused).rejects.toMatchObject({ status: 401, code: 'SMS_SIGNATURE_INVALID' });
    });

    it('accepts a Standard Webhooks delivery once; refuses wrong, expired and replayed ones', async () => {
      const a = await agentWithNumber(get());
      const body = JSON.stringify({ to: a.number, from: 'Google', body: 'G-482019 is your Google verification code.' });
      const id = `msg_${randomBytes(8).toString('hex')}`;
      const headers = webhookHeaders(SECRET, id, Date.now(), body);
      const res = await postInbound(get(), body, { ...headers });
      expect(res.status).toBe(204);
      const [message] = await messagesOf(get(), a);
      expect(message).toMatchObject({ channel: 'sms', from: 'Google', codes: [{ value: '482019' }] });

      const replay = await postInbound(get(), body, { ...headers });
      expect(replay.status).toBe(409);
      expect(replay.body.error.code).toBe('SMS_WEBHOOK_REPLAYED');

      const otherSecret = `whsec_${randomBytes(32).toString('base64')}`;
      const wrong = await postInbound(get(), body, { ...webhookHeaders(otherSecret, 'msg_w1', Date.now(), body) });
      expect(wrong.status).toBe(401);
      expect(wrong.body.error.code).toBe('SMS_SIGNATURE_INVALID');
      const altered = await postInbound(get(), body.replace('482019', '000000'), {
        ...webhookHeaders(SECRET, 'msg_w2', Date.now(), body),
      });
      expect(altered.body.error.code).toBe('SMS_SIGNATURE_INVALID');
      const expired = await postInbound(get(), body, {
        ...webhookHeaders(SECRET, 'msg_w3', Date.now() - 6 * 60_000, body),
      });
      expect(expired.status).toBe(401);
      expect(expired.body.error.code).toBe('SMS_WEBHOOK_EXPIRED');
      const missing = await postInbound(get(), body, {});
      expect(missing.status).toBe(401);
      expect(await messagesOf(get(), a)).toHaveLength(1);
    });

    it('checks the signature before the body: a signed bad body is 422, an unsigned one 401', async () => {
      const bad = JSON.stringify({ to: '+14155550100' });
      expect((await postInbound(get(), bad, {})).status).toBe(401);
      const signed = await postInbound(get(), bad, { ...webhookHeaders(SECRET, 'msg_bad', Date.now(), bad) });
      expect(signed.status).toBe(422);
      expect(signed.body.error.details[0].path).toBe('from');
      const notJson = 'to=x';
      const res = await postInbound(get(), notJson, { ...webhookHeaders(SECRET, 'msg_nj', Date.now(), notJson) });
      expect(res.status).toBe(400);
      const unknown = JSON.stringify({ to: '+19995550124', from: '+1500', body: 'hi' });
      const nobody = await postInbound(get(), unknown, { ...webhookHeaders(SECRET, 'msg_nb', Date.now(), unknown) });
      expect(nobody.status).toBe(404);
    });
  },
  { env: ENV },
);

describe('SMS intake without secrets', () => {
  it('answers 503 on both endpoints', async () => {
    const ts = await startTestServer('sqlite');
    try {
      const twilio = await postTwilio(ts, twilioForm('+14155550100', 'x'), 'sig');
      expect(twilio.status).toBe(503);
      expect(twilio.body.error.code).toBe('SMS_NOT_CONFIGURED');
      const inbound = await postInbound(ts, '{}', {});
      expect(inbound.status).toBe(503);
    } finally {
      await ts.close();
    }
  });
});
