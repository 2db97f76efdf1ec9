// The OTP relay: ask for a code that reaches your human, wait for it, and read it once. The key pair is made here,
// in the caller's process; only the public key is sent, and the payload is opened here.
import { inspect } from 'node:util';
import { fromBase64Url, toBase64Url } from './base64url.js';
import { LatchkeyError } from './errors.js';
import { generateKeyPair, HpkeError, open } from './hpke.js';
import { seg, type Transport } from './http.js';
import type {
  CreatedRelayRequest,
  RelayOtp,
  RelayRequest,
  RelayRequestInput,
  RelaySealedPayload,
  RelaySettings,
  RelayStatus,
  RelayWebhookDelivery,
  StandingApproval,
} from './types.js';

const INFO = new TextEncoder().encode('latchkey-relay-v1');
const EMPTY = new Uint8Array(0);
/** Longest single long-poll; `wait` chains calls up to the caller's timeout. */
const POLL_SECONDS = 60;
const WAITING: readonly RelayStatus[] = ['pending_approval', 'approved'];

/**
 * One relay request and the private key that opens its code. The key lives only in this object (in memory) unless
 * the caller exports it; it is wiped once the code has been read. An MCP server keeps handles in a map by id.
 */
export class RelayHandle {
  readonly id: string;
  /** The public key sent with the request (base64url); empty for a handle restored from a private key alone. */
  readonly publicKey: string;
  readonly status: RelayStatus;
  readonly approvalUrl: string;
  readonly expiresAt: string;
  #privateKey: Uint8Array | null;

  constructor(init: CreatedRelayRequest & { publicKey: string; privateKey: Uint8Array }) {
    this.id = init.id;
    this.publicKey = init.publicKey;
    this.status = init.status;
    this.approvalUrl = init.approvalUrl;
    this.expiresAt = init.expiresAt;
    this.#privateKey = init.privateKey;
  }

  /** Rebuilds a handle from a request id and a private key exported earlier (e.g. by the CLI, from a 0600 file). */
  static restore(id: string, privateKey: string): RelayHandle {
    const raw = fromBase64Url(privateKey.trim());
    if (raw?.length !== 32) {
      throw new LatchkeyError({
        code: 'RELAY_KEY_INVALID',
        message: 'The relay private key must be 32 bytes of base64url.',
        status: 0,
      });
    }
    return new RelayHandle({
      id,
      status: 'pending_approval',
      approvalUrl: '',
      expiresAt: '',
      publicKey: '',
      privateKey: new Uint8Array(raw),
    });
  }

  /** True once the code was read (or the key otherwise wiped): the handle can open nothing any more. */
  get spent(): boolean {
    return this.#privateKey === null;
  }

  /** The private key as base64url, to keep the handle outside this process. Whoever holds it can read the code. */
  exportPrivateKey(): string {
    return toBase64Url(this.#key());
  }

  /** Opens a sealed payload with this handle's key. @throws LatchkeyError RELAY_PAYLOAD_INVALID. */
  open(payload: RelaySealedPayload): RelayOtp {
    const enc = fromBase64Url(payload.enc);
    const ciphertext = fromBase64Url(payload.ciphertext);
    let otp: RelayOtp;
    try {
      if (!enc || !ciphertext) throw new HpkeError('HPKE_OPEN_FAILED', 'ciphertext', 'not base64url');
      const plaintext = open(this.#key(), enc, INFO, EMPTY, ciphertext);
      otp = JSON.parse(new TextDecoder().decode(plaintext)) as RelayOtp;
      plaintext.fill(0);
    } catch (error) {
      if (error instanceof LatchkeyError) throw error;
      throw new LatchkeyError({
        code: 'RELAY_PAYLOAD_INVALID',
        message: 'The relayed payload could not be opened with this key.',
        status: 0,
      });
    }
    // The request id is inside the authenticated plaintext: a payload sealed for another request is refused.
    if (typeof otp !== 'object' || otp === null || otp.requestId !== this.id) {
      throw new LatchkeyError({
        code: 'RELAY_PAYLOAD_INVALID',
        message: 'The relayed payload belongs to another request.',
        status: 0,
      });
    }
    return otp;
  }

  /** Forgets the private key. */
  wipe(): void {
    this.#privateKey?.fill(0);
    this.#privateKey = null;
  }

  /** Never the private key. */
  toJSON(): CreatedRelayRequest & { publicKey: string } {
    return {
      id: this.id,
      status: this.status,
      approvalUrl: this.approvalUrl,
      expiresAt: this.expiresAt,
      publicKey: this.publicKey,
    };
  }

  [inspect.custom](): string {
    return `RelayHandle(${this.id})`;
  }

  #key(): Uint8Array {
    if (!this.#privateKey) {
      throw new LatchkeyError({
        code: 'RELAY_HANDLE_SPENT',
        message: 'This relay handle was already used to read its code.',
        status: 0,
      });
    }
    return this.#privateKey;
  }
}

/** A human's relay settings and standing approvals (operator tokens). */
export class RelaySettingsApi {
  readonly #t: Transport;
  constructor(t: Transport) {
    this.#t = t;
  }

  /** Your forwarding address, SMS capture URL, and webhook and capture-token state. */
  get(): Promise<RelaySettings> {
    return this.#t.request('GET', '/v1/relay/settings');
  }

  /** Registers your webhook; the returned `secret` (whsec_…) verifies our signatures and is shown once. */
  setWebhook(url: string): Promise<{ url: string; secret: string; updatedAt: string }> {
    return this.#t.request('PUT', '/v1/relay/settings/webhook', { body: { url } });
  }

  /** Stops webhook notifications. */
  deleteWebhook(): Promise<void> {
    return this.#t.request('DELETE', '/v1/relay/settings/webhook');
  }

  /** Queues a signed test event to your webhook. */
  testWebhook(): Promise<{ queued: boolean }> {
    return this.#t.request('POST', '/v1/relay/settings/webhook/test');
  }

  /** Your most recent webhook deliveries. */
  async deliveries(limit = 20): Promise<RelayWebhookDelivery[]> {
    return (
      await this.#t.request<{ deliveries: RelayWebhookDelivery[] }>('GET', '/v1/relay/settings/webhook/deliveries', {
        query: { limit },
      })
    ).deliveries;
  }

  /** Mints your SMS capture token (replacing the previous one); shown once. */
  createCaptureToken(): Promise<{ token: string; smsCaptureUrl: string; createdAt: string }> {
    return this.#t.request('POST', '/v1/relay/settings/capture-token');
  }

  /** Disables SMS capture. */
  deleteCaptureToken(): Promise<void> {
    return this.#t.request('DELETE', '/v1/relay/settings/capture-token');
  }

  /** Approves up to `maxCodes` codes from `sender` for one of your agents within `withinHours`. */
  grantStandingApproval(input: {
    agent: string;
    sender: string;
    maxCodes: number;
    withinHours: number;
  }): Promise<StandingApproval> {
    return this.#t.request('POST', '/v1/relay/standing-approvals', { body: input });
  }

  /** Your standing approvals. */
  async standingApprovals(): Promise<StandingApproval[]> {
    return (await this.#t.request<{ standingApprovals: StandingApproval[] }>('GET', '/v1/relay/standing-approvals'))
      .standingApprovals;
  }

  /** Revokes a standing approval. */
  revokeStandingApproval(id: string): Promise<StandingApproval> {
    return this.#t.request('DELETE', `/v1/relay/standing-approvals/${seg(id)}`);
  }
}

/** The OTP relay. */
export class RelayApi {
  readonly #t: Transport;
  /** Settings and standing approvals of the calling human (operator tokens). */
  readonly settings: RelaySettingsApi;

  constructor(t: Transport) {
    this.#t = t;
    this.settings = new RelaySettingsApi(t);
  }

  /**
   * Asks for a code (agent keys). Makes a fresh X25519 key pair here and sends only its public half; the returned
   * handle holds the private half in memory. Keep the handle to `wait` and `consume`.
   */
  async requestOtp(input: RelayRequestInput): Promise<RelayHandle> {
    const keys = generateKeyPair();
    const publicKey = toBase64Url(keys.publicKey);
    try {
      const created = await this.#t.request<CreatedRelayRequest>('POST', '/v1/relay/requests', {
        body: { ...input, publicKey },
      });
      return new RelayHandle({ ...created, publicKey, privateKey: keys.privateKey });
    } catch (error) {
      keys.privateKey.fill(0);
      throw error;
    }
  }

  /** One request. */
  get(request: RelayHandle | string): Promise<RelayRequest> {
    return this.#t.request('GET', `/v1/relay/requests/${seg(idOf(request))}`);
  }

  /** One page of requests: an agent's own, or (operators) the org's, filtered by status or agent. */
  list(options: { status?: RelayStatus; agent?: string; limit?: number; cursor?: string } = {}): Promise<{
    requests: RelayRequest[];
    nextCursor: string | null;
  }> {
    return this.#t.request('GET', '/v1/relay/requests', { query: options });
  }

  /**
   * Waits until a code is captured or the request ends (denied, expired, cancelled), or `timeoutSeconds` (default
   * 300) pass. Resolves to the request as it then is: check `status` (`otp_received` means `consume` will work).
   */
  async wait(request: RelayHandle | string, options: { timeoutSeconds?: number } = {}): Promise<RelayRequest> {
    const id = idOf(request);
    const deadline = Date.now() + (options.timeoutSeconds ?? 300) * 1000;
    for (;;) {
      const left = Math.max(0, Math.ceil((deadline - Date.now()) / 1000));
      const poll = Math.min(left, POLL_SECONDS);
      const current = await this.#t.request<RelayRequest>('GET', `/v1/relay/requests/${seg(id)}/wait`, {
        query: { timeoutSeconds: poll },
        timeoutMs: (poll + 15) * 1000,
      });
      if (!WAITING.includes(current.status) || Date.now() >= deadline) return current;
    }
  }

  /**
   * Reads the code, exactly once, and opens it here with the handle's key (which is then wiped). A second read
   * fails with `RELAY_ALREADY_CONSUMED` (410) and alarms the human.
   */
  async consume(handle: RelayHandle): Promise<RelayOtp> {
    // Refused here, before the server would record a second read and alarm the human.
    if (handle.spent) {
      throw new LatchkeyError({
        code: 'RELAY_HANDLE_SPENT',
        message: 'This relay handle was already used to read its code.',
        status: 0,
      });
    }
    const payload = await this.consumeSealed(handle.id);
    try {
      return handle.open(payload);
    } finally {
      handle.wipe();
    }
  }

  /** Reads the sealed payload once without opening it (for callers holding their own key). */
  consumeSealed(request: RelayHandle | string): Promise<RelaySealedPayload> {
    return this.#t.request('POST', `/v1/relay/requests/${seg(idOf(request))}/consume`);
  }

  /**
   * Offers an SMS received on the human's phone to their approved requests: what an SMS forwarder on that phone
   * calls. Make this client with the human's capture token as `apiKey` (`relay.settings.createCaptureToken`).
   * Resolves `{captured: true}` when the message's code was sealed for a request; nothing else of it is kept.
   */
  captureSms(sms: { from: string; body: string; receivedAt?: string | Date }): Promise<{ captured: boolean }> {
    const receivedAt = sms.receivedAt instanceof Date ? sms.receivedAt.toISOString() : sms.receivedAt;
    return this.#t.request('POST', '/v1/relay/capture/sms', {
      body: { from: sms.from, body: sms.body, ...(receivedAt !== undefined ? { receivedAt } : {}) },
    });
  }

  /** Cancels a request (agent keys), erasing any captured code. */
  cancel(request: RelayHandle | string): Promise<RelayRequest> {
    return this.#t.request('DELETE', `/v1/relay/requests/${seg(idOf(request))}`);
  }

  /** Approves a pending request (the approving human's operator token). */
  approve(id: string): Promise<RelayRequest> {
    return this.#t.request('POST', `/v1/relay/requests/${seg(id)}/approve`);
  }

  /** Denies a request, or withdraws an approval before a code arrives (operator tokens). */
  deny(id: string): Promise<RelayRequest> {
    return this.#t.request('POST', `/v1/relay/requests/${seg(id)}/deny`);
  }
}

function idOf(request: RelayHandle | string): string {
  return typeof request === 'string' ? request : request.id;
}
