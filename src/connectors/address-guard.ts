import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

// The SSRF guard for outgoing webhooks: a receiver's name must resolve only to public addresses, so an
// endpoint cannot be pointed at this installation, its network or a cloud metadata service.

const FORBIDDEN = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, with the metadata services at 169.254.169.254
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['192.0.2.0', 24], // documentation ranges: never a real receiver
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 96], // unspecified, loopback and the deprecated IPv4-compatible form (::127.0.0.1)
  ['::ffff:0:0:0', 96], // IPv4-translated (SIIT)
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard-only
  ['2001::', 32], // Teredo: the IPv4 inside is obfuscated
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local, with AWS's metadata at fd00:ec2::254
  ['fe80::', 10],
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8],
] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv6');
}

const METADATA_NAMES = new Set(['metadata', 'metadata.google.internal', 'metadata.goog', 'instance-data', 'instance-data.ec2.internal']);

/** Whether an address is loopback, private, link-local, metadata or otherwise not the public internet: `isForbiddenAddress('169.254.169.254')` → true. */
export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return FORBIDDEN.check(address, 'ipv4');
  if (family !== 6) return true;
  // An IPv4 address carried inside IPv6 (mapped ::ffff:10.0.0.1, NAT64's 64:ff9b::a00:1, 6to4's
  // 2002:a00:1::) reaches that IPv4 address, so it is judged as one, however it is written.
  const words = ipv6Words(address);
  if (!words) return true;
  const ipv4 = (high: number, low: number) => `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
  const zeros = (from: number, to: number) => words.slice(from, to).every((word) => word === 0);
  if (zeros(0, 5) && words[5] === 0xffff) return FORBIDDEN.check(ipv4(words[6], words[7]), 'ipv4');
  if (words[0] === 0x64 && words[1] === 0xff9b && zeros(2, 6)) return FORBIDDEN.check(ipv4(words[6], words[7]), 'ipv4');
  if (words[0] === 0x2002) return FORBIDDEN.check(ipv4(words[1], words[2]), 'ipv4');
  return FORBIDDEN.check(address, 'ipv6');
}

/** The eight 16-bit words of an IPv6 address in any of its text forms (`::`, a trailing dotted quad), or null. */
function ipv6Words(address: string): number[] | null {
  let text = address.toLowerCase().replace(/%.*$/, '');
  const quad = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (quad) {
    const [a, b, c, d] = quad.slice(1).map(Number);
    text = `${text.slice(0, quad.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((word) => parseInt(word, 16)));
  const head = parse(halves[0]);
  const tail = halves.length === 2 ? parse(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const words = [...head, ...Array(halves.length === 2 ? missing : 0).fill(0), ...tail];
  return words.every((word) => Number.isInteger(word) && word >= 0 && word <= 0xffff) ? words : null;
}

export class RefusedAddress extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RefusedAddress';
  }
}

/** Resolves a host name and refuses it when any of its addresses is forbidden; answers the addresses. */
export async function checkHost(hostname: string): Promise<string[]> {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase().replace(/\.$/, '');
  if (METADATA_NAMES.has(host) || host === 'localhost' || host.endsWith('.localhost')) throw new RefusedAddress(`${hostname} is not a public host`);
  if (isIP(host)) {
    if (isForbiddenAddress(host)) throw new RefusedAddress(`${hostname} is not a public address`);
    return [host];
  }
  let addresses: Array<{ address: string }>;
  try {
    addresses = await lookup(host, { all: true, verbatim: true });
  } catch {
    throw new RefusedAddress(`${hostname} does not resolve`);
  }
  const forbidden = addresses.find((entry) => isForbiddenAddress(entry.address));
  if (forbidden) throw new RefusedAddress(`${hostname} resolves to ${forbidden.address}, which is not a public address`);
  return addresses.map((entry) => entry.address);
}
