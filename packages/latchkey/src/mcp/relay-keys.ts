// Relay handles held in the MCP process's memory, one per relay request, for the life of the session. Each holds
// the private key that opens its code; the key never leaves this process (the server only ever gets the public key).
import type { RelayHandle } from '@latchkey/sdk';

/** The relay requests this session made, by request id. */
export interface RelayKeyring {
  put(handle: RelayHandle): void;
  get(requestId: string): RelayHandle | undefined;
  /** Forgets (and wipes) a handle once its code has been read or its request ended. */
  forget(requestId: string): void;
  /** Wipes every handle (session end). */
  clear(): void;
  size(): number;
}

/** An in-memory keyring. */
export function createRelayKeyring(): RelayKeyring {
  const handles = new Map<string, RelayHandle>();
  return {
    put: (handle) => {
      handles.set(handle.id, handle);
    },
    get: (id) => handles.get(id),
    forget(id) {
      handles.get(id)?.wipe();
      handles.delete(id);
    },
    clear() {
      for (const handle of handles.values()) handle.wipe();
      handles.clear();
    },
    size: () => handles.size,
  };
}
