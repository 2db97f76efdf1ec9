// Which IP addresses an outbound webhook may connect to: public unicast only (the SSRF boundary).
import { isIP } from 'node:net';

/** Why an address is refused, or `public` when it may be used. */
export type IpCategory =
  | 'public'
  | 'invalid'
  | 'unspecified'
  | 'loopback'
  | 'private'
  | 'shared'
  | 'link_local'
  | 'metadata'
  | 'unique_local'
  | 'multicast'
  | 'broadcast'
  | 'documentation'
  | 'benchmarking'
  | 'reserved';

/** The verdict on one address; `embeddedIpv4` is set when an IPv6 form carried the IPv4 address that was judged. */
export interface IpClassification {
  allowed: boolean;
  category: IpCategory;
  embeddedIpv4?: string;
}

type V4Rule = readonly [base: string, prefix: number, category: IpCategory];

// First match wins, so the specific metadata addresses come before the ranges that contain them.
const V4_RULES: readonly V4Rule[] = [
  ['169.254.169.254', 32, 'metadata'], // AWS, GCP, Azure, OCI, DigitalOcean instance metadata
  ['169.254.170.2', 32, 'metadata'], // AWS ECS task metadata and credentials
  ['100.100.100.200', 32, 'metadata'], // Alibaba Cloud metadata
  ['168.63.129.16', 32, 'metadata'], // Azure WireServer: a public-looking address only reachable from inside Azure
  ['0.0.0.0', 32, 'unspecified'],
  ['0.0.0.0', 8, 'reserved'], // "this network": Linux connects 0.x.y.z to the local host
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'shared'], // carrier-grade NAT; also where some clouds put internal services
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link_local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'], // IETF protocol assignments (includes OCI's old 192.0.0.192 metadata)
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, 'reserved'], // deprecated 6to4 relay anycast
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['255.255.255.255', 32, 'broadcast'],
  ['240.0.0.0', 4, 'reserved'],
];

type V6Rule = readonly [base: string, prefix: number, category: IpCategory];

// Checked after the embedded-IPv4 forms; anything outside 2000::/3 that no rule names is refused as reserved.
const V6_RULES: readonly V6Rule[] = [
  ['fd00:ec2::254', 128, 'metadata'], // AWS IPv6 instance metadata
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['::ffff:0:0:0', 96, 'reserved'], // SIIT IPv4-translated addresses
  ['::', 96, 'reserved'], // deprecated IPv4-compatible addresses
  ['64:ff9b:1::', 48, 'reserved'], // local-use NAT64: translates into the operator's own network
  ['100::', 64, 'reserved'], // discard-only
  ['2001:db8::', 32, 'documentation'],
  ['2001::', 23, 'reserved'], // IETF protocol assignments: Teredo, benchmarking, ORCHID, …
  ['3fff::', 20, 'documentation'],
  ['5f00::', 16, 'reserved'], // SRv6 SIDs
  ['fc00::', 7, 'unique_local'],
  ['fe80::', 10, 'link_local'],
  ['fec0::', 10, 'reserved'], // deprecated site-local
  ['ff00::', 8, 'multicast'],
];

const parsedV4Rules = V4_RULES.map(([base, prefix, category]) => {
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  return { network: (parseV4(base) ?? 0) & mask, mask, category };
});

const parsedV6Rules = V6_RULES.map(([base, prefix, category]) => ({ groups: parseV6(base) ?? [], prefix, category }));

/**
 * Classifies an IPv4 or IPv6 address (an IPv6 zone id is ignored; brackets are accepted). IPv4 embedded in IPv6 is
 * judged as the IPv4 it reaches: IPv4-mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::/96` and 6to4 `2002::/16`.
 */
export function classifyIp(address: string): IpClassification {
  const bare = address.replace(/^\[(.*)\]$/, '$1').replace(/%.*$/, '');
  const family = isIP(bare);
  if (family === 4) return classifyV4(parseV4(bare) ?? 0);
  if (family !== 6) return { allowed: false, category: 'invalid' };
  const groups = parseV6(bare);
  if (!groups) return { allowed: false, category: 'invalid' };
  const embedded = embeddedIpv4(groups);
  if (embedded !== undefined) return { ...classifyV4(embedded), embeddedIpv4: formatV4(embedded) };
  for (const rule of parsedV6Rules) {
    if (v6InPrefix(groups, rule.groups, rule.prefix)) return { allowed: false, category: rule.category };
  }
  // Only global unicast (2000::/3) is reachable on the public internet; everything else is refused by default.
  if (((groups[0] ?? 0) & 0xe000) !== 0x2000) return { allowed: false, category: 'reserved' };
  return { allowed: true, category: 'public' };
}

/** True when a webhook may connect to `address`. */
export function isAllowedIp(address: string): boolean {
  return classifyIp(address).allowed;
}

function classifyV4(value: number): IpClassification {
  for (const rule of parsedV4Rules) {
    if ((value & rule.mask) >>> 0 === rule.network >>> 0) return { allowed: false, category: rule.category };
  }
  return { allowed: true, category: 'public' };
}

/** The IPv4 address an IPv6 address routes to, for the forms that carry one in a fixed place. */
function embeddedIpv4(groups: readonly number[]): number | undefined {
  const g = (i: number) => groups[i] ?? 0;
  const v4 = (hi: number, lo: number) => ((hi << 16) | lo) >>> 0;
  const zeros = (from: number, to: number) => groups.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && g(5) === 0xffff) return v4(g(6), g(7)); // ::ffff:a.b.c.d
  if (g(0) === 0x64 && g(1) === 0xff9b && zeros(2, 6)) return v4(g(6), g(7)); // NAT64 well-known prefix
  if (g(0) === 0x2002) return v4(g(1), g(2)); // 6to4
  return undefined;
}

function parseV4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part) || Number(part) > 255) return undefined;
    value = value * 256 + Number(part);
  }
  return value >>> 0;
}

function formatV4(value: number): string {
  return [24, 16, 8, 0].map((shift) => (value >>> shift) & 0xff).join('.');
}

/** Parses an IPv6 address into eight 16-bit groups (accepts `::` and a trailing dotted quad). */
function parseV6(text: string): number[] | undefined {
  let hex = text;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    // Rewrite a trailing dotted quad as two hex groups, so one parser handles every spelling.
    const v4 = parseV4(text.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    hex = `${text.slice(0, lastColon + 1)}${(v4 >>> 16).toString(16)}:${(v4 & 0xffff).toString(16)}`;
  }
  const halves = hex.split('::');
  if (halves.length > 2) return undefined;
  const toGroups = (part: string | undefined) => (part ? part.split(':').map((h) => Number.parseInt(h, 16)) : []);
  const left = toGroups(halves[0]);
  const right = toGroups(halves[1]);
  const explicit = left.length + right.length;
  if (halves.length === 1 ? explicit !== 8 : explicit > 7) return undefined;
  const groups = [...left, ...new Array<number>(8 - explicit).fill(0), ...right];
  return groups.every((x) => Number.isInteger(x) && x >= 0 && x <= 0xffff) ? groups : undefined;
}

function v6InPrefix(groups: readonly number[], base: readonly number[], prefix: number): boolean {
  for (let bit = 0; bit < prefix; bit += 16) {
    const index = bit / 16;
    const width = Math.min(16, prefix - bit);
    const mask = (0xffff << (16 - width)) & 0xffff;
    if (((groups[index] ?? 0) & mask) !== ((base[index] ?? 0) & mask)) return false;
  }
  return true;
}
