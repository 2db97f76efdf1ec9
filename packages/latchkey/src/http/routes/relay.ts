// OTP relay endpoints (SPEC §3 "OTP relay"): thin handlers over the relay service.
import { z } from 'zod';
import type { RelayService } from '../../modules/relay/relay-service.js';
import { type AnyRoute, defineRoute } from '../route.js';
import { Cursor, EmptyBody } from '../schemas/common.js';
import {
  CreatedRelayRequest,
  presentPayload,
  presentRelayRequest,
  RelayPayload,
  RelayRequestSchema,
  RelayStatusSchema,
} from '../schemas/relay.js';
import { relaySettingsRoutes } from './relay-settings.js';

const TAG = 'OTP relay';
const RequestRef = z.strictObject({ id: z.string().min(1).max(100) });

const CreateBody = z.strictObject({
  reason: z.string().min(1).max(500).meta({ description: 'Shown to the approving human.' }),
  expectedSender: z
    .string()
    .min(1)
    .max(254)
    .optional()
    .meta({ description: 'Email address, domain, phone number or SMS sender id. On email, DMARC must pass for it.' }),
  channel: z.enum(['email', 'sms', 'any']).optional(),
  filter: z
    .strictObject({
      from: z
        .string()
        .min(1)
        .max(256)
        .optional()
        .meta({ description: 'Glob on the sender (`*`, `?`), ignoring case.' }),
      pattern: z
        .string()
        .min(1)
        .max(256)
        .optional()
        .meta({ description: 'Regular expression (a linear-time subset) the message must match, ignoring case.' }),
    })
    .optional(),
  publicKey: z.string().min(1).max(100).meta({ description: "The agent's X25519 public key, base64url (32 bytes)." }),
  ttlSeconds: z.number().int().min(30).max(3600).optional().meta({ description: 'Default 300.' }),
});

/** The relay routes. */
export function relayRoutes(relay: RelayService): AnyRoute[] {
  return [
    defineRoute({
      method: 'POST',
      path: '/v1/relay/requests',
      operationId: 'createRelayRequest',
      summary: 'Ask for a code that reaches your human (agents)',
      description:
        'The approving human (the agent creator) is notified; a standing approval may approve at once. The code, ' +
        'once captured, is sealed to `publicKey` and can be read once.',
      tag: TAG,
      auth: true,
      body: CreateBody,
      status: 202,
      response: CreatedRelayRequest,
      errors: ['AGENT_ONLY', 'INVALID_RELAY_PUBLIC_KEY', 'INVALID_FILTER', 'RELAY_TOO_MANY_PENDING'],
      handler: async ({ ctx, body }) => {
        const r = await relay.create(ctx, body);
        return {
          id: r.id,
          status: r.status,
          approvalUrl: r.approvalUrl,
          expiresAt: new Date(r.expiresAt).toISOString(),
        };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/v1/relay/requests',
      operationId: 'listRelayRequests',
      summary: 'List relay requests: an agent sees its own, an operator its org',
      tag: TAG,
      auth: true,
      query: z.strictObject({
        status: RelayStatusSchema.optional(),
        agent: z.string().min(1).max(100).optional().meta({ description: 'Agent id or name (operators).' }),
        limit: z.coerce.number().int().min(1).max(200).optional(),
        cursor: Cursor.optional(),
      }),
      status: 200,
      response: z.object({ requests: z.array(RelayRequestSchema), nextCursor: z.string().nullable() }),
      errors: ['AGENT_NOT_FOUND'],
      handler: async ({ ctx, query }) => {
        const page = await relay.list(ctx, query);
        return { requests: page.requests.map(presentRelayRequest), nextCursor: page.nextCursor };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/v1/relay/requests/:id',
      operationId: 'getRelayRequest',
      summary: 'Get a relay request',
      tag: TAG,
      auth: true,
      params: RequestRef,
      status: 200,
      response: RelayRequestSchema,
      errors: ['RELAY_REQUEST_NOT_FOUND'],
      handler: async ({ ctx, params }) => presentRelayRequest(await relay.get(ctx, params.id)),
    }),
    defineRoute({
      method: 'GET',
      path: '/v1/relay/requests/:id/wait',
      operationId: 'waitRelayRequest',
      summary: 'Wait until a code is captured or the request ends',
      description:
        'Returns as soon as the request leaves pending_approval/approved, or after timeoutSeconds (default 30, ' +
        'at most 120) with the request as it is.',
      tag: TAG,
      auth: true,
      params: RequestRef,
      query: z.strictObject({ timeoutSeconds: z.coerce.number().int().min(0).max(120).optional() }),
      status: 200,
      response: RelayRequestSchema,
      errors: ['RELAY_REQUEST_NOT_FOUND'],
      handler: async ({ ctx, params, query }) =>
        presentRelayRequest(await relay.wait(ctx, params.id, query.timeoutSeconds ?? 30)),
    }),
    defineRoute({
      method: 'DELETE',
      path: '/v1/relay/requests/:id',
      operationId: 'cancelRelayRequest',
      summary: 'Cancel a relay request, erasing any captured code (agents)',
      tag: TAG,
      auth: true,
      params: RequestRef,
      status: 200,
      response: RelayRequestSchema,
      errors: ['AGENT_ONLY', 'RELAY_REQUEST_NOT_FOUND', 'RELAY_INVALID_STATE', 'RELAY_EXPIRED'],
      handler: async ({ ctx, params }) => presentRelayRequest(await relay.cancel(ctx, params.id)),
    }),
    defineRoute({
      method: 'POST',
      path: '/v1/relay/requests/:id/consume',
      operationId: 'consumeRelayRequest',
      summary: 'Read the sealed code, exactly once (agents)',
      description: 'Later calls get 410 RELAY_ALREADY_CONSUMED, are audited and alarm the approver.',
      tag: TAG,
      auth: true,
      params: RequestRef,
      body: EmptyBody,
      status: 200,
      response: RelayPayload,
      errors: [
        'AGENT_ONLY',
        'RELAY_REQUEST_NOT_FOUND',
        'RELAY_OTP_NOT_RECEIVED',
        'RELAY_ALREADY_CONSUMED',
        'RELAY_EXPIRED',
        'RELAY_INVALID_STATE',
      ],
      handler: async ({ ctx, params }) => presentPayload(await relay.consume(ctx, params.id)),
    }),
    defineRoute({
      method: 'POST',
      path: '/v1/relay/requests/:id/approve',
      operationId: 'approveRelayRequest',
      summary: 'Approve a pending request (the approving human only)',
      tag: TAG,
      auth: true,
      params: RequestRef,
      body: EmptyBody,
      status: 200,
      response: RelayRequestSchema,
      errors: [
        'OPERATOR_ONLY',
        'RELAY_NOT_APPROVER',
        'RELAY_REQUEST_NOT_FOUND',
        'RELAY_INVALID_STATE',
        'RELAY_EXPIRED',
        'AGENT_SUSPENDED',
        'AGENT_REVOKED',
      ],
      handler: async ({ ctx, params }) => presentRelayRequest(await relay.approve(ctx, params.id)),
    }),
    defineRoute({
      method: 'POST',
      path: '/v1/relay/requests/:id/deny',
      operationId: 'denyRelayRequest',
      summary: 'Deny a request, or withdraw an approval before a code arrives (operators)',
      tag: TAG,
      auth: true,
      params: RequestRef,
      body: EmptyBody,
      status: 200,
      response: RelayRequestSchema,
      errors: ['OPERATOR_ONLY', 'RELAY_REQUEST_NOT_FOUND', 'RELAY_INVALID_STATE', 'RELAY_EXPIRED'],
      handler: async ({ ctx, params }) => presentRelayRequest(await relay.deny(ctx, params.id)),
    }),
    defineRoute({
      method: 'POST',
      path: '/v1/relay/capture/sms',
      operationId: 'captureRelaySms',
      summary: "Post an SMS received on a human's phone (capture token)",
      description:
        'Authenticated with the human capture token (`Authorization: Bearer lk_cap_…`). A code matching one of ' +
        "the human's approved requests is sealed at once; nothing else of the message is kept.",
      tag: TAG,
      auth: false,
      body: z.strictObject({
        from: z.string().min(1).max(64),
        body: z.string().min(1).max(2000),
        receivedAt: z.iso.datetime({ offset: true }).optional(),
      }),
      status: 202,
      response: z.object({ captured: z.boolean() }),
      errors: ['UNAUTHENTICATED'],
      handler: async ({ body, request }) => {
        const outcome = await relay.captureSms(
          request.headers.authorization,
          {
            from: body.from,
            body: body.body,
            ...(body.receivedAt !== undefined ? { receivedAt: Date.parse(body.receivedAt) } : {}),
          },
          request.id,
        );
        return { captured: outcome.captured };
      },
    }),
    ...relaySettingsRoutes(relay),
  ];
}
