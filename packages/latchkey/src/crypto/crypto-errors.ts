// Error catalog of crypto/: integrity failures are typed, never a crash and never a partial plaintext.
import { AppError } from '../core/app-error.js';

export const cryptoErrors = {
  CIPHERTEXT_INVALID: 'Stored ciphertext failed its integrity check.',
  KEY_VERSION_UNKNOWN: 'Stored data names a master key version this server does not hold.',
} as const;

export type CryptoErrorCode = keyof typeof cryptoErrors;

/** An AppError of the crypto catalog. */
export function cryptoError(code: CryptoErrorCode, message?: string): AppError {
  return new AppError(code, message ?? cryptoErrors[code]);
}
