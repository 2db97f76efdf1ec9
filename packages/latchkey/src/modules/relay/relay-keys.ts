// The relay's envelope contexts (what each data key is bound to) and its wrapped keys as seen by key rotation.
import type { Transactor } from '../../core/transactor.js';
import type { EnvelopeContext } from '../../crypto/envelope.js';
import type { WrappedKeyStore } from '../keys/wrapped-key-store.js';
import type { RelayRepo } from './relay-repo.js';

/** The data key sealing a human's webhook signing secret. */
export function webhookSecretContext(orgId: string, humanId: string): EnvelopeContext {
  return { scope: 'relay-webhook', orgId, ownerId: humanId, objectId: humanId };
}

/** The data key sealing a captured sender (the consume response's metadata) until the one read. */
export function captureContext(orgId: string, agentId: string, requestId: string): EnvelopeContext {
  return { scope: 'relay-capture', orgId, ownerId: agentId, objectId: requestId };
}

/** Every data key the relay stores, for `latchkey keys rotate`. */
export function relayWrappedKeyStores(store: Transactor<{ relay: RelayRepo }>): WrappedKeyStore[] {
  const of = (table: 'settings' | 'requests', name: string): WrappedKeyStore => ({
    name,
    async page(afterId, limit) {
      const rows = await store.read.relay.pageWrappedKeys(table, afterId, limit);
      return rows.map((r) => ({
        id: r.id,
        wrapped: r.wrapped,
        context:
          table === 'settings' ? webhookSecretContext(r.orgId, r.ownerId) : captureContext(r.orgId, r.ownerId, r.id),
      }));
    },
    replace: (id, previous, next) => store.write((tx) => tx.relay.replaceWrappedKey(table, id, previous, next)),
  });
  return [of('settings', 'relay webhook secrets'), of('requests', 'relay captured senders')];
}
