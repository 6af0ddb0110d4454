import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { Agent, buildConnector, type Dispatcher } from 'undici';

/**
 * Harvesting fetches URLs that admins register and that sources link and redirect to. Unless the operator
 * allows private networks (HARVEST_ALLOW_PRIVATE_NETWORKS, for a node harvesting others on an internal
 * network), it never connects to the server's own network: otherwise a source could make gdcat probe
 * internal services (Elasticsearch, cloud metadata) and read their answers back from the run errors.
 */
const PRIVATE_NETWORKS_SETTING = 'HARVEST_ALLOW_PRIVATE_NETWORKS';

/** How an admin gets a refused source harvested, as every refusal says. */
export const PRIVATE_NETWORKS_ALLOWANCE = `set ${PRIVATE_NETWORKS_SETTING}=true to allow harvesting from private networks`;

export type PrivateAddressKind = 'unspecified' | 'loopback' | 'link-local' | 'private' | 'multicast' | 'reserved';

const RANGES: [PrivateAddressKind, 'ipv4' | 'ipv6', string, number][] = [
  // "This network": Linux connects 0.0.0.0 to the host itself.
  ['unspecified', 'ipv4', '0.0.0.0', 8],
  ['loopback', 'ipv4', '127.0.0.0', 8],
  ['link-local', 'ipv4', '169.254.0.0', 16],
  ['private', 'ipv4', '10.0.0.0', 8],
  ['private', 'ipv4', '172.16.0.0', 12],
  ['private', 'ipv4', '192.168.0.0', 16],
  // Shared address space (carrier-grade NAT), where some clouds put their metadata service.
  ['private', 'ipv4', '100.64.0.0', 10],
  ['multicast', 'ipv4', '224.0.0.0', 4],
  // Reserved for future use, and the limited broadcast address.
  ['reserved', 'ipv4', '240.0.0.0', 4],
  ['unspecified', 'ipv6', '::', 128],
  ['loopback', 'ipv6', '::1', 128],
  ['link-local', 'ipv6', 'fe80::', 10],
  ['private', 'ipv6', 'fc00::', 7],
  ['multicast', 'ipv6', 'ff00::', 8],
  // Local-use NAT64 (RFC 8215): translated by a gateway on the server's own network, with a prefix length of its choosing.
  ['private', 'ipv6', '64:ff9b:1::', 48],
];

/**
 * IPv6 addresses that carry an IPv4 address a gateway or relay connects to: the well-known NAT64 prefix
 * (RFC 6052, the last 32 bits) and 6to4 (RFC 3056, bits 16 to 48). Each is judged by the address it carries.
 */
const EMBEDDING: { prefix: BlockList; at: number }[] = [
  { prefix: subnet('64:ff9b::', 96), at: 12 },
  { prefix: subnet('2002::', 16), at: 2 },
];

function subnet(network: string, prefix: number): BlockList {
  const block = new BlockList();
  block.addSubnet(network, prefix, 'ipv6');
  return block;
}

// A BlockList matches an IPv4 range in its IPv4-mapped IPv6 form too (::ffff:127.0.0.1, ::ffff:7f00:1).
const blocks = new Map<PrivateAddressKind, BlockList>();
for (const [kind, family, network, prefix] of RANGES) {
  if (!blocks.has(kind)) blocks.set(kind, new BlockList());
  blocks.get(kind)!.addSubnet(network, prefix, family);
}

/** Which kind of non-public address `address` (an IP address) is; null for a public one. */
export function privateAddressKind(address: string): PrivateAddressKind | null {
  const family = isIP(address);
  if (family === 0) return null;
  for (const [kind, block] of blocks) if (block.check(address, family === 4 ? 'ipv4' : 'ipv6')) return kind;
  if (family === 6) {
    for (const { prefix, at } of EMBEDDING) {
      if (prefix.check(address, 'ipv6')) return privateAddressKind(ipv6Bytes(address).slice(at, at + 4).join('.'));
    }
  }
  return null;
}

/** The 16 bytes of an IPv6 address (valid, as isIP says), a trailing dotted IPv4 part included. */
function ipv6Bytes(address: string): number[] {
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(address);
  const hex = dotted ? address.slice(0, dotted.index) + '0:0' : address;
  const [head, tail] = hex.split('::') as [string, string | undefined];
  const groups = (part: string | undefined): number[] => (part ? part.split(':').map((group) => parseInt(group, 16)) : []);
  const before = groups(head);
  const after = groups(tail);
  const words = tail === undefined ? before : [...before, ...Array<number>(8 - before.length - after.length).fill(0), ...after];
  const bytes = words.flatMap((word) => [word >> 8, word & 0xff]);
  if (dotted) bytes.splice(12, 4, ...dotted.slice(1).map(Number));
  return bytes;
}

/**
 * What a URL's host says by itself: the kind of a literal non-public address, or loopback for `localhost`
 * (RFC 6761). Other names are judged by what they resolve to when harvesting connects.
 */
export function privateHostKind(url: string): PrivateAddressKind | null {
  // URL gives the host lower-cased, with any spelling of an IPv4 address (2130706433, 0x7f.1) normalised.
  const host = URL.parse(url)?.hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  if (!host) return null;
  if (host === 'localhost' || host.endsWith('.localhost')) return 'loopback';
  return privateAddressKind(host);
}

/** A connection harvesting refused because the host is (or resolves to) a non-public address. */
export class PrivateAddressRefused extends Error {
  constructor(readonly kind: PrivateAddressKind) {
    super(`resolves to a ${kind} address`);
  }
}

/** What a run error says about a refused connection: the kind of address, never what (if anything) listens there. */
export function refusalMessage(subject: string, kind: PrivateAddressKind): string {
  return `${subject} resolves to a ${kind} address; ${PRIVATE_NETWORKS_ALLOWANCE}`;
}

/**
 * Resolves as the system does and refuses when any address is not public. It runs for the connection
 * itself, so the address checked is the address connected to: a name cannot resolve to a public address
 * for a check and to an internal one for the connection (DNS rebinding).
 */
const publicOnlyLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0);
    const refused = addresses.map((entry) => privateAddressKind(entry.address)).find((kind) => kind !== null);
    if (refused) return callback(new PrivateAddressRefused(refused), '', 0);
    if (options.all) return callback(null, addresses);
    callback(null, addresses[0]!.address, addresses[0]!.family);
  });
};

const connectResolved = buildConnector({ lookup: publicOnlyLookup });

/**
 * Connects only to public addresses. A literal address is never looked up, so it is checked here, as
 * every redirect hop and every linked document is: each connection goes through this dispatcher.
 */
export const publicNetworksOnly: Dispatcher = new Agent({
  connect: (options, callback) => {
    const kind = privateAddressKind(options.hostname);
    if (kind) callback(new PrivateAddressRefused(kind), null);
    else connectResolved(options, callback);
  },
});
