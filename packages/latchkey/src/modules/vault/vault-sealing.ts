// What a vault item's sealed fields hold and how they are sealed: each under the item's own data key, with
// associated data naming org, agent, item and field, so no ciphertext decrypts in another row or field.

import { cryptoError } from '../../crypto/crypto-errors.js';
import type { DataKey, EnvelopeContext } from '../../crypto/envelope.js';
import { createOtpParams, OTP_ALGORITHMS, type OtpParams, TotpError } from '../totp/index.js';

/** The secret parts of an item that `vault.get` releases (never the TOTP seed). */
export interface ItemSecrets {
  username?: string;
  password?: string;
  notes?: string;
  fields?: Record<string, string>;
}

/** Sealed field names: part of each ciphertext's associated data. */
const FIELD = { secrets: 'secrets', otp: 'otp', backupCodes: 'backupCodes' } as const;

/** The envelope context of a vault item. */
export function vaultContext(item: { orgId: string; agentId: string; id: string }): EnvelopeContext {
  return { scope: 'vault', orgId: item.orgId, ownerId: item.agentId, objectId: item.id };
}

/** Seals the secret parts; null when there is nothing to seal. */
export function sealSecrets(key: DataKey, secrets: ItemSecrets): Buffer | null {
  const present = Object.fromEntries(Object.entries(secrets).filter(([, v]) => v !== undefined));
  return Object.keys(present).length === 0 ? null : key.seal(FIELD.secrets, JSON.stringify(present));
}

/** Opens the secret parts. @throws AppError CIPHERTEXT_INVALID */
export function openSecrets(key: DataKey, sealed: Uint8Array | null): ItemSecrets {
  if (sealed === null) return {};
  const value = parseJson(key.openText(FIELD.secrets, sealed));
  if (!isRecord(value)) throw cryptoError('CIPHERTEXT_INVALID');
  const out: ItemSecrets = {};
  for (const k of ['username', 'password', 'notes'] as const) {
    const v = value[k];
    if (typeof v === 'string') out[k] = v;
  }
  if (isRecord(value.fields)) {
    out.fields = Object.fromEntries(
      Object.entries(value.fields).filter((e): e is [string, string] => typeof e[1] === 'string'),
    );
  }
  return out;
}

/**
 * Seals an OTP credential: the seed and every parameter its codes depend on, so the plain display columns
 * cannot change what codes are generated. The HOTP counter is not sealed: it moves with a guarded UPDATE.
 */
export function sealOtp(key: DataKey, params: OtpParams): Buffer {
  const body = {
    v: 1,
    kind: params.kind,
    algorithm: params.algorithm,
    digits: params.digits,
    period: params.period,
    ...(params.encoder !== undefined ? { encoder: params.encoder } : {}),
    seed: params.secret.toString('base64'),
  };
  return key.seal(FIELD.otp, JSON.stringify(body));
}

/**
 * Opens an OTP credential and rebuilds it through `createOtpParams`, so stored rows are held to the same bounds
 * as new enrollments. `counter` is the HOTP counter to compute (ignored for TOTP).
 * @throws AppError CIPHERTEXT_INVALID when the ciphertext or what it holds is not a valid credential
 */
export function openOtp(key: DataKey, sealed: Uint8Array, counter?: number): OtpParams {
  const value = parseJson(key.openText(FIELD.otp, sealed));
  if (!isRecord(value) || value.v !== 1 || typeof value.seed !== 'string') throw cryptoError('CIPHERTEXT_INVALID');
  const kind = value.kind === 'hotp' ? 'hotp' : value.kind === 'totp' ? 'totp' : null;
  const algorithm = OTP_ALGORITHMS.find((a) => a === value.algorithm);
  if (kind === null || algorithm === undefined || typeof value.digits !== 'number' || typeof value.period !== 'number')
    throw cryptoError('CIPHERTEXT_INVALID');
  try {
    return createOtpParams({
      kind,
      secret: Buffer.from(value.seed, 'base64'),
      algorithm,
      digits: value.digits,
      period: value.period,
      ...(value.encoder === 'steam' ? { encoder: 'steam' as const } : {}),
      ...(kind === 'hotp' ? { counter: counter ?? 0 } : {}),
    });
  } catch (err) {
    if (err instanceof TotpError) throw cryptoError('CIPHERTEXT_INVALID');
    throw err;
  }
}

/** Seals the backup codes as one list; they are handed out in order. */
export function sealBackupCodes(key: DataKey, codes: readonly string[]): Buffer {
  return key.seal(FIELD.backupCodes, JSON.stringify(codes));
}

/** Opens the backup codes. @throws AppError CIPHERTEXT_INVALID */
export function openBackupCodes(key: DataKey, sealed: Uint8Array): string[] {
  const value = parseJson(key.openText(FIELD.backupCodes, sealed));
  if (!Array.isArray(value) || !value.every((c) => typeof c === 'string')) throw cryptoError('CIPHERTEXT_INVALID');
  return value;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw cryptoError('CIPHERTEXT_INVALID');
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
