// Wire shapes of the vault: item input, item metadata (never a secret), secrets, and OTP codes.
import { z } from 'zod';
import { ITEM_LIMITS, ITEM_NAME } from '../../modules/vault/item-input.js';
import type { VaultItemRecord } from '../../modules/vault/vault-repo.js';
import type { ItemSecrets } from '../../modules/vault/vault-sealing.js';
import type { OtpCodeView } from '../../modules/vault/vault-service.js';
import { iso, Timestamp } from './common.js';

export const ItemType = z.enum(['login', 'totp', 'secret']);

export const ItemName = z
  .string()
  .regex(ITEM_NAME, 'must be 1-128 letters, digits, ".", "_", "@", "+" or "-", starting with a letter or digit');

/** `?agent=`: operators name the agent whose vault they address; an agent may name itself or leave it out. */
export const AgentQuery = z.string().min(1).max(100).meta({ description: 'Agent id or name (operators).' });

// The TOTP module checks this object field by field and never echoes a field name that could be a seed, so
// the schema only says "an object" and documents the three forms.
export const TotpInput = z.record(z.string(), z.unknown()).meta({
  id: 'TotpInput',
  description:
    'Exactly one of: `{uri: "otpauth://totp/…"}` (Key Uri Format, also hotp with counter and Steam\'s ' +
    '`encoder=steam`); `{secret: "BASE32", algorithm?: "SHA1"|"SHA256"|"SHA512", digits?: 6-8, period?: seconds, ' +
    'issuer?, account?}`; `{qrImage: "<base64 PNG or JPEG>"}`. The seed is write-only: no response ever contains it.',
});

export const VaultItemInputSchema = z
  .strictObject({
    type: ItemType,
    username: z.string().max(ITEM_LIMITS.username).optional(),
    password: z.string().max(ITEM_LIMITS.password).optional(),
    url: z.string().max(ITEM_LIMITS.url).optional().meta({ description: 'Shown in listings; no credentials in it.' }),
    notes: z
      .string()
      .max(ITEM_LIMITS.notes)
      .optional()
      .meta({ description: 'Encrypted like a password and returned only by vault.get.' }),
    fields: z
      .record(z.string(), z.string().max(ITEM_LIMITS.fieldValue))
      .optional()
      .meta({ description: 'Custom secret fields; names are identifiers, values are encrypted.' }),
    backupCodes: z
      .array(z.string().max(ITEM_LIMITS.backupCode))
      .max(ITEM_LIMITS.backupCodes)
      .optional()
      .meta({ description: 'Recovery codes, handed out one at a time by backup-codes/consume.' }),
    totp: TotpInput.optional(),
  })
  .meta({ id: 'VaultItemInput' });

export const VaultItem = z
  .object({
    id: z.string(),
    agentId: z.string(),
    name: z.string(),
    type: ItemType,
    url: z.string().nullable(),
    totp: z
      .object({
        kind: z.enum(['totp', 'hotp']),
        algorithm: z.enum(['SHA1', 'SHA256', 'SHA512']),
        digits: z.number().int(),
        period: z.number().int().nullable().meta({ description: 'Seconds per code; null for hotp.' }),
        encoder: z.enum(['steam']).nullable(),
        issuer: z.string().nullable(),
        account: z.string().nullable(),
        counter: z.number().int().nullable().meta({ description: 'hotp: the counter of the next code.' }),
      })
      .nullable()
      .meta({ description: 'The OTP credential, without its seed (which is write-only).' }),
    backupCodes: z.object({ total: z.number().int(), remaining: z.number().int() }).nullable(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  })
  .meta({ id: 'VaultItem', description: 'Item metadata. Never holds a secret.' });

export const VaultSecrets = z
  .object({
    username: z.string().optional(),
    password: z.string().optional(),
    notes: z.string().optional(),
    fields: z.record(z.string(), z.string()).optional(),
  })
  .meta({ id: 'VaultSecrets', description: 'What vault.get releases. Never the TOTP seed.' });

export const OtpCode = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('totp'),
      code: z.string(),
      digits: z.number().int(),
      period: z.number().int(),
      algorithm: z.string(),
      step: z.number().int().meta({ description: 'RFC 6238 time step: floor(unix seconds / period).' }),
      validFrom: Timestamp,
      validUntil: Timestamp,
      remainingSeconds: z.number().int().meta({ description: 'Whole seconds left (rounded down).' }),
      serverTime: Timestamp,
    }),
    z.object({
      kind: z.literal('hotp'),
      code: z.string(),
      digits: z.number().int(),
      algorithm: z.string(),
      counter: z.number().int().meta({ description: 'The counter this code was made with (now used up).' }),
      serverTime: Timestamp,
    }),
  ])
  .meta({ id: 'OtpCode' });

/** Wire form of an item's metadata. */
export function presentItem(item: VaultItemRecord): z.input<typeof VaultItem> {
  return {
    id: item.id,
    agentId: item.agentId,
    name: item.name,
    type: item.type,
    url: item.url,
    totp: item.otp && {
      kind: item.otp.kind,
      algorithm: item.otp.algorithm,
      digits: item.otp.digits,
      period: item.otp.kind === 'totp' ? item.otp.period : null,
      encoder: item.otp.encoder,
      issuer: item.otp.issuer,
      account: item.otp.account,
      counter: item.otp.kind === 'hotp' ? item.hotpCounter : null,
    },
    backupCodes:
      item.backupCodesTotal > 0
        ? { total: item.backupCodesTotal, remaining: item.backupCodesTotal - item.backupCodesUsed }
        : null,
    createdAt: iso(item.createdAt),
    updatedAt: iso(item.updatedAt),
  };
}

/** Wire form of the released secrets. */
export function presentSecrets(secrets: ItemSecrets): z.input<typeof VaultSecrets> {
  return { ...secrets };
}

/** Wire form of a code. */
export function presentCode(code: OtpCodeView): z.input<typeof OtpCode> {
  if (code.kind === 'hotp') return { ...code, serverTime: iso(code.serverTime) };
  return {
    ...code,
    validFrom: iso(code.validFrom),
    validUntil: iso(code.validUntil),
    serverTime: iso(code.serverTime),
  };
}
