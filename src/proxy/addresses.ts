/**
 * IP address parsing and classification for the proxy's "never a private address" rule. Pure functions.
 *
 * Only canonical textual forms are accepted as literals (dotted-quad IPv4, RFC 4291 IPv6): the proxy checks the
 * addresses the resolver returns, which are always canonical, and refuses exotic literals (`127.1`, `0x7f.0.0.1`)
 * outright rather than guessing how some resolver would read them.
 */

export type AddressClass =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'cgnat'
  | 'multicast'
  | 'unspecified'
  | 'reserved';

/** Parses canonical dotted-quad IPv4 into 4 bytes; null otherwise. */
export function parseIPv4(text: string): Uint8Array | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = parts[i] ?? '';
    // No leading zeros: "010" is octal to some parsers and decimal to others.
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return null;
    const value = Number(part);
    if (value > 255) return null;
    bytes[i] = value;
  }
  return bytes;
}

/** Parses an IPv6 address (with `::` and an optional trailing dotted quad, no zone id) into 16 bytes. */
export function parseIPv6(text: string): Uint8Array | null {
  if (text.includes('%')) return null; // zone ids name a local interface: never a public destination
  let head = text;
  let tailV4: Uint8Array | null = null;
  const lastColon = text.lastIndexOf(':');
  if (lastColon >= 0 && text.slice(lastColon + 1).includes('.')) {
    tailV4 = parseIPv4(text.slice(lastColon + 1));
    if (!tailV4) return null;
    head = text.slice(0, lastColon + 1) + '0:0'; // placeholder groups, overwritten below
  }
  const halves = head.split('::');
  if (halves.length > 2) return null;
  const parseGroups = (s: string): number[] | null => {
    if (s === '') return [];
    const groups = s.split(':');
    const out: number[] = [];
    for (const g of groups) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const left = parseGroups(halves[0] ?? '');
  const right = halves.length === 2 ? parseGroups(halves[1] ?? '') : [];
  if (!left || !right) return null;
  let groups: number[];
  if (halves.length === 2) {
    const missing = 8 - left.length - right.length;
    if (missing < 1) return null;
    groups = [...left, ...new Array<number>(missing).fill(0), ...right];
  } else {
    groups = left;
  }
  if (groups.length !== 8) return null;
  const bytes = new Uint8Array(16);
  groups.forEach((g, i) => {
    bytes[2 * i] = g >> 8;
    bytes[2 * i + 1] = g & 0xff;
  });
  if (tailV4) bytes.set(tailV4, 12);
  return bytes;
}

/** Whether the first `bits` bits of `b` equal those of `prefix` (IPv4 or IPv6 bytes). */
function inPrefix(b: Uint8Array, prefix: readonly number[], bits: number): boolean {
  for (let i = 0; i < bits; i++) {
    const byte = i >> 3;
    const mask = 0x80 >> (i & 7);
    if (((b[byte] ?? 0) & mask) !== ((prefix[byte] ?? 0) & mask)) return false;
  }
  return true;
}

const V4_RANGES: ReadonlyArray<readonly [readonly number[], number, AddressClass]> = [
  [[0, 0, 0, 0], 8, 'unspecified'], // "this network"
  [[10, 0, 0, 0], 8, 'private'],
  [[100, 64, 0, 0], 10, 'cgnat'],
  [[127, 0, 0, 0], 8, 'loopback'],
  [[169, 254, 0, 0], 16, 'link-local'],
  [[172, 16, 0, 0], 12, 'private'],
  [[192, 0, 0, 0], 24, 'reserved'], // IETF protocol assignments
  [[192, 0, 2, 0], 24, 'reserved'], // documentation
  [[192, 88, 99, 0], 24, 'reserved'], // 6to4 relay anycast
  [[192, 168, 0, 0], 16, 'private'],
  [[198, 18, 0, 0], 15, 'reserved'], // benchmarking
  [[198, 51, 100, 0], 24, 'reserved'],
  [[203, 0, 113, 0], 24, 'reserved'],
  [[224, 0, 0, 0], 4, 'multicast'],
  [[240, 0, 0, 0], 4, 'reserved'], // includes 255.255.255.255
];

/**
 * IANA special-purpose IPv6 blocks inside 2000::/3 (and the discard prefix) that are no git host's address. The
 * whole of 2001::/23 is IETF protocol assignments, none of it ordinary hosting: Teredo 2001::/32, benchmarking
 * 2001:2::/48, ORCHID 2001:10::/28 and ORCHIDv2 2001:20::/28 among them (regional registries' space starts at
 * 2001:200::/23).
 */
const V6_RANGES: ReadonlyArray<readonly [readonly number[], number, AddressClass]> = [
  [[0x20, 0x01, 0x00, 0x00], 23, 'reserved'], // IETF protocol assignments, incl. Teredo, benchmarking, ORCHID(v2)
  [[0x20, 0x01, 0x0d, 0xb8], 32, 'reserved'], // documentation
  [[0x3f, 0xff], 20, 'reserved'], // documentation (RFC 9637)
  [[0x01, 0x00, 0, 0, 0, 0, 0, 0], 64, 'reserved'], // discard-only
];

export function classifyIPv4(b: Uint8Array): AddressClass {
  for (const [prefix, bits, cls] of V4_RANGES) if (inPrefix(b, prefix, bits)) return cls;
  return 'public';
}

export function classifyIPv6(b: Uint8Array): AddressClass {
  const zeroUpTo = (n: number): boolean => b.subarray(0, n).every((x) => x === 0);
  if (zeroUpTo(16)) return 'unspecified';
  if (zeroUpTo(15) && b[15] === 1) return 'loopback';
  // IPv4-mapped (::ffff:a.b.c.d) and the deprecated IPv4-compatible form (::a.b.c.d): judge the embedded IPv4.
  if (zeroUpTo(10) && b[10] === 0xff && b[11] === 0xff) return classifyIPv4(b.subarray(12));
  if (zeroUpTo(12)) return classifyIPv4(b.subarray(12));
  // IPv4/IPv6 translation (64:ff9b::/96 and the local-use 64:ff9b:1::/48): the embedded IPv4 is the real target.
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b) {
    if (b.subarray(4, 12).every((x) => x === 0)) return classifyIPv4(b.subarray(12));
    return 'reserved';
  }
  if (b[0] === 0x20 && b[1] === 0x02) return classifyIPv4(b.subarray(2, 6)); // 6to4 embeds an IPv4
  for (const [prefix, bits, cls] of V6_RANGES) if (inPrefix(b, prefix, bits)) return cls;
  const first = b[0] ?? 0;
  const second = b[1] ?? 0;
  if (first === 0xff) return 'multicast';
  if (first === 0xfe && (second & 0xc0) === 0x80) return 'link-local'; // fe80::/10
  if (first === 0xfe && (second & 0xc0) === 0xc0) return 'private'; // fec0::/10, deprecated site-local
  if ((first & 0xfe) === 0xfc) return 'private'; // fc00::/7 unique local
  if ((first & 0xe0) !== 0x20) return 'reserved'; // outside 2000::/3, the only global unicast space
  return 'public';
}

/** Classifies a textual IP address; null if the text is not a canonical IPv4/IPv6 literal. */
export function classifyAddress(text: string): AddressClass | null {
  const v4 = parseIPv4(text);
  if (v4) return classifyIPv4(v4);
  const v6 = parseIPv6(text);
  if (v6) return classifyIPv6(v6);
  return null;
}

export function isIPLiteral(text: string): boolean {
  return parseIPv4(text) !== null || parseIPv6(text) !== null;
}
