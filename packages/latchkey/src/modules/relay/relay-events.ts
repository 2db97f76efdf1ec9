// What the relay tells a human's webhook, and when a failed delivery is tried again. Pure: no I/O.

/** Event types delivered to an approver's webhook. */
export type RelayEventType =
  | 'relay.approval_requested'
  | 'relay.auto_approved'
  | 'relay.reread_alarm'
  | 'relay.webhook_test';

/**
 * Delays before attempts 2, 3, … after a failed attempt (Svix-like: quick first retries, then hours). With the first
 * attempt that makes {@link MAX_DELIVERY_ATTEMPTS}; after the last failure the delivery is marked failed. No jitter:
 * deliveries are spread by when their events happened, and a fixed schedule is what a receiver's operator can read.
 */
export const RETRY_DELAYS_MS: readonly number[] = [
  5_000,
  30_000,
  2 * 60_000,
  10 * 60_000,
  30 * 60_000,
  60 * 60_000,
  3 * 60 * 60_000,
];

/** Attempts at most per delivery. */
export const MAX_DELIVERY_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

/** The delay before the next attempt after `attemptsMade` failed ones, or null when none is left. */
export function retryDelay(attemptsMade: number): number | null {
  if (attemptsMade < 1 || attemptsMade >= MAX_DELIVERY_ATTEMPTS) return null;
  return RETRY_DELAYS_MS[attemptsMade - 1] ?? null;
}

/**
 * The body of a delivery, in the Standard Webhooks shape `{type, timestamp, data}`. Built when the event is queued,
 * so every retry sends the same bytes under the same `webhook-id`, and receivers can deduplicate.
 */
export function eventBody(type: RelayEventType, at: number, data: Record<string, unknown>): string {
  return JSON.stringify({ type, timestamp: new Date(at).toISOString(), data });
}
