// Hooks a write unit registers with its transaction: undo in-memory state when the unit rolls back, and act on
// state that is only true once the batch has committed (e.g. drop cached rows the unit changed).

export interface UnitHooks {
  /** Runs if this unit is rolled back (its savepoint, or the whole batch). */
  onRollback(fn: () => void): void;
  /** Runs once per key per batch, inside the transaction, just before COMMIT (e.g. write a cached head row). */
  beforeCommit(key: string, fn: () => Promise<void>): void;
  /** Runs after the batch has committed. */
  afterCommit(fn: () => void): void;
}

/** Hooks collected for one unit; the transaction runner fires them. */
export class UnitHookSet implements UnitHooks {
  readonly rollbacks: (() => void)[] = [];
  readonly commits: (() => void)[] = [];
  constructor(private readonly batchBeforeCommit: Map<string, () => Promise<void>>) {}

  onRollback(fn: () => void): void {
    this.rollbacks.push(fn);
  }
  beforeCommit(key: string, fn: () => Promise<void>): void {
    this.batchBeforeCommit.set(key, fn);
  }
  afterCommit(fn: () => void): void {
    this.commits.push(fn);
  }
  /** Fires rollback hooks, newest first, so each restores what the one before it saw. */
  rolledBack(): void {
    for (let i = this.rollbacks.length - 1; i >= 0; i--) this.rollbacks[i]?.();
  }
  committed(): void {
    for (const fn of this.commits) fn();
  }
}
