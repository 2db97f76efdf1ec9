// The vault items' data keys as a WrappedKeyStore, so key rotation can rewrap them without knowing the vault.
import type { Transactor } from '../../core/transactor.js';
import type { WrappedKeyStore } from '../keys/wrapped-key-store.js';
import type { VaultRepo } from './vault-repo.js';
import { vaultContext } from './vault-sealing.js';

/** Vault item data keys, page by page in id order; each replacement is a guarded update. */
export function vaultItemKeys(store: Transactor<{ vault: VaultRepo }>): WrappedKeyStore {
  return {
    name: 'vault items',
    async page(afterId, limit) {
      const rows = await store.read.vault.pageWrappedKeys(afterId, limit);
      return rows.map((r) => ({ id: r.id, context: vaultContext(r), wrapped: r.wrappedKey }));
    },
    replace: (id, previous, next) => store.write((tx) => tx.vault.replaceWrappedKey(id, previous, next)),
  };
}
