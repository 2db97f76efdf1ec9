// Error catalog of the audit module.
import { AppError } from '../../core/app-error.js';

export const auditErrors = {
  AUDIT_CURSOR_INVALID: 'The cursor is not one this server issued.',
} as const;

export type AuditErrorCode = keyof typeof auditErrors;

/** An AppError of the audit catalog. */
export function auditError(code: AuditErrorCode, message?: string): AppError {
  return new AppError(code, message ?? auditErrors[code]);
}
