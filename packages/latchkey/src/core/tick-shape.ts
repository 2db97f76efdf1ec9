// Keeps the hidden class of Node's `process.nextTick` queue entries alive for the life of the process (ADR 0053).
//
// Node 20 builds each queued tick as `{ [asyncIdSymbol]: …, [triggerIdSymbol]: …, callback, args }`. Its optimized
// code holds the object's hidden class (V8 map) weakly. When the server sits idle with no tick queued, nothing
// holds that map; V8's memory reducer runs a full collection some seconds into the idle spell, the map dies, the
// feedback that named it is cleared, and the `nextTick` compiled afterwards creates every tick on a slow generic
// path. Node's streams and HTTP call `nextTick` about eight times per request, so a server that was idle before
// its first traffic — that is, almost every deployed one — ran its whole life about 15% slower (3 µs per request
// of about 20). One tick object kept alive keeps the map, and the fast path with it.
import { executionAsyncResource } from 'node:async_hooks';

let pinned: object | undefined;

/**
 * Pins one `process.nextTick` queue entry (idempotent). Resolves once the entry is held. Where a future Node builds
 * ticks differently, the pin is a harmless object; the `tick-shape` test notices, so the workaround can go.
 */
export function pinTickObjectShape(): Promise<void> {
  if (pinned) return Promise.resolve();
  return new Promise((resolve) => {
    // Inside a tick callback, the execution resource is the tick's own queue entry.
    process.nextTick(() => {
      pinned ??= executionAsyncResource();
      resolve();
    });
  });
}

/** The pinned entry, for the test that checks it is what the workaround assumes. */
export function pinnedTickObject(): object | undefined {
  return pinned;
}
