// Kysely implementation of the relay webhook outbox: durable deliveries, claimed with a lease so instances never
// send the same delivery at once, with attempts and the next attempt time kept across restarts.
import type { Kysely, Selectable } from 'kysely';
import type { DeliveryRecord, RelayRepo } from '../../modules/relay/relay-repo.js';
import type { Database, RelayDeliveriesTable } from '../schema.js';

type OutboxPart = Pick<RelayRepo, 'enqueueDelivery' | 'claimDeliveries' | 'finishDelivery' | 'listDeliveries'>;

function toDelivery(row: Selectable<RelayDeliveriesTable>): DeliveryRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    humanId: row.human_id,
    eventType: row.event_type,
    payload: row.payload,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    claimedUntil: row.claimed_until,
    createdAt: row.created_at,
    finishedAt: row.finished_at,
    lastError: row.last_error,
    lastStatus: row.last_status,
  };
}

/** The outbox part of the relay repository. */
export function relayOutboxRepo(db: Kysely<Database>): OutboxPart {
  return {
    async enqueueDelivery(d) {
      const inserted = await db
        .insertInto('relay_deliveries')
        .values({
          id: d.id,
          org_id: d.orgId,
          human_id: d.humanId,
          event_type: d.eventType,
          payload: d.payload,
          dedupe_key: d.dedupeKey ?? null,
          status: 'pending',
          attempts: 0,
          next_attempt_at: d.createdAt,
          claimed_until: 0,
          created_at: d.createdAt,
          finished_at: null,
          last_error: null,
          last_status: null,
        })
        .onConflict((oc) => oc.column('dedupe_key').doNothing())
        .returning('id')
        .executeTakeFirst();
      return inserted !== undefined;
    },

    async claimDeliveries(now, leaseUntil, limit) {
      // The guard is repeated outside the subquery: on PostgreSQL a second instance that picked the same ids waits
      // for the first one's row locks, then re-checks the guard against the claimed rows and skips them.
      const rows = await db
        .updateTable('relay_deliveries')
        .set((eb) => ({ claimed_until: leaseUntil, attempts: eb('attempts', '+', 1) }))
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('relay_deliveries')
            .select('id')
            .where('status', '=', 'pending')
            .where('next_attempt_at', '<=', now)
            .where('claimed_until', '<', now)
            .orderBy('next_attempt_at')
            .orderBy('id')
            .limit(limit),
        )
        .where('status', '=', 'pending')
        .where('next_attempt_at', '<=', now)
        .where('claimed_until', '<', now)
        .returningAll()
        .execute();
      return rows.map(toDelivery).sort((a, b) => a.nextAttemptAt - b.nextAttemptAt || a.id.localeCompare(b.id));
    },

    async finishDelivery(id, outcome) {
      await db
        .updateTable('relay_deliveries')
        .set({
          status: outcome.status,
          claimed_until: 0,
          last_error: outcome.error ?? null,
          last_status: outcome.httpStatus ?? null,
          ...(outcome.status === 'pending'
            ? { next_attempt_at: outcome.nextAttemptAt ?? outcome.at }
            : { finished_at: outcome.at }),
        })
        .where('id', '=', id)
        .execute();
    },

    async listDeliveries(humanId, limit) {
      const rows = await db
        .selectFrom('relay_deliveries')
        .selectAll()
        .where('human_id', '=', humanId)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(limit)
        .execute();
      return rows.map(toDelivery);
    },
  };
}
