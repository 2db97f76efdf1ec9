// The port key rotation uses to find and rewrap every stored data key, whichever module owns it.
import type { EnvelopeContext } from '../../crypto/envelope.js';

/** One stored wrapped data key and the context that binds it. */
export interface WrappedKeyRow {
  /** The row's id in its own table. */
  id: string;
  context: EnvelopeContext;
  wrapped: Buffer;
}

/**
 * A table (or set of rows) holding wrapped data keys. Each module that stores envelope-encrypted data
 * provides one, so `latchkey keys rotate` can rewrap every data key without knowing the module.
 */
export interface WrappedKeyStore {
  /** For progress and errors, e.g. `vault items`. */
  readonly name: string;
  /** Rows in id order after `afterId` (null: from the start). */
  page(afterId: string | null, limit: number): Promise<WrappedKeyRow[]>;
  /**
   * Replaces a wrapped key only if it is still `previous` (a guarded update), so a rotation racing a write
   * never overwrites a newer key. Returns false when the row changed or vanished.
   */
  replace(id: string, previous: Buffer, next: Buffer): Promise<boolean>;
}
