// Kysely implementation of the keys module's repository, for both SQLite and PostgreSQL.
import type { Kysely } from 'kysely';
import type { KeyHolder, KeysRepo } from '../../modules/keys/keys-repo.js';
import type { Database } from '../schema.js';
import { metaRepo } from './meta-repo.js';

/** The keys repository over a Kysely handle (the database or a transaction). */
export function keysRepo(db: Kysely<Database>): KeysRepo {
  // Check values are the meta repository's rows; this port only names what key management needs of them.
  const meta = metaRepo(db);
  return {
    async checkedVersions() {
      return (await meta.keyringChecks()).map((c) => c.version);
    },
    ensureKeyringCheck: (version, checkValue, at) => meta.ensureKeyringCheck(version, checkValue, at),
    deleteKeyringCheck: (version) => meta.deleteKeyringCheck(version),
    async reportHolder(holder) {
      const values = {
        instance_id: holder.instanceId,
        primary_version: holder.primaryVersion,
        versions: holder.versions.join(','),
        seen_at: holder.seenAt,
      };
      await db
        .insertInto('keyring_holders')
        .values(values)
        .onConflict((oc) =>
          oc.column('instance_id').doUpdateSet({
            primary_version: values.primary_version,
            versions: values.versions,
            seen_at: values.seen_at,
          }),
        )
        .execute();
    },
    async removeHolder(instanceId) {
      await db.deleteFrom('keyring_holders').where('instance_id', '=', instanceId).execute();
    },
    async liveHolders(sinceMs): Promise<KeyHolder[]> {
      const rows = await db
        .selectFrom('keyring_holders')
        .selectAll()
        .where('seen_at', '>=', sinceMs)
        .orderBy('instance_id')
        .execute();
      return rows.map((r) => ({
        instanceId: r.instance_id,
        primaryVersion: r.primary_version,
        versions: r.versions
          .split(',')
          .filter((v) => v !== '')
          .map(Number),
        seenAt: r.seen_at,
      }));
    },
  };
}
