// Identity endpoints (SPEC §3 "Identity"): thin handlers over the identity service.
import { z } from 'zod';
import type { IdentityService } from '../../modules/identity/identity-service.js';
import { type AnyRoute, defineRoute } from '../route.js';
import { Cursor, EmptyBody } from '../schemas/common.js';
import { Agent, AgentKey, AgentName, ApiKey, Me, presentAgent, presentKey, presentMe } from '../schemas/identity.js';

const AgentRef = z.strictObject({ id: z.string().min(1).max(100) });
const KeyRef = z.strictObject({ id: z.string().min(1).max(100), keyId: z.string().min(1).max(100) });
const TAG = 'Identity';

/** The identity routes. `mailDomain` names agents' inbox addresses in `/v1/me`. */
export function identityRoutes(identity: IdentityService, options: { mailDomain: string }): AnyRoute[] {
  return [
    defineRoute({
      method: 'GET',
      path: '/v1/me',
      operationId: 'getMe',
      summary: 'Who am I: the calling principal and its delegation chain',
      tag: TAG,
      auth: true,
      status: 200,
      response: Me,
      handler: ({ ctx }) => presentMe(identity.me(ctx), options.mailDomain),
    }),
    defineRoute({
      method: 'POST',
      path: '/v1/agents',
      operationId: 'createAgent',
      summary: 'Create an agent and its first API key (operators)',
      description: 'The API key is returned once; only a hash of it is stored.',
      tag: TAG,
      auth: true,
      body: z.strictObject({ name: AgentName, description: z.string().max(500).optional() }),
      status: 201,
      response: z.object({ agent: Agent, key: AgentKey, apiKey: ApiKey }),
      errors: ['AGENT_NAME_TAKEN', 'OPERATOR_ONLY'],
      handler: async ({ ctx, body }) => {
        const created = await identity.createAgent(ctx, body);
        return { agent: presentAgent(created.agent), key: presentKey(created.key), apiKey: created.apiKey };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/v1/agents',
      operationId: 'listAgents',
      summary: 'List the agents of your org (operators)',
      tag: TAG,
      auth: true,
      query: z.strictObject({
        limit: z.coerce.number().int().min(1).max(200).optional(),
        cursor: Cursor.optional(),
        status: z.enum(['active', 'suspended', 'revoked']).optional(),
      }),
      status: 200,
      response: z.object({ agents: z.array(Agent), nextCursor: z.string().nullable() }),
      handler: async ({ ctx, query }) => {
        const page = await identity.listAgents(ctx, query);
        return { agents: page.agents.map(presentAgent), nextCursor: page.nextCursor };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/v1/agents/:id',
      operationId: 'getAgent',
      summary: 'Get an agent by id or name (operators)',
      tag: TAG,
      auth: true,
      params: AgentRef,
      status: 200,
      response: Agent,
      errors: ['AGENT_NOT_FOUND'],
      handler: async ({ ctx, params }) => presentAgent(await identity.getAgent(ctx, params.id)),
    }),
    defineRoute({
      method: 'POST',
      path: '/v1/agents/:id/suspend',
      operationId: 'suspendAgent',
      summary: 'Suspend an agent: its keys are refused from the next request on (operators)',
      tag: TAG,
      auth: true,
      params: AgentRef,
      body: EmptyBody,
      status: 200,
      response: Agent,
      errors: ['AGENT_NOT_FOUND', 'AGENT_REVOKED'],
      handler: async ({ ctx, params }) => presentAgent(await identity.suspendAgent(ctx, params.id)),
    }),
    defineRoute({
      method: 'POST',
      path: '/v1/agents/:id/resume',
      operationId: 'resumeAgent',
      summary: 'Resume a suspended agent (operators)',
      tag: TAG,
      auth: true,
      params: AgentRef,
      body: EmptyBody,
      status: 200,
      response: Agent,
      errors: ['AGENT_NOT_FOUND', 'AGENT_REVOKED'],
      handler: async ({ ctx, params }) => presentAgent(await identity.resumeAgent(ctx, params.id)),
    }),
    defineRoute({
      method: 'DELETE',
      path: '/v1/agents/:id',
      operationId: 'revokeAgent',
      summary: 'Revoke an agent: all its keys stop working at once, for good (operators)',
      tag: TAG,
      auth: true,
      params: AgentRef,
      status: 200,
      response: Agent,
      errors: ['AGENT_NOT_FOUND'],
      handler: async ({ ctx, params }) => presentAgent(await identity.revokeAgent(ctx, params.id)),
    }),
    defineRoute({
      method: 'POST',
      path: '/v1/agents/:id/keys',
      operationId: 'createAgentKey',
      summary: 'Create another API key for an agent, optionally expiring (operators)',
      tag: TAG,
      auth: true,
      params: AgentRef,
      body: z.strictObject({ expiresInSeconds: z.number().int().min(60).max(315_360_000).optional() }).optional(),
      status: 201,
      response: z.object({ key: AgentKey, apiKey: ApiKey }),
      errors: ['AGENT_NOT_FOUND', 'AGENT_REVOKED'],
      handler: async ({ ctx, params, body }) => {
        const created = await identity.createKey(ctx, params.id, { expiresInSeconds: body?.expiresInSeconds });
        return { key: presentKey(created.key), apiKey: created.apiKey };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/v1/agents/:id/keys',
      operationId: 'listAgentKeys',
      summary: "List an agent's keys (metadata only) (operators)",
      tag: TAG,
      auth: true,
      params: AgentRef,
      status: 200,
      response: z.object({ keys: z.array(AgentKey) }),
      handler: async ({ ctx, params }) => ({ keys: (await identity.listKeys(ctx, params.id)).map(presentKey) }),
    }),
    defineRoute({
      method: 'DELETE',
      path: '/v1/agents/:id/keys/:keyId',
      operationId: 'revokeAgentKey',
      summary: 'Revoke one API key of an agent (operators)',
      tag: TAG,
      auth: true,
      params: KeyRef,
      status: 200,
      response: AgentKey,
      errors: ['AGENT_NOT_FOUND', 'KEY_NOT_FOUND'],
      handler: async ({ ctx, params }) => presentKey(await identity.revokeKey(ctx, params.id, params.keyId)),
    }),
  ];
}
