// The messages' wrapped data keys as a WrappedKeyStore, so `latchkey keys rotate` rewraps them with the rest.
import type { Transactor } from '../../core/transactor.js';
import type { WrappedKeyStore } from '../keys/wrapped-key-store.js';
import type { InboxRepo } from './inbox-repo.js';
import { messageContext } from './message-codec.js';

/** Every stored message's data key, in id order. */
export function messageKeys(store: Transactor<{ inbox: InboxRepo }>): WrappedKeyStore {
  return {
    name: 'inbox messages',
    async page(afterId, limit) {
      const rows = await store.read.inbox.pageWrappedKeys(afterId, limit);
      return rows.map((r) => ({ id: r.id, context: messageContext(r.orgId, r.agentId, r.id), wrapped: r.wrappedKey }));
    },
    replace: (id, previous, next) => store.write((tx) => tx.inbox.replaceWrappedKey(id, previous, next)),
  };
}
