// Kysely implementation of the relay repository's per-human part: webhook settings, capture tokens, key rotation.
import type { Kysely } from 'kysely';
import type { RelayRepo } from '../../modules/relay/relay-repo.js';
import type { Database } from '../schema.js';

type SettingsPart = Pick<
  RelayRepo,
  | 'getSettings'
  | 'setWebhook'
  | 'clearWebhook'
  | 'setCaptureToken'
  | 'clearCaptureToken'
  | 'findCaptureCredential'
  | 'findHuman'
  | 'findHumansByName'
  | 'pageWrappedKeys'
  | 'replaceWrappedKey'
>;

const EMPTY_SETTINGS = {
  webhook_url: null,
  webhook_secret: null,
  wrapped_key: null,
  webhook_updated_at: null,
  capture_token_hash: null,
  capture_token_created_at: null,
} as const;

/** The per-human part of the relay repository. */
export function relaySettingsRepo(db: Kysely<Database>): SettingsPart {
  return {
    async getSettings(humanId) {
      const row = await db
        .selectFrom('relay_settings')
        .select([
          'human_id',
          'org_id',
          'webhook_url',
          'webhook_secret',
          'wrapped_key',
          'webhook_updated_at',
          'capture_token_created_at',
        ])
        .where('human_id', '=', humanId)
        .executeTakeFirst();
      if (!row) return undefined;
      return {
        humanId: row.human_id,
        orgId: row.org_id,
        webhookUrl: row.webhook_url,
        sealedWebhookSecret: row.webhook_secret,
        wrappedKey: row.wrapped_key,
        webhookUpdatedAt: row.webhook_updated_at,
        captureTokenCreatedAt: row.capture_token_created_at,
      };
    },

    async setWebhook(humanId, orgId, webhook, at) {
      const values = {
        webhook_url: webhook.url,
        webhook_secret: webhook.sealedSecret,
        wrapped_key: webhook.wrappedKey,
        webhook_updated_at: at,
        updated_at: at,
      };
      await db
        .insertInto('relay_settings')
        .values({ ...EMPTY_SETTINGS, human_id: humanId, org_id: orgId, ...values })
        .onConflict((oc) => oc.column('human_id').doUpdateSet(values))
        .execute();
    },

    async clearWebhook(humanId, at) {
      const result = await db
        .updateTable('relay_settings')
        .set({ webhook_url: null, webhook_secret: null, wrapped_key: null, webhook_updated_at: at, updated_at: at })
        .where('human_id', '=', humanId)
        .where('webhook_url', 'is not', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async setCaptureToken(humanId, orgId, tokenHash, at) {
      const values = { capture_token_hash: tokenHash, capture_token_created_at: at, updated_at: at };
      await db
        .insertInto('relay_settings')
        .values({ ...EMPTY_SETTINGS, human_id: humanId, org_id: orgId, ...values })
        .onConflict((oc) => oc.column('human_id').doUpdateSet(values))
        .execute();
    },

    async clearCaptureToken(humanId, at) {
      const result = await db
        .updateTable('relay_settings')
        .set({ capture_token_hash: null, capture_token_created_at: null, updated_at: at })
        .where('human_id', '=', humanId)
        .where('capture_token_hash', 'is not', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },

    async findCaptureCredential(humanId) {
      const row = await db
        .selectFrom('relay_settings as s')
        .innerJoin('humans as h', 'h.id', 's.human_id')
        .innerJoin('orgs as o', 'o.id', 'h.org_id')
        .select([
          's.capture_token_hash',
          'h.id as human_id',
          'h.name as human_name',
          'o.id as org_id',
          'o.name as org_name',
        ])
        .where('s.human_id', '=', humanId)
        .executeTakeFirst();
      if (!row?.capture_token_hash) return undefined;
      return {
        human: { id: row.human_id, name: row.human_name },
        org: { id: row.org_id, name: row.org_name },
        tokenHash: row.capture_token_hash,
      };
    },

    async findHuman(humanId) {
      const row = await db
        .selectFrom('humans as h')
        .innerJoin('orgs as o', 'o.id', 'h.org_id')
        .select(['h.id', 'h.name', 'o.id as org_id', 'o.name as org_name'])
        .where('h.id', '=', humanId)
        .executeTakeFirst();
      return row && { id: row.id, name: row.name, orgId: row.org_id, orgName: row.org_name };
    },

    async findHumansByName(name, limit) {
      const rows = await db
        .selectFrom('humans')
        .select(['id', 'name', 'org_id'])
        .where('name', '=', name)
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map((r) => ({ id: r.id, name: r.name, orgId: r.org_id }));
    },

    async pageWrappedKeys(table, afterId, limit) {
      if (table === 'settings') {
        let q = db
          .selectFrom('relay_settings')
          .select(['human_id', 'org_id', 'wrapped_key'])
          .where('wrapped_key', 'is not', null);
        if (afterId !== null) q = q.where('human_id', '>', afterId);
        const rows = await q.orderBy('human_id').limit(limit).execute();
        return rows.flatMap((r) =>
          r.wrapped_key ? [{ id: r.human_id, orgId: r.org_id, ownerId: r.human_id, wrapped: r.wrapped_key }] : [],
        );
      }
      let q = db
        .selectFrom('relay_requests')
        .select(['id', 'org_id', 'agent_id', 'wrapped_key'])
        .where('wrapped_key', 'is not', null);
      if (afterId !== null) q = q.where('id', '>', afterId);
      const rows = await q.orderBy('id').limit(limit).execute();
      return rows.flatMap((r) =>
        r.wrapped_key ? [{ id: r.id, orgId: r.org_id, ownerId: r.agent_id, wrapped: r.wrapped_key }] : [],
      );
    },

    async replaceWrappedKey(table, id, previous, next) {
      const result =
        table === 'settings'
          ? await db
              .updateTable('relay_settings')
              .set({ wrapped_key: next })
              .where('human_id', '=', id)
              .where('wrapped_key', '=', previous)
              .executeTakeFirst()
          : await db
              .updateTable('relay_requests')
              .set({ wrapped_key: next })
              .where('id', '=', id)
              .where('wrapped_key', '=', previous)
              .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
  };
}
