// Deciding whether a captured message belongs to a relay request: channel, expected sender (with DMARC on email),
// the agent's `filter.from` glob and `filter.pattern`, matched in linear time with a step budget.
import { compileFromGlob, compilePattern } from './pattern.js';
import type { MessageChannel, RelayChannel } from './relay-repo.js';
import { dmarcPassesFor, parseExpectedSender, senderMatches } from './sender.js';

/** A captured message as matching sees it; nothing of it is stored. */
export interface CaptureMessage {
  channel: MessageChannel;
  /** Header From address (email) or the sender number or id (SMS); null when the message has none. */
  from: string | null;
  /** What `filter.pattern` is tested against: subject and readable text (email), the body (SMS). */
  text: string;
  /** DMARC outcome for email; null for SMS. */
  auth: { dmarc: string; fromDomain: string | null } | null;
}

/** What a request asks of a message. */
export interface RequestCriteria {
  channel: RelayChannel;
  expectedSender: string | null;
  filterFrom: string | null;
  filterPattern: string | null;
}

/** Why a message did not match a request (recorded in the audit trail; never holds message content). */
export type MismatchReason =
  | 'channel_mismatch'
  | 'sender_mismatch'
  | 'dmarc_failed'
  | 'filter_from_mismatch'
  | 'filter_pattern_mismatch';

/** Filters see at most this much text: verification messages are short, and hostile ones must stay cheap. */
export const MAX_FILTER_TEXT = 64 * 1024;

/**
 * Step budget of one `filter.pattern` search at capture. Matching is linear anyway; the budget also bounds a
 * pattern with a large program on a long text to a few milliseconds, so one mail cannot stall capture. A search
 * that runs out of budget is a mismatch.
 */
export const CAPTURE_PATTERN_STEPS = 2_000_000;

/**
 * Returns null when `message` satisfies every criterion of the request, else the first reason it does not.
 * Filter patterns are matched ignoring case: agents describe messages ("your code is"), not their capitalisation.
 */
export function matchRequest(criteria: RequestCriteria, message: CaptureMessage): MismatchReason | null {
  if (criteria.channel !== 'any' && criteria.channel !== message.channel) return 'channel_mismatch';
  if (criteria.expectedSender !== null) {
    const expected = parseExpectedSender(criteria.expectedSender);
    if (!expected || message.from === null || !senderMatches(expected, message.channel, message.from)) {
      return 'sender_mismatch';
    }
    if (message.channel === 'email' && !dmarcPassesFor(message.from, message.auth)) return 'dmarc_failed';
  }
  if (criteria.filterFrom !== null) {
    if (message.from === null || !compileFromGlob(criteria.filterFrom).test(message.from.trim())) {
      return 'filter_from_mismatch';
    }
  }
  if (criteria.filterPattern !== null) {
    const pattern = compilePattern(criteria.filterPattern, { caseInsensitive: true });
    const run = pattern.run(message.text.slice(0, MAX_FILTER_TEXT), { maxSteps: CAPTURE_PATTERN_STEPS });
    if (!run.matched) return 'filter_pattern_mismatch';
  }
  return null;
}
