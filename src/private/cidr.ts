/**
 * CIDR arithmetic for IPv4 and IPv6: parsing, canonical form, range tests and merging.
 *
 * Pure functions over bigints; no dependency on CDK, so the same code serves validation, the NACL
 * rule planner and the policy-size planner.
 */

/** A parsed CIDR block. `start` is the network address, `end` the last address (inclusive). */
export interface Cidr {
  readonly version: 4 | 6;
  readonly start: bigint;
  readonly end: bigint;
  readonly prefix: number;
}

const BITS = { 4: 32, 6: 128 } as const;

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  if (!/^[0-9a-fA-F:]+$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const group = (s: string) => (s === '' ? [] : s.split(':'));
  const head = group(halves[0]);
  const tail = halves.length === 2 ? group(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...Array(halves.length === 2 ? missing : 0).fill('0'), ...tail];
  let value = 0n;
  for (const g of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    value = (value << 16n) | BigInt(parseInt(g, 16));
  }
  return value;
}

/** Why a string is not a CIDR block, or undefined when it is one. */
export function cidrProblem(text: string): string | undefined {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(text);
  if (!m) return 'is not in CIDR notation (address/prefix, e.g. 203.0.113.0/24 or 2001:db8::/32)';
  const version = m[1].includes(':') ? 6 : 4;
  const address = version === 4 ? parseIpv4(m[1]) : parseIpv6(m[1]);
  if (address === undefined) return `has an invalid IPv${version} address "${m[1]}"`;
  const prefix = Number(m[2]);
  const bits = BITS[version];
  if (prefix > bits) return `has a prefix /${prefix} longer than ${bits} bits`;
  const hostMask = (1n << BigInt(bits - prefix)) - 1n;
  if ((address & hostMask) !== 0n) {
    const network = formatAddress(version, address & ~hostMask);
    return `has host bits set; the network address is ${network}/${prefix}`;
  }
  return undefined;
}

/** Parse a CIDR block; throws when it is malformed (call `cidrProblem` first for a message). */
export function parseCidr(text: string): Cidr {
  const problem = cidrProblem(text);
  if (problem) throw new Error(`"${text}" ${problem}`);
  const [addr, p] = text.split('/');
  const version = addr.includes(':') ? 6 : 4;
  const start = (version === 4 ? parseIpv4(addr) : parseIpv6(addr))!;
  const prefix = Number(p);
  const size = 1n << BigInt(BITS[version] - prefix);
  return { version, start, end: start + size - 1n, prefix };
}

function formatAddress(version: 4 | 6, value: bigint): string {
  if (version === 4) {
    return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 255n)).join('.');
  }
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((value >> BigInt(i * 16)) & 0xffffn));
  // RFC 5952: compress the longest run (length >= 2) of zero groups, the first one on a tie.
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) { bestStart = i; bestLen = j - i; }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** Canonical text of a CIDR block. */
export function formatCidr(cidr: Cidr): string {
  return `${formatAddress(cidr.version, cidr.start)}/${cidr.prefix}`;
}

/** True for 0.0.0.0/0 and ::/0 (and any other spelling of them). */
export function isAnyAddress(text: string): boolean {
  return cidrProblem(text) === undefined && parseCidr(text).prefix === 0;
}

const PRIVATE_RANGES = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7'].map(parseCidr);

/**
 * True when the whole block lies in a private range: RFC 1918, the shared address space of RFC 6598
 * (100.64.0.0/10, which VPCs may use) or IPv6 unique local addresses (fc00::/7).
 */
export function isPrivateCidr(text: string): boolean {
  const c = parseCidr(text);
  return PRIVATE_RANGES.some((r) => r.version === c.version && r.start <= c.start && c.end <= r.end);
}

/**
 * The smallest list of CIDR blocks that covers exactly the union of the given blocks: overlapping and
 * adjacent blocks are merged, nothing outside the union is added. IPv4 blocks come first, each family
 * sorted by address.
 */
export function mergeCidrs(cidrs: string[]): string[] {
  const out: string[] = [];
  for (const version of [4, 6] as const) {
    const ranges = cidrs
      .map(parseCidr)
      .filter((c) => c.version === version)
      .sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    const merged: Array<[bigint, bigint]> = [];
    for (const r of ranges) {
      const last = merged[merged.length - 1];
      if (last && r.start <= last[1] + 1n) {
        if (r.end > last[1]) last[1] = r.end;
      } else {
        merged.push([r.start, r.end]);
      }
    }
    for (const [start, end] of merged) {
      out.push(...rangeToCidrs(version, start, end).map(formatCidr));
    }
  }
  return out;
}

/** Decompose an inclusive address range into the minimal list of aligned CIDR blocks. */
function rangeToCidrs(version: 4 | 6, start: bigint, end: bigint): Cidr[] {
  const bits = BITS[version];
  const result: Cidr[] = [];
  let cur = start;
  while (cur <= end) {
    // Largest block aligned at `cur` that does not run past `end`.
    let size = 1n;
    let prefix = bits;
    while (prefix > 0) {
      const next = size << 1n;
      if (cur % next !== 0n || cur + next - 1n > end) break;
      size = next;
      prefix--;
    }
    result.push({ version, start: cur, end: cur + size - 1n, prefix });
    cur += size;
  }
  return result;
}
