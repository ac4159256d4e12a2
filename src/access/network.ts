/**
 * The network layers of the access model: security groups (stateful) and network ACLs (stateless), judged
 * for whole address and port ranges at once. Pure: no CDK.
 *
 * Facts (Amazon VPC User Guide, "Control subnet traffic with network access control lists", "Ephemeral
 * ports", https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html):
 * - a network ACL evaluates its rules in rule-number order, the first match decides, and a packet that
 *   matches none is denied; inbound rules match the source address, outbound rules the destination address,
 *   and the port range is the destination port;
 * - it is stateless: the reply of a connection is judged again, by the other direction's rules, on the
 *   client's ephemeral port. AWS Lambda functions and NAT gateways use ports 1024-65535;
 * - a subnet has exactly one ACL; traffic inside one subnet does not cross it, traffic between two subnets
 *   crosses both subnets' ACLs, both ways, even when the two subnets carry the same ACL;
 * - a VPC's default ACL allows everything (rule 100, both directions).
 */
import { mergeCidrs, parseCidr } from '../private/cidr';
import { Str, Tri, strEquals } from '../private/policy/values';

/** The ephemeral ports of Lambda functions and NAT gateways (Amazon VPC User Guide, "Ephemeral ports"). */
export { EPHEMERAL_PORTS as EPHEMERAL, CONNECTION_PORT as DSQL_PORT } from '../private/facts/ports';

export interface AclEntry {
  readonly ruleNumber: number;
  readonly egress: boolean;
  /** IANA protocol number; -1 for all. */
  readonly protocol: number;
  readonly allow: boolean;
  /** IPv4 or IPv6 block; undefined when it is not known at synth. */
  readonly cidr?: string;
  readonly from?: number;
  readonly to?: number;
  /** Where the entry comes from. */
  readonly path?: string;
}

export interface Acl {
  readonly key: string;
  readonly path: string;
  readonly entries: AclEntry[];
  /** False when the ACL's rules are not all known (an ACL outside the app). */
  readonly known: boolean;
}

/** The default ACL of a VPC: everything allowed, both directions, both families. */
export function defaultAcl(key: string, path: string, extra: AclEntry[] = []): Acl {
  const all = (egress: boolean, ruleNumber: number, cidr: string): AclEntry => ({ ruleNumber, egress, protocol: -1, allow: true, cidr });
  return {
    key,
    path,
    known: true,
    entries: [...extra, all(false, 100, '0.0.0.0/0'), all(true, 100, '0.0.0.0/0'), all(false, 101, '::/0'), all(true, 101, '::/0')],
  };
}

interface Box {
  readonly version: 4 | 6;
  readonly a0: bigint;
  readonly a1: bigint;
  readonly p0: number;
  readonly p1: number;
}

function subtract(b: Box, c: Box): Box[] {
  if (c.a1 < b.a0 || c.a0 > b.a1 || c.p1 < b.p0 || c.p0 > b.p1) return [b];
  const out: Box[] = [];
  if (b.a0 < c.a0) out.push({ ...b, a1: c.a0 - 1n });
  if (b.a1 > c.a1) out.push({ ...b, a0: c.a1 + 1n });
  const a0 = b.a0 > c.a0 ? b.a0 : c.a0;
  const a1 = b.a1 < c.a1 ? b.a1 : c.a1;
  if (b.p0 < c.p0) out.push({ ...b, a0, a1, p1: c.p0 - 1 });
  if (b.p1 > c.p1) out.push({ ...b, a0, a1, p0: c.p1 + 1 });
  return out;
}

function intersectsBox(b: Box, c: Box): boolean {
  return b.version === c.version && !(c.a1 < b.a0 || c.a0 > b.a1 || c.p1 < b.p0 || c.p0 > b.p1);
}

/** The outcome of a NACL check, with the entry that decided a denial when there is one. */
export interface AclOutcome {
  readonly verdict: Tri;
  readonly deniedBy?: string;
}

/**
 * Whether `acl` lets TCP traffic through in one direction, for every address of `peers` (the source of
 * inbound traffic, the destination of outbound traffic) and every destination port in `ports`.
 * `true` when all of it passes, `false` when none of it does, `undefined` when part does or the rules are
 * not known. `peers` undefined: the peer's addresses are not known.
 */
export function aclVerdict(acl: Acl | undefined, egress: boolean, peers: readonly string[] | undefined,
  ports: { from: number; to: number }): AclOutcome {
  if (!acl || !acl.known) return { verdict: undefined };
  const entries = acl.entries.filter((e) => e.egress === egress).sort((x, y) => x.ruleNumber - y.ruleNumber);
  const peerBlocks = peers ?? ['0.0.0.0/0'];
  let remaining: Box[] = mergeCidrs([...peerBlocks]).map((c) => {
    const p = parseCidr(c);
    return { version: p.version, a0: p.start, a1: p.end, p0: ports.from, p1: ports.to };
  });
  let allowed = false;
  let denied = false;
  let deniedBy: string | undefined;
  for (const e of entries) {
    if (remaining.length === 0) break;
    if (e.protocol !== -1 && e.protocol !== 6) continue;
    if (e.cidr === undefined) return { verdict: undefined };
    const c = parseCidr(e.cidr);
    const box: Box = {
      version: c.version,
      a0: c.start,
      a1: c.end,
      p0: e.protocol === -1 ? 0 : e.from ?? 0,
      p1: e.protocol === -1 ? 65535 : e.to ?? 65535,
    };
    const next: Box[] = [];
    for (const r of remaining) {
      if (intersectsBox(r, box)) {
        if (e.allow) {allowed = true;} else {
          denied = true;
          deniedBy ??= `rule ${e.ruleNumber}`;
        }
        next.push(...subtract(r, box));
      } else {
        next.push(r);
      }
    }
    remaining = next;
  }
  if (remaining.length > 0) {
    denied = true;
    deniedBy ??= 'the default rule (*)';
  }
  if (peers === undefined && allowed) return { verdict: denied ? undefined : true };
  if (allowed && denied) return { verdict: undefined };
  return allowed ? { verdict: true } : { verdict: false, deniedBy };
}

export interface SgRule {
  /** `-1`, `tcp`, `6`, `udp`… */
  readonly protocol: string;
  readonly from?: number;
  readonly to?: number;
  /** A literal CIDR block. */
  readonly cidr?: string;
  /** The block is a deploy-time value (a token the model cannot read). */
  readonly cidrUnknown?: boolean;
  /** The peer security group. */
  readonly group?: Str;
  /** A prefix list: its addresses are not known. */
  readonly prefixList?: boolean;
  readonly path?: string;
}

export interface SecurityGroup {
  readonly key: string;
  readonly id: Str;
  readonly path?: string;
  /** Created in the app: all its rules are known. */
  readonly known: boolean;
  readonly ingress: SgRule[];
  readonly egress: SgRule[];
}

/** The peer of a connection, as a security group rule sees it. */
export interface SgPeer {
  /** The peer's addresses; undefined when unknown. */
  readonly cidrs?: string[];
  /** The peer's security groups. */
  readonly groups: Str[];
}

function coversPort(r: SgRule, port: number): Tri {
  const p = r.protocol.toLowerCase();
  if (p === '-1' || p === 'all') return true;
  if (p !== 'tcp' && p !== '6') return false;
  if (r.from === undefined || r.to === undefined) return undefined;
  return r.from <= port && port <= r.to;
}

function cidrCovers(block: string, peers: readonly string[] | undefined): Tri {
  if (peers === undefined) return undefined;
  const b = parseCidr(block);
  let all = true;
  let some = false;
  for (const peer of peers) {
    const p = parseCidr(peer);
    if (p.version !== b.version) {
      all = false;
      continue;
    }
    if (b.start <= p.start && p.end <= b.end) {some = true;} else {
      all = false;
      if (b.start <= p.end && p.start <= b.end) some = true;
    }
  }
  if (all && peers.length > 0) return true;
  return some ? undefined : false;
}

/**
 * Whether any of `groups` admits TCP `port` to or from `peer` (security groups are stateful: the reply
 * needs no rule). Unknown groups (imported) may have rules the app does not see.
 */
export function sgVerdict(groups: readonly (SecurityGroup | undefined)[], egress: boolean, port: number, peer: SgPeer): Tri {
  let result: Tri = false;
  for (const g of groups) {
    if (!g) {
      result = Tri.or(result, undefined);
      continue;
    }
    for (const r of egress ? g.egress : g.ingress) {
      const portOk = coversPort(r, port);
      if (portOk === false) continue;
      let peerOk: Tri;
      if (r.group) peerOk = peer.groups.length === 0 ? undefined : Tri.or(...peer.groups.map((x) => strEquals(r.group!, x)));
      else if (r.prefixList || r.cidrUnknown) peerOk = undefined;
      else if (r.cidr) peerOk = cidrCovers(r.cidr, peer.cidrs);
      else peerOk = undefined;
      result = Tri.or(result, Tri.and(portOk, peerOk));
      if (result === true) return true;
    }
    if (!g.known) result = Tri.or(result, undefined);
  }
  return result;
}

const PRIVATE_V4 = ['10.0.0.0/8', '100.64.0.0/10', '172.16.0.0/12', '192.168.0.0/16'];

/**
 * The public IPv4 space (everything but the private and shared ranges): where the public endpoint of a
 * cluster is, without knowing which address.
 */
export const PUBLIC_V4: string[] = complementV4(PRIVATE_V4);

function complementV4(blocks: string[]): string[] {
  const ranges = mergeCidrs(blocks).map(parseCidr).filter((c) => c.version === 4);
  const out: string[] = [];
  let cur = 0n;
  const emit = (start: bigint, end: bigint) => {
    let s = start;
    while (s <= end) {
      let size = 1n;
      let prefix = 32;
      while (prefix > 0) {
        const next = size << 1n;
        if (s % next !== 0n || s + next - 1n > end) break;
        size = next;
        prefix--;
      }
      out.push(`${[24n, 16n, 8n, 0n].map((sh) => String((s >> sh) & 255n)).join('.')}/${prefix}`);
      s += size;
    }
  };
  for (const r of ranges) {
    if (r.start > cur) emit(cur, r.start - 1n);
    cur = r.end + 1n;
  }
  if (cur <= 0xffffffffn) emit(cur, 0xffffffffn);
  return out;
}
