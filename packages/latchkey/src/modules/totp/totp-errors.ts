// The TOTP module's error catalog and its one error type; messages name the field, never the secret.

/**
 * Every code this module can throw, with the caller-facing summary. The shared error catalog maps each code to
 * an HTTP status (suggested in README.md). Adding a code here is a contract change.
 */
export const TOTP_ERROR_MESSAGES = {
  /** The input is not one of the three forms ({uri} | {secret, …} | {qrImage}), or a field has the wrong type. */
  TOTP_INPUT_INVALID: 'The TOTP input is not valid',
  /** The otpauth URI is malformed: scheme, type, label, encoding, duplicated or missing parameters. */
  TOTP_URI_INVALID: 'The otpauth URI is not valid',
  /** The seed is not base32, or decodes to too few or too many bytes. */
  TOTP_SECRET_INVALID: 'The TOTP secret is not valid',
  /** algorithm, digits, period, counter, encoder, issuer or account has a value we refuse. */
  TOTP_PARAMETER_INVALID: 'A TOTP parameter is not valid',
  /** The image is not base64, not PNG or JPEG, or cannot be decoded. */
  TOTP_IMAGE_INVALID: 'The QR image is not a readable PNG or JPEG',
  /** The image exceeds the byte or pixel limits; refused before decoding. */
  TOTP_IMAGE_TOO_LARGE: 'The QR image is too large',
  /** The image decodes but holds no QR code we can read. */
  TOTP_QR_NOT_FOUND: 'No QR code was found in the image',
} as const;

/** One of the module's error codes. */
export type TotpErrorCode = keyof typeof TOTP_ERROR_MESSAGES;

/** Where the problem is (a dotted path into what the caller sent, e.g. `totp.uri.digits`) and what is wrong. */
export interface TotpErrorDetail {
  readonly path: string;
  readonly message: string;
}

/**
 * The only error this module throws for bad input. It carries no `cause`: underlying errors (URL parsers, image
 * decoders) may quote their input, and the input holds the seed.
 */
export class TotpError extends Error {
  override readonly name = 'TotpError';
  /** UPPER_SNAKE code from {@link TOTP_ERROR_MESSAGES}. */
  readonly code: TotpErrorCode;
  /** Exactly one detail today; an array so the shared error shape needs no conversion. */
  readonly details: readonly TotpErrorDetail[];

  /**
   * @param code the catalog code
   * @param path dotted path of the offending field
   * @param message what is wrong with it; must never quote the seed or the URI
   */
  constructor(code: TotpErrorCode, path: string, message: string) {
    super(`${TOTP_ERROR_MESSAGES[code]}: ${path} ${message}`);
    this.code = code;
    this.details = Object.freeze([Object.freeze({ path, message })]);
  }

  /** The shape the HTTP layer serialises, so `JSON.stringify(err)` is useful and safe. */
  toJSON(): { code: TotpErrorCode; message: string; details: readonly TotpErrorDetail[] } {
    return { code: this.code, message: this.message, details: this.details };
  }
}
