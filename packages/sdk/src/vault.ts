// The calling agent's vault: credentials, TOTP/HOTP codes and backup codes. Operators pass `agent`.
import { seg, type Transport } from './http.js';
import type { OtpCode, VaultItem, VaultItemInput, VaultItemType, VaultSecrets } from './types.js';

/** Which agent's vault: agents leave it out (their own); operators name the agent (id or name). */
export interface VaultScope {
  agent?: string;
}

export interface VaultListOptions extends VaultScope {
  type?: VaultItemType;
  limit?: number;
  cursor?: string;
}

/** Operations on one vault. Every release of a secret or a code is audited by the server. */
export class VaultApi {
  readonly #t: Transport;
  constructor(t: Transport) {
    this.#t = t;
  }

  /**
   * Creates or replaces the item `name` and returns its metadata. A TOTP seed given here can never be read
   * back; ask for codes with {@link VaultApi.totp}.
   */
  store(name: string, item: VaultItemInput, scope: VaultScope = {}): Promise<VaultItem> {
    return this.#t.request('PUT', `/v1/vault/items/${seg(name)}`, { body: item, query: { ...scope } });
  }

  /** The item and its secrets (username, password, notes, fields). Agents only: operators get 403. */
  get(name: string, scope: VaultScope = {}): Promise<{ item: VaultItem; secrets: VaultSecrets }> {
    return this.#t.request('GET', `/v1/vault/items/${seg(name)}`, { query: { ...scope } });
  }

  /** One page of item metadata, in name order. */
  list(options: VaultListOptions = {}): Promise<{ items: VaultItem[]; nextCursor: string | null }> {
    return this.#t.request('GET', '/v1/vault/items', { query: { ...options } });
  }

  /** Every item's metadata, page by page. */
  async *listAll(options: Omit<VaultListOptions, 'cursor' | 'limit'> = {}): AsyncGenerator<VaultItem> {
    let cursor: string | undefined;
    do {
      const page = await this.list({ ...options, limit: 500, ...(cursor ? { cursor } : {}) });
      yield* page.items;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }

  /** Deletes the item. */
  async delete(name: string, scope: VaultScope = {}): Promise<void> {
    await this.#t.request('DELETE', `/v1/vault/items/${seg(name)}`, { query: { ...scope } });
  }

  /**
   * The current TOTP code (or the next HOTP code, which uses up its counter). With `minValidSeconds`, a TOTP
   * code that would expire sooner is not returned: the server waits for the next step, so the call may take up
   * to that many seconds (the timeout is extended accordingly).
   */
  totp(name: string, options: VaultScope & { minValidSeconds?: number } = {}): Promise<OtpCode> {
    const { minValidSeconds, ...scope } = options;
    return this.#t.request('GET', `/v1/vault/items/${seg(name)}/totp`, {
      query: { ...scope, minValidSeconds },
      timeoutMs: 30_000 + (minValidSeconds ?? 0) * 1000,
    });
  }

  /** Checks a TOTP code (±1 step). A code accepted once is refused after, on every server instance. */
  async verifyTotp(name: string, code: string, scope: VaultScope = {}): Promise<boolean> {
    const result = await this.#t.request<{ valid: boolean }>('POST', `/v1/vault/items/${seg(name)}/totp/verify`, {
      body: { code },
      query: { ...scope },
    });
    return result.valid;
  }

  /** Takes the next unused backup code, exactly once. Agents only. */
  consumeBackupCode(name: string, scope: VaultScope = {}): Promise<{ code: string; remaining: number }> {
    return this.#t.request('POST', `/v1/vault/items/${seg(name)}/backup-codes/consume`, {
      body: {},
      query: { ...scope },
    });
  }
}
