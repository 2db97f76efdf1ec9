// Vault endpoints (SPEC §3 "Vault"): thin handlers over the vault service. The calling agent's own vault;
// operators address an agent's vault with ?agent=.
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { VaultService } from '../../modules/vault/vault-service.js';
import { type AnyRoute, defineRoute } from '../route.js';
import { Cursor, EmptyBody } from '../schemas/common.js';
import {
  AgentQuery,
  ItemName,
  ItemType,
  OtpCode,
  presentCode,
  presentItem,
  presentSecrets,
  VaultItem,
  VaultItemInputSchema,
  VaultSecrets,
} from '../schemas/vault.js';

const TAG = 'Vault';
const ItemRef = z.strictObject({ name: ItemName });
const AgentOnly = z.strictObject({ agent: AgentQuery.optional() });

/** An abort signal that fires if the client goes away before the response is written. */
function disconnectSignal(reply: FastifyReply): { signal: AbortSignal; done: () => void } {
  const controller = new AbortController();
  const onClose = () => {
    if (!reply.raw.writableFinished) controller.abort();
  };
  reply.raw.once('close', onClose);
  return { signal: controller.signal, done: () => reply.raw.off('close', onClose) };
}

/** The vault routes. */
export function vaultRoutes(vault: VaultService): AnyRoute[] {
  return [
    defineRoute({
      method: 'PUT',
      path: '/v1/vault/items/:name',
      operationId: 'putVaultItem',
      summary: 'Create (201) or replace (200) a vault item',
      description:
        'Secrets are encrypted under the item’s own data key. A TOTP seed (from an otpauth URI, a base32 secret or ' +
        'a QR image) is write-only: no route returns it. Invalid input is refused with 422 naming the field, and ' +
        'nothing is stored.',
      tag: TAG,
      auth: true,
      params: ItemRef,
      query: AgentOnly,
      body: VaultItemInputSchema,
      status: 200,
      response: VaultItem,
      errors: [
        'TOTP_INPUT_INVALID',
        'TOTP_URI_INVALID',
        'TOTP_SECRET_INVALID',
        'TOTP_PARAMETER_INVALID',
        'TOTP_IMAGE_INVALID',
        'TOTP_IMAGE_TOO_LARGE',
        'TOTP_QR_NOT_FOUND',
        'AGENT_NOT_FOUND',
        'AGENT_REVOKED',
        'RATE_LIMITED',
      ],
      handler: async ({ ctx, params, query, body, reply }) => {
        const { item, created } = await vault.put(ctx, query.agent, params.name, body);
        if (created) reply.code(201);
        return presentItem(item);
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/v1/vault/items',
      operationId: 'listVaultItems',
      summary: 'List vault items (metadata only, in name order)',
      tag: TAG,
      auth: true,
      query: z.strictObject({
        agent: AgentQuery.optional(),
        type: ItemType.optional(),
        limit: z.coerce.number().int().min(1).max(500).optional(),
        cursor: Cursor.optional(),
      }),
      status: 200,
      response: z.object({ items: z.array(VaultItem), nextCursor: z.string().nullable() }),
      errors: ['AGENT_NOT_FOUND', 'AGENT_REVOKED'],
      handler: async ({ ctx, query }) => {
        const { agent, ...rest } = query;
        const page = await vault.list(ctx, agent, rest);
        return { items: page.items.map(presentItem), nextCursor: page.nextCursor };
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/v1/vault/items/:name',
      operationId: 'getVaultItem',
      summary: 'Read an item and its secrets ("vault.get"; the agent itself only; audited)',
      description: 'The audit event commits before the secrets are sent. The TOTP seed is never included.',
      tag: TAG,
      auth: true,
      params: ItemRef,
      query: AgentOnly,
      status: 200,
      response: z.object({ item: VaultItem, secrets: VaultSecrets }),
      errors: ['VAULT_ITEM_NOT_FOUND', 'VAULT_SECRETS_AGENT_ONLY', 'AGENT_REVOKED'],
      handler: async ({ ctx, params, query }) => {
        const { item, secrets } = await vault.get(ctx, query.agent, params.name);
        return { item: presentItem(item), secrets: presentSecrets(secrets) };
      },
    }),
    defineRoute({
      method: 'DELETE',
      path: '/v1/vault/items/:name',
      operationId: 'deleteVaultItem',
      summary: 'Delete a vault item',
      tag: TAG,
      auth: true,
      params: ItemRef,
      query: AgentOnly,
      status: 204,
      response: null,
      errors: ['VAULT_ITEM_NOT_FOUND', 'AGENT_REVOKED'],
      handler: async ({ ctx, params, query }) => {
        await vault.remove(ctx, query.agent, params.name);
        return undefined;
      },
    }),
    defineRoute({
      method: 'GET',
      path: '/v1/vault/items/:name/totp',
      operationId: 'getVaultItemCode',
      summary: 'The current TOTP code (or the next HOTP code); audited',
      description:
        'With `minValidSeconds`, a TOTP code that would expire sooner is not returned: the call waits for the next ' +
        'step and returns that code. Must be less than the item’s period.',
      tag: TAG,
      auth: true,
      params: ItemRef,
      query: z.strictObject({
        agent: AgentQuery.optional(),
        minValidSeconds: z.coerce.number().int().min(0).max(86_399).optional(),
      }),
      status: 200,
      response: OtpCode,
      errors: ['VAULT_ITEM_NOT_FOUND', 'VAULT_ITEM_NOT_OTP', 'AGENT_REVOKED'],
      handler: async ({ ctx, params, query, reply }) => {
        // Only a caller that asked for a minimum validity can be kept waiting for the next step; the watch on its
        // connection (an AbortController and a listener) is built for that case alone.
        const watch = query.minValidSeconds ? disconnectSignal(reply) : null;
        try {
          const code = await vault.code(ctx, query.agent, params.name, {
            minValidSeconds: query.minValidSeconds,
            signal: watch?.signal,
          });
          return presentCode(code);
        } finally {
          watch?.done();
        }
      },
    }),
    defineRoute({
      method: 'POST',
      path: '/v1/vault/items/:name/totp/verify',
      operationId: 'verifyVaultItemCode',
      summary: 'Check a TOTP code (±1 step); a code accepted once is refused after',
      tag: TAG,
      auth: true,
      params: ItemRef,
      query: AgentOnly,
      body: z.strictObject({ code: z.string().min(1).max(32) }),
      status: 200,
      response: z.object({ valid: z.boolean() }),
      errors: ['VAULT_ITEM_NOT_FOUND', 'VAULT_ITEM_NOT_OTP', 'VAULT_VERIFY_TOTP_ONLY', 'AGENT_REVOKED'],
      handler: async ({ ctx, params, query, body }) => vault.verify(ctx, query.agent, params.name, body.code),
    }),
    defineRoute({
      method: 'POST',
      path: '/v1/vault/items/:name/backup-codes/consume',
      operationId: 'consumeBackupCode',
      summary: 'Take the next unused backup code, exactly once (the agent itself only; audited)',
      tag: TAG,
      auth: true,
      params: ItemRef,
      query: AgentOnly,
      body: EmptyBody,
      status: 200,
      response: z.object({ code: z.string(), remaining: z.number().int() }),
      errors: [
        'VAULT_ITEM_NOT_FOUND',
        'VAULT_NO_BACKUP_CODES',
        'VAULT_BACKUP_CODES_EXHAUSTED',
        'VAULT_SECRETS_AGENT_ONLY',
        'AGENT_REVOKED',
      ],
      handler: async ({ ctx, params, query }) => vault.consumeBackupCode(ctx, query.agent, params.name),
    }),
  ];
}
