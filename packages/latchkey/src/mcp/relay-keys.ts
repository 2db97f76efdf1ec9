// Relay key pairs held in the MCP process's memory, one per relay request, for the life of the session.
// The private key never leaves this process: the server only ever receives the public key.

/** Private keys of the relay requests this session made, by request id. */
export interface RelayKeyring {
  put(requestId: string, privateKey: Uint8Array): void;
  get(requestId: string): Uint8Array | undefined;
  /** Forgets (and zeroes) a key once its payload has been read or the request ended. */
  forget(requestId: string): void;
  /** Zeroes every key (session end). */
  clear(): void;
}

/** An in-memory keyring. */
export function createRelayKeyring(): RelayKeyring {
  const keys = new Map<string, Uint8Array>();
  return {
    put: (id, key) => {
      keys.set(id, key);
    },
    get: (id) => keys.get(id),
    forget(id) {
      keys.get(id)?.fill(0);
      keys.delete(id);
    },
    clear() {
      for (const key of keys.values()) key.fill(0);
      keys.clear();
    },
  };
}
