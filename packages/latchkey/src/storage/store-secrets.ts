// Store-level secrets (e.g. the keyed-hash key): random bytes kept in store_secrets, sealed like any data key.
import type { Envelope, EnvelopeContext } from '../crypto/envelope.js';
import type { WrappedKeyStore } from '../modules/keys/wrapped-key-store.js';
import type { Store } from './store.js';

function contextOf(name: string): EnvelopeContext {
  return { scope: 'store', orgId: '-', ownerId: '-', objectId: name };
}

/**
 * Returns the named 32-byte store secret, creating it on first use. The secret is the data key itself:
 * only its wrapped form is stored, so it rotates with every other data key.
 */
export async function storeSecret(store: Store, envelope: Envelope, name: string, now: number): Promise<Buffer> {
  let wrapped = await store.read.meta.getStoreSecret(name);
  if (!wrapped) {
    const fresh = envelope.newDataKey(contextOf(name));
    wrapped = await store.write((tx) => tx.meta.ensureStoreSecret(name, fresh.wrapped, now));
  }
  return envelope.openDataKey(wrapped, contextOf(name)).deriveSecret(name);
}

/** The store secrets as a WrappedKeyStore, for rotation. */
export function storeSecretKeys(store: Store): WrappedKeyStore {
  return {
    name: 'store secrets',
    async page(afterId, limit) {
      const rows = await store.read.meta.listStoreSecrets();
      return rows
        .filter((r) => afterId === null || r.name > afterId)
        .slice(0, limit)
        .map((r) => ({ id: r.name, context: contextOf(r.name), wrapped: r.wrappedKey }));
    },
    replace: (id, previous, next) => store.write((tx) => tx.meta.replaceStoreSecret(id, previous, next)),
  };
}
