// The storage port of master-key management: check values per version, and which versions each running
// instance holds (so a rotation never wraps data under a version another instance cannot unwrap).

/** What one running instance reported about its keyring. */
export interface KeyHolder {
  instanceId: string;
  primaryVersion: number;
  versions: number[];
  seenAt: number;
}

export interface KeysRepo {
  /** Versions with a recorded check value: the store refuses to open without each of them. */
  checkedVersions(): Promise<number[]>;
  /** Records the check value of a version unless one is recorded. */
  ensureKeyringCheck(version: number, checkValue: Buffer, at: number): Promise<void>;
  deleteKeyringCheck(version: number): Promise<void>;
  /** Inserts or refreshes an instance's report. */
  reportHolder(holder: KeyHolder): Promise<void>;
  removeHolder(instanceId: string): Promise<void>;
  /** Reports refreshed at or after `sinceMs`. */
  liveHolders(sinceMs: number): Promise<KeyHolder[]>;
}
