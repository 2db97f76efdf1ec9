// What a vault item may hold, checked before anything is enrolled or sealed. Pure: the HTTP schema checks types
// and lengths with the same limits; this adds the rules that span fields.
import { invalidField } from '../../core/app-error.js';
import type { VaultItemType } from './vault-repo.js';

/** Item names: safe in a URL path segment and a shell; unique per agent, case-sensitive. */
export const ITEM_NAME = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/;

/** Bounds on each part of an item. */
export const ITEM_LIMITS = {
  username: 512,
  password: 8192,
  notes: 16_384,
  url: 2048,
  fieldCount: 50,
  fieldName: 64,
  fieldValue: 8192,
  backupCodes: 100,
  backupCode: 128,
} as const;

/** Custom field names: identifiers, so they never need quoting in a table or a log. */
export const FIELD_NAME = /^[A-Za-z0-9_.-]{1,64}$/;

/** The body of `PUT /v1/vault/items/{name}` (SPEC §3), already type-checked. */
export interface VaultItemInput {
  type: VaultItemType;
  username?: string | undefined;
  password?: string | undefined;
  url?: string | undefined;
  notes?: string | undefined;
  fields?: Record<string, string> | undefined;
  backupCodes?: string[] | undefined;
  /** `{uri}` | `{secret, …}` | `{qrImage}`: the TOTP module is the authority on its shape. */
  totp?: unknown;
}

/** The normalised parts of an input that the service stores as given. */
export interface CheckedItemInput {
  url: string | null;
  backupCodes: string[];
}

/**
 * Checks the rules that span fields: a `totp` item needs a credential, a `secret` item holds a secret and no
 * TOTP, a URL carries no credentials, backup codes are distinct. @throws AppError VALIDATION_FAILED naming the field
 */
export function checkItemInput(input: VaultItemInput): CheckedItemInput {
  if (input.type === 'totp' && input.totp === undefined) {
    throw invalidField('totp', 'is required for an item of type totp');
  }
  if (input.type === 'secret') {
    if (input.totp !== undefined) throw invalidField('totp', 'is not allowed for type secret; use login or totp');
    if (input.password === undefined && input.fields === undefined && input.notes === undefined) {
      throw invalidField('password', 'a secret item needs password, fields or notes');
    }
  }
  if (input.fields !== undefined) {
    const names = Object.keys(input.fields);
    if (names.length > ITEM_LIMITS.fieldCount) {
      throw invalidField('fields', `must have at most ${ITEM_LIMITS.fieldCount} entries`);
    }
    // Field names are labels shown in listings; a name that is not an identifier is refused without echoing it.
    if (!names.every((n) => FIELD_NAME.test(n))) {
      throw invalidField('fields', 'names must be 1-64 letters, digits, "_", "." or "-"');
    }
  }
  return { url: checkUrl(input.url), backupCodes: checkBackupCodes(input.backupCodes) };
}

function checkUrl(url: string | undefined): string | null {
  if (url === undefined) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalidField('url', 'must be an absolute URL');
  }
  // The URL is metadata, stored in clear and listed: credentials in it would be secrets outside the envelope.
  if (parsed.username !== '' || parsed.password !== '') {
    throw invalidField('url', 'must not contain credentials; put them in username and password');
  }
  return url;
}

function checkBackupCodes(codes: string[] | undefined): string[] {
  if (codes === undefined) return [];
  const trimmed = codes.map((c) => c.trim());
  if (trimmed.length > ITEM_LIMITS.backupCodes) {
    throw invalidField('backupCodes', `must have at most ${ITEM_LIMITS.backupCodes} codes`);
  }
  const empty = trimmed.findIndex((c) => c.length === 0);
  if (empty !== -1) throw invalidField(`backupCodes.${empty}`, 'must not be empty');
  const seen = new Set<string>();
  for (const [i, code] of trimmed.entries()) {
    if (seen.has(code)) throw invalidField(`backupCodes.${i}`, 'repeats an earlier code');
    seen.add(code);
  }
  return trimmed;
}
