// Builds PNG files chunk by chunk (valid CRCs), for tests that need headers real encoders would never write.

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])));
  return Buffer.concat([head, data, crc]);
}

/** A PNG with the given IHDR fields and IDAT payload (already zlib-compressed), CRCs correct. */
export function craftPng(options: {
  width: number;
  height: number;
  depth?: number;
  colorType?: number;
  interlace?: number;
  idat?: Buffer;
}): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(options.width, 0);
  ihdr.writeUInt32BE(options.height, 4);
  ihdr.writeUInt8(options.depth ?? 8, 8);
  ihdr.writeUInt8(options.colorType ?? 0, 9);
  ihdr.writeUInt8(options.interlace ?? 0, 12);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    ...(options.idat !== undefined ? [chunk('IDAT', options.idat)] : []),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
