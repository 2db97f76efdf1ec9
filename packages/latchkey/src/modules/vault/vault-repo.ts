// The storage port of the vault: shaped by its use cases. One-time and counter operations are single guarded
// UPDATEs in the database, so they hold across requests, restarts and instances.

export type VaultItemType = 'login' | 'totp' | 'secret';

/** What may be shown about an item's OTP credential: everything but the seed. */
export interface OtpMeta {
  kind: 'totp' | 'hotp';
  algorithm: 'SHA1' | 'SHA256' | 'SHA512';
  digits: number;
  period: number;
  encoder: 'steam' | null;
  issuer: string | null;
  account: string | null;
}

/** An item's metadata: never a secret (SPEC §3: "metadata never holds a secret"). */
export interface VaultItemRecord {
  id: string;
  orgId: string;
  agentId: string;
  name: string;
  type: VaultItemType;
  url: string | null;
  otp: OtpMeta | null;
  /** HOTP only: the counter of the next code. */
  hotpCounter: number | null;
  backupCodesTotal: number;
  backupCodesUsed: number;
  createdAt: number;
  updatedAt: number;
}

/** An item with its wrapped data key and sealed fields (each `LKE1` ciphertext, or null when absent). */
export interface SealedVaultItem extends VaultItemRecord {
  wrappedKey: Buffer;
  /** Sealed JSON `{username?, password?, notes?, fields?}`. */
  secretsSealed: Buffer | null;
  /** Sealed JSON of the OTP credential: seed and the parameters codes depend on. */
  otpSealed: Buffer | null;
  /** Sealed JSON array of backup codes, consumed in order. */
  backupCodesSealed: Buffer | null;
}

/** What a guarded one-time update hands back: the state it acted on, read in the same statement. */
export interface SealedOtpState {
  wrappedKey: Buffer;
  otpSealed: Buffer;
}

export interface VaultRepo {
  findItem(agentId: string, name: string): Promise<SealedVaultItem | undefined>;
  /** Metadata of an agent's items in name order, after `afterName`. */
  listItems(
    agentId: string,
    options: { limit: number; afterName?: string; type?: VaultItemType },
  ): Promise<VaultItemRecord[]>;
  /** Inserts an item; false when the agent already has one with that name. */
  insertItem(item: SealedVaultItem): Promise<boolean>;
  /**
   * Replaces the content of the item with `item.id` (same name and agent), keeping its creation time and its
   * TOTP replay state; undefined when the row is gone.
   */
  replaceItem(item: SealedVaultItem): Promise<VaultItemRecord | undefined>;
  /** Deletes an item; returns what was deleted. */
  deleteItem(agentId: string, name: string): Promise<VaultItemRecord | undefined>;
  /**
   * Takes the next HOTP counter value (one guarded increment): two callers never get the same counter.
   * Returns the counter to use and the sealed credential read in the same statement.
   */
  takeHotpCounter(itemId: string): Promise<(SealedOtpState & { counter: number }) | undefined>;
  /**
   * Records `step` as the last accepted TOTP step only if it is later than the one recorded and the item still
   * has the data key the code was checked with. True when this call accepted it.
   */
  acceptTotpStep(itemId: string, wrappedKey: Buffer, step: number): Promise<boolean>;
  /**
   * Takes the next unused backup code (one guarded increment). Returns its index, how many remain, and the
   * sealed list read in the same statement; undefined when none is left.
   */
  takeBackupCode(
    itemId: string,
  ): Promise<{ index: number; remaining: number; wrappedKey: Buffer; backupCodesSealed: Buffer } | undefined>;
  /** Wrapped data keys in id order, for key rotation. */
  pageWrappedKeys(
    afterId: string | null,
    limit: number,
  ): Promise<{ id: string; orgId: string; agentId: string; wrappedKey: Buffer }[]>;
  /** Replaces a wrapped key only if it is still `previous`. */
  replaceWrappedKey(id: string, previous: Buffer, next: Buffer): Promise<boolean>;
}
