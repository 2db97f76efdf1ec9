// QR decoding for TOTP enrollment, off the request thread: a pool of sandboxed workers with a time and memory
// budget per image and a short queue, so a hostile image costs one worker, never the API's event loop.
import { AppError, appError } from '../core/app-error.js';
import { TotpError } from '../modules/totp/index.js';
import { fromTotpError } from '../modules/vault/vault-errors.js';
import type { QrDecodeInput, QrDecodeOutput } from './qr-decode-worker.js';
import { createSandbox, SandboxError, workerFile } from './sandbox.js';

export interface QrDecoder {
  /** The text of the QR code in a base64 PNG/JPEG. @throws AppError (TOTP_* with the field path, or RATE_LIMITED) */
  decode(base64: string, path: string): Promise<string>;
  close(): Promise<void>;
}

export interface QrDecoderOptions {
  /** Decodes running at once (default 2: the worst image measured costs ~3 s of one core). */
  size?: number;
  /** Decodes waiting at most; more are refused with 429 (default 4). */
  maxQueue?: number;
  /** Per image (default 10 s, three times the worst case measured). */
  timeoutMs?: number;
  maxOldGenerationSizeMb?: number;
}

/** Builds the decoder pool; workers start on first use. */
export function createQrDecoder(options: QrDecoderOptions = {}): QrDecoder {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const sandbox = createSandbox<QrDecodeInput, QrDecodeOutput>(workerFile(import.meta.url, './qr-decode-worker.js'), {
    size: options.size ?? 2,
    maxQueue: options.maxQueue ?? 4,
    timeoutMs,
    maxOldGenerationSizeMb: options.maxOldGenerationSizeMb ?? 256,
  });
  return {
    async decode(base64, path) {
      let out: QrDecodeOutput;
      try {
        out = await sandbox.run({ base64, path });
      } catch (err) {
        throw refusal(err, path, timeoutMs);
      }
      if (out.ok) return out.text;
      throw fromTotpError(new TotpError(out.code, out.path, out.message));
    },
    close: () => sandbox.close(),
  };
}

function refusal(err: unknown, path: string, timeoutMs: number): AppError {
  const reason = err instanceof SandboxError ? err.reason : 'failed';
  switch (reason) {
    case 'busy':
      return appError('RATE_LIMITED', 'Too many QR images are being decoded; retry shortly.', { retryAfterSeconds: 5 });
    case 'timeout':
      return fromTotpError(
        new TotpError('TOTP_IMAGE_INVALID', path, `could not be decoded within ${timeoutMs / 1000} s`),
      );
    case 'memory':
      return fromTotpError(new TotpError('TOTP_IMAGE_TOO_LARGE', path, 'needs more memory to decode than allowed'));
    case 'closed':
      return new AppError('INTERNAL', 'The server is shutting down.');
    default:
      return fromTotpError(new TotpError('TOTP_IMAGE_INVALID', path, 'could not be decoded'));
  }
}
