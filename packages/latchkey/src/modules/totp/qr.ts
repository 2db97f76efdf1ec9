// Turns an uploaded base64 PNG or JPEG into the text of the otpauth QR code it shows, within hard resource limits.

import jpeg from 'jpeg-js';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { IMAGE_LIMITS, pngDataIsComplete, readImageHeader } from './image-header.js';
import { TotpError } from './totp-errors.js';

/**
 * Pixels handed to the QR scanner. Larger images are box-downscaled first: jsQR's time grows faster than the
 * pixel count on noisy images (measured: 1 MP of noise ≈ 1.5 s, 4 MP ≈ 12 s, 16 MP ≈ 85 s), while a QR code
 * in a phone or desktop screenshot keeps enough pixels per module after the reduction.
 */
export const QR_SCAN_MAX_PIXELS = 1024 * 1024;

/** Base64 text we look at, before stripping whitespace: 2 MiB of image plus generous room for line breaks. */
const MAX_BASE64_TEXT_LENGTH = Math.ceil(IMAGE_LIMITS.maxBytes / 3) * 4 * 2;

// jsqr is CommonJS whose typings declare an ES default export; under NodeNext that default is `.default` of the
// module object, which the package also sets at runtime.
const jsQR = jsQRModule.default;

/** jpeg-js's own ceilings, as a second line behind the header check. */
const JPEG_MAX_MEMORY_MB = 512;

interface Rgba {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/**
 * Decodes a QR image to the otpauth URI it holds.
 *
 * Order matters for hostile input: text length, base64 shape and decoded size are checked first, then the
 * format is taken from magic bytes (PNG or JPEG only; a data-URL media type is ignored) and the dimensions from
 * the header, all before a decoder runs. The scan tries the image as is and inverted (light modules on dark).
 *
 * @param base64 the image as base64 (standard or URL-safe), optionally a `data:…;base64,` URL, whitespace allowed
 * @param path dotted path of the field, e.g. `totp.qrImage`
 * @returns the QR text, known to start with `otpauth://` (not yet parsed)
 * @throws {TotpError} TOTP_INPUT_INVALID, TOTP_IMAGE_INVALID, TOTP_IMAGE_TOO_LARGE, TOTP_QR_NOT_FOUND or
 *   TOTP_URI_INVALID (a QR code that is not an otpauth URI); messages never quote the QR text
 */
export function decodeQrImage(base64: unknown, path = 'totp.qrImage'): string {
  const bytes = decodeBase64Image(base64, path);
  const found = readImageHeader(bytes);
  if (!found.ok) {
    if (found.problem === 'too-large') {
      throw new TotpError(
        'TOTP_IMAGE_TOO_LARGE',
        path,
        `must be at most ${IMAGE_LIMITS.maxPixels} pixels and ${IMAGE_LIMITS.maxSide} pixels a side`,
      );
    }
    throw new TotpError(
      'TOTP_IMAGE_INVALID',
      path,
      found.problem === 'unsupported' ? 'must be a PNG or JPEG image' : 'has a malformed image header',
    );
  }
  const { header } = found;
  if (header.pngDataLength !== undefined && !pngDataIsComplete(bytes, header.pngDataLength)) {
    throw new TotpError(
      'TOTP_IMAGE_INVALID',
      path,
      'has PNG image data that is missing, corrupt or not the size its header gives',
    );
  }
  const image = header.format === 'png' ? decodePng(bytes, path) : decodeJpeg(bytes, path);
  const text = scan(image);
  if (text === null) throw new TotpError('TOTP_QR_NOT_FOUND', path, 'shows no readable QR code');
  if (!/^\s*otpauth:\/\//i.test(text)) {
    throw new TotpError('TOTP_URI_INVALID', path, 'holds a QR code that is not an otpauth:// URI');
  }
  return text;
}

function decodeBase64Image(input: unknown, path: string): Buffer {
  if (typeof input !== 'string') throw new TotpError('TOTP_INPUT_INVALID', path, 'must be a base64 string');
  if (input.length > MAX_BASE64_TEXT_LENGTH) {
    throw new TotpError('TOTP_IMAGE_TOO_LARGE', path, `must be at most ${IMAGE_LIMITS.maxBytes} bytes`);
  }
  let text = input.trim();
  const dataUrl = /^data:[^,]*,/i.exec(text);
  if (dataUrl !== null) {
    if (!/;base64,$/i.test(dataUrl[0])) throw new TotpError('TOTP_IMAGE_INVALID', path, 'must be a base64 data URL');
    text = text.slice(dataUrl[0].length);
  }
  text = text.replace(/\s+/g, '');
  if (text.length === 0 || text.length % 4 === 1 || !/^[A-Za-z0-9+/_-]+={0,2}$/.test(text)) {
    throw new TotpError('TOTP_IMAGE_INVALID', path, 'must be base64');
  }
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length > IMAGE_LIMITS.maxBytes) {
    throw new TotpError('TOTP_IMAGE_TOO_LARGE', path, `must be at most ${IMAGE_LIMITS.maxBytes} bytes`);
  }
  return bytes;
}

// Decoder errors are replaced, never wrapped: the image is the seed in another form, and their wording is theirs.
function decodePng(bytes: Buffer, path: string): Rgba {
  try {
    const png = PNG.sync.read(bytes);
    return { width: png.width, height: png.height, data: png.data };
  } catch {
    throw new TotpError('TOTP_IMAGE_INVALID', path, 'could not be decoded as PNG');
  }
}

function decodeJpeg(bytes: Buffer, path: string): Rgba {
  try {
    return jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      maxResolutionInMP: IMAGE_LIMITS.maxPixels / 1_000_000,
      maxMemoryUsageInMB: JPEG_MAX_MEMORY_MB,
    });
  } catch {
    throw new TotpError('TOTP_IMAGE_INVALID', path, 'could not be decoded as JPEG (corrupt or beyond memory limits)');
  }
}

/**
 * Gray, composited on white (a QR drawn on a transparent background must not turn into black on black), and
 * box-averaged by an integer factor so at most {@link QR_SCAN_MAX_PIXELS} pixels reach the scanner.
 */
function toScanImage(image: Rgba): { data: Uint8ClampedArray; width: number; height: number } {
  const factor = Math.max(1, Math.ceil(Math.sqrt((image.width * image.height) / QR_SCAN_MAX_PIXELS)));
  const width = Math.floor(image.width / factor);
  const height = Math.floor(image.height / factor);
  const out = new Uint8ClampedArray(width * height * 4);
  const src = image.data;
  const area = factor * factor;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let dy = 0; dy < factor; dy++) {
        let i = ((y * factor + dy) * image.width + x * factor) * 4;
        for (let dx = 0; dx < factor; dx++, i += 4) {
          const alpha = src[i + 3] ?? 255;
          const luma = 0.299 * (src[i] ?? 255) + 0.587 * (src[i + 1] ?? 255) + 0.114 * (src[i + 2] ?? 255);
          sum += (luma * alpha + 255 * (255 - alpha)) / 255;
        }
      }
      const o = (y * width + x) * 4;
      const gray = sum / area;
      out[o] = gray;
      out[o + 1] = gray;
      out[o + 2] = gray;
      out[o + 3] = 255;
    }
  }
  return { data: out, width, height };
}

/** Smallest QR code is 21 modules; an image narrower than that after reduction cannot hold one. */
const MIN_QR_SIDE = 21;

function scan(image: Rgba): string | null {
  const scanImage = toScanImage(image);
  if (scanImage.width < MIN_QR_SIDE || scanImage.height < MIN_QR_SIDE) return null;
  const result = jsQR(scanImage.data, scanImage.width, scanImage.height, { inversionAttempts: 'attemptBoth' });
  return result === null ? null : result.data;
}
