// Tests for the outbound-webhook IP policy: every refused range, the embedded-IPv4 forms, and public addresses.
import { describe, expect, it } from 'vitest';
import { classifyIp, type IpCategory, isAllowedIp } from './ip-policy.js';

const refused: [string, IpCategory][] = [
  ['0.0.0.0', 'unspecified'],
  ['0.1.2.3', 'reserved'],
  ['10.0.0.1', 'private'],
  ['10.255.255.255', 'private'],
  ['100.64.0.1', 'shared'],
  ['100.127.255.254', 'shared'],
  ['100.100.100.200', 'metadata'],
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['169.254.0.1', 'link_local'],
  ['169.254.169.254', 'metadata'],
  ['169.254.170.2', 'metadata'],
  ['168.63.129.16', 'metadata'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['192.0.0.192', 'reserved'],
  ['192.0.2.10', 'documentation'],
  ['192.88.99.1', 'reserved'],
  ['192.168.1.1', 'private'],
  ['198.18.0.1', 'benchmarking'],
  ['198.19.255.255', 'benchmarking'],
  ['198.51.100.7', 'documentation'],
  ['203.0.113.99', 'documentation'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.250', 'multicast'],
  ['240.0.0.1', 'reserved'],
  ['255.255.255.254', 'reserved'],
  ['255.255.255.255', 'broadcast'],
  ['::', 'unspecified'],
  ['::1', 'loopback'],
  ['[::1]', 'loopback'],
  ['::ffff:127.0.0.1', 'loopback'],
  ['::ffff:7f00:1', 'loopback'],
  ['0:0:0:0:0:ffff:a9fe:a9fe', 'metadata'],
  ['::ffff:10.1.2.3', 'private'],
  ['::127.0.0.1', 'reserved'],
  ['::ffff:0:127.0.0.1', 'reserved'],
  ['64:ff9b::127.0.0.1', 'loopback'],
  ['64:ff9b::a9fe:a9fe', 'metadata'],
  ['64:ff9b:1::808:808', 'reserved'],
  ['2002:7f00:1::', 'loopback'],
  ['2002:c0a8:101::1', 'private'],
  ['2001::1', 'reserved'],
  ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'reserved'],
  ['2001:db8::1', 'documentation'],
  ['3fff::1', 'documentation'],
  ['100::1', 'reserved'],
  ['fc00::1', 'unique_local'],
  ['fd12:3456:789a::1', 'unique_local'],
  ['fd00:ec2::254', 'metadata'],
  ['fe80::1', 'link_local'],
  ['fe80::1%eth0', 'link_local'],
  ['febf::1', 'link_local'],
  ['fec0::1', 'reserved'],
  ['ff02::1', 'multicast'],
  ['4000::1', 'reserved'],
  ['1::1', 'reserved'],
];

const allowed = [
  '1.1.1.1',
  '8.8.8.8',
  '93.184.215.14',
  '100.63.255.255',
  '100.128.0.0',
  '169.253.255.255',
  '172.15.255.255',
  '172.32.0.0',
  '192.0.1.1',
  '198.17.255.255',
  '223.255.255.255',
  '2606:4700:4700::1111',
  '2a00:1450:4001:80b::200e',
  '::ffff:8.8.8.8',
  '64:ff9b::8.8.8.8',
  '2002:808:808::1',
  '2001:200::1',
];

describe('classifyIp', () => {
  it.each(refused)('refuses %s as %s', (address, category) => {
    expect(classifyIp(address)).toMatchObject({ allowed: false, category });
    expect(isAllowedIp(address)).toBe(false);
  });

  it.each(allowed)('allows %s', (address) => {
    expect(classifyIp(address)).toMatchObject({ allowed: true, category: 'public' });
  });

  it('reports the IPv4 address an IPv6 form reaches', () => {
    expect(classifyIp('::ffff:7f00:1').embeddedIpv4).toBe('127.0.0.1');
    expect(classifyIp('64:ff9b::808:808').embeddedIpv4).toBe('8.8.8.8');
    expect(classifyIp('2002:a9fe:a9fe::').embeddedIpv4).toBe('169.254.169.254');
  });

  it('refuses anything that is not an IP address', () => {
    for (const text of [
      '',
      'localhost',
      '127.1',
      '0x7f000001',
      '2130706433',
      '1.2.3.4.5',
      '::ffff:1.2.3',
      ':::',
      'g::1',
    ]) {
      expect(classifyIp(text)).toEqual({ allowed: false, category: 'invalid' });
    }
  });
});
