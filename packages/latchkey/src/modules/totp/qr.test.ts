// Tests for QR enrollment with images made by qrencode (and zbarimg as a second reader), plus hostile images.

import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { encodeBase32 } from './base32.js';
import { enrollOtp } from './enroll.js';
import { ADAM7_PASSES, IMAGE_LIMITS } from './image-header.js';
import { totpAt } from './otp.js';
import { describeOtpParams, type OtpParams } from './otp-params.js';
import { decodeQrImage } from './qr.js';
import { expectNoSecret } from './test-support/leak.js';
import { craftPng } from './test-support/png.js';
import { TotpError, type TotpErrorCode } from './totp-errors.js';

const work = mkdtempSync(join(tmpdir(), 'latchkey-qr-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** `qrencode -o FILE [args] TEXT`; a missing binary fails the test (CI installs qrencode). */
function qrencode(text: string, args: string[] = []): Buffer {
  const file = join(work, `${randomBytes(6).toString('hex')}.png`);
  execFileSync('qrencode', ['-o', file, ...args, text]);
  return execFileSync('cat', [file]);
}

function zbarimg(image: Buffer): string {
  const file = join(work, `${randomBytes(6).toString('hex')}.img`);
  writeFileSync(file, image);
  // stderr is captured, not shown: zbarimg complains about a missing D-Bus on minimal systems.
  const output = execFileSync('zbarimg', ['--quiet', '--raw', file], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return output.replace(/\n$/, '');
}

function b64(bytes: Buffer): string {
  return bytes.toString('base64');
}

function sameCredential(a: OtpParams, b: OtpParams): void {
  expect(describeOtpParams(a)).toEqual(describeOtpParams(b));
  expect(a.secret.equals(b.secret)).toBe(true);
  const now = Date.now();
  if (a.kind === 'totp') expect(totpAt(a, now).code).toBe(totpAt(b, now).code);
}

/** Re-encodes RGBA pixels as PNG after `transform` (used to invert or composite images). */
function repackPng(png: Buffer, transform: (rgba: Buffer) => void): Buffer {
  const image = PNG.sync.read(png);
  transform(image.data);
  return PNG.sync.write(image);
}

function catchError(run: () => unknown): TotpError {
  try {
    run();
  } catch (error) {
    if (error instanceof TotpError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

const seed = randomBytes(20);
const URI = `otpauth://totp/ACME%20Corp:agent%40example.com?secret=${encodeBase32(seed)}&issuer=ACME%20Corp&algorithm=SHA256&digits=8&period=60`;

describe('QR images from qrencode', () => {
  const png = qrencode(URI);
  const fromUri = enrollOtp({ uri: URI });

  it('enroll to the same params and codes as the URI', () => {
    expect(zbarimg(png)).toBe(URI);
    expect(decodeQrImage(b64(png))).toBe(URI);
    sameCredential(enrollOtp({ qrImage: b64(png) }), fromUri);
  });

  it('accept a data URL prefix and line-wrapped base64', () => {
    const wrapped = b64(png).replace(/.{76}/g, '$&\r\n');
    sameCredential(enrollOtp({ qrImage: `data:image/png;base64,${wrapped}\n` }), fromUri);
    sameCredential(enrollOtp({ qrImage: `DATA:image/png;BASE64,${b64(png)}` }), fromUri);
  });

  it('accept URL-safe base64', () => {
    const urlSafe = png.toString('base64url');
    sameCredential(enrollOtp({ qrImage: urlSafe }), fromUri);
  });

  it('accept the same QR as a JPEG (pixels re-encoded with jpeg-js)', () => {
    const image = PNG.sync.read(png);
    const jpg = jpeg.encode({ data: image.data, width: image.width, height: image.height }, 90).data;
    expect(jpg.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect(zbarimg(jpg)).toBe(URI);
    sameCredential(enrollOtp({ qrImage: b64(jpg) }), fromUri);
  });

  it('read light-on-dark (inverted) codes', () => {
    const inverted = repackPng(png, (rgba) => {
      for (let i = 0; i < rgba.length; i += 4) {
        rgba[i] = 255 - (rgba[i] ?? 0);
        rgba[i + 1] = 255 - (rgba[i + 1] ?? 0);
        rgba[i + 2] = 255 - (rgba[i + 2] ?? 0);
      }
    });
    sameCredential(enrollOtp({ qrImage: b64(inverted) }), fromUri);
  });

  it('read a code drawn on a transparent background', () => {
    // Transparent pixels are black in RGB here: only compositing on white makes the code visible.
    const transparent = qrencode(URI, ['--foreground=000000FF', '--background=00000000']);
    const decoded = PNG.sync.read(transparent);
    expect(decoded.data[3]).toBe(0);
    sameCredential(enrollOtp({ qrImage: b64(transparent) }), fromUri);
  });

  it('find a small code in a large screenshot-sized image (downscaled before scanning)', () => {
    const qr = PNG.sync.read(qrencode(URI, ['-s', '8']));
    const screen = new PNG({ width: 3000, height: 2000 });
    screen.data.fill(255);
    PNG.bitblt(qr, screen, 0, 0, qr.width, qr.height, 1900, 1200);
    const started = performance.now();
    sameCredential(enrollOtp({ qrImage: b64(PNG.sync.write(screen)) }), fromUri);
    console.info(`6 MP screenshot: ${Math.round(performance.now() - started)} ms`);
  });

  it('read Steam and HOTP URIs', () => {
    const steam = 'otpauth://totp/Steam:user?secret=FMXNK4QEGKVPULRTADY6JIDK5VHUBGZW&issuer=Steam&encoder=steam';
    const fromQr = enrollOtp({ qrImage: b64(qrencode(steam)) });
    sameCredential(fromQr, enrollOtp({ uri: steam }));
    expect(totpAt(fromQr, 90_000).code).toBe('JG3T3');
    const hotpUri = `otpauth://hotp/ACME:agent?secret=${encodeBase32(seed)}&counter=42`;
    sameCredential(enrollOtp({ qrImage: b64(qrencode(hotpUri)) }), enrollOtp({ uri: hotpUri }));
  });
});

function header(width: number, height: number): string {
  return b64(craftPng({ width, height }));
}

/** A JPEG that is only SOI and a baseline SOF0 frame header claiming the given size. */
function jpegHeader(width: number, height: number): string {
  const sof = Buffer.from([0xff, 0xc0, 0x00, 0x0b, 0x08, 0, 0, 0, 0, 0x01, 0x01, 0x11, 0x00]);
  sof.writeUInt16BE(height, 5);
  sof.writeUInt16BE(width, 7);
  return b64(Buffer.concat([Buffer.from([0xff, 0xd8]), sof, Buffer.from([0xff, 0xd9])]));
}

const whitePng = (() => {
  const image = new PNG({ width: 300, height: 300 });
  image.data.fill(255);
  return PNG.sync.write(image);
})();

describe('hostile and unreadable images', () => {
  const cases: [string, () => string, TotpErrorCode, RegExp][] = [
    ['a PNG claiming 20000 x 20000', () => header(20_000, 20_000), 'TOTP_IMAGE_TOO_LARGE', /pixels/],
    ['a PNG one pixel-row over 16 MiP', () => header(4097, 4096), 'TOTP_IMAGE_TOO_LARGE', /pixels/],
    ['a PNG 16385 pixels wide', () => header(16_385, 1), 'TOTP_IMAGE_TOO_LARGE', /a side/],
    ['a PNG of 4096 x 4096 with no data', () => header(4096, 4096), 'TOTP_IMAGE_INVALID', /image data that is missing/],
    [
      'a PNG of 4096 x 4096 whose data stops after ten rows',
      () => b64(craftPng({ width: 4096, height: 4096, idat: deflateSync(Buffer.alloc(4097 * 10)) })),
      'TOTP_IMAGE_INVALID',
      /image data that is missing/,
    ],
    [
      'a PNG with one row more data than its header gives',
      () => b64(craftPng({ width: 100, height: 100, idat: deflateSync(Buffer.alloc(101 * 101)) })),
      'TOTP_IMAGE_INVALID',
      /not the size its header gives/,
    ],
    ['a PNG of 0 x 10', () => header(0, 10), 'TOTP_IMAGE_INVALID', /header/],
    ['a JPEG claiming 65000 x 65000', () => jpegHeader(65_000, 65_000), 'TOTP_IMAGE_TOO_LARGE', /pixels/],
    ['a JPEG of 100 x 100 with no scan', () => jpegHeader(100, 100), 'TOTP_IMAGE_INVALID', /decoded as JPEG/],
    [
      'a JPEG with image data before its frame',
      () => b64(Buffer.from([0xff, 0xd8, 0xff, 0xda, 0, 2, 1, 2])),
      'TOTP_IMAGE_INVALID',
      /header/,
    ],
    [
      'JPEG magic then noise',
      // Fixed noise: random bytes now and then spell a valid frame header with huge dimensions (a different error).
      () =>
        b64(
          Buffer.concat([
            Buffer.from([0xff, 0xd8, 0xff]),
            createHash('sha512').update('noise').digest().subarray(0, 60),
          ]),
        ),
      'TOTP_IMAGE_INVALID',
      /./,
    ],
    [
      'a GIF',
      () => b64(Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1')),
      'TOTP_IMAGE_INVALID',
      /PNG or JPEG/,
    ],
    [
      'an SVG',
      () => b64(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')),
      'TOTP_IMAGE_INVALID',
      /PNG or JPEG/,
    ],
    ['random bytes', () => b64(randomBytes(1000)), 'TOTP_IMAGE_INVALID', /PNG or JPEG/],
    ['a truncated PNG', () => b64(qrencode(URI).subarray(0, 200)), 'TOTP_IMAGE_INVALID', /image data that is missing/],
    ['a PNG with a corrupted CRC', () => b64(Buffer.from(qrencode(URI)).fill(0, 40, 44)), 'TOTP_IMAGE_INVALID', /PNG/],
    [
      'over 2 MiB of image',
      () => b64(Buffer.concat([craftPng({ width: 10, height: 10 }), Buffer.alloc(IMAGE_LIMITS.maxBytes)])),
      'TOTP_IMAGE_TOO_LARGE',
      /bytes/,
    ],
    ['base64 text far over the limit', () => 'A'.repeat(IMAGE_LIMITS.maxBytes * 3), 'TOTP_IMAGE_TOO_LARGE', /bytes/],
    ['text that is not base64', () => 'iVBORw0KGgo*', 'TOTP_IMAGE_INVALID', /base64/],
    ['an empty string', () => '', 'TOTP_IMAGE_INVALID', /base64/],
    ['a data URL that is not base64', () => 'data:image/png,%89PNG', 'TOTP_IMAGE_INVALID', /base64 data URL/],
    ['a blank image', () => b64(whitePng), 'TOTP_QR_NOT_FOUND', /no readable QR/],
    [
      'a tiny image',
      () => b64(PNG.sync.write(new PNG({ width: 20, height: 20 }))),
      'TOTP_QR_NOT_FOUND',
      /no readable QR/,
    ],
    [
      'a QR holding a web link',
      () => b64(qrencode('https://example.com/enroll')),
      'TOTP_URI_INVALID',
      /not an otpauth/,
    ],
    [
      'a QR holding a Google migration URI',
      () => b64(qrencode('otpauth-migration://offline?data=CjEKCkhlbGxvId6tvu8')),
      'TOTP_URI_INVALID',
      /not an otpauth/,
    ],
  ];

  it.each(cases)('refuses %s', (_name, make, code, message) => {
    const input = make();
    const started = performance.now();
    const error = catchError(() => enrollOtp({ qrImage: input }));
    const elapsed = performance.now() - started;
    expect(error.code).toBe(code);
    expect(error.details[0]?.path).toBe('totp.qrImage');
    expect(error.details[0]?.message).toMatch(message);
    expect(elapsed).toBeLessThan(3000);
    expectNoSecret(
      error,
      [encodeBase32(seed), input.slice(0, 40)].filter((t) => t.length >= 6),
    );
  });

  it('refuses an interlaced PNG whose data inflates past its header (zip bomb) without inflating it all', () => {
    // 64 MiB of zeros deflates to about 64 KiB; the header allows 64 x 64 x 1 byte.
    const bomb = craftPng({ width: 64, height: 64, interlace: 1, idat: deflateSync(Buffer.alloc(64 * 1024 * 1024)) });
    expect(bomb.length).toBeLessThan(IMAGE_LIMITS.maxBytes);
    const started = performance.now();
    const error = catchError(() => enrollOtp({ qrImage: b64(bomb) }));
    expect(error.code).toBe('TOTP_IMAGE_INVALID');
    expect(error.details[0]?.message).toMatch(/not the size its header gives/);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("never shows an earlier upload's pixels in place of image data a PNG leaves out", () => {
    // pngjs fills rows it never received from uninitialised memory, which may hold the last image it inflated:
    // before the length check, this returned the earlier QR's URI (its seed) in about one round in four.
    const earlier = PNG.sync.write(PNG.sync.read(qrencode(URI, ['-s', '40'])), { filterType: 0 });
    const { width, height } = PNG.sync.read(earlier);
    const truncated = craftPng({ width, height, colorType: 6, idat: deflateSync(Buffer.alloc(width * 4 + 1)) });
    for (let round = 0; round < 20; round++) {
      expect(decodeQrImage(b64(earlier))).toBe(URI);
      const error = catchError(() => decodeQrImage(b64(truncated)));
      expect(error.code).toBe('TOTP_IMAGE_INVALID');
      expectNoSecret(error, [encodeBase32(seed)]);
    }
  });

  it('still reads a well-formed interlaced PNG', () => {
    const qr = PNG.sync.read(qrencode(URI));
    const width = qr.width;
    // 8-bit gray, pass by pass (pngjs, which reads it back, has its own copy of the Adam7 layout).
    const rows: number[] = [];
    for (const [x0, y0, dx, dy] of ADAM7_PASSES) {
      if (x0 >= width || y0 >= qr.height) continue;
      for (let y = y0; y < qr.height; y += dy) {
        rows.push(0);
        for (let x = x0; x < width; x += dx) rows.push(qr.data[(y * width + x) * 4] ?? 255);
      }
    }
    const interlaced = craftPng({ width, height: qr.height, interlace: 1, idat: deflateSync(Buffer.from(rows)) });
    expect(decodeQrImage(b64(interlaced))).toBe(URI);
  });

  it('names the URI field inside the image and keeps its seed out of the error', () => {
    const bad = `otpauth://totp/ACME:agent?secret=${encodeBase32(seed)}&digits=12`;
    const error = catchError(() => enrollOtp({ qrImage: b64(qrencode(bad)) }));
    expect(error.code).toBe('TOTP_PARAMETER_INVALID');
    expect(error.details[0]?.path).toBe('totp.qrImage.digits');
    expectNoSecret(error, [encodeBase32(seed), seed.toString('hex'), seed.toString('base64')]);
  });

  it('bounds the scan of a noisy image (the slowest input we know for the scanner)', () => {
    const side = 2048;
    const noise = new PNG({ width: side, height: side, colorType: 0, inputColorType: 0, bitDepth: 8 });
    const random = randomBytes(side * side);
    for (let i = 0; i < side * side; i++) {
      const value = (random[i] ?? 0) < 128 ? 0 : 255;
      noise.data.fill(value, i * 4, i * 4 + 3);
      noise.data[i * 4 + 3] = 255;
    }
    const encoded = PNG.sync.write(noise, { colorType: 0 });
    expect(encoded.length).toBeLessThan(IMAGE_LIMITS.maxBytes);
    const started = performance.now();
    const error = catchError(() => enrollOtp({ qrImage: b64(encoded) }));
    const elapsed = performance.now() - started;
    console.info(`4 MP noise PNG (${encoded.length} bytes): refused in ${Math.round(elapsed)} ms`);
    expect(error.code).toBe('TOTP_QR_NOT_FOUND');
    expect(elapsed).toBeLessThan(15_000);
  });
});
