// Identifiers: `<prefix>_<26 chars>`, time-ordered so that ids sort by creation and make stable cursors.
import { randomBytes } from 'node:crypto';

/** Crockford's base32 in lowercase: ASCII-ordered, so encoded strings sort like the numbers they encode. */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** The prefixes of SPEC §1, plus the internal ones (operator tokens, requests, webhook deliveries, standing approvals). */
export type IdPrefix =
  | 'org'
  | 'hum'
  | 'agt'
  | 'key'
  | 'opt'
  | 'itm'
  | 'msg'
  | 'rly'
  | 'evt'
  | 'req'
  | 'whk'
  | 'num'
  | 'sap';

/** Encodes bytes as lowercase Crockford base32 (5 bits a character, no padding). */
export function encodeBase32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(buffer >>> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/**
 * A new id: 10 characters of millisecond timestamp, then 16 random characters (80 bits).
 * Ids made in the same millisecond are ordered arbitrarily; that is fine for cursors, which use them as
 * tie-breakers only. Ids are made on every request (request ids, audit events), so the time part is reused within
 * a millisecond and the random part is cut from a pool of random characters made 256 ids at a time.
 */
export function newId(prefix: IdPrefix, nowMs: number = Date.now()): string {
  return `${prefix}_${timePart(Math.max(0, Math.floor(nowMs)))}${randomChars(16)}`;
}

let lastMs = -1;
let lastTime = '';

function timePart(ms: number): string {
  if (ms === lastMs) return lastTime;
  let time = '';
  let t = ms;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  lastMs = ms;
  lastTime = time;
  return time;
}

/** The alphabet's characters as bytes, to map a random byte to a character in place. */
const ALPHABET_BYTES = Buffer.from(ALPHABET, 'latin1');

// Random characters from a refilled pool: one CSPRNG call per 256 ids, and each id's random part is one string
// cut from it. A character is a random byte's low 5 bits, which is uniform because 256 is a multiple of 32.
let pool = Buffer.alloc(0);
let poolOffset = 0;

function randomChars(count: number): string {
  if (poolOffset + count > pool.length) {
    pool = randomBytes(4096);
    for (let i = 0; i < pool.length; i++) pool[i] = ALPHABET_BYTES[(pool[i] as number) & 31] as number;
    poolOffset = 0;
  }
  const chars = pool.toString('latin1', poolOffset, poolOffset + count);
  poolOffset += count;
  return chars;
}

const ID_BODY = /^[0-9a-hjkmnp-tv-z]{26}$/;

/** True when `value` is a well-formed id with the given prefix. */
export function isId(prefix: IdPrefix, value: string): boolean {
  return value.length === prefix.length + 27 && value.startsWith(`${prefix}_`) && ID_BODY.test(value.slice(-26));
}
