// Error catalog of master-key management: rotation and retirement of key versions.
import { AppError } from '../../core/app-error.js';

export const keysErrors = {
  KEY_ROTATION_RUNNING: 'A key rotation is already running on this server.',
  KEY_VERSION_NOT_HELD: 'This server does not hold that master key version.',
  KEY_VERSION_IS_PRIMARY: 'The primary master key version cannot be retired; rotate to a new one first.',
  KEY_VERSION_IN_USE: 'Stored data keys still use that master key version; run `latchkey keys rotate` first.',
  KEY_VERSION_NOT_EVERYWHERE:
    'Another running instance does not hold the master key version this needs; give it that version and restart it first.',
  KEY_FILE_UNWRITABLE: 'The master key file could not be written; nothing was changed.',
} as const;

export type KeysErrorCode = keyof typeof keysErrors;

/** An AppError of the keys catalog; the message defaults to the catalog's. */
export function keysError(code: KeysErrorCode, message?: string): AppError {
  return new AppError(code, message ?? keysErrors[code]);
}
