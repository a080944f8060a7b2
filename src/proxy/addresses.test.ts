import { describe, expect, it } from 'vitest';
import { classifyAddress, parseIPv4, parseIPv6 } from './addresses.ts';

describe('parseIPv4', () => {
  it('accepts canonical dotted quads only', () => {
    expect(Array.from(parseIPv4('192.168.1.20') ?? [])).toEqual([192, 168, 1, 20]);
    for (const bad of ['127.1', '0x7f.0.0.1', '010.0.0.1', '256.1.1.1', '1.2.3', '1.2.3.4.5', '', '1.2.3.-4', '2130706433']) {
      expect(parseIPv4(bad), bad).toBeNull();
    }
  });
});

describe('parseIPv6', () => {
  it('expands :: and trailing dotted quads', () => {
    expect(Array.from(parseIPv6('::1') ?? [])).toEqual([...new Array(15).fill(0), 1]);
    expect(Array.from(parseIPv6('::ffff:10.0.0.1') ?? []).slice(10)).toEqual([0xff, 0xff, 10, 0, 0, 1]);
    expect(Array.from(parseIPv6('2001:db8::8:800:200c:417a') ?? []).slice(0, 4)).toEqual([0x20, 0x01, 0x0d, 0xb8]);
  });
  it('refuses malformed text and zone ids', () => {
    for (const bad of ['1:::2', ':1::', '1:2:3:4:5:6:7:8:9', '12345::', 'fe80::1%eth0', '::ffff:1.2.3', 'g::1', '1::2::3']) {
      expect(parseIPv6(bad), bad).toBeNull();
    }
  });
});

describe('classifyAddress', () => {
  const cases: Array<[string, string]> = [
    ['140.82.121.3', 'public'],
    ['8.8.8.8', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.0.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['100.64.0.1', 'cgnat'],
    ['100.127.255.255', 'cgnat'],
    ['100.128.0.1', 'public'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['0.0.0.0', 'unspecified'],
    ['255.255.255.255', 'reserved'],
    ['198.18.0.1', 'reserved'],
    ['2606:50c0:8000::154', 'public'],
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['fe80::1', 'link-local'],
    ['febf::1', 'link-local'],
    ['fc00::1', 'private'],
    ['fd12:3456::1', 'private'],
    ['fec0::1', 'private'],
    ['ff02::1', 'multicast'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:140.82.121.3', 'public'],
    ['::10.0.0.1', 'private'],
    ['64:ff9b::10.0.0.1', 'private'],
    ['64:ff9b::8.8.8.8', 'public'],
    ['2002:0a00:0001::1', 'private'],
    ['2002:0808:0808::1', 'public'],
    ['2001:0:4136:e378::1', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['2001:2::1', 'reserved'], // benchmarking 2001:2::/48
    ['2001:2:0:ffff::1', 'reserved'],
    ['2001:10::1', 'reserved'], // ORCHID 2001:10::/28
    ['2001:1f:ffff::1', 'reserved'],
    ['2001:20::1', 'reserved'], // ORCHIDv2 2001:20::/28
    ['2001:2f::1', 'reserved'],
    ['3fff::1', 'reserved'], // documentation 3fff::/20
    ['3fff:fff:ffff::1', 'reserved'],
    ['3fff:1000::1', 'public'],
    ['2001:200::1', 'public'], // first regional registry block after the IETF's 2001::/23
    ['2001:4860:4860::8888', 'public'],
    ['100::1', 'reserved'],
    ['4000::1', 'reserved'],
  ];
  it.each(cases)('%s is %s', (address, expected) => {
    expect(classifyAddress(address)).toBe(expected);
  });
  it('returns null for non-literals', () => {
    expect(classifyAddress('github.com')).toBeNull();
    expect(classifyAddress('127.1')).toBeNull();
  });
});
