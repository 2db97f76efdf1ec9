// Error catalog of the vault module, and the conversion of the pure TOTP module's errors into AppError.
import { AppError, type ErrorDetail } from '../../core/app-error.js';
import { TOTP_ERROR_MESSAGES, TotpError } from '../totp/index.js';

export const vaultErrors = {
  VAULT_ITEM_NOT_FOUND: 'No vault item with that name in this vault.',
  VAULT_ITEM_NOT_OTP: 'This vault item holds no TOTP or HOTP credential.',
  VAULT_VERIFY_TOTP_ONLY: 'Only time-based (TOTP) credentials can verify codes; HOTP counters belong to the issuer.',
  VAULT_NO_BACKUP_CODES: 'This vault item holds no backup codes.',
  VAULT_BACKUP_CODES_EXHAUSTED: 'Every backup code of this item has been used.',
  VAULT_SECRETS_AGENT_ONLY:
    'Only the agent itself may read its secrets. An operator who must can mint a key for the agent (audited) and act as it.',
  VAULT_WAIT_CANCELLED: 'The client went away while waiting for the next code.',
} as const;

export type VaultErrorCode = keyof typeof vaultErrors;

/** An AppError of the vault catalog; the message defaults to the catalog's. */
export function vaultError(code: VaultErrorCode, message?: string, details?: ErrorDetail[]): AppError {
  return new AppError(code, message ?? vaultErrors[code], details ? { details } : {});
}

/** The TOTP module's codes, as error-catalog entries (they reach the API unchanged). */
export const totpErrors = TOTP_ERROR_MESSAGES;

/**
 * Converts a TotpError into the AppError the HTTP layer renders (422, or 413 for an oversized image). The TOTP
 * module guarantees its messages and details never quote a seed; nothing else of the error is carried over.
 */
export function fromTotpError(err: TotpError): AppError {
  return new AppError(err.code, err.message, {
    details: err.details.map((d) => ({ path: d.path, message: d.message })),
  });
}

/** Runs `fn`, turning a TotpError into an AppError; anything else propagates. */
export function withTotpErrors<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof TotpError) throw fromTotpError(err);
    throw err;
  }
}
