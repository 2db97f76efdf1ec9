// Relay endpoints of a human's own settings: the approval webhook, the SMS capture token, standing approvals.
import { z } from 'zod';
import type { RelayService } from '../../modules/relay/relay-service.js';
import { type AnyRoute, defineRoute } from '../route.js';
import { EmptyBody } from '../schemas/common.js';
import {
  CaptureToken,
  DeliverySchema,
  presentDelivery,
  presentSettings,
  presentStanding,
  RelaySettingsSchema,
  StandingApprovalSchema,
  WebhookRegistration,
} from '../schemas/relay.js';

const TAG = 'OTP relay settings';
const iso = (ms: number) => new Date(ms).toISOString();

/** The settings and standing-approval routes (operators, on their own settings). */
export function relaySettingsRoutes(relay: RelayService): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/v1/relay/settings',
      operationId: 'getRelaySettings',
      summary: 'Your forwarding address, SMS capture URL, webhook and capture token state (operators)',
      tag: TAG,
      auth: true,
      status: 200,
      response: RelaySettingsSchema,
      errors: ['OPERATOR_ONLY'],
      handler: async ({ ctx }) => presentSettings(await relay.getSettings(ctx)),
    }),
    defineRoute({
      method: 'PUT',
      path: '/v1/relay/settings/webhook',
      operationId: 'setRelayWebhook',
      summary: 'Register where approval requests and alarms are sent; returns a new signing secret (operators)',
      description:
        'Deliveries are signed with Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature) and retried ' +
        'with backoff. Loopback, private, link-local and metadata addresses are refused, here and at connect time.',
      tag: TAG,
      auth: true,
      body: z.strictObject({ url: z.string().min(1).max(2048) }),
      status: 200,
      response: WebhookRegistration,
      errors: ['OPERATOR_ONLY', 'INVALID_WEBHOOK_URL'],
      handler: async ({ ctx, body }) => {
        const r = await relay.setWebhook(ctx, body);
        return { url: r.url, secret: r.secret, updatedAt: iso(r.updatedAt) };
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/v1/relay/settings/webhook',
      operationId: 'deleteRelayWebhook',
      summary: 'Stop webhook notifications (operators)',
      tag: TAG,
      auth: true,
      status: 204,
      response: null,
      handler: async ({ ctx }) => {
        await relay.deleteWebhook(ctx);
        return undefined;
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/v1/relay/settings/webhook/test',
      operationId: 'testRelayWebhook',
      summary: 'Queue a signed test event to your webhook (operators)',
      tag: TAG,
      auth: true,
      body: EmptyBody,
      status: 202,
      response: z.object({ queued: z.boolean() }),
      handler: async ({ ctx }) => relay.testWebhook(ctx),
    }),
    defineRoute({
      method: 'GET',
      path: '/v1/relay/settings/webhook/deliveries',
      operationId: 'listRelayWebhookDeliveries',
      summary: 'Your most recent webhook deliveries and their outcome (operators)',
      tag: TAG,
      auth: true,
      query: z.strictObject({ limit: z.coerce.number().int().min(1).max(100).optional() }),
      status: 200,
      response: z.object({ deliveries: z.array(DeliverySchema) }),
      handler: async ({ ctx, query }) => ({
        deliveries: (await relay.listDeliveries(ctx, query.limit ?? 20)).map(presentDelivery),
      }),
    }),
    defineRoute({
      method: 'POST',
      path: '/v1/relay/settings/capture-token',
      operationId: 'createRelayCaptureToken',
      summary: 'Mint your SMS capture token (replaces the previous one; shown once) (operators)',
      tag: TAG,
      auth: true,
      body: EmptyBody,
      status: 201,
      response: CaptureToken,
      handler: async ({ ctx }) => {
        const t = await relay.createCaptureToken(ctx);
        return { token: t.token, smsCaptureUrl: t.smsCaptureUrl, createdAt: iso(t.createdAt) };
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/v1/relay/settings/capture-token',
      operationId: 'deleteRelayCaptureToken',
      summary: 'Disable SMS capture (operators)',
      tag: TAG,
      auth: true,
      status: 204,
      response: null,
      handler: async ({ ctx }) => {
        await relay.deleteCaptureToken(ctx);
        return undefined;
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/v1/relay/standing-approvals',
      operationId: 'createStandingApproval',
      summary: 'Approve up to N codes from one sender for one of your agents within T hours (operators)',
      description: 'Only requests that name this sender as expectedSender are approved automatically.',
      tag: TAG,
      auth: true,
      body: z.strictObject({
        agent: z.string().min(1).max(100).meta({ description: 'Agent id or name.' }),
        sender: z.string().min(1).max(254),
        maxCodes: z.number().int().min(1).max(100),
        withinHours: z.number().int().min(1).max(720),
      }),
      status: 201,
      response: StandingApprovalSchema,
      errors: ['OPERATOR_ONLY', 'AGENT_NOT_FOUND', 'AGENT_REVOKED', 'RELAY_NOT_APPROVER'],
      handler: async ({ ctx, body }) => presentStanding(await relay.createStandingApproval(ctx, body)),
    }),
    defineRoute({
      method: 'GET',
      path: '/v1/relay/standing-approvals',
      operationId: 'listStandingApprovals',
      summary: 'Your standing approvals (operators)',
      tag: TAG,
      auth: true,
      status: 200,
      response: z.object({ standingApprovals: z.array(StandingApprovalSchema) }),
      handler: async ({ ctx }) => ({
        standingApprovals: (await relay.listStandingApprovals(ctx)).map(presentStanding),
      }),
    }),
    defineRoute({
      method: 'DELETE',
      path: '/v1/relay/standing-approvals/:id',
      operationId: 'revokeStandingApproval',
      summary: 'Revoke a standing approval (operators)',
      tag: TAG,
      auth: true,
      params: z.strictObject({ id: z.string().min(1).max(100) }),
      status: 200,
      response: StandingApprovalSchema,
      errors: ['STANDING_APPROVAL_NOT_FOUND'],
      handler: async ({ ctx, params }) => presentStanding(await relay.revokeStandingApproval(ctx, params.id)),
    }),
  ];
}
