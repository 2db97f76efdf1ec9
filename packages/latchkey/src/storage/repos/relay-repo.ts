// Kysely implementation of the relay module's repository (requests and standing approvals), for both dialects.
// Every one-time step is a guarded UPDATE: the WHERE clause names the states it may leave, so on PostgreSQL a
// concurrent writer blocks on the row lock, re-checks the guard against the committed row, and matches nothing.
import type { Kysely, Selectable } from 'kysely';
import {
  type ClaimedPayload,
  LIVE_STATUSES,
  type RelayRepo,
  type RelayRequestRecord,
  type RelayStatus,
  type StandingApprovalRecord,
} from '../../modules/relay/relay-repo.js';
import type { Database, RelayRequestsTable, RelayStandingApprovalsTable } from '../schema.js';
import { relayOutboxRepo } from './relay-outbox-repo.js';
import { relaySettingsRepo } from './relay-settings-repo.js';

/** Final statuses: reaching one erases whatever sealed payload the row still holds. */
const FINAL: readonly RelayStatus[] = ['consumed', 'denied', 'expired', 'cancelled'];

const ERASED = { enc: null, ciphertext: null, sealed_from: null, wrapped_key: null } as const;

type RequestRow = Omit<Selectable<RelayRequestsTable>, 'enc' | 'ciphertext' | 'sealed_from' | 'wrapped_key'> & {
  org_name: string;
  agent_name: string;
  approver_name: string;
  decided_by_name: string | null;
};

function toRequest(row: RequestRow): RelayRequestRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    orgName: row.org_name,
    agentId: row.agent_id,
    agentName: row.agent_name,
    approverId: row.approver_id,
    approverName: row.approver_name,
    status: row.status,
    reason: row.reason,
    expectedSender: row.expected_sender,
    channel: row.channel,
    filterFrom: row.filter_from,
    filterPattern: row.filter_pattern,
    publicKey: row.public_key,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    expiresAt: row.expires_at,
    decidedBy: row.decided_by,
    decidedByName: row.decided_by_name,
    decidedAt: row.decided_at,
    standingApprovalId: row.standing_approval_id,
    capturedAt: row.captured_at,
    capturedChannel: row.captured_channel,
    receivedAt: row.received_at,
    consumedAt: row.consumed_at,
  };
}

function toStanding(row: Selectable<RelayStandingApprovalsTable> & { agent_name: string }): StandingApprovalRecord {
  return {
    id: row.id,
    orgId: row.org_id,
    humanId: row.human_id,
    agentId: row.agent_id,
    agentName: row.agent_name,
    sender: row.sender,
    maxCodes: row.max_codes,
    remaining: row.remaining,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}

/** Request rows with the names a view needs; never the sealed columns. */
function selectRequests(db: Kysely<Database>) {
  return db
    .selectFrom('relay_requests as r')
    .innerJoin('agents as a', 'a.id', 'r.agent_id')
    .innerJoin('humans as h', 'h.id', 'r.approver_id')
    .innerJoin('orgs as o', 'o.id', 'r.org_id')
    .leftJoin('humans as d', 'd.id', 'r.decided_by')
    .select([
      'r.id',
      'r.org_id',
      'r.agent_id',
      'r.approver_id',
      'r.status',
      'r.reason',
      'r.expected_sender',
      'r.channel',
      'r.filter_from',
      'r.filter_pattern',
      'r.public_key',
      'r.created_at',
      'r.updated_at',
      'r.expires_at',
      'r.decided_by',
      'r.decided_at',
      'r.standing_approval_id',
      'r.captured_at',
      'r.captured_channel',
      'r.received_at',
      'r.consumed_at',
      'o.name as org_name',
      'a.name as agent_name',
      'h.name as approver_name',
      'd.name as decided_by_name',
    ]);
}

function selectStanding(db: Kysely<Database>) {
  return db
    .selectFrom('relay_standing_approvals as s')
    .innerJoin('agents as a', 'a.id', 's.agent_id')
    .selectAll('s')
    .select('a.name as agent_name');
}

/** The relay repository over a Kysely handle (the database or a transaction). */
export function relayRepo(db: Kysely<Database>): RelayRepo {
  async function findRequest(orgId: string, id: string): Promise<RelayRequestRecord | undefined> {
    const row = await selectRequests(db).where('r.org_id', '=', orgId).where('r.id', '=', id).executeTakeFirst();
    return row && toRequest(row);
  }

  async function findStanding(humanId: string, id: string): Promise<StandingApprovalRecord | undefined> {
    const row = await selectStanding(db).where('s.human_id', '=', humanId).where('s.id', '=', id).executeTakeFirst();
    return row && toStanding(row);
  }

  return {
    ...relaySettingsRepo(db),
    ...relayOutboxRepo(db),

    async insertRequest(r) {
      await db
        .insertInto('relay_requests')
        .values({
          id: r.id,
          org_id: r.orgId,
          agent_id: r.agentId,
          approver_id: r.approverId,
          status: r.status,
          reason: r.reason,
          expected_sender: r.expectedSender,
          channel: r.channel,
          filter_from: r.filterFrom,
          filter_pattern: r.filterPattern,
          public_key: r.publicKey,
          created_at: r.createdAt,
          updated_at: r.updatedAt,
          expires_at: r.expiresAt,
        })
        .execute();
    },

    findRequest,

    async listRequests(orgId, options) {
      let q = selectRequests(db).where('r.org_id', '=', orgId);
      if (options.agentId !== undefined) q = q.where('r.agent_id', '=', options.agentId);
      if (options.status !== undefined) q = q.where('r.status', '=', options.status);
      if (options.afterId !== undefined) q = q.where('r.id', '>', options.afterId);
      const rows = await q.orderBy('r.id').limit(options.limit).execute();
      return rows.map(toRequest);
    },

    async countPending(agentId, now) {
      const row = await db
        .selectFrom('relay_requests')
        .select((eb) => eb.fn.countAll<number | string>().as('n'))
        .where('agent_id', '=', agentId)
        .where('status', '=', 'pending_approval')
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return Number(row?.n ?? 0);
    },

    async transitionRequest(orgId, id, change) {
      let q = db
        .updateTable('relay_requests')
        .set({
          status: change.to,
          updated_at: change.at,
          ...(change.decidedBy !== undefined ? { decided_by: change.decidedBy, decided_at: change.at } : {}),
          ...(change.standingApprovalId !== undefined ? { standing_approval_id: change.standingApprovalId } : {}),
          ...(change.to === 'consumed' ? { consumed_at: change.at } : {}),
          ...(FINAL.includes(change.to) ? ERASED : {}),
        })
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .where('status', 'in', [...change.from]);
      if (change.unexpiredAt !== undefined) q = q.where('expires_at', '>', change.unexpiredAt);
      const updated = await q.returning('id').executeTakeFirst();
      return updated ? findRequest(orgId, id) : undefined;
    },

    async captureCandidates(approverId, channel, now, limit) {
      const rows = await selectRequests(db)
        .where('r.approver_id', '=', approverId)
        .where('r.status', '=', 'approved')
        .where('r.expires_at', '>', now)
        .where('r.channel', 'in', [channel, 'any'])
        .where('a.status', '=', 'active')
        .orderBy('r.created_at')
        .orderBy('r.id')
        .limit(limit)
        .execute();
      return rows.map(toRequest);
    },

    async recordCapture(orgId, id, c) {
      const updated = await db
        .updateTable('relay_requests')
        .set({
          status: 'otp_received',
          updated_at: c.capturedAt,
          captured_at: c.capturedAt,
          captured_channel: c.channel,
          received_at: c.receivedAt,
          enc: c.enc,
          ciphertext: c.ciphertext,
          sealed_from: c.sealedFrom,
          wrapped_key: c.wrappedKey,
        })
        .where('org_id', '=', orgId)
        .where('id', '=', id)
        .where('status', '=', 'approved')
        .where('expires_at', '>', c.capturedAt)
        .returning('id')
        .executeTakeFirst();
      return updated ? findRequest(orgId, id) : undefined;
    },

    async claimPayload(orgId, agentId, id, now): Promise<ClaimedPayload | undefined> {
      // The claim is the guarded status change; RETURNING gives the row after it, and the sealed columns are still
      // there because this statement does not touch them. The erase follows in the same transaction, so no committed
      // state ever has `consumed` with a payload, and no second claim can match.
      const claimed = await db
        .updateTable('relay_requests')
        .set({ status: 'consumed', consumed_at: now, updated_at: now })
        .where('org_id', '=', orgId)
        .where('agent_id', '=', agentId)
        .where('id', '=', id)
        .where('status', '=', 'otp_received')
        .where('expires_at', '>', now)
        .returning(['enc', 'ciphertext', 'sealed_from', 'wrapped_key'])
        .executeTakeFirst();
      if (!claimed) return undefined;
      await db.updateTable('relay_requests').set(ERASED).where('id', '=', id).execute();
      const { enc, ciphertext, sealed_from: sealedFrom, wrapped_key: wrappedKey } = claimed;
      if (enc === null || ciphertext === null || sealedFrom === null || wrappedKey === null) {
        // An otp_received row always carries its payload (recordCapture sets all four at once).
        throw new Error('relay request in otp_received without a payload');
      }
      const request = await findRequest(orgId, id);
      if (!request) throw new Error('claimed relay request vanished');
      return { request, enc, ciphertext, sealedFrom, wrappedKey };
    },

    async expireDue(now, limit) {
      const expired = await db
        .updateTable('relay_requests')
        .set({ status: 'expired', updated_at: now, ...ERASED })
        .where('id', 'in', (eb) =>
          eb
            .selectFrom('relay_requests')
            .select('id')
            .where('status', 'in', [...LIVE_STATUSES])
            .where('expires_at', '<=', now)
            .orderBy('expires_at')
            .limit(limit),
        )
        .where('status', 'in', [...LIVE_STATUSES])
        .where('expires_at', '<=', now)
        .returning('id')
        .execute();
      if (expired.length === 0) return [];
      const rows = await selectRequests(db)
        .where(
          'r.id',
          'in',
          expired.map((e) => e.id),
        )
        .orderBy('r.id')
        .execute();
      return rows.map(toRequest);
    },

    async insertStandingApproval(s) {
      await db
        .insertInto('relay_standing_approvals')
        .values({
          id: s.id,
          org_id: s.orgId,
          human_id: s.humanId,
          agent_id: s.agentId,
          sender: s.sender,
          max_codes: s.maxCodes,
          remaining: s.remaining,
          created_at: s.createdAt,
          expires_at: s.expiresAt,
          revoked_at: s.revokedAt,
        })
        .execute();
    },

    async listStandingApprovals(humanId) {
      const rows = await selectStanding(db).where('s.human_id', '=', humanId).orderBy('s.id').execute();
      return rows.map(toStanding);
    },

    async revokeStandingApproval(humanId, id, at) {
      await db
        .updateTable('relay_standing_approvals')
        .set({ revoked_at: at })
        .where('human_id', '=', humanId)
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .execute();
      return findStanding(humanId, id);
    },

    async spendStandingApproval({ humanId, agentId, sender, now }) {
      const live = (q: ReturnType<typeof baseSpend>) =>
        q.where('remaining', '>', 0).where('revoked_at', 'is', null).where('expires_at', '>', now);
      const baseSpend = () =>
        db
          .selectFrom('relay_standing_approvals')
          .select('id')
          .where('human_id', '=', humanId)
          .where('agent_id', '=', agentId)
          .where('sender', '=', sender);
      const spent = await db
        .updateTable('relay_standing_approvals')
        .set((eb) => ({ remaining: eb('remaining', '-', 1) }))
        .where('id', 'in', live(baseSpend()).orderBy('created_at').orderBy('id').limit(1))
        .where('remaining', '>', 0)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .returning('id')
        .executeTakeFirst();
      return spent ? findStanding(humanId, spent.id) : undefined;
    },
  };
}
