// Error catalog of the inbox module: messages, phone numbers and SMS intake.
import { AppError, type ErrorDetail } from '../../core/app-error.js';

export const inboxErrors = {
  MESSAGE_NOT_FOUND: 'No message with that id in this inbox.',
  INBOX_CURSOR_INVALID: 'The cursor is not one this server issued for messages.',
  PHONE_NUMBER_INVALID: 'The phone number must be in E.164 form: + and 8 to 15 digits.',
  PHONE_NUMBER_TAKEN: 'That phone number is already mapped to an agent.',
  PHONE_NUMBER_NOT_FOUND: 'No phone number with that id for this agent.',
  SMS_NOT_CONFIGURED: 'This SMS endpoint is not configured on this server.',
  SMS_SIGNATURE_INVALID: 'The webhook signature is missing or does not match this request.',
  SMS_WEBHOOK_EXPIRED: 'The webhook timestamp is too far from the server clock.',
  SMS_WEBHOOK_REPLAYED: 'This webhook delivery was already received.',
  SMS_NUMBER_UNKNOWN: 'No agent has the number this SMS was sent to.',
} as const;

export type InboxErrorCode = keyof typeof inboxErrors;

/** An AppError of the inbox catalog; the message defaults to the catalog's. */
export function inboxError(code: InboxErrorCode, message?: string, details?: ErrorDetail[]): AppError {
  return new AppError(code, message ?? inboxErrors[code], details ? { details } : {});
}
