// Master-key management (operators): status, rotation while the server runs, retirement of old versions.
import type { Transport } from './http.js';
import type { KeyRotation, KeyringStatus } from './types.js';

/** Master key versions and their rotation. */
export class KeysApi {
  readonly #t: Transport;
  constructor(t: Transport) {
    this.#t = t;
  }

  /** Versions, the data keys each wraps, the instances holding them, and the last rotation here. */
  status(): Promise<KeyringStatus> {
    return this.#t.request('GET', '/v1/keys');
  }

  /**
   * Starts a rotation and returns at once; follow it with {@link KeysApi.rotation}. `addVersion` (default: when
   * the server may write its key file) adds a new version first; otherwise data keys move to the current primary.
   */
  rotate(options: { addVersion?: boolean } = {}): Promise<KeyRotation> {
    return this.#t.request('POST', '/v1/keys/rotate', { body: options });
  }

  /** The running or last rotation on the instance that answers. */
  async rotation(): Promise<KeyRotation | null> {
    return (await this.#t.request<{ rotation: KeyRotation | null }>('GET', '/v1/keys/rotation')).rotation;
  }

  /** Retires a version no stored data key uses; refused (409) while any does. */
  retire(version: number): Promise<KeyringStatus> {
    return this.#t.request('POST', `/v1/keys/versions/${version}/retire`, { body: {} });
  }
}
