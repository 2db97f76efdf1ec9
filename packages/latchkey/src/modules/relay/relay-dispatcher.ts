// Delivers the relay's webhook outbox: claims due deliveries with a lease, signs each with the human's secret
// (Standard Webhooks), posts it outside any transaction, and records the outcome or the next attempt.
import type { Clock } from '../../core/clock.js';
import type { Notifier } from '../../core/notifier.js';
import type { Transactor } from '../../core/transactor.js';
import type { Envelope } from '../../crypto/envelope.js';
import { webhookHeaders } from '../../crypto/webhook-signature.js';
import { MAX_DELIVERY_ATTEMPTS, retryDelay } from './relay-events.js';
import { webhookSecretContext } from './relay-keys.js';
import type { DeliveryRecord, RelayRepo } from './relay-repo.js';

/** One attempt's outcome, as the transport reports it. Messages never hold a secret. */
export type WebhookAttempt =
  | { ok: true; status: number }
  | { ok: false; retryable: boolean; error: string; status?: number };

/** The outbound HTTP side (SSRF-safe), injected so the domain does not depend on a transport. */
export interface WebhookTransport {
  /** Checks a URL when it is registered; returns what is wrong with it, or null. */
  check(url: string): string | null;
  post(url: string, request: { headers: Record<string, string>; body: string }): Promise<WebhookAttempt>;
}

/** The channel that wakes dispatchers (on every instance) when a delivery is queued. */
export const OUTBOX_CHANNEL = 'relay-outbox';

export interface RelayDispatcher {
  /** Polls the outbox every `intervalMs` and on every queue signal, until `stop`. */
  start(): void;
  /** Stops polling and waits for the round in progress. */
  stop(): Promise<void>;
  /** Claims and attempts what is due now; resolves to the number of attempts made. */
  runOnce(): Promise<number>;
}

/** A lease longer than one attempt's deadline, so a live instance never loses a delivery it is still sending. */
const LEASE_MS = 60_000;
const BATCH = 20;

/** Builds the dispatcher. */
export function createRelayDispatcher(deps: {
  store: Transactor<{ relay: RelayRepo }>;
  clock: Clock;
  envelope: Envelope;
  notifier: Notifier;
  transport: WebhookTransport;
  intervalMs?: number;
}): RelayDispatcher {
  const { store, clock, envelope, transport } = deps;
  let timer: NodeJS.Timeout | null = null;
  let unsubscribe: (() => void) | null = null;
  let round: Promise<number> | null = null;
  let again = false;

  async function attempt(delivery: DeliveryRecord): Promise<void> {
    const settings = await store.read.relay.getSettings(delivery.humanId);
    const url = settings?.webhookUrl;
    if (!settings || !url || !settings.sealedWebhookSecret || !settings.wrappedKey) {
      await finish(delivery, { status: 'dropped', error: 'no webhook is registered' });
      return;
    }
    const context = webhookSecretContext(settings.orgId, settings.humanId);
    const secret = envelope.openDataKey(settings.wrappedKey, context).openText('secret', settings.sealedWebhookSecret);
    const headers = {
      'content-type': 'application/json',
      ...webhookHeaders(secret, delivery.id, clock.now(), delivery.payload),
    };
    const outcome = await transport.post(url, { headers, body: delivery.payload });
    if (outcome.ok) {
      await finish(delivery, { status: 'delivered', httpStatus: outcome.status });
      return;
    }
    const delay = outcome.retryable ? retryDelay(delivery.attempts) : null;
    await finish(
      delivery,
      delay === null
        ? { status: 'failed', error: outcome.error, httpStatus: outcome.status ?? null }
        : {
            status: 'pending',
            nextAttemptAt: clock.now() + delay,
            error: outcome.error,
            httpStatus: outcome.status ?? null,
          },
    );
  }

  function finish(
    delivery: DeliveryRecord,
    outcome: {
      status: 'pending' | 'delivered' | 'failed' | 'dropped';
      nextAttemptAt?: number;
      error?: string;
      httpStatus?: number | null;
    },
  ): Promise<void> {
    return store.write((tx) => tx.relay.finishDelivery(delivery.id, { ...outcome, at: clock.now() }));
  }

  async function runRound(): Promise<number> {
    const now = clock.now();
    const claimed = await store.write((tx) => tx.relay.claimDeliveries(now, now + LEASE_MS, BATCH));
    await Promise.all(
      claimed.map(async (delivery) => {
        try {
          await attempt(delivery);
        } catch {
          // An unreadable secret or a storage hiccup: keep the lease's protection and retry on schedule, or give up.
          const delay = retryDelay(delivery.attempts);
          await finish(
            delivery,
            delay === null || delivery.attempts >= MAX_DELIVERY_ATTEMPTS
              ? { status: 'failed', error: 'the delivery could not be prepared' }
              : { status: 'pending', nextAttemptAt: clock.now() + delay, error: 'the delivery could not be prepared' },
          ).catch(() => undefined);
        }
      }),
    );
    return claimed.length;
  }

  function runOnce(): Promise<number> {
    if (round) {
      again = true;
      return round;
    }
    round = runRound().finally(() => {
      round = null;
      if (again && timer) {
        again = false;
        void runOnce().catch(() => undefined);
      }
    });
    return round;
  }

  return {
    start() {
      if (timer) return;
      timer = setInterval(() => void runOnce().catch(() => undefined), deps.intervalMs ?? 1000);
      timer.unref();
      unsubscribe = deps.notifier.subscribe(OUTBOX_CHANNEL, () => void runOnce().catch(() => undefined));
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      unsubscribe?.();
      unsubscribe = null;
      await round?.catch(() => undefined);
    },
    runOnce,
  };
}
