// The port through which services reach storage: reads outside a transaction, writes inside one.

/**
 * `R` is the set of repositories a service needs. `write` runs `fn` in one transaction: everything it does
 * commits together or not at all (a change and its audit event are never separated). Functions passed to
 * `write` must be quick and touch only the repositories they are given: no network, no slow hashing.
 */
export interface Transactor<R> {
  readonly read: R;
  write<T>(fn: (tx: R) => Promise<T>): Promise<T>;
}
