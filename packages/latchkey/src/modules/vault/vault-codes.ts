// TOTP and HOTP codes out of the vault, and replay-safe TOTP verification. A code leaves only after its audit
// event commits; HOTP counters and accepted steps move in guarded updates (ADR 0011).
import { setTimeout as delay } from 'node:timers/promises';
import { invalidField } from '../../core/app-error.js';
import type { Clock } from '../../core/clock.js';
import type { Envelope } from '../../crypto/envelope.js';
import type { RequestContext } from '../identity/principal.js';
import { hotp, totpAt, verifyTotp } from '../totp/index.js';
import type { Acting, VaultAccess, VaultAccessDeps } from './vault-access.js';
import { vaultError } from './vault-errors.js';
import type { SealedVaultItem } from './vault-repo.js';
import { openOtp, vaultContext } from './vault-sealing.js';

/** A TOTP or HOTP code as the API returns it. Times are epoch milliseconds. */
export type OtpCodeView =
  | {
      kind: 'totp';
      code: string;
      digits: number;
      period: number;
      algorithm: string;
      step: number;
      validFrom: number;
      validUntil: number;
      remainingSeconds: number;
      serverTime: number;
    }
  | { kind: 'hotp'; code: string; digits: number; algorithm: string; counter: number; serverTime: number };

/** What code operations need beyond the access helpers. */
export type VaultCodeDeps = VaultAccessDeps & {
  envelope: Envelope;
  clock: Clock;
  /** Waits `ms`; rejects when `signal` aborts. Default: a timer. */
  sleep?: ((ms: number, signal?: AbortSignal) => Promise<void>) | undefined;
};

/** Builds the code operations of the vault service. */
export function createVaultCodes(deps: VaultCodeDeps, access: VaultAccess) {
  const { store, audit, envelope, clock } = deps;
  const { acting, findItem, assertStillUsable, event, opening, targetOf } = access;
  const sleep = deps.sleep ?? ((ms: number, signal?: AbortSignal) => delay(ms, undefined, signal ? { signal } : {}));

  async function totpCode(
    ctx: RequestContext,
    act: Acting,
    item: SealedVaultItem,
    minValidSeconds: number,
    signal: AbortSignal | undefined,
  ): Promise<OtpCodeView> {
    const otpSealed = item.otpSealed;
    if (otpSealed === null) throw vaultError('VAULT_ITEM_NOT_OTP');
    const params = await opening(ctx, act, 'vault.totp', item, () =>
      openOtp(envelope.openDataKey(item.wrappedKey, vaultContext(item)), otpSealed),
    );
    let at = clock.now();
    let current = totpAt(params, at);
    if (current.remainingSeconds < minValidSeconds) {
      try {
        await sleep(current.validUntil - at, signal);
      } catch {
        throw vaultError('VAULT_WAIT_CANCELLED');
      }
      // Never before the next step, even if the clock lags the timer: the caller asked for a fresh code.
      at = Math.max(clock.now(), current.validUntil);
      current = totpAt(params, at);
    }
    await store.write(async (tx) => {
      await assertStillUsable(tx, ctx, act.agent);
      await audit.append(tx, { ...event(ctx, act, 'vault.totp', targetOf(item)), outcome: 'success' });
    });
    return {
      kind: 'totp',
      code: current.code,
      digits: params.digits,
      period: params.period,
      algorithm: params.algorithm,
      step: current.step,
      validFrom: current.validFrom,
      validUntil: current.validUntil,
      remainingSeconds: current.remainingSeconds,
      serverTime: at,
    };
  }

  async function hotpCode(ctx: RequestContext, act: Acting, item: SealedVaultItem): Promise<OtpCodeView> {
    // The counter moves, the code is computed from what that same statement read, and the event is recorded,
    // all in one transaction: a code is never handed out twice nor without its event.
    return opening(ctx, act, 'vault.totp', item, () =>
      store.write(async (tx) => {
        await assertStillUsable(tx, ctx, act.agent);
        const taken = await tx.vault.takeHotpCounter(item.id);
        if (!taken) throw vaultError('VAULT_ITEM_NOT_OTP');
        const key = envelope.openDataKey(taken.wrappedKey, vaultContext(item));
        const params = openOtp(key, taken.otpSealed, taken.counter);
        const code = hotp(params, taken.counter);
        await audit.append(tx, { ...event(ctx, act, 'vault.totp', targetOf(item)), outcome: 'success' });
        return {
          kind: 'hotp' as const,
          code,
          digits: params.digits,
          algorithm: params.algorithm,
          counter: taken.counter,
          serverTime: clock.now(),
        };
      }),
    );
  }

  return {
    async code(
      ctx: RequestContext,
      agentRef: string | undefined,
      name: string,
      options: { minValidSeconds?: number | undefined; signal?: AbortSignal | undefined } = {},
    ): Promise<OtpCodeView> {
      const act = await acting(ctx, agentRef, 'vault.totp', name);
      const item = await findItem(act.agent.id, name);
      if (!item.otp) throw vaultError('VAULT_ITEM_NOT_OTP');
      if (item.otp.kind === 'hotp') return hotpCode(ctx, act, item);
      const minValid = options.minValidSeconds ?? 0;
      if (!Number.isInteger(minValid) || minValid < 0 || minValid >= item.otp.period) {
        throw invalidField(
          'minValidSeconds',
          `must be a whole number from 0 to ${item.otp.period - 1} (this item's codes last ${item.otp.period} s)`,
        );
      }
      return totpCode(ctx, act, item, minValid, options.signal);
    },

    async verify(
      ctx: RequestContext,
      agentRef: string | undefined,
      name: string,
      code: string,
    ): Promise<{ valid: boolean }> {
      const act = await acting(ctx, agentRef, 'vault.totp.verify', name);
      const item = await findItem(act.agent.id, name);
      if (!item.otp || item.otpSealed === null) throw vaultError('VAULT_ITEM_NOT_OTP');
      if (item.otp.kind !== 'totp') throw vaultError('VAULT_VERIFY_TOTP_ONLY');
      const otpSealed = item.otpSealed;
      const params = await opening(ctx, act, 'vault.totp.verify', item, () =>
        openOtp(envelope.openDataKey(item.wrappedKey, vaultContext(item)), otpSealed),
      );
      const match = verifyTotp(params, code, clock.now(), 1);
      const valid = await store.write(async (tx) => {
        await assertStillUsable(tx, ctx, act.agent);
        const accepted = match !== null && (await tx.vault.acceptTotpStep(item.id, item.wrappedKey, match.step));
        await audit.append(tx, {
          ...event(ctx, act, 'vault.totp.verify', targetOf(item)),
          outcome: accepted ? 'success' : 'failure',
          reason: accepted ? null : match === null ? 'code_mismatch' : 'code_already_used',
        });
        return accepted;
      });
      return { valid };
    },
  };
}
