// Seals a captured OTP to the requesting agent's X25519 key with the relay's fixed HPKE suite (SPEC §3 OTP relay).
import { fromBase64Url, HpkeError, hpkeSeal as seal, toBase64Url } from '@latchkey/sdk';

/** `info` of the relay suite; a payload sealed for another purpose never opens as a relay payload. */
export const RELAY_HPKE_INFO = 'latchkey-relay-v1';

const INFO = new TextEncoder().encode(RELAY_HPKE_INFO);
const EMPTY_AAD = new Uint8Array(0);
const KEY_LENGTH = 32;

/** Thrown when a relay public key is not a usable X25519 key; `details[0].path` names the request field. */
export class RelayKeyError extends Error {
  override readonly name = 'RelayKeyError';
  readonly code = 'INVALID_RELAY_PUBLIC_KEY';
  readonly details: { path: string; message: string }[];

  constructor(message: string) {
    super(message);
    this.details = [{ path: 'publicKey', message }];
  }
}

/**
 * Decodes and checks the `publicKey` of a relay request: unpadded base64url of exactly 32 bytes, not a low-order point.
 * Checking at request time means a bad key is refused before a human is asked to approve anything.
 */
export function parseRelayPublicKey(publicKeyB64url: string): Uint8Array {
  if (typeof publicKeyB64url !== 'string') throw new RelayKeyError('publicKey must be a base64url string');
  const bytes = fromBase64Url(publicKeyB64url);
  if (!bytes) throw new RelayKeyError('publicKey must be unpadded base64url');
  if (bytes.length !== KEY_LENGTH) throw new RelayKeyError('publicKey must encode 32 bytes (an X25519 public key)');
  try {
    // A trial seal runs the same DH the real one will, so low-order points are refused here rather than at capture.
    seal(bytes, INFO, EMPTY_AAD, EMPTY_AAD);
  } catch (error) {
    if (error instanceof HpkeError) throw new RelayKeyError('publicKey is not a usable X25519 public key');
    throw error;
  }
  return bytes;
}

/**
 * Seals `payload` (UTF-8 JSON) to the agent's key with DHKEM(X25519, HKDF-SHA256), HKDF-SHA256, AES-256-GCM,
 * `info` = `latchkey-relay-v1` and empty AAD, and returns `enc` and `ciphertext` as base64url.
 */
export function sealRelayPayload(publicKeyB64url: string, payload: object): { enc: string; ciphertext: string } {
  const recipient = parseRelayPublicKey(publicKeyB64url);
  const plaintext = new TextEncoder().encode(JSON.stringify(payload));
  const sealed = seal(recipient, INFO, EMPTY_AAD, plaintext, { aead: 'aes-256-gcm' });
  // The plaintext holds the OTP; drop our copy as soon as it is sealed.
  plaintext.fill(0);
  return { enc: toBase64Url(sealed.enc), ciphertext: toBase64Url(sealed.ciphertext) };
}
