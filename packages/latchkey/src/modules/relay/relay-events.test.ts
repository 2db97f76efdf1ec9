// Tests for relay webhook events: the retry schedule and the Standard Webhooks body shape.
import { describe, expect, it } from 'vitest';
import { eventBody, MAX_DELIVERY_ATTEMPTS, RETRY_DELAYS_MS, retryDelay } from './relay-events.js';

describe('retryDelay', () => {
  it('follows the schedule, growing, then stops at the attempt cap', () => {
    expect(retryDelay(1)).toBe(5_000);
    expect(retryDelay(2)).toBe(30_000);
    const delays = Array.from({ length: MAX_DELIVERY_ATTEMPTS - 1 }, (_, i) => retryDelay(i + 1));
    expect(delays).toEqual([...RETRY_DELAYS_MS]);
    expect([...delays].sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(delays);
    expect(retryDelay(MAX_DELIVERY_ATTEMPTS)).toBeNull();
    expect(retryDelay(0)).toBeNull();
  });
});

describe('eventBody', () => {
  it('is {type, timestamp, data} with an ISO timestamp', () => {
    const body = JSON.parse(eventBody('relay.reread_alarm', Date.UTC(2026, 0, 2, 3, 4, 5), { requestId: 'rly_1' }));
    expect(body).toEqual({
      type: 'relay.reread_alarm',
      timestamp: '2026-01-02T03:04:05.000Z',
      data: { requestId: 'rly_1' },
    });
  });
});
