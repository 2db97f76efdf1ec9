// The union of every module's error codes. Type-only, so modules can import AppError without import cycles;
// http/error-status.ts maps each code to a status and fails to compile when a code has none.

import type { cryptoErrors } from '../crypto/crypto-errors.js';
import type { auditErrors } from '../modules/audit/audit-errors.js';
import type { identityErrors } from '../modules/identity/identity-errors.js';
import type { inboxErrors } from '../modules/inbox/inbox-errors.js';
import type { keysErrors } from '../modules/keys/keys-errors.js';
import type { relayErrors } from '../modules/relay/relay-errors.js';
import type { totpErrors, vaultErrors } from '../modules/vault/vault-errors.js';
import type { commonErrors } from './common-errors.js';

/** Every error code the API can return. */
export type ErrorCode =
  | keyof typeof commonErrors
  | keyof typeof cryptoErrors
  | keyof typeof identityErrors
  | keyof typeof auditErrors
  | keyof typeof vaultErrors
  | keyof typeof totpErrors
  | keyof typeof keysErrors
  | keyof typeof relayErrors
  | keyof typeof inboxErrors;
