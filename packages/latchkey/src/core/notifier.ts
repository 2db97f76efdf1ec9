// The port for "something changed" signals between requests and instances (a message arrived, a relay
// request moved). Signals carry ids, never secrets, and are sent only after the change has committed.

/** `null` means "signals may have been missed (reconnect): re-check the store". */
export type NotifyListener = (payload: string | null) => void;

export interface Notifier {
  /** Sends `payload` (at most 4000 bytes) to every subscriber of `channel` on every instance. */
  publish(channel: string, payload: string): Promise<void>;
  /** Subscribes; returns the function that unsubscribes. */
  subscribe(channel: string, listener: NotifyListener): () => void;
  close(): Promise<void>;
}
