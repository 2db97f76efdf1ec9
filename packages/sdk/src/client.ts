// The Latchkey client: one object with a namespace per API area.
import { AuditApi } from './audit.js';
import { type ClientOptions, Transport } from './http.js';
import { AgentsApi } from './identity.js';
import { KeysApi } from './keys.js';
import { MailApi } from './mail.js';
import { RelayApi } from './relay.js';
import type { Me } from './types.js';
import { VaultApi } from './vault.js';

/**
 * A client for one Latchkey server.
 * @example
 * const lk = new Latchkey({ baseUrl: 'http://127.0.0.1:8420', apiKey: process.env.LATCHKEY_API_KEY! });
 * const me = await lk.me();
 */
export class Latchkey {
  readonly #t: Transport;
  /** Agents and their keys (operator tokens only). */
  readonly agents: AgentsApi;
  /** The audit trail (operator tokens only). */
  readonly audit: AuditApi;
  /** The agent's vault: credentials, TOTP codes, backup codes (operators pass `agent`). */
  readonly vault: VaultApi;
  /** Master key versions and rotation (operator tokens only). */
  readonly keys: KeysApi;
  /** The inbox: email and SMS, extracted codes and links, waiting for the next one. */
  readonly mail: MailApi;
  /** The OTP relay: agents ask for codes and read them once; humans approve (see `relay.settings`). */
  readonly relay: RelayApi;

  constructor(options: ClientOptions) {
    this.#t = new Transport(options);
    this.agents = new AgentsApi(this.#t);
    this.audit = new AuditApi(this.#t);
    this.vault = new VaultApi(this.#t);
    this.keys = new KeysApi(this.#t);
    this.mail = new MailApi(this.#t);
    this.relay = new RelayApi(this.#t);
  }

  /** The server this client talks to. */
  get baseUrl(): string {
    return this.#t.baseUrl;
  }

  /** The calling principal and its delegation chain. */
  me(): Promise<Me> {
    return this.#t.request('GET', '/v1/me');
  }
}
