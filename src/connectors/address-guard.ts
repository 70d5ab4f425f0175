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
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  FORBIDDEN.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7], // unique local, with AWS's metadata at fd00:ec2::254
  ['fe80::', 10],
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
  const lower = address.toLowerCase();
  // An IPv4 address written as IPv6 (::ffff:10.0.0.1, or NAT64's 64:ff9b::a00:1) is judged as IPv4.
  const mapped = /^(?:::ffff:|64:ff9b::)(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (mapped) return FORBIDDEN.check(mapped[1], 'ipv4');
  const hexMapped = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hexMapped) {
    const high = parseInt(hexMapped[1], 16);
    const low = parseInt(hexMapped[2], 16);
    return FORBIDDEN.check(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`, 'ipv4');
  }
  return FORBIDDEN.check(address, 'ipv6');
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
