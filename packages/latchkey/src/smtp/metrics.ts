// Prometheus series of mail intake: what the receiver did with each message and session, and agents waiting.
import { Counter, Gauge, type Registry } from 'prom-client';

/** Receiver outcomes: `accepted`, or why a connection, recipient or message was refused. */
export type SmtpOutcome =
  | 'accepted'
  | 'unknown_recipient'
  | 'relay_denied'
  | 'oversized'
  | 'too_many_connections'
  | 'temporary_failure'
  | 'unparsable'
  | 'parse_timeout'
  | 'parse_memory'
  | 'parse_crash'
  | 'busy'
  | 'closed';

/** Registers the series on `registry`; `waiting` is read at scrape time. */
export function createSmtpMetrics(registry: Registry, waiting: () => number): (outcome: SmtpOutcome) => void {
  const outcomes = new Counter({
    name: 'latchkey_smtp_outcomes_total',
    help: 'SMTP messages accepted, and connections, recipients and messages refused, by reason.',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'latchkey_inbox_waiters',
    help: 'Requests waiting on GET /v1/inbox/wait.',
    registers: [registry],
    collect() {
      this.set(waiting());
    },
  });
  return (outcome) => outcomes.inc({ outcome });
}
