// The agent's vault: items with sealed secrets, TOTP/HOTP codes, replay-safe verification and one-time backup
// codes. Authorization lives here; every release of a secret or a code is audited, and the event commits
// before the value leaves this service.
import { AppError, invalidField } from '../../core/app-error.js';
import type { Clock } from '../../core/clock.js';
import type { Transactor } from '../../core/transactor.js';
import type { Envelope } from '../../crypto/envelope.js';
import { newId } from '../../crypto/ids.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { AuditRepo } from '../audit/audit-repo.js';
import type { IdentityRepo } from '../identity/identity-repo.js';
import type { IdentityService } from '../identity/identity-service.js';
import type { RequestContext } from '../identity/principal.js';
import { enrollOtp, type OtpParams, parseOtpauthUri } from '../totp/index.js';
import { checkItemInput, ITEM_NAME, type VaultItemInput } from './item-input.js';
import { createVaultAccess } from './vault-access.js';
import { createVaultCodes, type OtpCodeView } from './vault-codes.js';
import { vaultError, withTotpErrors } from './vault-errors.js';
import type { SealedVaultItem, VaultItemRecord, VaultItemType, VaultRepo } from './vault-repo.js';
import {
  type ItemSecrets,
  openBackupCodes,
  openSecrets,
  sealBackupCodes,
  sealOtp,
  sealSecrets,
  vaultContext,
} from './vault-sealing.js';

export type { OtpCodeView } from './vault-codes.js';

export interface VaultService {
  /** Creates or replaces an item; `created` tells which. */
  put(
    ctx: RequestContext,
    agentRef: string | undefined,
    name: string,
    input: VaultItemInput,
  ): Promise<{ item: VaultItemRecord; created: boolean }>;
  list(
    ctx: RequestContext,
    agentRef: string | undefined,
    query: { type?: VaultItemType | undefined; limit?: number | undefined; cursor?: string | undefined },
  ): Promise<{ items: VaultItemRecord[]; nextCursor: string | null }>;
  /** "vault.get": the item's secrets (never its TOTP seed), released after the audit event commits. */
  get(
    ctx: RequestContext,
    agentRef: string | undefined,
    name: string,
  ): Promise<{ item: VaultItemRecord; secrets: ItemSecrets }>;
  remove(ctx: RequestContext, agentRef: string | undefined, name: string): Promise<void>;
  /**
   * The current code. With `minValidSeconds`, a TOTP code that would expire sooner is not returned: the call
   * waits (without blocking the event loop) for the next step. `signal` cancels the wait.
   */
  code(
    ctx: RequestContext,
    agentRef: string | undefined,
    name: string,
    options?: { minValidSeconds?: number | undefined; signal?: AbortSignal | undefined },
  ): Promise<OtpCodeView>;
  /** Checks a TOTP code (±1 step); a step accepted once is refused after, on every instance. */
  verify(ctx: RequestContext, agentRef: string | undefined, name: string, code: string): Promise<{ valid: boolean }>;
  /** Hands out the next unused backup code, exactly once. */
  consumeBackupCode(
    ctx: RequestContext,
    agentRef: string | undefined,
    name: string,
  ): Promise<{ code: string; remaining: number }>;
}

type Deps = {
  store: Transactor<{ vault: VaultRepo; audit: AuditRepo; identity: IdentityRepo }>;
  identity: Pick<IdentityService, 'resolveActingAgent'>;
  audit: AuditLog;
  envelope: Envelope;
  clock: Clock;
  /** Decodes a base64 QR image to its text off the request thread. @throws AppError */
  decodeQr: (base64: string, path: string) => Promise<string>;
  /** Waits `ms`; rejects when `signal` aborts. Default: a timer. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
};

const MAX_PUT_ATTEMPTS = 3;

/** Builds the vault service. */
export function createVaultService(deps: Deps): VaultService {
  const { store, audit, envelope, clock } = deps;
  const access = createVaultAccess(deps);
  const { targetOf, acting, requireAgent, findItem, assertStillUsable, event, opening } = access;
  const codes = createVaultCodes(deps, access);

  async function enroll(totp: unknown): Promise<OtpParams> {
    // A QR image is decoded off the request thread (a hostile image costs seconds of CPU); every other form is
    // cheap and checked here. enrollOtp refuses extra fields next to qrImage before it would decode anything.
    if (typeof totp === 'object' && totp !== null && !Array.isArray(totp)) {
      const fields = totp as Record<string, unknown>;
      if (Object.keys(fields).length === 1 && typeof fields.qrImage === 'string') {
        const text = await deps.decodeQr(fields.qrImage, 'totp.qrImage');
        return withTotpErrors(() => parseOtpauthUri(text, 'totp.qrImage'));
      }
    }
    return withTotpErrors(() => enrollOtp(totp, 'totp'));
  }

  function seal(
    base: { id: string; orgId: string; agentId: string; name: string; createdAt: number; now: number },
    input: VaultItemInput,
    url: string | null,
    backupCodes: string[],
    otp: OtpParams | null,
  ): SealedVaultItem {
    const { dataKey, wrapped } = envelope.newDataKey(vaultContext(base));
    const secrets: ItemSecrets = {};
    if (input.username !== undefined) secrets.username = input.username;
    if (input.password !== undefined) secrets.password = input.password;
    if (input.notes !== undefined) secrets.notes = input.notes;
    if (input.fields !== undefined) secrets.fields = input.fields;
    return {
      id: base.id,
      orgId: base.orgId,
      agentId: base.agentId,
      name: base.name,
      type: input.type,
      url,
      otp: otp && {
        kind: otp.kind,
        algorithm: otp.algorithm,
        digits: otp.digits,
        period: otp.period,
        encoder: otp.encoder ?? null,
        issuer: otp.issuer ?? null,
        account: otp.account ?? null,
      },
      hotpCounter: otp?.kind === 'hotp' ? (otp.counter ?? 0) : null,
      backupCodesTotal: backupCodes.length,
      backupCodesUsed: 0,
      createdAt: base.createdAt,
      updatedAt: base.now,
      wrappedKey: wrapped,
      secretsSealed: sealSecrets(dataKey, secrets),
      otpSealed: otp && sealOtp(dataKey, otp),
      backupCodesSealed: backupCodes.length > 0 ? sealBackupCodes(dataKey, backupCodes) : null,
    };
  }

  return {
    async put(ctx, agentRef, name, input) {
      const act = await acting(ctx, agentRef, 'vault.put', name);
      const { url, backupCodes } = checkItemInput(input);
      const otp = input.totp === undefined ? null : await enroll(input.totp);
      for (let attempt = 0; attempt < MAX_PUT_ATTEMPTS; attempt++) {
        const existing = await store.read.vault.findItem(act.agent.id, name);
        const now = clock.now();
        const sealed = seal(
          {
            id: existing?.id ?? newId('itm', now),
            orgId: act.agent.orgId,
            agentId: act.agent.id,
            name,
            createdAt: existing?.createdAt ?? now,
            now,
          },
          input,
          url,
          backupCodes,
          otp,
        );
        const done = await store.write(async (tx) => {
          let record: VaultItemRecord | undefined;
          if (existing) record = await tx.vault.replaceItem(sealed);
          else if (await tx.vault.insertItem(sealed)) record = sealed;
          // The row vanished or appeared since it was read (a concurrent PUT or DELETE): start again.
          if (!record) return null;
          await audit.append(tx, { ...event(ctx, act, 'vault.put', targetOf(sealed)), outcome: 'success' });
          return { item: stripSealed(record), created: !existing };
        });
        if (done) return done;
      }
      throw new AppError('CONFLICT', 'The item changed repeatedly while being written; try again.');
    },

    async list(ctx, agentRef, query) {
      const act = await acting(ctx, agentRef, 'vault.list', null);
      const limit = Math.min(Math.max(query.limit ?? 100, 1), 500);
      const options: Parameters<VaultRepo['listItems']>[1] = { limit: limit + 1 };
      if (query.cursor !== undefined) options.afterName = decodeCursor(query.cursor);
      if (query.type !== undefined) options.type = query.type;
      const rows = await store.read.vault.listItems(act.agent.id, options);
      const items = rows.slice(0, limit);
      const last = items[items.length - 1];
      return { items, nextCursor: rows.length > limit && last ? encodeCursor(last.name) : null };
    },

    async get(ctx, agentRef, name) {
      const act = await acting(ctx, agentRef, 'vault.get', name);
      await requireAgent(ctx, act, 'vault.get', name);
      const item = await findItem(act.agent.id, name);
      const secrets = await opening(ctx, act, 'vault.get', item, () =>
        openSecrets(envelope.openDataKey(item.wrappedKey, vaultContext(item)), item.secretsSealed),
      );
      await store.write(async (tx) => {
        await assertStillUsable(tx, ctx, act.agent);
        await audit.append(tx, { ...event(ctx, act, 'vault.get', targetOf(item)), outcome: 'success' });
      });
      return { item: stripSealed(item), secrets };
    },

    async remove(ctx, agentRef, name) {
      const act = await acting(ctx, agentRef, 'vault.delete', name);
      await store.write(async (tx) => {
        const deleted = await tx.vault.deleteItem(act.agent.id, name);
        if (!deleted) throw vaultError('VAULT_ITEM_NOT_FOUND');
        await audit.append(tx, { ...event(ctx, act, 'vault.delete', targetOf(deleted)), outcome: 'success' });
      });
    },

    code: codes.code,
    verify: codes.verify,

    async consumeBackupCode(ctx, agentRef, name) {
      const act = await acting(ctx, agentRef, 'vault.backup_code.consume', name);
      await requireAgent(ctx, act, 'vault.backup_code.consume', name);
      const item = await findItem(act.agent.id, name);
      if (item.backupCodesTotal === 0) throw vaultError('VAULT_NO_BACKUP_CODES');
      const taken = await store.write(async (tx) => {
        await assertStillUsable(tx, ctx, act.agent);
        const next = await tx.vault.takeBackupCode(item.id);
        if (!next) return null;
        // Opened inside the transaction: if it fails, the code is not counted as used.
        const codes = openBackupCodes(
          envelope.openDataKey(next.wrappedKey, vaultContext(item)),
          next.backupCodesSealed,
        );
        const code = codes[next.index];
        if (code === undefined) throw new AppError('CIPHERTEXT_INVALID', 'Stored backup codes are inconsistent.');
        await audit.append(tx, {
          ...event(ctx, act, 'vault.backup_code.consume', targetOf(item)),
          outcome: 'success',
        });
        return { code, remaining: next.remaining };
      });
      if (!taken) throw vaultError('VAULT_BACKUP_CODES_EXHAUSTED');
      return taken;
    },
  };
}

/** The metadata part of a record (a sealed row never leaves the service with its ciphertexts). */
function stripSealed(item: VaultItemRecord): VaultItemRecord {
  return {
    id: item.id,
    orgId: item.orgId,
    agentId: item.agentId,
    name: item.name,
    type: item.type,
    url: item.url,
    otp: item.otp,
    hotpCounter: item.hotpCounter,
    backupCodesTotal: item.backupCodesTotal,
    backupCodesUsed: item.backupCodesUsed,
    createdAt: item.createdAt,
    updatedAt: item.updatedAt,
  };
}

function encodeCursor(name: string): string {
  return Buffer.from(`v:${name}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): string {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const name = text.startsWith('v:') ? text.slice(2) : '';
  if (!ITEM_NAME.test(name)) throw invalidField('cursor', 'is not a cursor this server issued');
  return name;
}
