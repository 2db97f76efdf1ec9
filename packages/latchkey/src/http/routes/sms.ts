// SMS endpoints: phone numbers mapped to agents (operators), and the two provider webhooks, which authenticate
// by signature instead of a bearer token.
import { z } from 'zod';
import type { SmsService } from '../../modules/inbox/sms-service.js';
import { type AnyRoute, defineRoute } from '../route.js';
import { PhoneNumber, presentPhoneNumber } from '../schemas/inbox.js';

const TAG = 'SMS';
const AgentRef = z.strictObject({ id: z.string().min(1).max(100) });
const NumberRef = z.strictObject({ id: z.string().min(1).max(100), numberId: z.string().min(1).max(100) });
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

/** The SMS routes; `publicUrl()` is the base URL Twilio is configured to call (LATCHKEY_PUBLIC_URL). */
export function smsRoutes(sms: SmsService, publicUrl: () => string): AnyRoute[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/v1/agents/:id/phone-numbers',
      operationId: 'addPhoneNumber',
      summary: 'Map a phone number (E.164) to an agent, so SMS to it land in its inbox (operators)',
      tag: TAG,
      auth: true,
      params: AgentRef,
      body: z.strictObject({ number: z.string().min(1).max(40).meta({ description: 'E.164, e.g. +14155550123' }) }),
      status: 201,
      response: PhoneNumber,
      errors: ['PHONE_NUMBER_INVALID', 'PHONE_NUMBER_TAKEN', 'AGENT_NOT_FOUND', 'AGENT_REVOKED', 'OPERATOR_ONLY'],
      handler: async ({ ctx, params, body }) => presentPhoneNumber(await sms.addNumber(ctx, params.id, body.number)),
    }),
    defineRoute({
      method: 'GET',
      path: '/v1/agents/:id/phone-numbers',
      operationId: 'listPhoneNumbers',
      summary: "List an agent's phone numbers (operators)",
      tag: TAG,
      auth: true,
      params: AgentRef,
      status: 200,
      response: z.object({ phoneNumbers: z.array(PhoneNumber) }),
      errors: ['AGENT_NOT_FOUND', 'OPERATOR_ONLY'],
      handler: async ({ ctx, params }) => ({
        phoneNumbers: (await sms.listNumbers(ctx, params.id)).map(presentPhoneNumber),
      }),
    }),
    defineRoute({
      method: 'DELETE',
      path: '/v1/agents/:id/phone-numbers/:numberId',
      operationId: 'removePhoneNumber',
      summary: 'Unmap a phone number (operators)',
      tag: TAG,
      auth: true,
      params: NumberRef,
      status: 200,
      response: PhoneNumber,
      errors: ['PHONE_NUMBER_NOT_FOUND', 'AGENT_NOT_FOUND', 'OPERATOR_ONLY'],
      handler: async ({ ctx, params }) => presentPhoneNumber(await sms.removeNumber(ctx, params.id, params.numberId)),
    }),
    defineRoute({
      method: 'POST',
      path: '/v1/sms/twilio',
      operationId: 'receiveTwilioSms',
      summary: "Twilio's incoming-message webhook (checked against X-Twilio-Signature)",
      description:
        'Twilio signs the URL it called: configure it as LATCHKEY_PUBLIC_URL + `/v1/sms/twilio`. A wrong or ' +
        'missing signature is refused before anything is looked up; the answer is empty TwiML.',
      tag: TAG,
      auth: false,
      rawBody: 'form',
      status: 200,
      response: null,
      errors: ['SMS_NOT_CONFIGURED', 'SMS_SIGNATURE_INVALID', 'SMS_NUMBER_UNKNOWN', 'SMS_WEBHOOK_REPLAYED'],
      handler: async ({ request, reply, rawBody }) => {
        const signature = request.headers['x-twilio-signature'];
        await sms.receiveTwilio({
          url: `${publicUrl().replace(/\/+$/, '')}${request.url}`,
          rawBody: rawBody ?? '',
          signature: typeof signature === 'string' ? signature : undefined,
        });
        reply.code(200).type('text/xml; charset=utf-8').send(EMPTY_TWIML);
        return undefined;
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/v1/sms/inbound',
      operationId: 'receiveInboundSms',
      summary: 'Any provider: `{to, from, body}` signed with Standard Webhooks',
      description:
        'Headers webhook-id, webhook-timestamp (within 5 minutes) and webhook-signature (HMAC-SHA256 with ' +
        'LATCHKEY_SMS_WEBHOOK_SECRET). A webhook-id is accepted once.',
      tag: TAG,
      auth: false,
      rawBody: 'json',
      rawBodySchema: z.object({ to: z.string(), from: z.string(), body: z.string() }),
      status: 204,
      response: null,
      errors: [
        'SMS_NOT_CONFIGURED',
        'SMS_SIGNATURE_INVALID',
        'SMS_WEBHOOK_EXPIRED',
        'SMS_WEBHOOK_REPLAYED',
        'SMS_NUMBER_UNKNOWN',
      ],
      handler: async ({ request, rawBody }) => {
        await sms.receiveInbound({ headers: request.headers, rawBody: rawBody ?? '' });
        return undefined;
      },
    }),
  ];
}
