// Reads an uploaded image's format and size from its header, so hostile images are refused before any decoding.

import zlib from 'node:zlib';

/** What the header says; `pngDataLength` is set for PNG only. */
export interface ImageHeader {
  readonly format: 'png' | 'jpeg';
  readonly width: number;
  readonly height: number;
  /** Exact length of the PNG's inflated image data (filtered scanlines of every pass), from IHDR. */
  readonly pngDataLength?: number;
}

/** Why a header was refused: `unsupported` (not PNG/JPEG), `malformed`, or `too-large` (what it claims). */
export type HeaderProblem = 'unsupported' | 'malformed' | 'too-large';

/** The header, or why it was refused. */
export type HeaderResult = { ok: true; header: ImageHeader } | { ok: false; problem: HeaderProblem };

/** Hard limits on any image we decode. */
export const IMAGE_LIMITS = {
  /** Bytes of the encoded file. */
  maxBytes: 2 * 1024 * 1024,
  /** width × height, checked from the header before decoding (a 4096 × 4096 or a 5K screenshot fits). */
  maxPixels: 16 * 1024 * 1024,
  /** Either side; stops 16M × 1 strips that pass the pixel count. */
  maxSide: 16_384,
} as const;

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Samples per pixel for each PNG colour type (gray, RGB, palette, gray+alpha, RGBA). */
const PNG_CHANNELS: ReadonlyMap<number, number> = new Map([
  [0, 1],
  [2, 3],
  [3, 1],
  [4, 2],
  [6, 4],
]);

/** Identifies PNG or JPEG by magic bytes (never by a declared media type) and reads its dimensions. */
export function readImageHeader(bytes: Buffer): HeaderResult {
  if (bytes.length >= 8 && bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return readPngHeader(bytes);
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return readJpegHeader(bytes);
  return { ok: false, problem: 'unsupported' };
}

function checkSize(format: 'png' | 'jpeg', width: number, height: number, pngDataLength?: number): HeaderResult {
  if (width === 0 || height === 0) return { ok: false, problem: 'malformed' };
  if (width > IMAGE_LIMITS.maxSide || height > IMAGE_LIMITS.maxSide || width * height > IMAGE_LIMITS.maxPixels) {
    return { ok: false, problem: 'too-large' };
  }
  const png = pngDataLength !== undefined ? { pngDataLength } : {};
  return { ok: true, header: { format, width, height, ...png } };
}

function readPngHeader(bytes: Buffer): HeaderResult {
  // Signature (8), then IHDR: length (4) = 13, type (4), width, height, depth, colour type, …, interlace.
  if (bytes.length < 33 || bytes.readUInt32BE(8) !== 13 || bytes.toString('latin1', 12, 16) !== 'IHDR') {
    return { ok: false, problem: 'malformed' };
  }
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  const depth = bytes.readUInt8(24);
  const channels = PNG_CHANNELS.get(bytes.readUInt8(25));
  const interlace = bytes.readUInt8(28);
  if (channels === undefined || ![1, 2, 4, 8, 16].includes(depth) || interlace > 1) {
    return { ok: false, problem: 'malformed' };
  }
  const pixelBits = channels * depth;
  return checkSize(
    'png',
    width,
    height,
    interlace === 1 ? adam7Length(width, height, pixelBits) : scanlinesLength(width, height, pixelBits),
  );
}

/** Filtered scanlines of one image or pass: a filter byte, then the row's pixels rounded up to whole bytes. */
function scanlinesLength(width: number, height: number, pixelBits: number): number {
  return width === 0 || height === 0 ? 0 : height * (Math.ceil((width * pixelBits) / 8) + 1);
}

/** Adam7's seven passes as [x start, y start, x step, y step]. */
export const ADAM7_PASSES = [
  [0, 0, 8, 8],
  [4, 0, 8, 8],
  [0, 4, 4, 8],
  [2, 0, 4, 4],
  [0, 2, 2, 4],
  [1, 0, 2, 2],
  [0, 1, 1, 2],
] as const;

function adam7Length(width: number, height: number, pixelBits: number): number {
  let total = 0;
  for (const [x0, y0, dx, dy] of ADAM7_PASSES) {
    total += scanlinesLength(Math.ceil((width - x0) / dx), Math.ceil((height - y0) / dy), pixelBits);
  }
  return total;
}

/**
 * Checks that a PNG's image data inflates to exactly the length its header implies, before pngjs sees it.
 * pngjs inflates interlaced images with no limit (a 2 MiB file could expand to gigabytes), and it decodes
 * missing or truncated data without complaint from uninitialised memory: the rows it never received come from
 * whatever the process held before, which could be an earlier upload. One bounded inflate here refuses both.
 *
 * @returns false when the image data is missing, truncated, corrupt or longer than the header allows
 */
export function pngDataIsComplete(bytes: Buffer, expectedLength: number): boolean {
  const idat: Buffer[] = [];
  let offset = 8;
  while (offset + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    if (offset + 12 + length > bytes.length) return false;
    if (type === 'IDAT') idat.push(bytes.subarray(offset + 8, offset + 8 + length));
    if (type === 'IEND') break;
    offset += 12 + length;
  }
  if (idat.length === 0) return false;
  try {
    // One byte of room past the exact length tells "longer than the header" apart from "exactly right".
    return zlib.inflateSync(Buffer.concat(idat), { maxOutputLength: expectedLength + 1 }).length === expectedLength;
  } catch {
    return false;
  }
}

/** SOFn markers that carry frame dimensions (C4 = DHT, C8 = JPG extension, CC = DAC are not frames). */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

function readJpegHeader(bytes: Buffer): HeaderResult {
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return { ok: false, problem: 'malformed' };
    const marker = bytes.readUInt8(offset + 1);
    if (marker === 0xff) {
      offset += 1; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      offset += 2; // markers without a length
      continue;
    }
    // Image data or the end before any frame header: there are no dimensions to check, so refuse.
    if (marker === 0xda || marker === 0xd9) return { ok: false, problem: 'malformed' };
    const length = bytes.readUInt16BE(offset + 2);
    if (length < 2) return { ok: false, problem: 'malformed' };
    if (isStartOfFrame(marker)) {
      if (length < 8 || offset + 9 > bytes.length) return { ok: false, problem: 'malformed' };
      return checkSize('jpeg', bytes.readUInt16BE(offset + 7), bytes.readUInt16BE(offset + 5));
    }
    offset += 2 + length;
  }
  return { ok: false, problem: 'malformed' };
}
