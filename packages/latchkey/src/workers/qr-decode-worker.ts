// Worker side of QR decoding: turns a base64 PNG/JPEG into the QR's text inside a sandboxed thread.
import { decodeQrImage, TotpError } from '../modules/totp/index.js';
import { serveSandbox } from './serve.js';

/** What the main thread sends. */
export interface QrDecodeInput {
  base64: string;
  path: string;
}

/** The QR text, or the TOTP module's refusal with its code and field path (never the image or its text). */
export type QrDecodeOutput =
  | { ok: true; text: string }
  | { ok: false; code: TotpError['code']; path: string; message: string };

serveSandbox<QrDecodeInput, QrDecodeOutput>(({ base64, path }) => {
  try {
    return { ok: true, text: decodeQrImage(base64, path) };
  } catch (err) {
    if (err instanceof TotpError) {
      const detail = err.details[0];
      return { ok: false, code: err.code, path: detail?.path ?? path, message: detail?.message ?? 'is not valid' };
    }
    // Anything else is reported by a fixed message: a decoder's own words may quote its input.
    throw new Error('the image could not be decoded');
  }
});
