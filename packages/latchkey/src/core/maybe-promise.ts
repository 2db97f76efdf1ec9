// Values that are ready now or later. The request path answers synchronously when it has everything in memory
// (an SQLite store's cached credential, a handler that reads nothing): a promise per step is measurable there.

/** A value now, or a promise of one. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * Applies `fn` to `value`: at once when the value is ready, after it settles when it is a promise. A synchronous
 * throw from `fn` is thrown to the caller in the first case and becomes a rejection in the second.
 */
export function andThen<T, R>(value: MaybePromise<T>, fn: (value: T) => MaybePromise<R>): MaybePromise<R> {
  return value instanceof Promise ? value.then(fn) : fn(value);
}
