// The relay service (SPEC §3 "OTP relay"): requests, approvals, capture, the one read, settings, and the background
// work (expiry sweeper, webhook dispatcher) that `listen()` starts and `close()` stops.
import { createRelayCapture, type RelayCapture } from './relay-capture.js';
import { createRelayConsume, type RelayConsume } from './relay-consume.js';
import type { RelayDeps } from './relay-deps.js';
import { createRelayDispatcher, type RelayDispatcher } from './relay-dispatcher.js';
import { createRelayRequests, type RelayRequests } from './relay-requests.js';
import { createRelaySettings, type RelaySettings } from './relay-settings.js';

export interface RelayService extends RelayRequests, RelayConsume, RelayCapture, RelaySettings {
  /** The webhook outbox dispatcher (tests drive it with `runOnce`). */
  readonly dispatcher: RelayDispatcher;
  /** Starts the expiry sweeper and the webhook dispatcher. */
  start(): void;
  /** Stops them, ends pending waits with the request as it is, and waits for work in progress. */
  stop(): Promise<void>;
}

/** How often the sweeper looks for requests whose time is up. */
const SWEEP_INTERVAL_MS = 1000;

/** Builds the relay service. */
export function createRelayService(deps: RelayDeps & { dispatchIntervalMs?: number }): RelayService {
  const requests = createRelayRequests(deps);
  const consume = createRelayConsume(deps, requests);
  const capture = createRelayCapture(deps);
  const settings = createRelaySettings(deps);
  const dispatcher = createRelayDispatcher({
    store: deps.store,
    clock: deps.clock,
    envelope: deps.envelope,
    notifier: deps.notifier,
    transport: deps.transport,
    ...(deps.dispatchIntervalMs !== undefined ? { intervalMs: deps.dispatchIntervalMs } : {}),
  });
  const stopping = new AbortController();
  let sweeper: NodeJS.Timeout | null = null;
  let sweep: Promise<unknown> | null = null;

  return {
    ...requests,
    ...consume,
    ...capture,
    ...settings,
    dispatcher,
    wait(ctx, id, timeoutSeconds, signal) {
      const combined = signal ? AbortSignal.any([signal, stopping.signal]) : stopping.signal;
      return requests.wait(ctx, id, timeoutSeconds, combined);
    },
    start() {
      if (sweeper) return;
      sweeper = setInterval(() => {
        sweep ??= consume
          .expireDue()
          .catch(() => undefined)
          .finally(() => {
            sweep = null;
          });
      }, SWEEP_INTERVAL_MS);
      sweeper.unref();
      dispatcher.start();
    },
    async stop() {
      stopping.abort();
      if (sweeper) clearInterval(sweeper);
      sweeper = null;
      await sweep;
      await dispatcher.stop();
    },
  };
}
