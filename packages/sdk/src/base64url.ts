// Strict base64url (RFC 4648 §5, no padding) for keys and ciphertexts on the wire.

const ALPHABET = /^[A-Za-z0-9_-]*$/;

/** Encodes bytes as unpadded base64url. */
export function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64url');
}

/**
 * Decodes unpadded base64url, or returns `undefined` when the text is not canonical base64url.
 *
 * Node's decoder silently skips characters outside the alphabet and ignores stray trailing bits, so two different
 * strings could name the same key; refusing anything that does not round-trip keeps one spelling per value.
 */
export function fromBase64Url(text: string): Uint8Array | undefined {
  if (!ALPHABET.test(text) || text.length % 4 === 1) return undefined;
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.toString('base64url') !== text) return undefined;
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
