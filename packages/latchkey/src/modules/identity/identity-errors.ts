// Error catalog of the identity module.
import { AppError, type ErrorDetail } from '../../core/app-error.js';

export const identityErrors = {
  AGENT_NOT_FOUND: 'No agent with that id or name in this org.',
  AGENT_NAME_TAKEN: 'An agent with that name already exists in this org.',
  AGENT_SUSPENDED: 'This agent is suspended.',
  AGENT_REVOKED: 'This agent has been revoked.',
  KEY_NOT_FOUND: 'No key with that id for this agent.',
  KEY_EXPIRED: 'This API key has expired.',
  KEY_REVOKED: 'This API key has been revoked.',
  OPERATOR_ONLY: 'Only an operator token may do that.',
  AGENT_ONLY: 'Only an agent key may do that.',
} as const;

export type IdentityErrorCode = keyof typeof identityErrors;

/** An AppError of the identity catalog; the message defaults to the catalog's. */
export function identityError(code: IdentityErrorCode, message?: string, details?: ErrorDetail[]): AppError {
  return new AppError(code, message ?? identityErrors[code], details ? { details } : {});
}
